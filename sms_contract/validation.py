"""Compiled validators of the contract: requests with the provider's field-keyed Persian errors, and answers.

A compiled validator (jsonschema-rs) answers the common case, a valid body, in one call; only an
invalid body pays for walking the errors and wording them. Each operation's validators are
compiled once per process and shared by whoever asks (the mock, the checks, the tests).
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any

import jsonschema_rs

from . import texts
from .rules import is_blank
from .spec import Operation

FieldErrors = dict[str, list[str]]


def _walk(schema: dict[str, Any], schema_path: list[str | int]) -> dict[str, Any]:
    node: Any = schema
    for part in schema_path:
        node = node[part]
    return node if isinstance(node, dict) else {}


def _label(node: dict[str, Any], path: list[str | int]) -> str:
    last = path[-1] if path else "body"
    label = node.get("x-fa-label")
    if label is None:
        return str(last)
    if isinstance(last, int):
        return f"{label} {texts.persian_number(last + 1)}"
    return str(label)


def dotted(path: list[str | int]) -> str:
    return ".".join(str(part) for part in path) or "body"


class RequestValidator:
    """Validates a parsed JSON body against one request schema (one branch of a oneOf body)."""

    def __init__(self, schema: dict[str, Any]) -> None:
        self.schema = schema
        self._validator = jsonschema_rs.validator_for(schema)
        self._order = {name: i for i, name in enumerate(schema.get("properties", {}))}
        # The compiled validator's own method: no Python frame on the hot path.
        self.is_valid: Callable[[Any], bool] = self._validator.is_valid

    def branch(self, body: Any) -> RequestValidator | None:
        """The validator that judges `body`: this one (see DiscriminatedValidator for a oneOf body)."""
        return self

    def errors(self, body: Any) -> FieldErrors:
        """{} for a valid body (one compiled call), else every failing field with its messages."""
        return {} if self.is_valid(body) else self.field_errors(body)

    def _sort_key(self, path: list[str | int]) -> tuple[Any, ...]:
        head = self._order.get(str(path[0]), len(self._order)) if path else -1
        return (head, *((0, p, "") if isinstance(p, int) else (1, 0, p) for p in path[1:]))

    def field_errors(self, body: Any) -> FieldErrors:
        """Every failing field (dotted path) with its messages, in the schema's field order."""
        found: dict[str, tuple[tuple[Any, ...], list[str]]] = {}

        def add(path: list[str | int], message: str) -> None:
            key = dotted(path)
            _, texts = found.setdefault(key, (self._sort_key(path), []))
            if message not in texts:
                texts.append(message)

        for error in self._validator.iter_errors(body):
            path: list[str | int] = list(error.instance_path)
            schema_path: list[str | int] = list(error.schema_path)
            keyword = str(schema_path[-1])
            node = _walk(self.schema, schema_path[:-1])
            kind = error.kind
            if isinstance(kind, jsonschema_rs.ValidationErrorKind.Required):
                name = str(kind.property)
                child = node.get("properties", {}).get(name, {})
                add([*path, name], texts.required(_label(child, [*path, name])))
            elif isinstance(kind, jsonschema_rs.ValidationErrorKind.AdditionalProperties):
                for name in kind.unexpected:
                    add([*path, name], texts.schema_message(keyword, name, node, name=name))
            elif (
                keyword in ("minLength", "pattern")
                and isinstance(error.instance, str)
                and is_blank(error.instance)
                and node.get("minLength", 0) >= 1
            ):
                # As the provider's framework does, an empty or blank string counts as a missing field.
                add(path, texts.required(_label(node, path)))
            else:
                add(path, texts.schema_message(keyword, _label(node, path), node))
        return {key: texts for key, (_, texts) in sorted(found.items(), key=lambda item: item[1][0])}


class DiscriminatedValidator:
    """A body that is one of several schemas told apart by a discriminator property (`sending_type`).

    The branch is chosen by the property first and the body is validated against that branch
    alone: a oneOf validated as a whole fails at its root with no field to name, and costs every
    branch on the hot path. A missing or unknown tag is an error on the property itself.
    """

    def __init__(self, schema: dict[str, Any]) -> None:
        self.schema = schema
        self.property = str(schema["discriminator"]["propertyName"])
        self.branches: dict[str, RequestValidator] = {}
        for member in schema["oneOf"]:
            tag = member.get("properties", {}).get(self.property, {}).get("const")
            if not isinstance(tag, str):
                raise ValueError(f"every oneOf member needs a string const {self.property!r} to be told apart")
            self.branches[tag] = RequestValidator(member)
        first = next(iter(self.branches.values())).schema["properties"][self.property]
        self._label = str(first.get("x-fa-label", self.property))

    def branch(self, body: Any) -> RequestValidator | None:
        tag = body.get(self.property) if isinstance(body, dict) else None
        return self.branches.get(tag) if isinstance(tag, str) else None

    def is_valid(self, body: Any) -> bool:
        branch = self.branch(body)
        return branch is not None and branch.is_valid(body)

    def errors(self, body: Any) -> FieldErrors:
        branch = self.branch(body)
        if branch is not None:
            return branch.errors(body)
        if not isinstance(body, dict) or self.property not in body:
            return {self.property: [texts.required(self._label)]}
        return {self.property: [texts.schema_message("enum", self._label, {})]}


BodyValidator = RequestValidator | DiscriminatedValidator


class ResponseValidator:
    """The documented answers of one operation: a compiled validator per status."""

    def __init__(self, operation: Operation) -> None:
        self.operation = operation
        self._by_status = {
            status: jsonschema_rs.validator_for(response.schema)
            for status, response in operation.responses.items()
            if response.schema is not None
        }

    def documents(self, status: int) -> bool:
        return status in self._by_status

    def problems(self, status: int, payload: Any) -> list[str]:
        """What in `payload` breaks the schema of a `status` answer (`path: message` each); [] when it keeps it.

        KeyError when the status is not documented: ask `documents(status)` first.
        """
        return [
            f"{'/'.join(map(str, error.instance_path)) or '(root)'}: {error.message}"
            for error in self._by_status[status].iter_errors(payload)
        ]


def body_validator(schema: dict[str, Any]) -> BodyValidator:
    """The validator of a resolved request schema: by branch when it is a discriminated oneOf."""
    if "oneOf" in schema and "discriminator" in schema:
        return DiscriminatedValidator(schema)
    return RequestValidator(schema)


@functools.cache
def request_validator(operation: Operation) -> BodyValidator | None:
    """The operation's request validator, compiled on first use; None when it takes no JSON body."""
    return body_validator(operation.request_schema) if operation.request_schema is not None else None


@functools.cache
def response_validator(operation: Operation) -> ResponseValidator:
    """The operation's answer validators, compiled on first use."""
    return ResponseValidator(operation)
