"""uvicorn's HTTP/1.1 protocol (httptools) with the bounds the mock needs, and one write per answer.

Stock uvicorn arms its keep-alive timer only after a response, so a connection that never sends a
request, or sends half a request line, stays open forever; its `limit_concurrency` counts idle
connections too and answers plain-text 503s once they fill it; and it writes every response in two
`write()` calls (headers, then body), checking each header line with two regular expressions. This
subclass:

- closes a connection that sends nothing within the idle timeout, from the moment it is accepted, and
  one whose request headers do not arrive in full within it (no timer per request: a sweep);
- answers a request whose body does not arrive within the body timeout with a 408 envelope and
  closes it (the app then need not arm a timer of its own: `BODY_DEADLINE` in the scope says so);
- when there are more connections than the cap, closes the longest-idle ones to make room, so new
  requests are still served while idle sockets would otherwise wait out their timeout;
- writes a response whose start message carries its header lines already written out
  (sms_mock.envelopes.RENDERED_HEADERS) in one `write()` with its body;
- when a request arrives whole in one read and the app can answer it without waiting
  (`answer_at_once`: POST /api/send with the outbox in memory and no injected latency), answers it
  there, without an ASGI task; a request whose body comes later, or that the app declines, gets the
  ASGI call as usual. The app's answer is the same either way (the same steps, tested side by side).

It relies on uvicorn internals (RELIES_ON); uvicorn is pinned in pyproject.toml, and
tests/sms_mock/test_server_internals.py fails when an upgrade changes them.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Callable, Sequence
from typing import Any

import orjson
from uvicorn.protocols.http.httptools_impl import STATUS_LINE, HttpToolsProtocol, RequestResponseCycle
from uvicorn.protocols.utils import get_client_addr, get_path_with_query_string

from sms_contract import texts
from sms_contract.envelope import error

from .envelopes import BODY_DEADLINE, RENDERED_HEADERS

_TIMED_OUT = orjson.dumps(error(texts.BODY_TIMEOUT, texts.CODE_FAILURE, {"body": [texts.BODY_TIMEOUT]}))
_TIMED_OUT_RESPONSE = (
    STATUS_LINE[408]
    + b"content-type: application/json\r\ncontent-length: %d\r\nconnection: close\r\n\r\n" % len(_TIMED_OUT)
    + _TIMED_OUT
)

# What this module touches of uvicorn's protocol; the internals test checks each one exists.
RELIES_ON = {
    HttpToolsProtocol: (
        "connection_made", "on_message_begin", "on_headers_complete", "on_message_complete", "on_response_complete",
        "_unset_keepalive_if_required", "_start_asgi_task", "pipeline", "flow", "timeout_keep_alive",
        "connections", "cycle", "transport", "scope", "server_state", "loop", "data_received", "app",
        "access_log", "access_logger", "send_400_response",
    ),
    RequestResponseCycle: (
        "send", "response_started", "response_complete", "waiting_for_100_continue", "keep_alive", "disconnected",
        "flow", "transport", "default_headers", "message_event", "on_response", "access_log", "scope", "body",
    ),
}  # fmt: skip


_DEFAULT_LINES: tuple[object, bytes] = (None, b"")  # the server's default headers last seen, written out


def _head(status: int, defaults: list[tuple[bytes, bytes]], fields: bytes, *, close: bool) -> bytes:
    """A response's status line and header lines: the server's defaults (`date`), `fields` as given,
    and `connection: close` when `close`. The defaults are a new list each second: written out once
    per list (the cache is one tuple, read once, so servers in other threads only make it miss)."""
    global _DEFAULT_LINES
    seen, lines = _DEFAULT_LINES
    if seen is not defaults:
        lines = b"".join(b"%s: %s\r\n" % pair for pair in defaults)
        _DEFAULT_LINES = (defaults, lines)
    return b"%s%s%s%s\r\n" % (STATUS_LINE[status], lines, fields, b"connection: close\r\n" if close else b"")


class OneWriteCycle(RequestResponseCycle):
    """A request/response cycle that writes a response with rendered headers in one `write()`."""

    _head: bytes | None = None

    async def send(self, message: Any) -> None:
        rendered = message.get(RENDERED_HEADERS) if not self.response_started else None
        if rendered is not None and not self.access_log and not self.disconnected and not self.flow.write_paused:
            self.response_started = True
            self.waiting_for_100_continue = False
            self.chunked_encoding = False
            self.expected_content_length = next(int(v) for k, v in message["headers"] if k == b"content-length")
            self._head = _head(message["status"], self.default_headers, rendered, close=not self.keep_alive)
            return
        if self._head is not None:
            head, self._head = self._head, None
            body = message.get("body", b"")
            if (
                message["type"] != "http.response.body"
                or message.get("more_body", False)
                or len(body) != (self.expected_content_length)
            ):
                # Not the one whole body it was rendered for: the head goes alone, uvicorn does the rest.
                self.transport.write(head)
                await super().send(message)
                return
            self.transport.write(head + body)
            self.expected_content_length = 0
            self.response_complete = True
            self.message_event.set()
            if not self.keep_alive:
                self.transport.close()
            self.on_response()
            return
        await super().send(message)


AnswerAtOnce = Callable[[Any, bytes], "tuple[int, bytes, Sequence[tuple[bytes, bytes]]] | None"]

_IDLE, _HEADERS, _BODY, _ANSWERING = range(4)
_EXTENSIONS: dict[str, dict[object, object]] = {
    BODY_DEADLINE: {}
}  # the same (read-only) dict in every scope: nothing to build per request


class BoundedHttpToolsProtocol(HttpToolsProtocol):
    """One connection; `max_connections` and `body_timeout` are set on the class by `protocol_class`.

    The deadlines are not timers: a timer armed and cancelled several times per request costs more
    than the rest of the answer. Each connection notes which phase it is in and counts its phase
    changes; one task per server sweeps the connections a few times per second and times a phase
    from the first sweep that saw it.
    """

    max_connections = 4096
    body_timeout = 10.0
    _deferring = False  # inside on_headers_complete: hold the ASGI task back (see on_message_complete)
    _deferred: tuple[RequestResponseCycle, Any] | None = None

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.phase = _IDLE
        self.changes = 0  # phase changes so far: the sweeper sees whether a phase is the one it saw before
        self.seen: tuple[int, float] = (-1, 0.0)  # (changes, when) at the sweep that first saw this phase
        self.since = time.monotonic()  # when it last went idle, for closing the longest-idle first

    def connection_made(self, transport: asyncio.Transport) -> None:  # type: ignore[override]
        super().connection_made(transport)
        if self.access_log and not self.access_logger.isEnabledFor(logging.INFO):
            # uvicorn says "access log" when the logger has any handler, even one that would drop its
            # INFO lines (a pytest capture, a WARNING level): no line would be written, so none is asked.
            self.access_log = False
        # An app that can answer a whole request without a task (sms_mock.app.MockApp.answer_at_once).
        self._at_once: AnswerAtOnce | None = getattr(self.app, "answer_at_once", None)
        _Sweeper.ensure(self)
        if len(self.connections) > self.max_connections:
            self._make_room()

    def _make_room(self) -> None:
        idle = [c for c in self.connections if c is not self and isinstance(c, BoundedHttpToolsProtocol) and c.is_idle]
        idle.sort(key=lambda c: c.since)
        for connection in idle[: len(self.connections) - self.max_connections]:
            connection.transport.close()

    @property
    def is_idle(self) -> bool:
        return self.phase == _IDLE

    def on_message_begin(self) -> None:
        super().on_message_begin()
        self.scope["extensions"] = _EXTENSIONS
        self.phase = _HEADERS
        self.changes += 1

    def on_headers_complete(self) -> None:
        previous = self.cycle
        self._deferring = self._at_once is not None
        try:
            super().on_headers_complete()
        finally:
            self._deferring = False
        cycle = self.cycle
        if cycle is not previous and cycle is not None:
            # The ASGI task was only scheduled, not run: giving the cycle the one-write class is safe.
            cycle.__class__ = OneWriteCycle
            self.phase = _BODY
            self.changes += 1

    def on_message_complete(self) -> None:
        super().on_message_complete()
        cycle = self.cycle
        if cycle is None or not cycle.response_complete:  # (an early answer, a 401 say, may have gone already)
            self.phase = _ANSWERING
            self.changes += 1
        deferred = self._deferred
        if deferred is not None:
            self._deferred = None
            self._start_deferred(deferred, whole=True)

    def data_received(self, data: bytes) -> None:
        super().data_received(data)
        deferred = self._deferred
        if deferred is not None:  # the body did not come with the headers: the app reads it as usual
            self._deferred = None
            self._start_deferred(deferred, whole=False)

    def _start_deferred(self, deferred: tuple[RequestResponseCycle, Any], *, whole: bool) -> None:
        if self.transport.is_closing():
            # An earlier answer in this read closed the connection (HTTP/1.0, `connection: close`): uvicorn
            # would have queued this request behind it and never started it. Neither do we: nothing is
            # done that cannot be answered.
            return
        if not (whole and self._answer_at_once(*deferred)):
            super()._start_asgi_task(*deferred)

    def _start_asgi_task(self, cycle: RequestResponseCycle, app: Any) -> None:
        if self._deferring:  # until the end of this data_received: the whole request may be here by then
            self._deferred = (cycle, app)
        else:
            super()._start_asgi_task(cycle, app)

    def _answer_at_once(self, cycle: RequestResponseCycle, app: Any) -> bool:
        """Answer a request whose body is all here without an ASGI task, if the app can; False if not."""
        if (
            self._at_once is None
            or app is not self.app
            or self.flow.write_paused
            or cycle.response_started
            or cycle.waiting_for_100_continue  # the app's first read writes "100 Continue" first
        ):
            return False
        answer = self._at_once(cycle.scope, bytes(cycle.body))
        if answer is None:
            return False
        status, payload, headers = answer
        if self.access_log:  # the line uvicorn would write
            scope = cycle.scope
            self.access_logger.info(
                '%s - "%s %s HTTP/%s" %d',
                get_client_addr(scope),
                scope["method"],
                get_path_with_query_string(scope),
                scope["http_version"],
                status,
            )
        keep_alive = cycle.keep_alive
        fields = b"content-type: application/json\r\ncontent-length: %d\r\n" % len(payload)
        said_close = False
        for name, value in headers:
            if name == b"connection" and value.lower() == b"close":
                keep_alive, said_close = False, True
            fields += b"%s: %s\r\n" % (name, value)
        self.transport.write(
            _head(status, cycle.default_headers, fields, close=not keep_alive and not said_close) + payload
        )
        cycle.keep_alive = keep_alive
        cycle.response_started = cycle.response_complete = True
        if not keep_alive:
            self.transport.close()
        self.on_response_complete()
        return True

    def send_400_response(self, msg: str) -> None:
        # An unparsable request after a whole one in the same read: uvicorn answers 400 and closes at
        # once, so the earlier request's answer can never go out. Its app call is told the client is
        # gone, so that it keeps nothing it cannot answer (a send is kept only if answered 200).
        cycle = self.cycle
        if cycle is not None and not cycle.response_started:
            cycle.disconnected = True
            cycle.message_event.set()
        super().send_400_response(msg)

    def on_response_complete(self) -> None:
        # uvicorn's own, but for the keep-alive timer it arms: the sweeper closes idle connections.
        self.server_state.total_requests += 1
        if self.transport.is_closing():
            return
        self._unset_keepalive_if_required()
        self.flow.resume_reading()
        if self.pipeline:
            cycle, app = self.pipeline.pop()
            self._start_asgi_task(cycle, app)
        else:
            self.phase = _IDLE
            self.changes += 1

    def check_deadlines(self, now: float) -> None:
        """Close a connection idle or sending headers for too long; answer a stalled body with a 408.

        A phase is timed from the first sweep that saw it, so a deadline is met within one sweep
        interval more than its length, never less.
        """
        if self.transport.is_closing():
            return
        changes, first_seen = self.seen
        if changes != self.changes:
            self.seen = (self.changes, now)
            if self.phase == _IDLE:
                self.since = now
            return
        waited = now - first_seen
        if self.phase in (_IDLE, _HEADERS) and waited > self.timeout_keep_alive:
            self.transport.close()
        elif self.phase == _BODY and waited > self.body_timeout and self.cycle is not None:
            cycle = self.cycle
            if cycle.response_started:
                return
            # The app's receive() then sees a disconnect and gives up; the client gets the envelope.
            cycle.response_started = cycle.response_complete = cycle.disconnected = True
            cycle.message_event.set()
            self.transport.write(_TIMED_OUT_RESPONSE)
            self.transport.close()


class _Sweeper:
    """The one task per server that checks every connection's deadlines, a few times per second."""

    @staticmethod
    def ensure(connection: BoundedHttpToolsProtocol) -> None:
        state = connection.server_state
        task: asyncio.Task[None] | None = getattr(state, "_sms_mock_sweeper", None)
        if task is None or task.done():
            every = max(0.05, min(1.0, connection.timeout_keep_alive / 4, connection.body_timeout / 4))
            task = connection.loop.create_task(_Sweeper.run(connection.connections, every))
            state._sms_mock_sweeper = task  # type: ignore[attr-defined]

    @staticmethod
    async def run(connections: set[Any], every: float) -> None:
        while True:
            now = time.monotonic()
            for connection in list(connections):
                if isinstance(connection, BoundedHttpToolsProtocol):
                    connection.check_deadlines(now)
            await asyncio.sleep(every)


def protocol_class(max_connections: int, body_timeout: float) -> type[BoundedHttpToolsProtocol]:
    """The protocol class for one server, with its connection cap and body deadline."""
    attributes = {"max_connections": max_connections, "body_timeout": body_timeout}
    return type("MockHttpProtocol", (BoundedHttpToolsProtocol,), attributes)
