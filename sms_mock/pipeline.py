"""The request pipeline every operation of the spec shares, and the handler that answers from examples.

Every request goes through the same steps, each answering with the provider's envelope when it
fails: injected faults, the token, a `Prefer` header, the content type, the body size, JSON
parsing. Then the operation's own handler decides (`accept`): sms_mock.sending for POST /api/send,
ExampleHandler for any other operation of the spec.
"""

from __future__ import annotations

import asyncio
import contextlib
import hmac
import logging
import random
import re
import time
from collections.abc import Awaitable, Callable, MutableMapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import orjson

from sms_contract import texts
from sms_contract.envelope import envelope_problem, error, field_error
from sms_contract.spec import Operation
from sms_contract.validation import request_validator, response_validator

from . import envelopes
from .feed import Feed
from .settings import MockSettings
from .store import Store

Scope = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[MutableMapping[str, Any]]]
Send = Callable[[MutableMapping[str, Any]], Awaitable[None]]
Headers = Sequence[tuple[bytes, bytes]]
Answer = tuple[int, dict[str, Any] | bytes, Headers]

log = logging.getLogger("sms_mock")


class Stopping:
    """Whether the server began to shut down, and how much longer injected latency may hold answers."""

    def __init__(self, grace: float) -> None:
        self.grace = grace
        self._event: asyncio.Event | None = None

    @property
    def event(self) -> asyncio.Event:
        if self._event is None:  # made in the server's loop, on first use
            self._event = asyncio.Event()
        return self._event

    def is_set(self) -> bool:
        return self._event is not None and self._event.is_set()

    def begin(self) -> None:
        self.event.set()

    async def grace_over(self) -> None:
        await self.event.wait()
        await asyncio.sleep(self.grace)


@dataclass(frozen=True)
class Services:
    """What handlers use, handed to them by whoever composes the mock (create_app, or a test)."""

    settings: MockSettings
    store: Store
    # Wall-clock seconds: the duplicate window and the schedule window are both judged by it, and
    # several processes sharing one store agree on it.
    clock: Callable[[], float] = time.time
    sleep: Callable[[float], Awaitable[None]] = asyncio.sleep
    rng: random.Random = field(default_factory=random.Random)
    stopping: Stopping = field(default_factory=lambda: Stopping(2.0))
    feed: Feed = field(default_factory=Feed)  # what the live inbox page listens to


class ContractViolation(Exception):
    """The mock was about to send a response its own spec does not allow (only with check_responses)."""


class _ClientGone(Exception):
    """The client disconnected before its request was read in full: there is nobody to answer."""


class _Rejected(Exception):
    """A request step failed; carries the answer to send."""

    def __init__(self, status: int, body: dict[str, Any] | bytes, headers: Headers = ()) -> None:
        self.answer: Answer = (status, body, headers)


def _error(status: int, message: str, field: str | None = None, code: str = texts.CODE_FAILURE) -> _Rejected:
    return _Rejected(status, error(message, code, {field: [message]} if field else None))


def bad_request(message: str) -> _Rejected:
    """A 400 about the body as a whole (raise it from `accept`)."""
    return _error(400, message, "body")


def unavailable(retry_after: int, *, close: bool = False) -> _Rejected:
    """A 503 with Retry-After: nothing was done, come back later."""
    headers = [(b"retry-after", str(retry_after).encode())]
    if close:
        headers.append((b"connection", b"close"))
    return _Rejected(503, error(texts.UNAVAILABLE, texts.CODE_UNAVAILABLE), headers)


_PREFERRED_CODE = re.compile(r"[1-5][0-9]{2}", re.ASCII)


class OperationHandler:
    """The request pipeline shared by every operation; subclasses decide what a valid request does."""

    def __init__(self, operation: Operation, services: Services) -> None:
        self.services = services
        self.settings = services.settings
        self.operation = operation
        self.validator = request_validator(operation)
        self.auth_header = operation.auth_header.lower().encode("latin-1") if operation.auth_header else None
        self._tokens = [token.encode() for token in services.settings.tokens]
        self._unauthenticated = (401, error(texts.UNAUTHENTICATED, texts.CODE_FAILURE), ())
        self._warned_bearer = False

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
            try:
                await self._delay(self.services.rng.uniform(low, high) / 1000)
            except asyncio.CancelledError:
                # The server gave up waiting (its own shutdown deadline): the answer is known, so it
                # still goes out; a kept send must never come back as anything but its 200.
                with contextlib.suppress(Exception):
                    await envelopes.send_json(send, status, body, headers)
                raise
        if self.settings.check_responses:
            self._check_response(status, body)
        await envelopes.send_json(send, status, body, headers)

    async def _delay(self, seconds: float) -> None:
        """Wait `seconds`, or less once the server is shutting down (Stopping.grace at most)."""
        stopping = self.services.stopping
        waits = [asyncio.ensure_future(self.services.sleep(seconds)), asyncio.ensure_future(stopping.grace_over())]
        try:
            await asyncio.wait(waits, return_when=asyncio.FIRST_COMPLETED)
        finally:
            for wait in waits:
                wait.cancel()

    async def _answer(self, scope: Scope, receive: Receive) -> Answer:
        headers = dict(scope["headers"])  # one pass in C; names arrive lower-cased
        early = self._screen(headers)
        if early is not None:
            return early
        if self.validator is None:
            return await self.accept(None, b"")
        content_length = headers.get(b"content-length")
        if envelopes.BODY_DEADLINE in scope.get("extensions", ()):  # the server answers a stalled body itself
            raw = await self._receive_body(receive, self.settings.max_body_bytes, content_length)
        else:
            raw = await self._read_body(receive, content_length)
        return await self.accept(self._parse(raw), raw)

    def answer_at_once(self, scope: Scope, raw: bytes) -> Answer | None:
        """The answer to a request whose whole body is `raw`, worked out without waiting for anything.

        For a server that has the whole request in hand (sms_mock.protocol): the same steps as an
        ASGI call, in the same order, with the same answers. None, having done nothing, when this
        request needs to wait (injected latency, a store that is not in memory) or is not one this
        operation answers at once; the server then calls the app as usual.
        """
        if not self.answers_at_once or self.validator is None or self.settings.faults.latency_ms[1] > 0:
            return None
        headers = dict(scope["headers"])
        try:
            answer = self._screen(headers)
            if answer is None:
                if len(raw) > self.settings.max_body_bytes:
                    raise _error(413, texts.TOO_LARGE, "body")
                answer = self.accept_at_once(self._parse(raw), raw)
        except _Rejected as rejected:
            answer = rejected.answer
        if self.settings.check_responses:
            self._check_response(answer[0], answer[1])
        return answer

    answers_at_once = False  # whether accept_at_once is implemented (and possible with this handler's services)

    def accept_at_once(self, body: dict[str, Any], raw: bytes) -> Answer:
        """`accept` without waiting; only called when `answers_at_once`."""
        raise NotImplementedError

    def _screen(self, headers: dict[bytes, bytes]) -> Answer | None:
        """The steps before the body: shutting down, injected failures, the token, `Prefer`, and the
        content type of an operation that takes a body."""
        if self.services.stopping.is_set():
            raise unavailable(self.settings.faults.retry_after_seconds, close=True)
        if self.settings.faults.failure_rate > 0:
            self._inject_failure()
        if self.auth_header is not None and not self._authorized(headers.get(self.auth_header)):
            return self._unauthenticated
        prefer = headers.get(b"prefer")
        if prefer is not None:
            return self._preferred(prefer.decode("latin-1"))
        if self.validator is not None:
            content_type = headers.get(b"content-type")
            if content_type != b"application/json":
                self._check_content_type(content_type)
        return None

    @staticmethod
    def _parse(raw: bytes) -> dict[str, Any]:
        try:
            body = orjson.loads(raw)
        except orjson.JSONDecodeError as exc:
            utf8 = "UTF-8" in str(exc)
            raise bad_request(texts.INVALID_UTF8 if utf8 else texts.INVALID_JSON) from None
        if not isinstance(body, dict):
            raise bad_request(texts.NOT_AN_OBJECT)
        return body

    async def accept(self, body: dict[str, Any] | None, raw: bytes) -> Answer:
        """The operation's answer to a request that passed the shared steps (`raw` is the body as received)."""
        raise NotImplementedError

    def _inject_failure(self) -> None:
        faults, rng = self.settings.faults, self.services.rng
        if rng.random() < faults.failure_rate:
            status = rng.choice(faults.failure_statuses)
            if status == 503:
                body = error(texts.UNAVAILABLE, texts.CODE_UNAVAILABLE)
                raise _Rejected(503, body, [(b"retry-after", str(faults.retry_after_seconds).encode())])
            raise _Rejected(500, error(texts.SERVER_ERROR, texts.CODE_SERVER_ERROR))

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
                raise _error(400, texts.UNKNOWN_PREFER.format(value=prefer), "Prefer")
            status, body = found
        elif code is not None and _PREFERRED_CODE.fullmatch(code) and int(code) in self.operation.responses:
            status = int(code)
            examples = self.operation.responses[status].examples
            if not examples:
                raise _error(400, texts.UNKNOWN_PREFER.format(value=prefer), "Prefer")
            body = next(iter(examples.values()))
        else:
            raise _error(400, texts.UNKNOWN_PREFER.format(value=prefer), "Prefer")
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
            raise _error(415, texts.UNSUPPORTED_MEDIA_TYPE, "content_type")
        charset = params.strip().lower()
        if charset.startswith(b"charset=") and charset[8:].strip(b'" ') not in (b"utf-8", b"utf8"):
            raise _error(415, texts.UNSUPPORTED_MEDIA_TYPE, "content_type")

    async def _read_body(self, receive: Receive, content_length: bytes | None) -> bytes:
        try:
            # One deadline for the whole body: a client that stops sending it does not hold the mock.
            async with asyncio.timeout(self.settings.body_timeout_seconds):
                return await self._receive_body(receive, self.settings.max_body_bytes, content_length)
        except TimeoutError:
            body = error(texts.BODY_TIMEOUT, texts.CODE_FAILURE, {"body": [texts.BODY_TIMEOUT]})
            raise _Rejected(408, body, [(b"connection", b"close")]) from None

    @staticmethod
    async def _receive_body(receive: Receive, limit: int, content_length: bytes | None) -> bytes:
        declared = content_length is not None and content_length.isdigit()
        if declared and (len(content_length) > 18 or int(content_length) > limit):  # type: ignore[arg-type]
            raise _error(413, texts.TOO_LARGE, "body")
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
            raise _error(413, texts.TOO_LARGE, "body")
        return b"".join(chunks)

    def _check_response(self, status: int, answer: dict[str, Any] | bytes) -> None:
        """The contract suite's own judgement of an answer (schema, then the envelope's rules)."""
        body = orjson.loads(answer) if isinstance(answer, bytes) else answer
        validator = response_validator(self.operation)
        if not validator.documents(status):
            raise ContractViolation(f"status {status} is not documented for {self.operation.operation_id}")
        problems = validator.problems(status, body)
        if problems:
            raise ContractViolation(f"{status} body breaks the spec: {problems}")
        problem = envelope_problem(status, body)
        if problem is not None:
            raise ContractViolation(problem)


class ExampleHandler(OperationHandler):
    """Any other operation of the spec: validated like the rest, answered with its first success example."""

    async def accept(self, body: dict[str, Any] | None, raw: bytes) -> Answer:
        errors = self.validator.errors(body) if body is not None and self.validator is not None else {}
        if errors:
            return 422, field_error(errors), ()
        for status, response in sorted(self.operation.responses.items()):
            if 200 <= status < 300 and response.examples:
                return status, next(iter(response.examples.values())), ()
        return 200, {}, ()
