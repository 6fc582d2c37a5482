"""What a store of the outbox implements: storage only, behind one small async interface.

The rules live with the send (`sms_mock.sending`): which keys make a duplicate, for how long they are
held, what a refusal says. A store only keeps entries and holds keys, and does both in one atomic
step, so that several processes (SQLite) or replicas (a shared server) sharing it never accept the
same duplicate twice. Every method is a coroutine: a store that does I/O must not block the event loop.
"""

from __future__ import annotations

import hashlib
from collections.abc import AsyncIterator, Sequence
from typing import NamedTuple, Protocol

# (sender, recipient, text): what the provider's duplicate rule compares. A store may hash it.
Identity = tuple[str, str, str]
# One message of a send as the duplicate rule sees it: (sender, text, recipients).
ClaimedMessage = tuple[str, str, Sequence[str]]


# Named tuples, not dataclasses: they are made on the hot path, where a frozen dataclass pays an
# object.__setattr__ per field.


class Entry(NamedTuple):
    """One outbox entry: the accepted request body as received, and which of its messages this is.

    Everything the inspection API shows is derived from the body when it is read (sms_mock.outbox),
    so a store keeps the body and nothing it would have to keep in step with it.
    """

    body: bytes
    item: int  # the index of a peer_to_peer item; 0 for the other types
    received_at: float  # seconds since the epoch
    recipients: Sequence[str]  # for stores that index by recipient (derived from the body; not always kept)
    rendered: str | None = None  # a registered pattern's text as it was filled in: not derivable later


class Claim(NamedTuple):
    """What to hold for `seconds` from `now`: the (sender, recipient, text) of every recipient of every
    message, given as (sender, text, recipients) per message. A send is refused while one is held."""

    messages: Sequence[ClaimedMessage]
    seconds: float
    now: float

    def identities(self) -> list[Identity]:
        """Every (sender, recipient, text), in order: what Held.index counts."""
        return [(sender, number, text) for sender, text, recipients in self.messages for number in recipients]


class Stored(NamedTuple):
    """An entry as a store gives it back, with the id it was given."""

    id: int
    entry: Entry


def identity_key(identity: Identity) -> bytes:
    """A fixed-size key for an identity, for stores that keep held identities outside this process."""
    sender, recipient, text = identity
    return hashlib.blake2b(f"{sender}\x1f{recipient}\x1f{text}".encode(), digest_size=16).digest()


class Held(Exception):
    """The claim's identity at `index` (of Claim.identities()) is still held: nothing was stored."""

    def __init__(self, index: int) -> None:
        super().__init__(index)
        self.index = index


class StoreUnavailable(Exception):
    """The store cannot take or give anything right now (locked by another process, unreachable).

    Nothing was stored: the send is answered 503 with Retry-After, never 200.
    """


class Store(Protocol):
    """Where accepted sends are kept. Ids are positive, unique and increasing, one per entry."""

    async def add(self, entries: Sequence[Entry], claim: Claim | None) -> list[int]:
        """Hold the claim's identities and keep the entries, atomically; their ids, in order.

        Raises Held, storing and holding nothing, when an identity is still held.
        """
        ...

    def newest(self, *, before: int | None = None, recipient: str | None = None) -> AsyncIterator[Stored]:
        """Entries newest first, with ids below `before`.

        With `recipient`, at least every entry to that number (a store may pass others too, which the
        reader, who decodes the body anyway, drops): an index where the store has one, a test of the
        raw body where it does not.
        """
        ...

    async def get(self, message_id: int) -> Stored | None: ...

    async def delete(self, message_id: int) -> bool:
        """Forget one entry (True if it was there). Its held identities stay held until they expire."""
        ...

    async def count(self) -> int: ...

    async def clear(self) -> int:
        """Forget every entry and every held identity; ids keep increasing. Returns how many entries went."""
        ...

    async def close(self) -> None: ...
