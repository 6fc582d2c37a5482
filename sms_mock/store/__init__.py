"""Where the mock keeps what it accepted: a small async interface (base.py) and its implementations.

    memory.py   the default: this process's memory
    sqlite.py   a SQLite file that survives restarts (`--store outbox.sqlite3`)

A new store implements `Store` and is chosen in `open_store`; nothing else in the mock changes.
"""

from __future__ import annotations

from pathlib import Path

from .base import Claim, Entry, Held, Store, Stored, StoreUnavailable
from .memory import MemoryStore

__all__ = ["Claim", "Entry", "Held", "MemoryStore", "Store", "StoreUnavailable", "Stored", "open_store"]


def open_store(location: Path | None, first_id: int = 1, max_messages: int = 100_000) -> Store:
    """The store at `location` (a SQLite file), or a fresh in-memory one, keeping the newest `max_messages`."""
    if location is None:
        return MemoryStore(first_id, max_messages)
    from .sqlite import SqliteStore

    return SqliteStore(location, first_id, max_messages)
