"""The inspection API under /_mock/: what tests and people use to see and reset what the mock accepted.

GET    /_mock/health                 ready check: spec fingerprint, outbox size, whether the store answers
GET    /_mock/outbox                 accepted messages, newest first, a page at a time:
                                     ?limit=1..1000 (default 100) &before=<id> (the page after: `next`)
                                     &recipient= &sender= &sending_type= &q=<text or number>; with `total`
GET    /_mock/outbox/{id}            one message
DELETE /_mock/outbox/{id}            forget one message
DELETE /_mock/outbox                 forget every message and the duplicate window
GET    /_mock/faults, PUT /_mock/faults          read or change injected latency and failures
GET    /_mock/openapi.yaml           the spec the mock serves

Numbers in a query or a path are ASCII digits within what the store can hold, or the answer is a
400 naming them. With inspection credentials set (`--inspection-credentials`), every route here
requires them (HTTP basic auth).
"""

from __future__ import annotations

import base64
import binascii
import dataclasses
import hmac
import re
from collections.abc import Awaitable, Callable, MutableMapping
from typing import TYPE_CHECKING, Any

import orjson
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from . import envelopes
from .feed import Feed
from .settings import LARGEST_ID, Faults
from .store import StoreUnavailable

if TYPE_CHECKING:
    from .app import MockApp

PREFIX = "/_mock"
DEFAULT_PAGE, LARGEST_PAGE = 100, 1000
FAULTS_BODY_LIMIT = 4096
_DIGITS = re.compile(r"[0-9]{1,19}", re.ASCII)
_NUMBER = (int, float)

Send = Callable[[MutableMapping[str, Any]], Awaitable[None]]


class BadInput(Exception):
    """A query, path or body value the inspection API refuses (400 or 422, with the reason)."""

    def __init__(self, detail: str, status: int = 400) -> None:
        super().__init__(detail)
        self.detail, self.status = detail, status


def whole_number(text: str | None, name: str, *, low: int, high: int) -> int | None:
    """`text` as an integer in [low, high]; None when absent; BadInput when not ASCII digits or out of range."""
    if text is None:
        return None
    if not _DIGITS.fullmatch(text) or not low <= int(text) <= high:
        raise BadInput(f"{name} must be a whole number from {low} to {high} (ASCII digits), not {text[:40]!r}")
    return int(text)


def _json(body: Any, status: int = 200) -> Response:
    return Response(orjson.dumps(body), status, media_type="application/json")


def _problem(status: int, detail: str, headers: dict[str, str] | None = None) -> Response:
    return Response(orjson.dumps({"detail": detail}), status, headers, media_type="application/json")


def inspection_guard(credentials: str | None) -> Callable[[MutableMapping[str, Any]], bool]:
    """Whether a request to /_mock/ may pass: always without credentials set, else with them (basic auth)."""
    if credentials is None:
        return lambda scope: True
    expected = credentials.encode()

    def allows(scope: MutableMapping[str, Any]) -> bool:
        for name, value in scope["headers"]:
            if name == b"authorization" and value[:6].lower() == b"basic ":
                try:
                    given = base64.b64decode(value[6:].strip(), validate=True)
                except (binascii.Error, ValueError):
                    return False
                return hmac.compare_digest(given, expected)
        return False

    return allows


async def send_unauthorized(send: Send) -> None:
    detail = {"detail": "the inspection API needs the inspection credentials (HTTP basic auth)"}
    challenge = (b"www-authenticate", b'Basic realm="sms-mock inspection", charset="UTF-8"')
    await envelopes.send_json(send, 401, detail, [challenge])


async def _limited_body(request: Request, limit: int) -> bytes:
    declared = request.headers.get("content-length", "")
    if declared.isdigit() and (len(declared) > 12 or int(declared) > limit):
        raise BadInput(f"the body may be at most {limit} bytes", 413)
    body = b""
    async for chunk in request.stream():
        body += chunk
        if len(body) > limit:
            raise BadInput(f"the body may be at most {limit} bytes", 413)
    return body


def _faults_from(given: Any, current: Faults) -> Faults:
    """Faults from a PUT body: strict JSON types (no string read as a number), known fields only."""
    if not isinstance(given, dict):
        raise BadInput("invalid faults: expected a JSON object", 422)
    fields = dataclasses.asdict(current)
    unknown = set(given) - set(fields)
    if unknown:
        raise BadInput(f"invalid faults: unknown fields: {', '.join(sorted(unknown))}", 422)
    merged = {**fields, **given}

    def number(value: Any, name: str) -> float:
        if isinstance(value, bool) or not isinstance(value, _NUMBER):
            raise BadInput(f"invalid faults: {name} must be a JSON number, not {value!r}", 422)
        return float(value)

    def integer(value: Any, name: str) -> int:
        if isinstance(value, bool) or not isinstance(value, int):
            raise BadInput(f"invalid faults: {name} must be a JSON integer, not {value!r}", 422)
        return value

    latency = merged["latency_ms"]
    if not isinstance(latency, list | tuple) or len(latency) != 2:
        raise BadInput("invalid faults: latency_ms must be [min, max] in milliseconds", 422)
    statuses = merged["failure_statuses"]
    if not isinstance(statuses, list | tuple):
        raise BadInput("invalid faults: failure_statuses must be a list such as [500, 503]", 422)
    try:
        return Faults(
            latency_ms=(number(latency[0], "latency_ms"), number(latency[1], "latency_ms")),
            failure_rate=number(merged["failure_rate"], "failure_rate"),
            failure_statuses=tuple(integer(s, "failure_statuses") for s in statuses),
            retry_after_seconds=integer(merged["retry_after_seconds"], "retry_after_seconds"),
        )
    except ValueError as exc:
        raise BadInput(f"invalid faults: {exc}", 422) from None


Endpoint = Callable[[Request], Awaitable[Response]]


def inspection_routes(app: MockApp) -> list[Route]:
    def handles_bad_input(endpoint: Endpoint) -> Endpoint:
        async def guarded(request: Request) -> Response:
            try:
                return await endpoint(request)
            except BadInput as bad:
                return _problem(bad.status, bad.detail)
            except StoreUnavailable as exc:
                return _problem(503, f"the outbox store is unavailable: {exc}", {"Retry-After": "1"})

        return guarded

    async def health(request: Request) -> Response:
        try:
            count: int | None = await app.outbox.count()
        except StoreUnavailable:
            count = None
        return _json(
            {
                "status": "ok" if count is not None else "degraded",
                "store": "ok" if count is not None else "unavailable",
                "spec": str(app.contract.path.name),
                "spec_sha256": app.contract.fingerprint,
                "outbox_count": count,
            },
            200 if count is not None else 503,
        )

    async def list_outbox(request: Request) -> Response:
        query = request.query_params
        page = await app.outbox.page(
            limit=whole_number(query.get("limit"), "limit", low=1, high=LARGEST_PAGE) or DEFAULT_PAGE,
            before=whole_number(query.get("before"), "before", low=1, high=LARGEST_ID),
            recipient=query.get("recipient"),
            sender=query.get("sender"),
            sending_type=query.get("sending_type"),
            text=query.get("q"),
        )
        return _json({"total": page.total, "count": len(page.messages), "next": page.next, "messages": page.messages})

    async def clear_outbox(request: Request) -> Response:
        cleared = await app.clear()
        app.services.feed.publish(Feed.CLEARED)
        return _json({"cleared": cleared})

    def _message_id(request: Request) -> int:
        found = whole_number(request.path_params["message_id"], "the message id", low=1, high=LARGEST_ID)
        assert found is not None  # noqa: S101 - a path parameter is never absent
        return found

    async def get_message(request: Request) -> Response:
        message_id = _message_id(request)
        found = await app.outbox.get(message_id)
        if found is None:
            return _problem(404, f"no message {message_id} in the outbox")
        return _json(found)

    async def delete_message(request: Request) -> Response:
        message_id = _message_id(request)
        if not await app.outbox.delete(message_id):
            return _problem(404, f"no message {message_id} in the outbox")
        app.services.feed.publish(Feed.DELETED)
        return _json({"deleted": message_id})

    async def get_faults(request: Request) -> Response:
        return _json(dataclasses.asdict(app.settings.faults))

    async def put_faults(request: Request) -> Response:
        raw = await _limited_body(request, FAULTS_BODY_LIMIT)
        try:
            given = orjson.loads(raw)
        except orjson.JSONDecodeError:
            raise BadInput("invalid faults: the body is not JSON", 422) from None
        app.settings.faults = _faults_from(given, app.settings.faults)
        app.services.feed.publish(Feed.FAULTS)
        return _json(dataclasses.asdict(app.settings.faults))

    async def spec(request: Request) -> Response:
        return Response(app.contract.path.read_bytes(), media_type="application/yaml")

    routes = [
        (f"{PREFIX}/health", health, "GET"),
        (f"{PREFIX}/outbox", list_outbox, "GET"),
        (f"{PREFIX}/outbox", clear_outbox, "DELETE"),
        (f"{PREFIX}/outbox/{{message_id}}", get_message, "GET"),
        (f"{PREFIX}/outbox/{{message_id}}", delete_message, "DELETE"),
        (f"{PREFIX}/faults", get_faults, "GET"),
        (f"{PREFIX}/faults", put_faults, "PUT"),
        (f"{PREFIX}/openapi.yaml", spec, "GET"),
    ]
    return [Route(path, handles_bad_input(endpoint), methods=[method]) for path, endpoint, method in routes]
