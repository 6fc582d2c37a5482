"""The mock as an ASGI application: this module only wires the parts together.

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
from collections.abc import AsyncIterator, Awaitable, Callable, MutableMapping, Sequence
from pathlib import Path
from typing import Any

import orjson
from starlette.applications import Starlette
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import Route

from sms_contract import texts
from sms_contract.envelope import error
from sms_contract.spec import Contract, load_contract

from . import envelopes
from .inbox import inbox_routes
from .inspection import PREFIX, inspection_guard, inspection_routes, send_unauthorized
from .outbox import Outbox
from .pipeline import ExampleHandler, OperationHandler, Services, Stopping
from .sending import SendHandler
from .settings import SETTINGS_ENV, MockSettings, settings_from_json
from .store import Store, open_store

Scope = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[MutableMapping[str, Any]]]
Send = Callable[[MutableMapping[str, Any]], Awaitable[None]]

log = logging.getLogger("sms_mock")

# The operations with semantics of their own; every other operation of the spec answers its examples.
HANDLERS: dict[str, type[OperationHandler]] = {SendHandler.operation_id: SendHandler}


class MockApp:
    """The ASGI application of the mock; `create_app` builds one."""

    def __init__(self, contract: Contract, services: Services) -> None:
        self.contract = contract
        self.services = services
        self.settings = services.settings
        self.outbox = Outbox(services.store)
        self.inspection_allows = inspection_guard(services.settings.inspection_credentials)
        self._watching: asyncio.Task[None] | None = None
        self.routes: dict[str, dict[str, OperationHandler]] = {}
        for op in contract.operations:
            handler_class = HANDLERS.get(op.operation_id, ExampleHandler)
            self.routes.setdefault(op.path, {})[op.method.upper()] = handler_class(op, services)
        self.allow = {path: ", ".join(sorted(methods)) for path, methods in self.routes.items()}
        self.starlette = Starlette(
            routes=[
                *inspection_routes(self),
                *inbox_routes(self, PREFIX),
                # Every method: only GET and HEAD are sent on to the inbox, the others stay a 404.
                Route("/", _to_inbox, methods=["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"]),
            ],
            exception_handlers={HTTPException: self._http_exception, Exception: self._unexpected},
            lifespan=self._lifespan,
        )

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http":
            path = scope["path"]
            methods = self.routes.get(path)
            if methods is not None:
                handler = methods.get(scope["method"])
                try:
                    if handler is None:
                        await self._method_not_allowed(scope, send)
                    else:
                        await handler(scope, receive, send)
                except Exception:
                    log.exception("unexpected error on %s %s", scope["method"], scope["path"])
                    await envelopes.send_json(send, 500, error(texts.SERVER_ERROR, texts.CODE_SERVER_ERROR))
                return
            if path.startswith(PREFIX) and not self.inspection_allows(scope):
                await send_unauthorized(send)
                return
        await self.starlette(scope, receive, send)

    def answer_at_once(self, scope: Scope, body: bytes) -> tuple[int, bytes, Sequence[tuple[bytes, bytes]]] | None:
        """The answer to a request the server holds whole, worked out without a task, or None.

        sms_mock.protocol asks this before it would start the ASGI call. Only an operation of the
        spec answers (POST /api/send with the outbox in memory and no latency injected; see
        OperationHandler.answer_at_once); None means the server calls the app as usual, nothing done.
        """
        methods = self.routes.get(scope["path"])
        handler = methods.get(scope["method"]) if methods is not None else None
        if handler is None:
            return None
        try:
            answer = handler.answer_at_once(scope, body)
            if answer is None:
                return None
            status, payload, headers = answer
            return status, payload if isinstance(payload, bytes) else orjson.dumps(payload), headers
        except Exception:
            log.exception("unexpected error on %s %s", scope["method"], scope["path"])
            return 500, orjson.dumps(error(texts.SERVER_ERROR, texts.CODE_SERVER_ERROR)), ()

    def begin_shutdown(self) -> None:
        """The server stops taking requests: sends still waiting out latency are answered soon (Stopping)."""
        self.services.stopping.begin()

    @contextlib.asynccontextmanager
    async def _lifespan(self, app: Starlette) -> AsyncIterator[None]:
        yield
        if self._watching is not None:
            self._watching.cancel()
        await self.services.store.close()

    def watch_other_replicas(self) -> None:
        """Relay what other replicas sharing the store change to this one's live page (once, on demand)."""
        watch = getattr(self.services.store, "watch", None)
        if watch is not None and (self._watching is None or self._watching.done()):
            self._watching = asyncio.get_running_loop().create_task(watch(self.services.feed.publish))

    async def _method_not_allowed(self, scope: Scope, send: Send) -> None:
        body = error(texts.METHOD_NOT_ALLOWED.format(method=scope["method"]), texts.CODE_FAILURE)
        await envelopes.send_json(send, 405, body, [(b"allow", self.allow[scope["path"]].encode())])

    async def _http_exception(self, request: Request, exc: Exception) -> Response:
        if not isinstance(exc, HTTPException):
            return await self._unexpected(request, exc)
        text = texts.NOT_FOUND if exc.status_code == 404 else str(exc.detail)
        code = texts.CODE_NOT_FOUND if exc.status_code == 404 else texts.CODE_FAILURE
        return Response(orjson.dumps(error(text, code)), exc.status_code, exc.headers, media_type="application/json")

    async def _unexpected(self, request: Request, exc: Exception) -> Response:
        log.error("unexpected error on %s %s", request.method, request.url.path, exc_info=exc)
        body = error(texts.SERVER_ERROR, texts.CODE_SERVER_ERROR)
        return Response(orjson.dumps(body), 500, media_type="application/json")

    async def clear(self) -> int:
        """Empty the outbox and forget recent sends (the duplicate window), as a fresh mock would be."""
        return await self.outbox.clear()


async def _to_inbox(request: Request) -> Response:
    """A browser that opens the mock's root is sent to the inbox page; the root is not an API path."""
    if request.method not in ("GET", "HEAD"):
        raise HTTPException(404)
    return RedirectResponse(f"{PREFIX}/")


def create_app(
    settings: MockSettings | None = None,
    spec: Path | str | Contract | None = None,
    *,
    store: Store | None = None,
    clock: Callable[[], float] | None = None,
    sleep: Callable[[float], Awaitable[None]] | None = None,
) -> MockApp:
    """The mock as an ASGI app, for uvicorn or for in-process use (httpx.ASGITransport, schemathesis).

    `spec` is a path (default: the packaged spec) or a Contract already loaded. `store`, `clock` and
    `sleep` replace the defaults (the store the settings name, time.time, asyncio.sleep), for tests
    that control time or share a store.
    """
    settings = settings or MockSettings()
    services = Services(
        settings,
        store if store is not None else open_store(settings.store, settings.first_id, settings.max_messages),
        clock=clock or time.time,
        sleep=sleep or asyncio.sleep,
        rng=random.Random(settings.seed),  # noqa: S311 - fault injection, not cryptography
        stopping=Stopping(settings.shutdown_grace_seconds),
    )
    return MockApp(spec if isinstance(spec, Contract) else load_contract(spec), services)


SPEC_ENV = "SMS_MOCK_SPEC"


def tune_collector() -> None:
    """For a process that serves the mock and nothing else: what exists at start-up (the spec, compiled
    validators, modules) is frozen out of the cycle collector, and young collections run less often.
    The outbox itself gives the collector nothing to walk (bytes and arrays)."""
    gc.collect()
    gc.freeze()
    gc.set_threshold(20_000, 20, 20)


def app_from_environment() -> MockApp:
    """The app of a granian worker process: settings and spec come from the parent (`sms-mock --server granian`)."""
    spec = os.environ.get(SPEC_ENV) or None
    app = create_app(settings_from_json(os.environ[SETTINGS_ENV]), spec)
    tune_collector()
    return app
