"""Answers written straight to the ASGI channel, and the success envelope of one send spliced from bytes.

The envelope's shape and rules are the contract's (sms_contract.envelope); this is only how the
mock puts one on the wire cheaply.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, MutableMapping, Sequence
from typing import Any

import orjson

from sms_contract import texts

Send = Callable[[MutableMapping[str, Any]], Awaitable[None]]
_JSON = (b"content-type", b"application/json")


_SUCCESS_HEAD = b'{"data":{"message_outbox_ids":['
_SUCCESS_TAIL = orjson.dumps(
    {"status": True, "message": texts.DONE, "message_parameters": [], "message_code": texts.CODE_SUCCESS}
)


def success_bytes(outbox_ids: list[int]) -> bytes:
    """The success envelope of a send, spliced from constant parts (the hot path's answer)."""
    ids = b"%d" % outbox_ids[0] if len(outbox_ids) == 1 else b",".join(b"%d" % i for i in outbox_ids)
    return b'%s%s]},"meta":%s}' % (_SUCCESS_HEAD, ids, _SUCCESS_TAIL)


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
