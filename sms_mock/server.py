"""Running the mock as a real HTTP server: in the foreground (the CLI) or in a background thread (tests).

The listening socket is bound here, before uvicorn starts, so a busy port is reported clearly and
port 0 gives a free loopback port whose number is known at once.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import signal
import socket
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any, Self

import uvicorn

from .app import MockApp, create_app
from .protocol import protocol_class
from .settings import MockSettings


def bind(host: str, port: int) -> socket.socket:
    """A listening TCP socket; OSError says why it could not be had (port busy, bad host)."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    # Accepted connections inherit this: without it a response written in two parts (headers, body)
    # can wait for the client's delayed ACK, about 40 ms per request.
    sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    try:
        sock.bind((host, port))
    except OSError:
        sock.close()
        raise
    sock.listen(2048)
    sock.set_inheritable(True)
    return sock


def uvicorn_config(
    app: Any, settings: MockSettings | None = None, *, log_level: str = "warning", access_log: bool = False
) -> uvicorn.Config:
    """uvicorn as the mock runs on it (`settings` default to the app's own); the benchmark's bare app uses it too."""
    settings = settings or app.settings
    # No Server header, no proxy headers (nothing sits in front of a mock), no access log by default:
    # less work per request, and nothing a test did not ask for.
    config = uvicorn.Config(
        app,
        http=protocol_class(settings.max_connections, settings.body_timeout_seconds),
        log_level=log_level,
        access_log=access_log,
        server_header=False,
        proxy_headers=False,
        lifespan="on",
        timeout_keep_alive=settings.idle_timeout_seconds,  # type: ignore[arg-type]  # uvicorn takes seconds
        # Past the app's own grace (answers held by latency go out by then), a margin before uvicorn
        # would cancel what is left.
        timeout_graceful_shutdown=int(settings.shutdown_grace_seconds) + 3,
    )
    if access_log:  # its lines are INFO: asked for, they are written whatever the level of the rest
        logging.getLogger("uvicorn.access").setLevel(logging.INFO)
    return config


def run_granian(
    target: str,
    settings: MockSettings,
    *,
    host: str,
    port: int,
    log_level: str = "warning",
    access_log: bool = False,
    factory: bool = False,
) -> None:
    """granian as the mock runs on it: one worker, HTTP/1.1, uvloop, and the mock's bounds."""
    from granian import Granian
    from granian.http import HTTP1Settings

    Granian(
        target,
        factory=factory,
        address=host,
        port=port,
        interface="asgi",  # type: ignore[arg-type]
        http="1",  # type: ignore[arg-type]
        loop="uvloop",  # type: ignore[arg-type]
        websockets=False,
        log_level=log_level if log_level != "critical" else "error",  # type: ignore[arg-type]
        log_access=access_log,
        # It counts connections, idle ones included: the cap, with idle connections closed by the
        # header read timeout, so that new requests are still served while idle sockets wait it out.
        backpressure=settings.max_connections,
        http1_settings=HTTP1Settings(header_read_timeout=int(settings.idle_timeout_seconds * 1000)),
    ).serve()


class QuietServer(uvicorn.Server):
    """uvicorn's server, except that SIGINT/SIGTERM end it with exit status 0 instead of being re-raised,
    and that the app learns of the shutdown as it begins (so held answers go out, and late sends get a 503)."""

    async def shutdown(self, sockets: list[socket.socket] | None = None) -> None:
        app = self.config.app
        if isinstance(app, MockApp):
            app.begin_shutdown()
        await super().shutdown(sockets)

    @contextlib.contextmanager
    def capture_signals(self) -> Iterator[None]:
        if threading.current_thread() is not threading.main_thread():
            yield
            return
        previous = {sig: signal.signal(sig, self.handle_exit) for sig in (signal.SIGINT, signal.SIGTERM)}
        try:
            yield
        finally:
            for sig, handler in previous.items():
                signal.signal(sig, handler)


class MockServer:
    """The mock on a loopback port in a background thread; a context manager that always stops it."""

    def __init__(
        self,
        settings: MockSettings | None = None,
        spec: Path | str | None = None,
        *,
        host: str = "127.0.0.1",
        port: int = 0,
        app: MockApp | None = None,
    ) -> None:
        self.app = app or create_app(settings, spec)
        self.host, self._port = host, port
        self._server: uvicorn.Server | None = None
        self._thread: threading.Thread | None = None
        self._socket: socket.socket | None = None

    @property
    def port(self) -> int:
        if self._socket is None:
            raise RuntimeError("the mock server is not running")
        return int(self._socket.getsockname()[1])

    @property
    def base_url(self) -> str:
        host = f"[{self.host}]" if ":" in self.host else self.host
        return f"http://{host}:{self.port}"

    @property
    def token(self) -> str:
        return sorted(self.app.settings.tokens)[0]

    def start(self, timeout: float = 10.0) -> Self:
        self._socket = bind(self.host, self._port)
        self._server = QuietServer(uvicorn_config(self.app))
        errors: list[BaseException] = []
        server, sock = self._server, self._socket

        def run() -> None:
            try:
                asyncio.run(server.serve(sockets=[sock]))
            except BaseException as exc:  # reported by start() to the caller's thread
                errors.append(exc)

        self._thread = threading.Thread(target=run, name=f"sms-mock:{self.port}", daemon=True)
        self._thread.start()
        deadline = time.monotonic() + timeout
        while not server.started:
            if errors or not self._thread.is_alive() or time.monotonic() > deadline:
                self.stop()
                raise RuntimeError(f"the mock server did not start: {errors[0] if errors else 'timed out'}")
            time.sleep(0.005)
        return self

    def stop(self) -> None:
        if self._server is not None:
            self._server.should_exit = True
        if self._thread is not None:
            self._thread.join(timeout=10)
            self._thread = None
        if self._socket is not None:
            with contextlib.suppress(OSError):
                self._socket.close()
            self._socket = None
        self._server = None

    def __enter__(self) -> Self:
        return self.start()

    def __exit__(self, *exc: Any) -> None:
        self.stop()

    def __repr__(self) -> str:
        state = self.base_url if self._socket is not None else "stopped"
        return f"MockServer({state})"
