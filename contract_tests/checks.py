"""The contract's own checks of one exchange, shared by the suites: each failure names who disagrees.

Three parties must agree: the spec (openapi/sms-api.yaml), the generated client (sms_api) and the
server (the mock, or a provider). A `Disagreement` says which two disagree and about what, so a
failure reads "spec vs server: ..." rather than a bare assertion.
"""

from __future__ import annotations

from typing import Any

import orjson

from sms_client import ResponseLike
from sms_contract.envelope import envelope_problem
from sms_contract.spec import Contract
from sms_contract.validation import response_validator

SEND = "send"


class Disagreement(AssertionError):
    """Two parties of the contract disagree; the message starts with their names."""

    def __init__(self, parties: str, detail: str) -> None:
        self.parties = parties
        super().__init__(f"{parties}: {detail}")


class ResponseChecker:
    """Validates answers against the spec: status documented, JSON, body matching that status's schema."""

    def __init__(self, contract: Contract, operation_id: str = SEND) -> None:
        self.operation = contract.operation(operation_id)
        self._validator = response_validator(self.operation)

    def body(self, exchange: ResponseLike) -> Any:
        """The parsed body of a documented answer; Disagreement (spec vs server) otherwise."""
        status = int(exchange.status_code)
        if not self._validator.documents(status):
            raise Disagreement("spec vs server", f"status {status} is not documented: {exchange.content[:300]!r}")
        content_type = exchange.headers.get("content-type", "")
        if not content_type.startswith("application/json"):
            raise Disagreement("spec vs server", f"{status} answered with content type {content_type!r}")
        try:
            payload = orjson.loads(exchange.content)
        except orjson.JSONDecodeError:
            raise Disagreement("spec vs server", f"{status} body is not JSON: {exchange.content[:300]!r}") from None
        problems = self._validator.problems(status, payload)
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


def expect_refused_on(payload: Any, status: int, field: str, allowed: frozenset[int] = frozenset({422})) -> None:
    """An invalid body was refused with the failing field named (server vs spec otherwise)."""
    if status not in allowed:
        raise Disagreement(
            "server vs spec", f"a body invalid at {field!r} was answered {status}, not {sorted(allowed)}"
        )
    errors = payload["meta"]["errors"]
    if not any(key == field or key.startswith(f"{field}.") for key in errors):
        raise Disagreement("server vs spec", f"the refusal does not name {field!r}: errors {errors}")


def expect_one_id_per_message(body: dict[str, Any], payload: Any) -> None:
    """A 200 gives one outbox id per send (webservice, pattern, votp), or one per item (peer_to_peer)."""
    items = body.get("params") if body.get("sending_type") == "peer_to_peer" else None
    wanted = len(items) if isinstance(items, list) else 1
    ids = payload["data"]["message_outbox_ids"]
    if len(ids) != wanted:
        raise Disagreement("server vs spec", f"{len(ids)} outbox ids for a send that makes {wanted} message(s): {ids}")
    if len(set(ids)) != len(ids):
        raise Disagreement("server vs spec", f"outbox ids repeat within one answer: {ids}")
