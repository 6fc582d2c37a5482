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


# An extension key of the http.response.start message: the header lines already written out, for a
# server that can use them (sms_mock.protocol writes them without checking each line again; they are
# the mock's own constant names and a number). Other servers ignore the key and read `headers`.
RENDERED_HEADERS = "sms_mock.rendered_headers"
# In a request's scope, under "extensions": the server answers a body that stops arriving itself
# (sms_mock.protocol), so the app need not arm a timer of its own for each request.
BODY_DEADLINE = "sms_mock.body_deadline"


async def send_json(
    send: Send, status: int, body: dict[str, Any] | bytes, headers: Sequence[tuple[bytes, bytes]] = ()
) -> None:
    payload = body if isinstance(body, bytes) else orjson.dumps(body)
    length = b"%d" % len(payload)
    start = {
        "type": "http.response.start",
        "status": status,
        "headers": [_JSON, (b"content-length", length), *headers],
    }
    if not headers:
        start[RENDERED_HEADERS] = b"content-type: application/json\r\ncontent-length: %s\r\n" % length
    await send(start)
    await send({"type": "http.response.body", "body": payload})
