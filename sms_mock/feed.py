"""What changed in the outbox, for the live inbox page: sends, deletions, clears, fault changes.

Publishing costs the send path a loop over no listeners when nobody listens, and a flag per
listener when someone does: a listener is woken, not handed each send. It then reads what is new
from the store at its own pace (sms_mock.inbox batches a few times per second), so a load test with
a browser open costs the mock a handful of reads per second, not one event per send.
"""

from __future__ import annotations

import asyncio


class Listener:
    """One subscriber: which kinds of change happened since it last looked, and an event to wait on."""

    def __init__(self) -> None:
        self.changed = asyncio.Event()
        self.kinds: set[str] = set()

    def take(self) -> set[str]:
        """The kinds of change since the last call, and start afresh."""
        kinds, self.kinds = self.kinds, set()
        self.changed.clear()
        return kinds


class Feed:
    """The listeners of this process; a store shared by several processes adds its own source of changes."""

    SENT, DELETED, CLEARED, FAULTS = "sent", "deleted", "cleared", "faults"

    def __init__(self) -> None:
        self._listeners: set[Listener] = set()

    def publish(self, kind: str) -> None:
        for listener in self._listeners:
            listener.kinds.add(kind)
            listener.changed.set()

    def subscribe(self) -> Listener:
        listener = Listener()
        self._listeners.add(listener)
        return listener

    def unsubscribe(self, listener: Listener) -> None:
        self._listeners.discard(listener)
