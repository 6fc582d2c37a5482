"""The mock as an ASGI application: the spec's operations on a lean hot path, everything else on Starlette.

Requests to a path the spec defines go straight to that operation's handler (no router, no
middleware: this is the path load tests hit). The inspection API under /_mock/, unknown routes
and the lifespan are served by a Starlette application. Whatever happens, the client gets a JSON
envelope: an unexpected exception becomes a 500 envelope and a server-side log line.
"""

from __future__ import annotations

import asyncio
import contextlib
import gc
import logging
import os
import random
import time
from collections.abc import AsyncIterator, Awaitable, Callable, MutableMapping
from pathlib import Path
from typing import Any

import orjson
from starlette.applications import Starlette
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import Response

from . import envelopes, messages
from .handlers import ExampleHandler, OperationHandler, SendHandler
from .inspection import inspection_routes
from .outbox import MemoryOutbox, Outbox, SqliteOutbox
from .settings import SETTINGS_ENV, MockSettings, settings_from_json
from .spec import Contract, load_contract

Scope = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[MutableMapping[str, Any]]]
Send = Callable[[MutableMapping[str, Any]], Awaitable[None]]

log = logging.getLogger("sms_mock")


class MockApp:
    """The ASGI application of the mock; `create_app` builds one."""

    def __init__(self, contract: Contract, settings: MockSettings) -> None:
        self.contract = contract
        self.settings = settings
        self.random = random.Random(settings.seed)  # noqa: S311 - fault injection, not cryptography
        # Seams for tests: the wait of injected latency and the clock of the duplicate window (wall-clock
        # seconds, so that several processes sharing a SQLite outbox agree on it).
        self.sleep: Callable[[float], Awaitable[None]] = asyncio.sleep
        self.clock: Callable[[], float] = time.time
        self.outbox: Outbox = (
            SqliteOutbox(settings.store, settings.first_id) if settings.store else MemoryOutbox(settings.first_id)
        )
        self.routes: dict[str, dict[str, OperationHandler]] = {}
        for op in contract.operations:
            handler_class = SendHandler if op.operation_id == SendHandler.operation_id else ExampleHandler
            self.routes.setdefault(op.path, {})[op.method.upper()] = handler_class(self, op)
        self.allow = {path: ", ".join(sorted(methods)) for path, methods in self.routes.items()}
        self.starlette = Starlette(
            routes=inspection_routes(self),
            exception_handlers={HTTPException: self._http_exception, Exception: self._unexpected},
            lifespan=self._lifespan,
        )

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http":
            methods = self.routes.get(scope["path"])
            if methods is not None:
                handler = methods.get(scope["method"])
                try:
                    if handler is None:
                        await self._method_not_allowed(scope, send)
                    else:
                        await handler(scope, receive, send)
                except Exception:
                    log.exception("unexpected error on %s %s", scope["method"], scope["path"])
                    await envelopes.send_json(
                        send, 500, envelopes.error(messages.SERVER_ERROR, messages.CODE_SERVER_ERROR)
                    )
                return
        await self.starlette(scope, receive, send)

    @contextlib.asynccontextmanager
    async def _lifespan(self, app: Starlette) -> AsyncIterator[None]:
        keeper = asyncio.create_task(self._keep_gc_pauses_short()) if isinstance(self.outbox, MemoryOutbox) else None
        yield
        if keeper is not None:
            keeper.cancel()
        self.outbox.close()

    async def _keep_gc_pauses_short(self, every: float = 1.0, batch: int = 2048) -> None:
        """Move what has accumulated in memory (the outbox, the duplicate memory) out of the cycle collector.

        Records live until the outbox is cleared and form no reference cycles, but each full
        collection would walk them all: with a growing outbox its pauses grew past 80 ms (p99 of a
        load test). Frozen objects are still freed by reference counting when the outbox is cleared.
        """
        frozen_at = 0
        while True:
            await asyncio.sleep(every)
            count = self.outbox.count()
            if count - frozen_at >= batch or count < frozen_at:
                gc.collect(1)  # young cycles first, so that none is frozen
                gc.freeze()
                frozen_at = count

    async def _method_not_allowed(self, scope: Scope, send: Send) -> None:
        body = envelopes.error(messages.METHOD_NOT_ALLOWED.format(method=scope["method"]), messages.CODE_FAILURE)
        await envelopes.send_json(send, 405, body, [(b"allow", self.allow[scope["path"]].encode())])

    async def _http_exception(self, request: Request, exc: Exception) -> Response:
        if not isinstance(exc, HTTPException):
            return await self._unexpected(request, exc)
        text = messages.NOT_FOUND if exc.status_code == 404 else str(exc.detail)
        code = messages.CODE_NOT_FOUND if exc.status_code == 404 else messages.CODE_FAILURE
        return Response(
            orjson.dumps(envelopes.error(text, code)), exc.status_code, exc.headers, media_type="application/json"
        )

    async def _unexpected(self, request: Request, exc: Exception) -> Response:
        log.error("unexpected error on %s %s", request.method, request.url.path, exc_info=exc)
        body = envelopes.error(messages.SERVER_ERROR, messages.CODE_SERVER_ERROR)
        return Response(orjson.dumps(body), 500, media_type="application/json")

    def clear(self) -> int:
        """Empty the outbox and forget recent sends (the duplicate window), as a fresh mock would be."""
        return self.outbox.clear()


def create_app(settings: MockSettings | None = None, spec: Path | str | None = None) -> MockApp:
    """The mock as an ASGI app, for uvicorn or for in-process use (httpx.ASGITransport, schemathesis)."""
    return MockApp(load_contract(spec), settings or MockSettings())


def app_from_environment() -> MockApp:
    """The app of one worker process of `sms-mock --workers N`: settings and spec come from the parent."""
    spec = os.environ.get(SPEC_ENV) or None
    return create_app(settings_from_json(os.environ[SETTINGS_ENV]), spec)


SPEC_ENV = "SMS_MOCK_SPEC"
