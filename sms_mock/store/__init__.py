"""Where the mock keeps what it accepted: a small async interface (base.py) and its implementations.

    memory.py   the default: this process's memory
    sqlite.py   a SQLite file that survives restarts (`--store outbox.sqlite3`)
    redis.py    Redis, shared by several replicas (`--store redis://HOST:PORT/DB`)

A new store implements `Store` and is chosen in `open_store`; nothing else in the mock changes.
"""

from __future__ import annotations

from pathlib import Path

from sms_mock.settings import REDIS_SCHEMES

from .base import Claim, Entry, Held, Store, Stored, StoreUnavailable
from .memory import MemoryStore

__all__ = [
    "REDIS_SCHEMES", "Claim", "Entry", "Held", "MemoryStore", "Store", "StoreUnavailable", "Stored", "open_store",
]  # fmt: skip


def open_store(location: Path | str | None, first_id: int = 1, max_messages: int = 100_000) -> Store:
    """The store at `location` (a redis:// URL, or a SQLite file), or a fresh in-memory one, keeping the
    newest `max_messages`. ValueError, saying why, when it cannot be used."""
    if location is None:
        return MemoryStore(first_id, max_messages)
    if str(location).startswith(REDIS_SCHEMES):
        try:
            from .redis import RedisStore
        except ImportError:
            raise ValueError(
                "a redis:// store needs the redis package: pip install 'edge-sms-toolkit[redis]'"
            ) from None
        return RedisStore(str(location), first_id, max_messages)
    from .sqlite import SqliteStore

    return SqliteStore(location, first_id, max_messages)
