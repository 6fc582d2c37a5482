"""The inspection API under /_mock/: what tests use to see and reset what the mock accepted.

GET    /_mock/health                 ready check: spec fingerprint and outbox size
GET    /_mock/outbox?recipient=&sender=&sending_type=&limit=   accepted messages, oldest first
GET    /_mock/outbox/{id}            one send
DELETE /_mock/outbox                 forget every send and the duplicate window
GET    /_mock/faults, PUT /_mock/faults          read or change injected latency and failures
GET    /_mock/openapi.yaml           the spec the mock serves
"""

from __future__ import annotations

import dataclasses
from typing import TYPE_CHECKING, Any

import orjson
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from .settings import Faults

if TYPE_CHECKING:
    from .app import MockApp

PREFIX = "/_mock"


def _json(body: Any, status: int = 200) -> Response:
    return Response(orjson.dumps(body), status, media_type="application/json")


def _problem(status: int, detail: str) -> Response:
    return _json({"detail": detail}, status)


def inspection_routes(app: MockApp) -> list[Route]:
    async def health(request: Request) -> Response:
        return _json(
            {
                "status": "ok",
                "spec": str(app.contract.path.name),
                "spec_sha256": app.contract.fingerprint,
                "outbox_count": await app.outbox.count(),
            }
        )

    async def list_outbox(request: Request) -> Response:
        query = request.query_params
        limit = query.get("limit")
        if limit is not None and (not limit.isdigit() or int(limit) < 1):
            return _problem(400, "limit must be a positive integer")
        found = await app.outbox.list(
            recipient=query.get("recipient"),
            sender=query.get("sender"),
            sending_type=query.get("sending_type"),
            limit=int(limit) if limit else None,
        )
        return _json({"count": len(found), "messages": found})

    async def clear_outbox(request: Request) -> Response:
        return _json({"cleared": await app.clear()})

    async def get_message(request: Request) -> Response:
        found = await app.outbox.get(request.path_params["message_id"])
        if found is None:
            return _problem(404, f"no message {request.path_params['message_id']} in the outbox")
        return _json(found)

    async def get_faults(request: Request) -> Response:
        return _json(dataclasses.asdict(app.settings.faults))

    async def put_faults(request: Request) -> Response:
        try:
            given = orjson.loads(await request.body())
            if not isinstance(given, dict):
                raise TypeError("expected a JSON object")
            current = dataclasses.asdict(app.settings.faults)
            unknown = set(given) - set(current)
            if unknown:
                raise TypeError(f"unknown fields: {', '.join(sorted(unknown))}")
            merged = {**current, **given}
            faults = Faults(
                latency_ms=(float(merged["latency_ms"][0]), float(merged["latency_ms"][1])),
                failure_rate=float(merged["failure_rate"]),
                failure_statuses=tuple(int(s) for s in merged["failure_statuses"]),
                retry_after_seconds=int(merged["retry_after_seconds"]),
            )
        except (orjson.JSONDecodeError, TypeError, ValueError, IndexError, KeyError) as exc:
            return _problem(422, f"invalid faults: {exc}")
        app.settings.faults = faults
        return _json(dataclasses.asdict(faults))

    async def spec(request: Request) -> Response:
        return Response(app.contract.path.read_bytes(), media_type="application/yaml")

    return [
        Route(f"{PREFIX}/health", health, methods=["GET"]),
        Route(f"{PREFIX}/outbox", list_outbox, methods=["GET"]),
        Route(f"{PREFIX}/outbox", clear_outbox, methods=["DELETE"]),
        Route(f"{PREFIX}/outbox/{{message_id:int}}", get_message, methods=["GET"]),
        Route(f"{PREFIX}/faults", get_faults, methods=["GET"]),
        Route(f"{PREFIX}/faults", put_faults, methods=["PUT"]),
        Route(f"{PREFIX}/openapi.yaml", spec, methods=["GET"]),
    ]
