"""The OpenAPI contract loaded once: its operations, responses, examples and schemas with every `$ref` resolved.

Everything the mock and the checks know about the API (routes, request schemas, response schemas,
named examples, the auth header, Persian field labels) is read here from `openapi/sms-api.yaml`.
"""

from __future__ import annotations

import hashlib
import importlib.util
import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

_PACKAGE_DIR = Path(__file__).resolve().parent
# In a wheel the spec is packaged inside this package; in a checkout it is the repo's openapi/.
_CANDIDATES = (_PACKAGE_DIR / "openapi" / "sms-api.yaml", _PACKAGE_DIR.parent / "openapi" / "sms-api.yaml")

HTTP_METHODS = ("get", "put", "post", "delete", "options", "head", "patch", "trace")


class SpecError(Exception):
    """The spec cannot be read, does not parse, or is not a valid OpenAPI 3.1 document."""


def default_spec_path() -> Path:
    for candidate in _CANDIDATES:
        if candidate.is_file():
            return candidate
    raise SpecError(f"no spec found; looked in {', '.join(str(c) for c in _CANDIDATES)}")


def resolve_refs(node: Any, document: dict[str, Any], _seen: tuple[str, ...] = ()) -> Any:
    """Inline every local `$ref`; keywords beside a `$ref` (description, x-fa-label) win over the target's."""
    if isinstance(node, list):
        return [resolve_refs(item, document, _seen) for item in node]
    if not isinstance(node, dict):
        return node
    ref = node.get("$ref")
    if isinstance(ref, str):
        if ref in _seen:
            raise SpecError(f"recursive $ref {ref} is not supported")
        if not ref.startswith("#/"):
            raise SpecError(f"only local $refs are supported, not {ref}")
        target: Any = document
        for part in ref[2:].split("/"):
            part = part.replace("~1", "/").replace("~0", "~")
            if not isinstance(target, dict) or part not in target:
                raise SpecError(f"$ref {ref} points at nothing")
            target = target[part]
        merged = {**resolve_refs(target, document, (*_seen, ref)), **{k: v for k, v in node.items() if k != "$ref"}}
        return {k: resolve_refs(v, document, _seen) for k, v in merged.items()}
    return {k: resolve_refs(v, document, _seen) for k, v in node.items()}


def without_extensions(node: Any) -> Any:
    """A copy without `x-` keywords, for tools that read only standard JSON Schema (hypothesis-jsonschema)."""
    if isinstance(node, dict):
        return {k: without_extensions(v) for k, v in node.items() if not k.startswith("x-")}
    if isinstance(node, list):
        return [without_extensions(v) for v in node]
    return node


@dataclass(frozen=True)
class ResponseSpec:
    """One documented response of an operation, with its refs resolved."""

    status: int
    description: str
    schema: dict[str, Any] | None
    examples: dict[str, Any]
    headers: dict[str, dict[str, Any]]


@dataclass(frozen=True, eq=False)  # hashed by identity: compiled validators are cached per operation
class Operation:
    """One operation of the spec: where it lives, what it accepts, what it may answer."""

    path: str
    method: str
    operation_id: str
    request_schema: dict[str, Any] | None
    request_media_type: str | None
    request_examples: dict[str, Any]
    responses: dict[int, ResponseSpec]
    auth_header: str | None

    def response(self, status: int) -> ResponseSpec:
        return self.responses[status]

    def example(self, name: str) -> tuple[int, Any] | None:
        """The status and body of the response example called `name`, if any response has one."""
        for status, response in sorted(self.responses.items()):
            if name in response.examples:
                return status, response.examples[name]
        return None


@dataclass(frozen=True)
class Contract:
    """The parsed spec, its fingerprint and its operations."""

    path: Path
    document: dict[str, Any]
    fingerprint: str
    operations: tuple[Operation, ...] = field(default=())

    def operation(self, operation_id: str) -> Operation:
        for op in self.operations:
            if op.operation_id == operation_id:
                return op
        raise KeyError(operation_id)

    def schema(self, name: str) -> dict[str, Any]:
        """A component schema with its refs resolved."""
        resolved: dict[str, Any] = resolve_refs(self.document["components"]["schemas"][name], self.document)
        return resolved


def _examples(media: dict[str, Any]) -> dict[str, Any]:
    return {name: example["value"] for name, example in (media.get("examples") or {}).items() if "value" in example}


def _auth_header(document: dict[str, Any], security: list[dict[str, Any]] | None) -> str | None:
    schemes = document.get("components", {}).get("securitySchemes", {})
    for requirement in security or []:
        for scheme_name in requirement:
            scheme = schemes.get(scheme_name, {})
            if scheme.get("type") == "apiKey" and scheme.get("in") == "header":
                return str(scheme["name"])
    return None


def _operations(document: dict[str, Any]) -> tuple[Operation, ...]:
    operations = []
    for path, item in (document.get("paths") or {}).items():
        for method in HTTP_METHODS:
            raw = item.get(method)
            if raw is None:
                continue
            op = resolve_refs(raw, document)
            body: dict[str, Any] = op.get("requestBody", {}).get("content", {})
            media_type: str | None = next(iter(body), None)
            media: dict[str, Any] = body[media_type] if media_type else {}
            responses = {}
            for status, response in op.get("responses", {}).items():
                content = response.get("content", {}).get("application/json", {})
                responses[int(status)] = ResponseSpec(
                    status=int(status),
                    description=response.get("description", ""),
                    schema=content.get("schema"),
                    examples=_examples(content),
                    headers=response.get("headers", {}),
                )
            operations.append(
                Operation(
                    path=path,
                    method=method,
                    operation_id=op.get("operationId", f"{method}_{path}"),
                    request_schema=media.get("schema"),
                    request_media_type=media_type,
                    request_examples=_examples(media),
                    responses=responses,
                    auth_header=_auth_header(document, op.get("security", document.get("security"))),
                )
            )
    return tuple(operations)


def _oas31_validator() -> Any:
    """A compiled validator for the OpenAPI 3.1 meta-schema shipped with openapi-spec-validator.

    The file is located without importing that package: its import alone takes half a second,
    and the mock must be ready well under a second.
    """
    import jsonschema_rs

    found = importlib.util.find_spec("openapi_spec_validator")
    locations = list(found.submodule_search_locations or []) if found else []
    if not locations:
        raise SpecError("openapi-spec-validator is not installed; install the [mock] extra")
    meta = json.loads((Path(locations[0]) / "resources" / "schemas" / "v3.1" / "schema.json").read_text("utf-8"))
    return jsonschema_rs.validator_for(meta)


def validate_document(document: dict[str, Any], source: str) -> None:
    """Raise SpecError unless the document is a valid OpenAPI 3.1 description with compilable schemas."""
    import jsonschema_rs

    if not str(document.get("openapi", "")).startswith("3.1"):
        raise SpecError(f"{source}: expected an OpenAPI 3.1 document, found openapi: {document.get('openapi')!r}")
    problems = [
        f"{'/'.join(str(p) for p in error.instance_path) or '(root)'}: {error.message}"
        for error in _oas31_validator().iter_errors(document)
    ]
    if problems:
        raise SpecError(f"{source}: not a valid OpenAPI 3.1 document:\n  " + "\n  ".join(problems[:10]))
    for name, schema in (document.get("components", {}).get("schemas") or {}).items():
        try:
            jsonschema_rs.validator_for(resolve_refs(schema, document))
        except (ValueError, jsonschema_rs.ValidationError) as exc:
            raise SpecError(f"{source}: schema {name} does not compile: {exc}") from None


def load_contract(path: Path | str | None = None, *, validate: bool = True) -> Contract:
    """Read, parse and (by default) validate the spec; raise SpecError with a readable reason otherwise."""
    spec_path = Path(path) if path is not None else default_spec_path()
    try:
        raw = spec_path.read_bytes()
    except OSError as exc:
        raise SpecError(f"cannot read the spec {spec_path}: {exc.strerror}") from None
    try:
        document = yaml.load(raw, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))  # noqa: S506 - a safe loader
    except yaml.YAMLError as exc:
        raise SpecError(f"{spec_path}: not valid YAML: {exc}") from None
    if not isinstance(document, dict):
        raise SpecError(f"{spec_path}: the spec must be a mapping, not {type(document).__name__}")
    if validate:
        validate_document(document, str(spec_path))
    try:
        operations = _operations(document)
    except (KeyError, TypeError, ValueError, AttributeError) as exc:
        raise SpecError(f"{spec_path}: cannot read its operations: {exc!r}") from None
    return Contract(spec_path, document, hashlib.sha256(raw).hexdigest(), operations)
