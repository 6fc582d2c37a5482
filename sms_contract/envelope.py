"""The provider's `{data, meta}` envelope: how one is built, and its rules that no schema can say.

Builders give plain dicts (the mock serialises them); `envelope_problem` is what every check of an
answer applies on top of the response schema, so the mock's self-check and the contract suite judge
answers by the same rules.
"""

from __future__ import annotations

from typing import Any

from . import texts

FieldErrors = dict[str, list[str]]


def success(outbox_ids: list[int]) -> dict[str, Any]:
    return {
        "data": {"message_outbox_ids": outbox_ids},
        "meta": {"status": True, "message": texts.DONE, "message_parameters": [], "message_code": texts.CODE_SUCCESS},
    }


def error(message: str, code: str, errors: FieldErrors | None = None) -> dict[str, Any]:
    return {
        "data": None,
        "meta": {
            "status": False,
            "message": message,
            "message_parameters": [],
            "message_code": code,
            "errors": errors or {},
        },
    }


def summary(errors: FieldErrors) -> str:
    """`meta.message` of a 422: the first field's first message, then how many more there are (as Laravel writes it)."""
    first = next(iter(errors.values()))[0]
    return texts.with_more_errors(first, sum(len(messages) for messages in errors.values()) - 1)


def field_error(errors: FieldErrors, code: str = texts.CODE_VALIDATION) -> dict[str, Any]:
    """An error envelope of field errors; `meta.message` sums them up as the provider does (summary)."""
    return error(summary(errors), code, errors)


def envelope_problem(status: int, payload: Any) -> str | None:
    """What breaks the envelope's rules beyond its schema: `meta.status` is true exactly on 200, and a
    422 names its fields with `meta.message` their summary (the first message, then the count of the rest)."""
    meta = payload.get("meta") if isinstance(payload, dict) else None
    if not isinstance(meta, dict):
        return None  # the schema check reports a missing meta
    if (status == 200) != (meta.get("status") is True):
        return f"HTTP {status} with meta.status {meta.get('status')!r}"
    errors = meta.get("errors")
    if status == 422:
        if not isinstance(errors, dict) or not errors:
            return "a 422 without field errors"
        if all(isinstance(v, list) and v for v in errors.values()) and meta.get("message") != summary(errors):
            return f"meta.message {meta.get('message')!r} is not the summary of the field errors {summary(errors)!r}"
    return None
