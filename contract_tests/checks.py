"""The contract's own checks of one exchange, shared by the suites: each failure names who disagrees.

Three parties must agree: the spec (openapi/sms-api.yaml), the generated client (sms_api) and the
server (the mock, or a provider). A `Disagreement` says which two disagree and about what, so a
failure reads "spec vs server: ..." rather than a bare assertion.
"""

from __future__ import annotations

from typing import Any

import jsonschema_rs

from sms_client import ResponseLike
from sms_mock.spec import Contract, Operation

SEND = "send_webservice"


class Disagreement(AssertionError):
    """Two parties of the contract disagree; the message starts with their names."""

    def __init__(self, parties: str, detail: str) -> None:
        self.parties = parties
        super().__init__(f"{parties}: {detail}")


class ResponseChecker:
    """Validates answers against the spec: status documented, JSON, body matching that status's schema."""

    def __init__(self, contract: Contract, operation_id: str = SEND) -> None:
        self.operation: Operation = contract.operation(operation_id)
        self._validators = {
            status: jsonschema_rs.validator_for(response.schema)
            for status, response in self.operation.responses.items()
            if response.schema is not None
        }

    def body(self, exchange: ResponseLike) -> Any:
        """The parsed body of a documented answer; Disagreement (spec vs server) otherwise."""
        status = int(exchange.status_code)
        if status not in self._validators:
            raise Disagreement("spec vs server", f"status {status} is not documented: {exchange.content[:300]!r}")
        content_type = exchange.headers.get("content-type", "")
        if not content_type.startswith("application/json"):
            raise Disagreement("spec vs server", f"{status} answered with content type {content_type!r}")
        import orjson

        try:
            payload = orjson.loads(exchange.content)
        except orjson.JSONDecodeError:
            raise Disagreement("spec vs server", f"{status} body is not JSON: {exchange.content[:300]!r}") from None
        problems = [
            f"{'/'.join(map(str, e.instance_path))}: {e.message}" for e in self._validators[status].iter_errors(payload)
        ]
        if problems:
            raise Disagreement("spec vs server", f"{status} body breaks the spec: {problems}")
        return payload

    def envelope(self, exchange: ResponseLike) -> Any:
        """As body(), plus the envelope's rules that no schema can say (see envelope_problem)."""
        payload = self.body(exchange)
        problem = envelope_problem(int(exchange.status_code), payload)
        if problem is not None:
            raise Disagreement("spec vs server", problem)
        return payload


def envelope_problem(status: int, payload: Any) -> str | None:
    """What breaks the envelope's rules beyond its schema: `meta.status` is true exactly on 200, and a
    422 names its fields with `meta.message` the first of their messages (as the provider does)."""
    meta = payload.get("meta") if isinstance(payload, dict) else None
    if not isinstance(meta, dict):
        return None  # the schema check reports a missing meta
    if (status == 200) != (meta.get("status") is True):
        return f"HTTP {status} with meta.status {meta.get('status')!r}"
    errors = meta.get("errors")
    if status == 422:
        if not isinstance(errors, dict) or not errors:
            return "a 422 without field errors"
        first = next(iter(errors.values()))
        if isinstance(first, list) and first and meta.get("message") != first[0]:
            return f"meta.message {meta.get('message')!r} is not the first field error {first[0]!r}"
    return None


def expect_refused_on(payload: Any, status: int, field: str, allowed: frozenset[int] = frozenset({422})) -> None:
    """An invalid body was refused with the failing field named (server vs spec otherwise)."""
    if status not in allowed:
        raise Disagreement(
            "server vs spec", f"a body invalid at {field!r} was answered {status}, not {sorted(allowed)}"
        )
    errors = payload["meta"]["errors"]
    if not any(key == field or key.startswith(f"{field}.") for key in errors):
        raise Disagreement("server vs spec", f"the refusal does not name {field!r}: errors {errors}")
