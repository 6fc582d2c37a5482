"""The outbox in a SQLite file (WAL) that survives restarts and can be shared by mock processes on one machine.

Writes run on one worker thread and reads on another, each owning its connection, so the event
loop never waits on the disk or on another process's write lock, and a read (the health check, the
inspection API) never waits behind a write that waits for that lock. A send is committed before
its 200 is written; a write lock held elsewhere for longer than a couple of seconds makes the send
a 503 (StoreUnavailable), never a stall of every request or a 500.
"""

from __future__ import annotations

import asyncio
import functools
import sqlite3
import time
from collections.abc import AsyncIterator, Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime
from pathlib import Path
from typing import TypeVar

import orjson

from .base import Claim, Entry, Held, Stored, StoreUnavailable, identity_key

T = TypeVar("T")

_SCHEMA = """
CREATE TABLE IF NOT EXISTS outbox_entry (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    body BLOB NOT NULL,
    item INTEGER NOT NULL,
    received_at REAL NOT NULL,
    rendered TEXT
);
CREATE TABLE IF NOT EXISTS outbox_recipient (
    message_id INTEGER NOT NULL REFERENCES outbox_entry(id) ON DELETE CASCADE,
    recipient TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS outbox_recipient_by_number ON outbox_recipient(recipient, message_id);
-- By message too: letting the oldest go, deleting one and the foreign key's check are lookups, not scans.
CREATE INDEX IF NOT EXISTS outbox_recipient_by_message ON outbox_recipient(message_id);
CREATE TABLE IF NOT EXISTS held_identity (
    key BLOB PRIMARY KEY,
    until REAL NOT NULL
) WITHOUT ROWID;
"""
_BATCH = 256
# SQLite's parameter limit is 32,766 in the versions Python ships; stay well under it.
_IN_CHUNK = 500


Row = tuple[int, bytes, int, float, str | None]
_COLUMNS = "id, body, item, received_at, rendered"


def _stored(row: Row) -> Stored:
    # Recipients are indexed in their own table; readers derive them from the body.
    return Stored(row[0], Entry(bytes(row[1]), row[2], row[3], (), row[4]))


def _migrate(db: sqlite3.Connection) -> None:
    """Move sends kept by the earlier layout (a column per field) into entries, keeping their ids."""
    columns = {row[1] for row in db.execute("PRAGMA table_info(outbox)")}
    if "sender" not in columns:
        return
    rows = db.execute("SELECT id, sender, recipients, message, send_time, received_at FROM outbox ORDER BY id")
    for ident, sender, recipients, message, send_time, received_at in rows.fetchall():
        body: dict[str, object] = {
            "sending_type": "webservice",
            "from_number": sender,
            "message": message,
            "params": {"recipients": orjson.loads(recipients)},
        }
        if send_time is not None:
            body["send_time"] = send_time
        at = datetime.fromisoformat(received_at).timestamp()
        db.execute(
            "INSERT INTO outbox_entry (id, body, item, received_at) VALUES (?, ?, 0, ?)",
            (ident, orjson.dumps(body), at),
        )
    db.execute(
        "INSERT INTO outbox_recipient (message_id, recipient) SELECT message_id, recipient FROM outbox_recipient_old"
    )
    # Ids go on from where the old sequence was, even past sends that were cleared.
    (old,) = db.execute("SELECT coalesce(max(seq), 0) FROM sqlite_sequence WHERE name = 'outbox'").fetchone()
    (new,) = db.execute("SELECT coalesce(max(seq), 0) FROM sqlite_sequence WHERE name = 'outbox_entry'").fetchone()
    db.execute("DELETE FROM sqlite_sequence WHERE name IN ('outbox', 'outbox_entry')")
    db.execute("INSERT INTO sqlite_sequence(name, seq) VALUES ('outbox_entry', ?)", (max(old, new),))
    for table in ("outbox_recipient_old", "outbox", "recent_send"):
        db.execute(f"DROP TABLE IF EXISTS {table}")


# The newest `max_messages` (the parameter): what reads show, while the oldest wait to go in a batch.
_KEPT = "id > (SELECT coalesce(max(id), 0) FROM outbox_entry) - ?"


class SqliteStore:
    """A store in a SQLite file, keeping the newest `max_messages`; several processes may share one file."""

    LOCK_PATIENCE = 2.0  # seconds a write waits for another process's lock before the send is a 503

    def __init__(self, path: Path | str, first_id: int = 1, max_messages: int = 100_000) -> None:
        self.path = Path(path)
        self._max = max_messages
        self._slack = max(1, max_messages // 8)
        self._writer = ThreadPoolExecutor(max_workers=1, thread_name_prefix="sms-mock-sqlite-write")
        self._reader = ThreadPoolExecutor(max_workers=1, thread_name_prefix="sms-mock-sqlite-read")
        try:
            self._db: sqlite3.Connection = self._writer.submit(self._open, first_id).result()
            self._read_db: sqlite3.Connection = self._reader.submit(self._connect).result()
        except sqlite3.Error as exc:
            self._writer.shutdown()
            self._reader.shutdown()
            raise ValueError(f"cannot use {self.path} as the outbox: {exc}") from None
        self._added = 0
        self._kept_from = 0  # ids below this were let go (the cap)

    def _connect(self) -> sqlite3.Connection:
        db = sqlite3.connect(self.path, isolation_level=None)
        db.execute("PRAGMA busy_timeout=0")
        return db

    def _open(self, first_id: int) -> sqlite3.Connection:
        db = sqlite3.connect(self.path, isolation_level=None)
        db.execute("PRAGMA journal_mode=WAL")
        # NORMAL in WAL mode survives a crash of the mock process; only a power cut can lose a commit.
        db.execute("PRAGMA synchronous=NORMAL")
        db.execute("PRAGMA foreign_keys=ON")
        # SQLite's own busy handler sleeps a whole millisecond and more on a lock that another process
        # holds for tens of microseconds; _begin() waits in much smaller steps instead.
        db.execute("PRAGMA busy_timeout=0")
        with db:
            self._begin(db)
            legacy = db.execute("SELECT 1 FROM sqlite_master WHERE name = 'outbox' AND type = 'table'").fetchone()
            if legacy:
                db.execute("ALTER TABLE outbox_recipient RENAME TO outbox_recipient_old")
                db.execute("DROP INDEX IF EXISTS outbox_recipient_by_number")
            for statement in _SCHEMA.split(";"):
                if statement.strip():
                    db.execute(statement)
            if first_id > 1:
                # Start ids at first_id unless the file already went past it.
                db.execute(
                    "INSERT INTO sqlite_sequence(name, seq) SELECT 'outbox_entry', ? WHERE NOT EXISTS "
                    "(SELECT 1 FROM sqlite_sequence WHERE name = 'outbox_entry')",
                    (first_id - 1,),
                )
            if legacy:
                _migrate(db)
        return db

    async def _write(self, work: Callable[[], T]) -> T:
        return await self._on(self._writer, work)

    async def _read(self, work: Callable[[], T]) -> T:
        return await self._on(self._reader, work)

    @staticmethod
    async def _on(thread: ThreadPoolExecutor, work: Callable[[], T]) -> T:
        try:
            return await asyncio.get_running_loop().run_in_executor(thread, work)
        except sqlite3.OperationalError as exc:  # locked or busy past the patience, disk I/O, ...
            raise StoreUnavailable(f"the SQLite outbox is unavailable: {exc}") from exc

    @classmethod
    def _begin(cls, db: sqlite3.Connection, patience: float | None = None) -> None:
        """BEGIN IMMEDIATE (take the write lock), retrying quickly while another process holds it."""
        delay, deadline = 0.00002, time.monotonic() + (cls.LOCK_PATIENCE if patience is None else patience)
        while True:
            try:
                db.execute("BEGIN IMMEDIATE")
                return
            except sqlite3.OperationalError as exc:
                if "locked" not in str(exc) or time.monotonic() > deadline:
                    raise
            time.sleep(delay)  # on the writer thread, never on the event loop
            delay = min(delay * 2, 0.001)

    def _add(self, entries: Sequence[Entry], claim: Claim | None) -> list[int]:
        db = self._db
        keys = [identity_key(identity) for identity in claim.identities()] if claim is not None else []
        with db:
            # One write transaction for the held identities and the insert: processes sharing this
            # file then never accept the same duplicate twice.
            self._begin(db)
            if claim is not None:
                held: set[bytes] = set()
                for start in range(0, len(keys), _IN_CHUNK):
                    chunk = keys[start : start + _IN_CHUNK]
                    marks = ",".join("?" * len(chunk))
                    held.update(
                        row[0]
                        for row in db.execute(
                            f"SELECT key FROM held_identity WHERE until > ? AND key IN ({marks})",  # noqa: S608
                            (claim.now, *chunk),
                        )
                    )
                if held:
                    raise Held(next(i for i, key in enumerate(keys) if key in held))
            ids = []
            for entry in entries:
                cursor = db.execute(
                    "INSERT INTO outbox_entry (body, item, received_at, rendered) VALUES (?, ?, ?, ?)",
                    (entry.body, entry.item, entry.received_at, entry.rendered),
                )
                message_id = int(cursor.lastrowid or 0)
                db.executemany(
                    "INSERT INTO outbox_recipient (message_id, recipient) VALUES (?, ?)",
                    ((message_id, number) for number in dict.fromkeys(entry.recipients)),
                )
                ids.append(message_id)
            if claim is not None:
                until = claim.now + claim.seconds
                db.executemany(
                    "INSERT OR REPLACE INTO held_identity (key, until) VALUES (?, ?)", ((key, until) for key in keys)
                )
                self._added += 1
                if self._added % 1000 == 0:
                    db.execute("DELETE FROM held_identity WHERE until <= ?", (claim.now,))
            self._let_go(db, ids[-1] - self._max)
        return ids

    def _let_go(self, db: sqlite3.Connection, below: int) -> None:
        """Forget entries with ids up to `below` (the cap), in batches of an eighth of it."""
        if below - self._kept_from < self._slack:
            return
        db.execute("DELETE FROM outbox_recipient WHERE message_id <= ?", (below,))
        db.execute("DELETE FROM outbox_entry WHERE id <= ?", (below,))
        self._kept_from = below

    async def add(self, entries: Sequence[Entry], claim: Claim | None) -> list[int]:
        return await self._write(lambda: self._add(entries, claim))

    def _rows(self, before: int | None, recipient: str | None) -> list[Row]:
        where = ["id < ?", _KEPT]
        args: list[int | str] = [min(before, 2**63 - 1) if before is not None else 2**63 - 1, self._max]
        if recipient is not None:
            where.append("id IN (SELECT message_id FROM outbox_recipient WHERE recipient = ?)")
            args.append(recipient)
        conditions = " AND ".join(where)
        sql = f"SELECT {_COLUMNS} FROM outbox_entry WHERE {conditions} ORDER BY id DESC LIMIT ?"  # noqa: S608
        return list(self._read_db.execute(sql, (*args, _BATCH)))

    async def newest(self, *, before: int | None = None, recipient: str | None = None) -> AsyncIterator[Stored]:
        while True:
            rows = await self._read(functools.partial(self._rows, before, recipient))
            for row in rows:
                yield _stored(row)
            if len(rows) < _BATCH:
                return
            before = rows[-1][0]

    async def get(self, message_id: int) -> Stored | None:
        if not 0 < message_id < 2**63:
            return None

        def one() -> Row | None:
            found: Row | None = self._read_db.execute(
                f"SELECT {_COLUMNS} FROM outbox_entry WHERE id = ?"  # noqa: S608 - a fixed fragment
                f" AND {_KEPT}",
                (message_id, self._max),
            ).fetchone()
            return found

        row = await self._read(one)
        return _stored(row) if row else None

    async def delete(self, message_id: int) -> bool:
        if not 0 < message_id < 2**63:
            return False

        def forget() -> bool:
            with self._db:
                self._begin(self._db)
                self._db.execute("DELETE FROM outbox_recipient WHERE message_id = ?", (message_id,))
                return self._db.execute("DELETE FROM outbox_entry WHERE id = ?", (message_id,)).rowcount > 0

        return await self._write(forget)

    async def count(self) -> int:
        sql = f"SELECT COUNT(*) FROM outbox_entry WHERE {_KEPT}"  # noqa: S608 - a fixed fragment
        return await self._read(lambda: int(self._read_db.execute(sql, (self._max,)).fetchone()[0]))

    def _clear(self) -> int:
        db = self._db
        with db:
            self._begin(db)
            cleared = int(db.execute("SELECT COUNT(*) FROM outbox_entry").fetchone()[0])
            db.execute("DELETE FROM outbox_recipient")
            db.execute("DELETE FROM outbox_entry")
            db.execute("DELETE FROM held_identity")
        return cleared

    async def clear(self) -> int:
        return await self._write(self._clear)

    async def close(self) -> None:
        await asyncio.get_running_loop().run_in_executor(self._reader, self._read_db.close)
        await asyncio.get_running_loop().run_in_executor(self._writer, self._db.close)
        self._reader.shutdown(wait=True)
        self._writer.shutdown(wait=True)
