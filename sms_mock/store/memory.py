"""The default store: the outbox in this process's memory, ids by position, held identities in a dict.

Identities expire in the order they were held, so forgetting them is amortised O(1) per recipient.
"""

from __future__ import annotations

from collections import deque
from collections.abc import AsyncIterator, Sequence

from .base import Claim, Entry, Held, Identity, Stored


class MemoryStore:
    """Entries in a list (the id of entries[i] is first + i); nothing survives the process."""

    def __init__(self, first_id: int = 1) -> None:
        self._entries: list[Entry] = []
        self._first = first_id
        self._held: dict[Identity, float] = {}
        self._expiry: deque[tuple[float, Identity]] = deque()

    def _forget_expired(self, now: float) -> None:
        expiry, held = self._expiry, self._held
        while expiry and expiry[0][0] <= now:
            until, identity = expiry.popleft()
            if held.get(identity) == until:
                del held[identity]

    async def add(self, entries: Sequence[Entry], claim: Claim | None) -> list[int]:
        if claim is not None:
            now, held = claim.now, self._held
            self._forget_expired(now)
            for index, identity in enumerate(claim.identities):
                if identity in held:
                    raise Held(index)
            until = now + claim.seconds
            for identity in claim.identities:
                held[identity] = until
                self._expiry.append((until, identity))
        start = self._first + len(self._entries)
        self._entries.extend(entries)
        return list(range(start, start + len(entries)))

    async def newest(self, *, before: int | None = None, recipient: str | None = None) -> AsyncIterator[Stored]:
        entries, first = self._entries, self._first
        top = len(entries) if before is None else max(0, min(len(entries), before - first))
        for position in range(top - 1, -1, -1):
            entry = entries[position]
            if recipient is None or recipient in entry.recipients:
                yield Stored(first + position, entry)

    async def get(self, message_id: int) -> Stored | None:
        position = message_id - self._first
        if 0 <= position < len(self._entries):
            return Stored(message_id, self._entries[position])
        return None

    async def count(self) -> int:
        return len(self._entries)

    async def clear(self) -> int:
        cleared = len(self._entries)
        self._first += cleared
        self._entries = []
        self._held.clear()
        self._expiry.clear()
        return cleared

    async def close(self) -> None:
        return None
