"""The default store: the outbox in this process's memory, laid out so that a stored send costs little.

A send is kept as the request body the server already read (a bytes object the gc does not track)
in a list, its arrival time in an array, and its id by position; the rare extras (a peer_to_peer
item's index, a rendered pattern) in a dict. The duplicate memory keeps, per sender and text, the
recipients' hashes and until when they are held, packed in bytes; nothing of either is walked by
the gc.
"""

from __future__ import annotations

import struct
from array import array
from collections.abc import AsyncIterator, Sequence

from .base import Claim, ClaimedMessage, Entry, Held, Stored

_HEAD = struct.Struct("dq")  # a hold: until when, how many recipients (their hashes follow)
_HASHES = [struct.Struct(f"{count}q") for count in range(66)]
_HOLDS = [struct.Struct(f"dq{count}q") for count in range(66)]  # a whole hold in one pack


def _hashes(count: int) -> struct.Struct:
    return _HASHES[count] if count < len(_HASHES) else struct.Struct(f"{count}q")


def _hold(until: float, recipients: Sequence[str]) -> bytes:
    """One hold packed: until when, how many recipients, their hashes (signed 64-bit, as Python's are)."""
    count = len(recipients)
    if count < len(_HOLDS):
        return _HOLDS[count].pack(until, count, *map(hash, recipients))
    return _HEAD.pack(until, count) + _hashes(count).pack(*map(hash, recipients))


class HeldIdentities:
    """The duplicate memory, kept per (sender, text): most sends have a text of their own, so checking
    one costs a dict lookup, and what it holds is one small bytes object.

    Each (sender, text) maps, by its 64-bit hash, to the holds made for it, packed: for each hold, until
    when (a double), how many recipients, and their hashes (64-bit integers). Keys are also listed in
    the order they were held, so that expired ones are let go from the front, without sweeping the
    whole dict.
    """

    def __init__(self) -> None:
        self.clear()

    def clear(self) -> None:
        self._by_text: dict[int, bytes] = {}
        self._order = array("q")  # keys in the order they were held (a key held again appears again)
        self._head = 0  # _order[:_head] is done with
        self._next_expiry = 0.0  # nothing at the front expires before then
        self._latest = 0.0  # everything expires by then

    @staticmethod
    def _holds(packed: bytes) -> list[tuple[float, tuple[int, ...]]]:
        """The (until, recipient hashes) of each hold packed in a value."""
        holds, at = [], 0
        while at < len(packed):
            until, count = _HEAD.unpack_from(packed, at)
            holds.append((until, _hashes(count).unpack_from(packed, at + _HEAD.size)))
            at += _HEAD.size + 8 * count
        return holds

    @staticmethod
    def _pack(until: float, hashes: Sequence[int]) -> bytes:
        return _HEAD.pack(until, len(hashes)) + _hashes(len(hashes)).pack(*hashes)

    def claim(self, messages: Sequence[ClaimedMessage], until: float, now: float) -> int | None:
        """Hold every (sender, recipient, text) until `until`, unless one is held at `now`: then hold
        nothing and return its index (of Claim.identities())."""
        if now >= self._next_expiry:
            self._let_go(now)
        by_text, order = self._by_text, self._order
        if len(messages) == 1:  # most sends: the loops below without their bookkeeping
            sender, text, recipients = messages[0]
            key = hash((sender, text))  # Python's hashes are signed 64-bit: they pack as "q"
            old = by_text.get(key)
            if old is not None:
                index = self._first_held(old, recipients, now)
                if index is not None:
                    return index
            hold = _hold(until, recipients)
            by_text[key] = hold if old is None else self._still_held(old, now) + hold
            order.append(key)
        else:
            keys, index = [], 0
            for sender, text, recipients in messages:
                key = hash((sender, text))
                old = by_text.get(key)
                if old is not None:  # this text went out lately: to whom, and until when?
                    offset = self._first_held(old, recipients, now)
                    if offset is not None:
                        return index + offset
                keys.append(key)
                index += len(recipients)
            for key, (_, _, recipients) in zip(keys, messages, strict=True):
                hold = _hold(until, recipients)
                old = by_text.get(key)  # the same text to others (or twice in this send): what is still held stays
                by_text[key] = hold if old is None else self._still_held(old, now) + hold
                order.append(key)
        if not self._next_expiry:
            self._next_expiry = until
        if until > self._latest:
            self._latest = until
        return None

    def _first_held(self, packed: bytes, recipients: Sequence[str], now: float) -> int | None:
        """The index in `recipients` of the first one a hold in `packed` still holds at `now`."""
        held = {h for until, hashes in self._holds(packed) if until > now for h in hashes}
        for offset, number in enumerate(recipients):
            if hash(number) in held:
                return offset
        return None

    def _still_held(self, packed: bytes, now: float) -> bytes:
        """The holds in `packed` that have not expired at `now`, packed again."""
        return b"".join(self._pack(until, hashes) for until, hashes in self._holds(packed) if until > now)

    def _let_go(self, now: float) -> None:
        """Forget the texts whose every hold has expired, from the oldest on."""
        if self._latest and now >= self._latest:
            self.clear()  # everything has expired: all of the memory goes back at once
            return
        order, by_text = self._order, self._by_text
        head = self._head
        self._next_expiry = 0.0  # set again below by the first text still held, else by the next hold
        while head < len(order):
            packed = by_text.get(order[head])
            if packed is not None:
                last = max(until for until, _ in self._holds(packed))
                if last > now:
                    self._next_expiry = last
                    break
                del by_text[order[head]]
            head += 1
        if head > 4096 and head * 2 > len(order):
            del order[:head]
            head = 0
        self._head = head


class MemoryStore:
    """The newest `max_messages` entries, in columns; nothing survives the process.

    The oldest entries go in batches of an eighth of the cap, so that forgetting them costs O(1) per
    entry and memory stays flat once the cap is reached.
    """

    def __init__(self, first_id: int = 1, max_messages: int = 100_000) -> None:
        self._bodies: list[bytes | None] = []  # None: deleted one by one
        self._received = array("d")
        self._extras: dict[int, tuple[int, str | None]] = {}  # by id: (item, rendered), when not (0, None)
        self._first = first_id  # the id of _bodies[0]
        self._max = max_messages
        self._slack = max(1, max_messages // 8)
        self._deleted = 0
        self._held = HeldIdentities()

    async def add(self, entries: Sequence[Entry], claim: Claim | None) -> list[int]:
        return self.add_now(entries, claim)

    def add_now(self, entries: Sequence[Entry], claim: Claim | None) -> list[int]:
        """`add` without a coroutine: nothing here waits, so a server can answer a send without a task."""
        if claim is not None:
            index = self._held.claim(claim.messages, claim.now + claim.seconds, claim.now)
            if index is not None:
                raise Held(index)
        bodies = self._bodies
        start = self._first + len(bodies)
        for offset, entry in enumerate(entries):
            bodies.append(entry.body)
            self._received.append(entry.received_at)
            if entry.item or entry.rendered is not None:
                self._extras[start + offset] = (entry.item, entry.rendered)
        excess = len(bodies) - self._max
        if excess >= self._slack:
            self._let_go(excess)
        return [start] if len(entries) == 1 else list(range(start, start + len(entries)))

    def _let_go(self, count: int) -> None:
        if self._deleted:
            self._deleted -= self._bodies[:count].count(None)
        del self._bodies[:count]
        del self._received[:count]
        if self._extras:
            self._extras = {i: extra for i, extra in self._extras.items() if i >= self._first + count}
        self._first += count

    def _entry(self, position: int) -> Entry | None:
        body = self._bodies[position]
        if body is None:
            return None
        item, rendered = self._extras.get(self._first + position, (0, None))
        return Entry(body, item, self._received[position], (), rendered)

    def _oldest(self) -> int:
        """The position of the oldest entry kept (those past the cap wait for the next batch to go)."""
        return max(0, len(self._bodies) - self._max)

    async def newest(self, *, before: int | None = None, recipient: str | None = None) -> AsyncIterator[Stored]:
        bodies, first = self._bodies, self._first
        top = len(bodies) if before is None else max(0, min(len(bodies), before - first))
        number = recipient.encode() if recipient is not None else None
        for position in range(top - 1, self._oldest() - 1, -1):
            body = bodies[position]
            if body is None:
                continue
            # Numbers are written plainly in JSON unless a client escaped them (\u): then let it pass.
            if number is not None and number not in body and b"\\u" not in body:
                continue
            entry = self._entry(position)
            if entry is not None:
                yield Stored(first + position, entry)

    def _position(self, message_id: int) -> int | None:
        position = message_id - self._first
        return position if self._oldest() <= position < len(self._bodies) else None

    async def get(self, message_id: int) -> Stored | None:
        position = self._position(message_id)
        entry = self._entry(position) if position is not None else None
        return Stored(message_id, entry) if entry is not None else None

    async def delete(self, message_id: int) -> bool:
        position = self._position(message_id)
        if position is None or self._bodies[position] is None:
            return False
        self._bodies[position] = None
        self._extras.pop(message_id, None)
        self._deleted += 1
        return True

    async def count(self) -> int:
        bodies, oldest = self._bodies, self._oldest()
        if not self._deleted:
            return len(bodies) - oldest
        return len(bodies) - oldest - bodies[oldest:].count(None)  # only after single deletes

    async def clear(self) -> int:
        cleared = await self.count()
        self._first += len(self._bodies)
        self._bodies, self._received, self._extras = [], array("d"), {}
        self._deleted = 0
        self._held.clear()
        return cleared

    async def close(self) -> None:
        return None
