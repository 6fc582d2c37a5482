"""Handlers of the spec's operations: the shared request pipeline, the send semantics, and example serving.

Every request goes through the same steps, each answering with the provider's envelope when it
fails: injected faults, the token, a `Prefer` header, the content type, the body size, JSON
parsing, schema validation. Then the operation's own rules run (`accept`).
"""

from __future__ import annotations

import functools
import hmac
import logging
from collections.abc import Awaitable, Callable, MutableMapping, Sequence
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

import jsonschema_rs
import orjson

from sms_client import sms_parts

from . import envelopes, messages
from .outbox import UNASSIGNED, OutboxMessage
from .rules import business_errors
from .spec import Operation, SpecError
from .validation import RequestValidator

if TYPE_CHECKING:
    from .app import MockApp

Scope = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[MutableMapping[str, Any]]]
Send = Callable[[MutableMapping[str, Any]], Awaitable[None]]
Headers = Sequence[tuple[bytes, bytes]]
Answer = tuple[int, dict[str, Any] | bytes, Headers]

log = logging.getLogger("sms_mock")


class ContractViolation(Exception):
    """The mock was about to send a response its own spec does not allow (only with check_responses)."""


class _ClientGone(Exception):
    """The client disconnected before its request was read in full: there is nobody to answer."""


class _Rejected(Exception):
    """A request step failed; carries the answer to send."""

    def __init__(self, status: int, body: dict[str, Any] | bytes, headers: Headers = ()) -> None:
        self.answer: Answer = (status, body, headers)


def _error(status: int, message: str, field: str | None = None, code: str = messages.CODE_FAILURE) -> _Rejected:
    return _Rejected(status, envelopes.error(message, code, {field: [message]} if field else None))


class OperationHandler:
    """The request pipeline shared by every operation; subclasses decide what a valid request does."""

    def __init__(self, app: MockApp, operation: Operation) -> None:
        self.app = app
        self.settings = app.settings
        self.operation = operation
        self.validator = RequestValidator(operation.request_schema) if operation.request_schema else None
        self.auth_header = operation.auth_header.lower().encode("latin-1") if operation.auth_header else None
        self._tokens = [token.encode() for token in app.settings.tokens]
        self._unauthenticated = (401, envelopes.error(messages.UNAUTHENTICATED, messages.CODE_FAILURE), ())
        self._warned_bearer = False

    @functools.cached_property
    def _response_checks(self) -> dict[int, Any]:
        """Validators of the documented answers, compiled on first use (only check_responses needs them)."""
        return {
            status: jsonschema_rs.validator_for(response.schema)
            for status, response in self.operation.responses.items()
            if response.schema is not None
        }

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        try:
            status, body, headers = await self._answer(scope, receive)
        except _Rejected as rejected:
            status, body, headers = rejected.answer
        except _ClientGone:
            return
        low, high = self.settings.faults.latency_ms
        if high > 0:
            # The answer is late, not the work: a send is recorded before the delay, as behind a slow
            # network, which is exactly when a client's read timeout cannot tell whether it was sent.
            await self.app.sleep(self.app.random.uniform(low, high) / 1000)
        if self.settings.check_responses:
            self._check_response(status, body)
        await envelopes.send_json(send, status, body, headers)

    async def _answer(self, scope: Scope, receive: Receive) -> Answer:
        authorization = content_type = prefer = content_length = None
        for name, value in scope["headers"]:
            if name == self.auth_header:
                authorization = value
            elif name == b"content-type":
                content_type = value
            elif name == b"content-length":
                content_length = value
            elif name == b"prefer":
                prefer = value
        if self.settings.faults.failure_rate > 0:
            self._inject_failure()
        if self.auth_header is not None and not self._authorized(authorization):
            return self._unauthenticated
        if prefer is not None:
            return self._preferred(prefer.decode("latin-1"))
        if self.validator is None:
            return await self.accept(None)
        self._check_content_type(content_type)
        raw = await self._read_body(receive, content_length)
        try:
            body = orjson.loads(raw)
        except orjson.JSONDecodeError as exc:
            utf8 = "UTF-8" in str(exc)
            raise _error(400, messages.INVALID_UTF8 if utf8 else messages.INVALID_JSON, "body") from None
        if not isinstance(body, dict):
            raise _error(400, messages.NOT_AN_OBJECT, "body")
        return await self.accept(body)

    async def accept(self, body: dict[str, Any] | None) -> Answer:
        raise NotImplementedError

    def _inject_failure(self) -> None:
        faults, rng = self.settings.faults, self.app.random
        if rng.random() < faults.failure_rate:
            status = rng.choice(faults.failure_statuses)
            if status == 503:
                body = envelopes.error(messages.UNAVAILABLE, messages.CODE_UNAVAILABLE)
                raise _Rejected(503, body, [(b"retry-after", str(faults.retry_after_seconds).encode())])
            raise _Rejected(500, envelopes.error(messages.SERVER_ERROR, messages.CODE_SERVER_ERROR))

    def _authorized(self, given: bytes | None) -> bool:
        if not given:
            return False
        # Compare against every token, without stopping at a match, so timing says nothing.
        matched = False
        for token in self._tokens:
            matched |= hmac.compare_digest(given, token)
        if not matched and given[:7].lower() == b"bearer " and not self._warned_bearer:
            self._warned_bearer = True
            log.warning("an Authorization header had a 'Bearer ' prefix: this API takes the raw token (401 sent)")
        return matched

    def _preferred(self, prefer: str) -> Answer:
        """The spec's example chosen by `Prefer: code=<status>` and/or `Prefer: example=<name>`."""
        pairs = (part.partition("=") for part in prefer.replace(";", ",").split(","))
        wanted = {key.strip().lower(): value.strip() for key, sep, value in pairs if sep}
        code, name = wanted.get("code"), wanted.get("example")
        if name is not None:
            found = self.operation.example(name)
            if found is None or (code is not None and str(found[0]) != code):
                raise _error(400, messages.UNKNOWN_PREFER.format(value=prefer), "Prefer")
            status, body = found
        elif code is not None and code.isdigit() and int(code) in self.operation.responses:
            status = int(code)
            examples = self.operation.responses[status].examples
            if not examples:
                raise _error(400, messages.UNKNOWN_PREFER.format(value=prefer), "Prefer")
            body = next(iter(examples.values()))
        else:
            raise _error(400, messages.UNKNOWN_PREFER.format(value=prefer), "Prefer")
        headers: Headers = ()
        if "Retry-After" in self.operation.responses[status].headers:
            headers = [(b"retry-after", str(self.settings.faults.retry_after_seconds).encode())]
        return status, body, headers

    @staticmethod
    def _check_content_type(content_type: bytes | None) -> None:
        if content_type == b"application/json":
            return
        media, _, params = (content_type or b"").partition(b";")
        if media.strip().lower() != b"application/json":
            raise _error(415, messages.UNSUPPORTED_MEDIA_TYPE, "content_type")
        charset = params.strip().lower()
        if charset.startswith(b"charset=") and charset[8:].strip(b'" ') not in (b"utf-8", b"utf8"):
            raise _error(415, messages.UNSUPPORTED_MEDIA_TYPE, "content_type")

    async def _read_body(self, receive: Receive, content_length: bytes | None) -> bytes:
        limit = self.settings.max_body_bytes
        if content_length is not None and content_length.isdigit() and int(content_length) > limit:
            raise _error(413, messages.TOO_LARGE, "body")
        message = await receive()
        if message["type"] == "http.disconnect":
            raise _ClientGone
        body: bytes = message.get("body", b"")
        size = len(body)
        if not message.get("more_body", False) and size <= limit:
            return body
        chunks = [body]
        while size <= limit and message.get("more_body", False):
            message = await receive()
            if message["type"] == "http.disconnect":
                raise _ClientGone
            chunk = message.get("body", b"")
            size += len(chunk)
            chunks.append(chunk)
        if size > limit:
            raise _error(413, messages.TOO_LARGE, "body")
        return b"".join(chunks)

    def _check_response(self, status: int, answer: dict[str, Any] | bytes) -> None:
        body = orjson.loads(answer) if isinstance(answer, bytes) else answer
        check = self._response_checks.get(status)
        if check is None:
            raise ContractViolation(f"status {status} is not documented for {self.operation.operation_id}")
        problems = [e.message for e in check.iter_errors(body)]
        if problems:
            raise ContractViolation(f"{status} body breaks the spec: {problems}")


class SendHandler(OperationHandler):
    """POST /api/send: validation, the provider's rules, the duplicate window, then the outbox."""

    operation_id = "send_webservice"

    def __init__(self, app: MockApp, operation: Operation) -> None:
        super().__init__(app, operation)
        if self.validator is None:
            raise SpecError(f"{operation.operation_id} needs a JSON request body schema")
        self.request_validator: RequestValidator = self.validator

    async def accept(self, body: dict[str, Any] | None) -> Answer:
        if body is None:
            raise _error(400, messages.NOT_AN_OBJECT, "body")
        validator = self.request_validator
        errors = {} if validator.is_valid(body) else validator.field_errors(body)
        now = datetime.now(UTC)
        sender_lines = self.settings.sender_lines
        if "send_time" in body or sender_lines is not None:
            for field, texts in business_errors(body, validator.schema, now, sender_lines).items():
                errors.setdefault(field, texts)
        if errors:
            return 422, envelopes.field_error(errors), ()
        text = body["message"]
        parts = sms_parts(text)
        message = OutboxMessage(
            UNASSIGNED, body["from_number"], body["params"]["recipients"], text, body.get("send_time"),
            now, parts.parts, parts.encoding, parts.characters,
        )  # fmt: skip
        window = self.settings.duplicate_window_seconds
        accepted = self.app.outbox.accept(message, now=self.app.clock(), window=window)
        if isinstance(accepted, int):
            refusal = messages.DUPLICATE.format(seconds=messages.persian_number(round(window)))
            errors = {f"params.recipients.{accepted}": [refusal]}
            return 429, envelopes.error(refusal, messages.CODE_FAILURE, errors), ()
        return 200, envelopes.success_bytes(accepted.id), ()


class ExampleHandler(OperationHandler):
    """Any other operation of the spec: validated like the rest, answered with its first success example."""

    async def accept(self, body: dict[str, Any] | None) -> Answer:
        if body is not None and self.validator is not None and not self.validator.is_valid(body):
            return 422, envelopes.field_error(self.validator.field_errors(body)), ()
        for status, response in sorted(self.operation.responses.items()):
            if 200 <= status < 300 and response.examples:
                return status, next(iter(response.examples.values())), ()
        return 200, {}, ()
