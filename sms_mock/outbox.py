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
    """One accepted send, as the inspection API shows it."""

    id: int
    sender: str
    recipients: list[str]
    message: str
    send_time: str | None
    received_at: datetime
    parts: int
    encoding: str
    characters: int


def message_of(stored: Stored) -> OutboxMessage:
    body: dict[str, Any] = orjson.loads(stored.entry.body)
    text = body["message"]
    cost = sms_parts(text)
    return OutboxMessage(
        id=stored.id,
        sender=body["from_number"],
        recipients=body["params"]["recipients"],
        message=text,
        send_time=body.get("send_time"),
        received_at=datetime.fromtimestamp(stored.entry.received_at, UTC),
        parts=cost.parts,
        encoding=cost.encoding,
        characters=cost.characters,
    )


class Outbox:
    """Reads of a store, decoded and filtered."""

    def __init__(self, store: Store) -> None:
        self.store = store

    async def list(
        self, *, recipient: str | None = None, sender: str | None = None, limit: int | None = None
    ) -> list[OutboxMessage]:
        """Accepted sends oldest first; with `limit`, the newest `limit` of them."""
        found: list[OutboxMessage] = []
        async for stored in self.store.newest(recipient=recipient):
            message = message_of(stored)
            if sender is None or message.sender == sender:
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
