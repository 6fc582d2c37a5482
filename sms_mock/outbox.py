"""The outbox: every accepted send, in memory or in a SQLite file that survives restarts.

A send is recorded (and, with SQLite, committed) before its 200 is written, so nothing the mock
accepted is ever lost. Ids are unique and increasing, one per send whatever its recipient count.
"""

from __future__ import annotations

import hashlib
import sqlite3
import time
from collections import deque
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Protocol

import orjson


# Not frozen: a frozen dataclass pays an object.__setattr__ per field, and these are made on the hot path.
@dataclass(slots=True)
class OutboxMessage:
    """One accepted send, as the inspection API shows it (read-only by convention).

    It is built with id 0 (UNASSIGNED) and handed to Outbox.accept, which gives it its id.
    """

    id: int
    sender: str
    recipients: list[str]
    message: str
    send_time: str | None
    received_at: datetime
    parts: int
    encoding: str
    characters: int


UNASSIGNED = 0


class Outbox(Protocol):
    """Where accepted sends are kept, with the memory of recent ones that the duplicate rule needs."""

    def accept(self, message: OutboxMessage, *, now: float, window: float) -> OutboxMessage | int:
        """Give the send its id, record it and return it; or, if a recipient got the same text from the
        same sender less than `window` seconds before `now`, record nothing and return that recipient's index."""
        ...

    def list(
        self, *, recipient: str | None = None, sender: str | None = None, limit: int | None = None
    ) -> list[OutboxMessage]: ...

    def get(self, message_id: int) -> OutboxMessage | None: ...

    def count(self) -> int: ...

    def clear(self) -> int:
        """Forget every send and the duplicate memory; ids keep increasing."""
        ...

    def close(self) -> None: ...


class RecentSends:
    """The last time each (sender, recipient, text) was accepted, forgotten `window` seconds later.

    Keys expire in arrival order, so pruning is amortised O(1) per recorded recipient.
    """

    def __init__(self) -> None:
        self._last: dict[tuple[str, str, str], float] = {}
        self._expiry: deque[tuple[float, tuple[str, str, str]]] = deque()

    def first_duplicate(self, sender: str, recipients: list[str], text: str, now: float, window: float) -> int | None:
        horizon = now - window
        expiry, last = self._expiry, self._last
        while expiry and expiry[0][0] <= horizon:
            stamp, key = expiry.popleft()
            if last.get(key) == stamp:
                del last[key]
        for index, number in enumerate(recipients):
            sent_at = last.get((sender, number, text))
            if sent_at is not None and sent_at > horizon:
                return index
        return None

    def record(self, sender: str, recipients: list[str], text: str, now: float) -> None:
        for number in recipients:
            key = (sender, number, text)
            self._last[key] = now
            self._expiry.append((now, key))

    def clear(self) -> None:
        self._last.clear()
        self._expiry.clear()


class MemoryOutbox:
    """The default outbox: a dict by id, with an index by recipient for quick filtering."""

    def __init__(self, first_id: int = 1) -> None:
        self._next_id = first_id
        self._messages: dict[int, OutboxMessage] = {}
        self._by_recipient: dict[str, list[int]] = {}
        self._recent = RecentSends()

    def accept(self, message: OutboxMessage, *, now: float, window: float) -> OutboxMessage | int:
        if window > 0:
            duplicate = self._recent.first_duplicate(message.sender, message.recipients, message.message, now, window)
            if duplicate is not None:
                return duplicate
        message.id = self._next_id
        self._next_id += 1
        self._messages[message.id] = message
        for number in message.recipients:
            self._by_recipient.setdefault(number, []).append(message.id)
        if window > 0:
            self._recent.record(message.sender, message.recipients, message.message, now)
        return message

    def list(
        self, *, recipient: str | None = None, sender: str | None = None, limit: int | None = None
    ) -> list[OutboxMessage]:
        if recipient is not None:
            # A number listed twice in one send is one message to it, not two.
            found: Iterable[OutboxMessage] = (
                self._messages[i] for i in dict.fromkeys(self._by_recipient.get(recipient, ()))
            )
        else:
            found = self._messages.values()
        selected = [m for m in found if sender is None or m.sender == sender]
        return selected[-limit:] if limit else selected

    def get(self, message_id: int) -> OutboxMessage | None:
        return self._messages.get(message_id)

    def count(self) -> int:
        return len(self._messages)

    def clear(self) -> int:
        cleared = len(self._messages)
        self._messages.clear()
        self._by_recipient.clear()
        self._recent.clear()
        return cleared

    def close(self) -> None:
        return None


_SCHEMA = """
CREATE TABLE IF NOT EXISTS outbox (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    sender TEXT NOT NULL,
    recipients TEXT NOT NULL,
    message TEXT NOT NULL,
    send_time TEXT,
    received_at TEXT NOT NULL,
    parts INTEGER NOT NULL,
    encoding TEXT NOT NULL,
    characters INTEGER NOT NULL
);
CREATE TABLE IF NOT EXISTS outbox_recipient (
    message_id INTEGER NOT NULL REFERENCES outbox(id) ON DELETE CASCADE,
    recipient TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS outbox_recipient_by_number ON outbox_recipient(recipient, message_id);
CREATE TABLE IF NOT EXISTS recent_send (
    key BLOB PRIMARY KEY,
    at REAL NOT NULL
) WITHOUT ROWID;
"""
_COLUMNS = "id, sender, recipients, message, send_time, received_at, parts, encoding, characters"


class SqliteOutbox:
    """An outbox in a SQLite file (WAL): every send is committed before the mock answers it."""

    def __init__(self, path: Path | str, first_id: int = 1) -> None:
        self.path = Path(path)
        self._db = sqlite3.connect(self.path, isolation_level=None, check_same_thread=False)
        self._db.execute("PRAGMA journal_mode=WAL")
        # NORMAL in WAL mode survives a crash of the mock process; only a power cut can lose a commit.
        self._db.execute("PRAGMA synchronous=NORMAL")
        self._db.execute("PRAGMA foreign_keys=ON")
        # Several mock processes can share the file. SQLite's own busy handler sleeps a whole
        # millisecond and more on a busy lock that is held for tens of microseconds; _begin() waits
        # in much smaller steps instead.
        self._db.execute("PRAGMA busy_timeout=0")
        self._accepted = 0
        with self._db:
            self._begin()
            for statement in _SCHEMA.split(";"):
                if statement.strip():
                    self._db.execute(statement)
            if first_id > 1:
                # Start ids at first_id unless the file already went past it.
                self._db.execute(
                    "INSERT INTO sqlite_sequence(name, seq) SELECT 'outbox', ? WHERE NOT EXISTS "
                    "(SELECT 1 FROM sqlite_sequence WHERE name = 'outbox')",
                    (first_id - 1,),
                )

    @staticmethod
    def _row(row: tuple[int, str, str, str, str | None, str, int, str, int]) -> OutboxMessage:
        ident, sender, recipients, message, send_time, received_at, parts, encoding, characters = row
        return OutboxMessage(
            ident, sender, orjson.loads(recipients), message, send_time, datetime.fromisoformat(received_at),
            parts, encoding, characters,
        )  # fmt: skip

    def _begin(self, patience: float = 10.0) -> None:
        """BEGIN IMMEDIATE (take the write lock), retrying quickly while another process holds it."""
        delay, deadline = 0.00002, time.monotonic() + patience
        while True:
            try:
                self._db.execute("BEGIN IMMEDIATE")
                return
            except sqlite3.OperationalError as exc:
                if "locked" not in str(exc) or time.monotonic() > deadline:
                    raise
            time.sleep(delay)
            delay = min(delay * 2, 0.001)

    @staticmethod
    def _keys(message: OutboxMessage) -> list[bytes]:
        base = f"{message.sender}\x1f{message.message}\x1f".encode()
        return [hashlib.blake2b(base + number.encode(), digest_size=16).digest() for number in message.recipients]

    def accept(self, message: OutboxMessage, *, now: float, window: float) -> OutboxMessage | int:
        keys = self._keys(message) if window > 0 else []
        with self._db:
            # One write transaction for the duplicate check and the insert: several mock processes
            # sharing this file then never accept the same duplicate twice.
            self._begin()
            if keys:
                recent: set[bytes] = set()
                for start in range(0, len(keys), 500):
                    chunk = keys[start : start + 500]
                    marks = ",".join("?" * len(chunk))
                    recent.update(
                        row[0]
                        for row in self._db.execute(
                            f"SELECT key FROM recent_send WHERE at > ? AND key IN ({marks})",  # noqa: S608
                            (now - window, *chunk),
                        )
                    )
                if recent:
                    return next(i for i, key in enumerate(keys) if key in recent)
            cursor = self._db.execute(
                "INSERT INTO outbox (sender, recipients, message, send_time, received_at, parts, encoding, characters)"
                " VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                (
                    message.sender, orjson.dumps(message.recipients), message.message, message.send_time,
                    message.received_at.isoformat(), message.parts, message.encoding, message.characters,
                ),
            )  # fmt: skip
            message_id = int(cursor.lastrowid or 0)
            self._db.executemany(
                "INSERT INTO outbox_recipient (message_id, recipient) VALUES (?, ?)",
                ((message_id, number) for number in dict.fromkeys(message.recipients)),
            )
            if keys:
                self._db.executemany(
                    "INSERT OR REPLACE INTO recent_send (key, at) VALUES (?, ?)", ((key, now) for key in keys)
                )
                self._accepted += 1
                if self._accepted % 1000 == 0:
                    self._db.execute("DELETE FROM recent_send WHERE at <= ?", (now - window,))
        message.id = message_id
        return message

    def list(
        self, *, recipient: str | None = None, sender: str | None = None, limit: int | None = None
    ) -> list[OutboxMessage]:
        where: list[str] = []
        args: list[str | int] = []
        if recipient is not None:
            where.append("id IN (SELECT message_id FROM outbox_recipient WHERE recipient = ?)")
            args.append(recipient)
        if sender is not None:
            where.append("sender = ?")
            args.append(sender)
        sql = f"SELECT {_COLUMNS} FROM outbox"  # noqa: S608 - only fixed fragments are interpolated
        if where:
            sql += " WHERE " + " AND ".join(where)
        if limit:
            sql = f"SELECT * FROM ({sql} ORDER BY id DESC LIMIT ?) ORDER BY id"  # noqa: S608
            args.append(limit)
        else:
            sql += " ORDER BY id"
        return [self._row(row) for row in self._db.execute(sql, args)]

    def get(self, message_id: int) -> OutboxMessage | None:
        row = self._db.execute(f"SELECT {_COLUMNS} FROM outbox WHERE id = ?", (message_id,)).fetchone()  # noqa: S608
        return self._row(row) if row else None

    def count(self) -> int:
        return int(self._db.execute("SELECT COUNT(*) FROM outbox").fetchone()[0])

    def clear(self) -> int:
        with self._db:
            self._begin()
            cleared = self.count()
            self._db.execute("DELETE FROM outbox_recipient")
            self._db.execute("DELETE FROM outbox")
            self._db.execute("DELETE FROM recent_send")
        return cleared

    def close(self) -> None:
        self._db.close()
