"""The inbox: the outbox as a live web page at /_mock/, and the Server-Sent Events that keep it live.

GET /_mock/               the page (a browser that opens the mock's root is sent here)
GET /_mock/inbox/{file}   its script and style sheet, packaged with sms_mock (no CDN, no build step)
GET /_mock/events         the live feed: `hello` (which mock, so that a restart shows), `messages`
                          (the newest, a few times a second at most), `reset` (after a delete or a
                          clear), `faults`, `bye` (the mock is stopping), and a comment every 15 s

The page reads and changes everything else through the inspection API (sms_mock.inspection), and
sits behind the same inspection credentials.
"""

from __future__ import annotations

import asyncio
import dataclasses
import uuid
from collections.abc import AsyncIterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

import orjson
from starlette.requests import Request
from starlette.responses import Response, StreamingResponse
from starlette.routing import Route

from .feed import Feed

if TYPE_CHECKING:
    from .app import MockApp

PAGE_FILES = Path(__file__).resolve().parent / "inbox_page"
ASSETS = {"inbox.js": "text/javascript; charset=utf-8", "inbox.css": "text/css; charset=utf-8"}
BATCH_SECONDS = 0.2  # a burst of sends becomes one `messages` event
HEARTBEAT_SECONDS = 15.0
NEWEST = 50  # at most this many messages per event; the page says how many more came


def _event(name: str, data: Any) -> bytes:
    return b"event: %s\ndata: %s\n\n" % (name.encode(), orjson.dumps(data))


def inbox_routes(app: MockApp, prefix: str) -> list[Route]:
    instance = uuid.uuid4().hex  # new at every start: the page tells a restart from a lost connection
    page = (PAGE_FILES / "index.html").read_bytes()
    assets = {name: (PAGE_FILES / name).read_bytes() for name in ASSETS}

    async def show_page(request: Request) -> Response:
        return Response(page, media_type="text/html; charset=utf-8", headers={"Cache-Control": "no-cache"})

    async def asset(request: Request) -> Response:
        name = request.path_params["name"]
        if name not in assets:
            return Response(orjson.dumps({"detail": f"no file {name[:60]!r}"}), 404, media_type="application/json")
        return Response(assets[name], media_type=ASSETS[name], headers={"Cache-Control": "no-cache"})

    async def events(request: Request) -> Response:
        return StreamingResponse(
            _stream(app, instance),
            media_type="text/event-stream",
            headers={"Cache-Control": "no-cache", "X-Accel-Buffering": "no"},
        )

    return [
        Route(f"{prefix}/", show_page, methods=["GET"]),
        Route(f"{prefix}/inbox/{{name}}", asset, methods=["GET"]),
        Route(f"{prefix}/events", events, methods=["GET"]),
    ]


async def _newest_id(app: MockApp) -> int:
    page = await app.outbox.page(limit=1)
    return page.messages[0].id if page.messages else 0


async def _stream(app: MockApp, instance: str) -> AsyncIterator[bytes]:
    feed, stopping = app.services.feed, app.services.stopping
    listener = feed.subscribe()
    app.watch_other_replicas()
    try:
        last_id = await _newest_id(app)
        hello = {"instance": instance, "spec_sha256": app.contract.fingerprint, "latest_id": last_id}
        yield b"retry: 1000\n" + _event("hello", hello)
        while True:
            changed = asyncio.ensure_future(listener.changed.wait())
            stop = asyncio.ensure_future(stopping.event.wait())
            done, _ = await asyncio.wait({changed, stop}, timeout=HEARTBEAT_SECONDS, return_when="FIRST_COMPLETED")
            changed.cancel()
            stop.cancel()
            if stopping.is_set():
                yield _event("bye", {"instance": instance})
                return
            if not done:
                yield b": still here\n\n"
                continue
            await asyncio.sleep(BATCH_SECONDS)
            kinds = listener.take()
            if Feed.DELETED in kinds or Feed.CLEARED in kinds:
                last_id = await _newest_id(app)
                yield _event("reset", {"latest_id": last_id})
            elif Feed.SENT in kinds:
                page = await app.outbox.page(limit=NEWEST)
                fresh = [message for message in page.messages if message.id > last_id]
                if fresh:
                    more = max(0, fresh[0].id - last_id - len(fresh))
                    last_id = fresh[0].id
                    yield _event("messages", {"messages": fresh, "more": more, "total": page.total})
            if Feed.FAULTS in kinds:
                yield _event("faults", dataclasses.asdict(app.settings.faults))
    finally:
        feed.unsubscribe(listener)
