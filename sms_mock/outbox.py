"""The outbox as the inspection API and the tests see it: messages derived from the entries a store keeps.

A store keeps each accepted body as it came (sms_mock.store); what a person wants to see of it (the
text, its SMS parts and encoding, when it came) is derived here when it is read, off the hot path.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import orjson

from sms_contract.parts import sms_parts

from .store.base import Store, Stored


@dataclass(slots=True)
class OutboxMessage:
    """One accepted message, as the inspection API shows it.

    A webservice, pattern or votp send is one message; a peer_to_peer send is one per item. For a
    pattern, `message` is the registered pattern's text filled in (None when no pattern is
    registered), and `code` and `variables` are what was sent. A votp has no sender, and its
    `message` is the code that was read out; SMS parts do not apply to it.
    """

    id: int
    sending_type: str
    sender: str | None
    recipients: list[str]
    message: str | None
    send_time: str | None
    received_at: datetime
    parts: int | None
    encoding: str | None
    characters: int | None
    code: str | None = None
    variables: dict[str, str] | None = None


def message_of(stored: Stored) -> OutboxMessage:
    """What the inspection API shows of a stored entry, derived from the body it keeps."""
    entry = stored.entry
    body: dict[str, Any] = orjson.loads(entry.body)
    kind = body.get("sending_type", "webservice")
    code = variables = None
    if kind == "pattern":
        sender, recipients, text = body["from_number"], body["recipients"], entry.rendered
        code, variables = body["code"], body["params"]
    elif kind == "votp":
        sender, recipients, text = None, body["params"]["recipients"], body["message"]
    elif kind == "peer_to_peer":
        item = body["params"][entry.item]
        sender, recipients, text = body["from_number"], item["recipients"], item["message"]
    else:
        sender, recipients, text = body["from_number"], body["params"]["recipients"], body["message"]
    cost = sms_parts(text) if text is not None and kind != "votp" else None
    return OutboxMessage(
        id=stored.id,
        sending_type=kind,
        sender=sender,
        recipients=recipients,
        message=text,
        send_time=body.get("send_time"),
        received_at=datetime.fromtimestamp(entry.received_at, UTC),
        parts=cost.parts if cost else None,
        encoding=cost.encoding if cost else None,
        characters=cost.characters if cost else None,
        code=code,
        variables=variables,
    )


class Outbox:
    """Reads of a store, decoded and filtered."""

    def __init__(self, store: Store) -> None:
        self.store = store

    async def list(
        self,
        *,
        recipient: str | None = None,
        sender: str | None = None,
        sending_type: str | None = None,
        limit: int | None = None,
    ) -> list[OutboxMessage]:
        """Accepted messages oldest first; with `limit`, the newest `limit` of them."""
        found: list[OutboxMessage] = []
        async for stored in self.store.newest(recipient=recipient):
            message = message_of(stored)
            if (sender is None or message.sender == sender) and (
                sending_type is None or message.sending_type == sending_type
            ):
                found.append(message)
                if limit is not None and len(found) >= limit:
                    break
        found.reverse()
        return found

    async def get(self, message_id: int) -> OutboxMessage | None:
        stored = await self.store.get(message_id)
        return message_of(stored) if stored is not None else None

    async def count(self) -> int:
        return await self.store.count()

    async def clear(self) -> int:
        return await self.store.clear()
