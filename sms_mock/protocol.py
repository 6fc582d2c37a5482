"""uvicorn's HTTP/1.1 protocol (httptools) with the time and connection bounds the mock needs.

Stock uvicorn arms its keep-alive timer only after a response, so a connection that never sends a
request, or sends half a request line, stays open forever; its `limit_concurrency` counts idle
connections too and answers plain-text 503s once they fill it. This subclass:

- closes a connection that sends nothing within the idle timeout, from the moment it is accepted;
- closes one whose request headers do not arrive in full within the idle timeout;
- when there are more connections than the cap, closes the longest-idle ones to make room, so new
  requests are still served while idle sockets would otherwise wait out their timeout.

The request body's deadline is the application's (sms_mock.pipeline: a 408 envelope), which holds
on every server. It relies on uvicorn internals (names below); uvicorn is pinned, and
tests/sms_mock/test_server_internals.py fails when an upgrade changes them.
"""

from __future__ import annotations

import asyncio
import time
from typing import Any

from uvicorn.protocols.http.httptools_impl import HttpToolsProtocol

# What this module touches of uvicorn's protocol; the internals test checks each one exists.
RELIES_ON = (
    "connection_made",
    "connection_lost",
    "on_message_begin",
    "on_headers_complete",
    "on_response_complete",
    "timeout_keep_alive_handler",
    "timeout_keep_alive_task",
    "timeout_keep_alive",
    "connections",
    "cycle",
    "transport",
)


class BoundedHttpToolsProtocol(HttpToolsProtocol):
    """One connection; `max_connections` is set on the class by `protocol_class`."""

    max_connections = 4096

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._header_timer: asyncio.TimerHandle | None = None
        self.idle_since = time.monotonic()

    def connection_made(self, transport: asyncio.Transport) -> None:  # type: ignore[override]
        super().connection_made(transport)
        # The same timer uvicorn arms after a response; any byte received cancels it.
        self.timeout_keep_alive_task = self.loop.call_later(self.timeout_keep_alive, self.timeout_keep_alive_handler)
        if len(self.connections) > self.max_connections:
            self._make_room()

    def _make_room(self) -> None:
        idle = [c for c in self.connections if c is not self and isinstance(c, BoundedHttpToolsProtocol) and c.is_idle]
        idle.sort(key=lambda c: c.idle_since)
        for connection in idle[: len(self.connections) - self.max_connections]:
            connection.transport.close()

    @property
    def is_idle(self) -> bool:
        return self.cycle is None or self.cycle.response_complete

    def on_message_begin(self) -> None:
        super().on_message_begin()
        self._header_timer = self.loop.call_later(self.timeout_keep_alive, self.timeout_keep_alive_handler)

    def on_headers_complete(self) -> None:
        self._cancel_header_timer()
        super().on_headers_complete()

    def on_response_complete(self) -> None:
        self.idle_since = time.monotonic()
        super().on_response_complete()

    def connection_lost(self, exc: Exception | None) -> None:
        self._cancel_header_timer()
        super().connection_lost(exc)

    def _cancel_header_timer(self) -> None:
        if self._header_timer is not None:
            self._header_timer.cancel()
            self._header_timer = None


def protocol_class(max_connections: int) -> type[BoundedHttpToolsProtocol]:
    """The protocol class for one server, with its connection cap."""
    return type("MockHttpProtocol", (BoundedHttpToolsProtocol,), {"max_connections": max_connections})
