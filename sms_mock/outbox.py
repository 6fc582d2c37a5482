"""The outbox as the inspection API and the tests see it: messages derived from the entries a store keeps.

A store keeps each accepted body as it came (sms_mock.store); what a person wants to see of it (the
text, its SMS parts and encoding, when it came) is derived here when it is read, off the hot path.
"""

from __future__ import annotations

import asyncio
import re
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


@dataclass(frozen=True, slots=True)
class Filter:
    """What a page of the outbox is narrowed to; every given part must match."""

    recipient: str | None = None
    sender: str | None = None
    sending_type: str | None = None
    text: str | None = None  # a part of the text, the code or a variable, or of a number

    def is_empty(self) -> bool:
        return self.sender is None and self.sending_type is None and self.text is None

    def may_match(self, body: bytes) -> bool:
        """A cheap test on the raw body that every match passes (most bodies fail it without being parsed)."""
        if b"\\u" in body:  # escaped text: only the parsed body can say
            return True
        return all(
            needle.encode() in body
            for needle in (self.sender, self.sending_type, self.text)
            if needle is not None and not _ESCAPED.search(needle)
        )

    def matches(self, message: OutboxMessage) -> bool:
        if self.recipient is not None and self.recipient not in message.recipients:
            return False
        if self.sender is not None and message.sender != self.sender:
            return False
        if self.sending_type is not None and message.sending_type != self.sending_type:
            return False
        if self.text is not None:
            haystack = [message.message or "", message.code or "", message.sender or "", *message.recipients]
            haystack += (message.variables or {}).values()
            return any(self.text in straw for straw in haystack)
        return True


_ESCAPED = re.compile(r'["\\\x00-\x1f]')  # characters JSON writes escaped: the raw test cannot see them
_YIELD_EVERY = 2048  # a long scan lets other requests in this often


@dataclass(frozen=True, slots=True)
class Page:
    total: int  # messages that match, in all
    messages: list[OutboxMessage]  # newest first
    next: int | None  # `before` of the next page, None on the last


class Outbox:
    """Reads of a store, decoded and filtered."""

    def __init__(self, store: Store) -> None:
        self.store = store

    async def page(
        self,
        *,
        limit: int = 100,
        before: int | None = None,
        recipient: str | None = None,
        sender: str | None = None,
        sending_type: str | None = None,
        text: str | None = None,
    ) -> Page:
        """A page of matching messages, newest first, and how many match in all.

        Without filters the total is the store's count and only the page is read. With filters the
        whole outbox is scanned (bounded by --max-messages), the raw bodies tested before any is
        parsed, and the loop is let go every few thousand entries.
        """
        wanted = Filter(recipient, sender, sending_type, text)
        found: list[OutboxMessage] = []
        if recipient is None and wanted.is_empty():
            async for stored in self.store.newest(before=before):
                found.append(message_of(stored))
                if len(found) > limit:
                    break
            total = await self.store.count()
        else:
            total, seen = 0, 0
            async for stored in self.store.newest(recipient=recipient):
                seen += 1
                if seen % _YIELD_EVERY == 0:
                    await asyncio.sleep(0)
                if not wanted.may_match(stored.entry.body):
                    continue
                message = message_of(stored)
                if not wanted.matches(message):
                    continue
                total += 1
                if (before is None or stored.id < before) and len(found) <= limit:
                    found.append(message)
        more = len(found) > limit
        shown = found[:limit]
        return Page(total, shown, shown[-1].id if more and shown else None)

    async def get(self, message_id: int) -> OutboxMessage | None:
        stored = await self.store.get(message_id)
        return message_of(stored) if stored is not None else None

    async def delete(self, message_id: int) -> bool:
        return await self.store.delete(message_id)

    async def count(self) -> int:
        return await self.store.count()

    async def clear(self) -> int:
        return await self.store.clear()
