"""The provider's `{data, meta}` envelope, built once per answer and written straight to the ASGI channel."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, MutableMapping, Sequence
from typing import Any

import orjson

from . import messages

Send = Callable[[MutableMapping[str, Any]], Awaitable[None]]
_JSON = (b"content-type", b"application/json")


_SUCCESS_HEAD = b'{"data":{"message_outbox_ids":['
_SUCCESS_TAIL = orjson.dumps(
    {"status": True, "message": messages.DONE, "message_parameters": [], "message_code": messages.CODE_SUCCESS}
)


def success_bytes(outbox_id: int) -> bytes:
    """The success envelope of one send, spliced from constant parts (the hot path's answer)."""
    return b'%s%d]},"meta":%s}' % (_SUCCESS_HEAD, outbox_id, _SUCCESS_TAIL)


def error(message: str, code: str, errors: dict[str, list[str]] | None = None) -> dict[str, Any]:
    return {
        "data": None,
        "meta": {
            "status": False,
            "message": message,
            "message_parameters": [],
            "message_code": code,
            "errors": errors or {},
        },
    }


def field_error(errors: dict[str, list[str]], code: str = messages.CODE_VALIDATION) -> dict[str, Any]:
    """An error envelope whose `meta.message` is the first field's first message, as the provider does."""
    return error(next(iter(errors.values()))[0], code, errors)


async def send_json(
    send: Send, status: int, body: dict[str, Any] | bytes, headers: Sequence[tuple[bytes, bytes]] = ()
) -> None:
    payload = body if isinstance(body, bytes) else orjson.dumps(body)
    await send(
        {
            "type": "http.response.start",
            "status": status,
            "headers": [_JSON, (b"content-length", str(len(payload)).encode()), *headers],
        }
    )
    await send({"type": "http.response.body", "body": payload})
