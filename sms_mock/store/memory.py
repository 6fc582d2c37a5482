"""The default store: the outbox in this process's memory, ids by position, held identities in a dict.

Identities expire in the order they were held, so forgetting them is amortised O(1) per recipient.
"""

from __future__ import annotations

from collections import deque
from collections.abc import AsyncIterator, Sequence

from .base import Claim, Entry, Held, Identity, Stored


class MemoryStore:
    """Entries in a list (the id of entries[i] is first + i), the newest `max_messages` of them.

    Nothing survives the process. The oldest entries go in batches of an eighth of the cap, so
    that forgetting them costs O(1) per entry and memory stays flat once the cap is reached.
    """

    def __init__(self, first_id: int = 1, max_messages: int = 100_000) -> None:
        self._entries: list[Entry | None] = []  # None: deleted one by one
        self._deleted = 0
        self._first = first_id
        self._max = max_messages
        self._slack = max(1, max_messages // 8)
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
        excess = len(self._entries) - self._max
        if excess >= self._slack or (excess > 0 and len(entries) >= self._slack):
            if self._deleted:
                self._deleted -= sum(entry is None for entry in self._entries[:excess])
            del self._entries[:excess]
            self._first += excess
        return list(range(start, start + len(entries)))

    async def newest(self, *, before: int | None = None, recipient: str | None = None) -> AsyncIterator[Stored]:
        entries, first = self._entries, self._first
        oldest = max(0, len(entries) - self._max)  # entries past the cap wait for the next batch to go
        top = len(entries) if before is None else max(0, min(len(entries), before - first))
        for position in range(top - 1, oldest - 1, -1):
            entry = entries[position]
            if entry is not None and (recipient is None or recipient in entry.recipients):
                yield Stored(first + position, entry)

    async def get(self, message_id: int) -> Stored | None:
        position = self._position(message_id)
        entry = self._entries[position] if position is not None else None
        return Stored(message_id, entry) if entry is not None else None

    def _position(self, message_id: int) -> int | None:
        position = message_id - self._first
        return position if max(0, len(self._entries) - self._max) <= position < len(self._entries) else None

    async def delete(self, message_id: int) -> bool:
        position = self._position(message_id)
        if position is None or self._entries[position] is None:
            return False
        self._entries[position] = None
        self._deleted += 1
        return True

    async def count(self) -> int:
        entries = self._entries
        oldest = max(0, len(entries) - self._max)
        if not self._deleted:
            return len(entries) - oldest
        return sum(entries[i] is not None for i in range(oldest, len(entries)))  # only after single deletes

    async def clear(self) -> int:
        cleared = await self.count()
        self._first += len(self._entries)
        self._entries = []
        self._deleted = 0
        self._held.clear()
        self._expiry.clear()
        return cleared

    async def close(self) -> None:
        return None
