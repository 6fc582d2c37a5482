"""The outbox and its inspection API: listing, filtering, fetching, clearing, SQLite persistence, concurrency."""

from __future__ import annotations

import asyncio
import sqlite3
from datetime import UTC, datetime
from pathlib import Path

import httpx
import orjson
import pytest

from sms_contract.spec import Contract
from sms_mock import MockSettings
from sms_mock.outbox import Outbox
from sms_mock.server import MockServer
from sms_mock.store import Claim, Entry, Held, MemoryStore, Store
from sms_mock.store.sqlite import SqliteStore
from tests.conftest import inspect

from .conftest import TOKEN, Api, MakeApi, body

A, B, C = "+989120000000", "+989350000000", "+989100000000"
AT = datetime(2026, 11, 27, 12, 0, 0, 123000, tzinfo=UTC)


def test_inspection_api_lists_filters_fetches_and_clears(api: Api) -> None:
    api.send(body(message="اول", params={"recipients": [A, B]}))
    api.send(body(message="دوم", params={"recipients": [C]}))
    api.send(body(message="سوم", from_number="+9850002", params={"recipients": [A]}))
    listed = api.client.get("/_mock/outbox").json()
    assert (listed["total"], listed["count"], listed["next"]) == (3, 3, None)
    assert [m["message"] for m in listed["messages"]] == ["سوم", "دوم", "اول"]  # newest first
    assert [m["id"] for m in api.client.get("/_mock/outbox", params={"recipient": A}).json()["messages"]] == [3, 1]
    assert [m["id"] for m in api.client.get("/_mock/outbox", params={"sender": "+9850002"}).json()["messages"]] == [3]
    first = api.client.get("/_mock/outbox", params={"limit": 2}).json()
    assert ([m["id"] for m in first["messages"]], first["total"], first["next"]) == ([3, 2], 3, 2)
    rest = api.client.get("/_mock/outbox", params={"limit": 2, "before": first["next"]}).json()
    assert ([m["id"] for m in rest["messages"]], rest["next"]) == ([1], None)
    searched = api.client.get("/_mock/outbox", params={"q": "دوم"}).json()
    assert ([m["id"] for m in searched["messages"]], searched["total"]) == ([2], 1)
    assert api.client.get("/_mock/outbox", params={"q": "98910"}).json()["total"] == 1  # part of a number
    one = api.client.get("/_mock/outbox/2").json()
    assert one["recipients"] == [C]
    assert one["encoding"] == "UCS-2"
    assert api.client.get("/_mock/outbox/99").status_code == 404
    assert api.client.get("/_mock/health").json()["outbox_count"] == 3
    assert api.client.delete("/_mock/outbox").json() == {"cleared": 3}
    assert api.client.get("/_mock/outbox").json() == {"total": 0, "count": 0, "next": None, "messages": []}


def test_clearing_also_forgets_the_duplicate_window(api: Api) -> None:
    assert api.send().status_code == 200
    api.client.delete("/_mock/outbox")
    assert api.send().status_code == 200
    assert api.send().json()["data"] is None  # the window applies again from here


def test_ids_keep_increasing_after_a_clear(api: Api) -> None:
    api.send()
    api.client.delete("/_mock/outbox")
    assert api.send(body(message="بعد از پاک کردن")).json()["data"]["message_outbox_ids"] == [2]


@pytest.mark.parametrize("limit", ["0", "-1", "many", "1001", "²", "1" * 5000, " 5"])
def test_a_bad_limit_is_a_clear_400(api: Api, limit: str) -> None:
    response = api.client.get("/_mock/outbox", params={"limit": limit})
    assert response.status_code == 400
    assert "limit" in response.json()["detail"]


def test_health_names_the_spec_and_its_fingerprint(api: Api, contract: Contract) -> None:
    health = api.client.get("/_mock/health").json()
    assert health == {
        "status": "ok",
        "store": "ok",
        "spec": "sms-api.yaml",
        "spec_sha256": contract.fingerprint,
        "outbox_count": 0,
    }
    assert api.client.get("/_mock/openapi.yaml").content == contract.path.read_bytes()


def test_first_id_is_configurable(make_api: MakeApi) -> None:
    api = make_api(first_id=1123544244)
    assert api.send().json()["data"]["message_outbox_ids"] == [1123544244]


def test_sqlite_outbox_survives_a_restart(tmp_path: Path, contract: Contract) -> None:
    store = tmp_path / "outbox.sqlite3"
    with MockServer(MockSettings(store=store)) as server, httpx.Client(base_url=server.base_url) as client:
        for text in ("یک", "دو 😀"):
            sent = client.post("/api/send", json=body(message=text), headers={"Authorization": TOKEN})
            assert sent.status_code == 200
    with MockServer(MockSettings(store=store)) as server, httpx.Client(base_url=server.base_url) as client:
        messages = client.get("/_mock/outbox", params={"recipient": B}).json()["messages"]
        assert [(m["id"], m["message"]) for m in messages] == [(2, "دو 😀"), (1, "یک")]
        third = client.post("/api/send", json=body(message="سه"), headers={"Authorization": TOKEN})
        assert third.json()["data"]["message_outbox_ids"] == [3]


def _entry(sender: str, recipients: list[str], text: str, at: float) -> Entry:
    body = {"sending_type": "webservice", "from_number": sender, "message": text, "params": {"recipients": recipients}}
    return Entry(orjson.dumps(body), 0, at, recipients)


def _open(kind: str, tmp_path: Path) -> Store:
    return MemoryStore(first_id=5) if kind == "memory" else SqliteStore(tmp_path / "o.sqlite3", first_id=5)


def _claim(recipients: list[str], text: str, now: float, seconds: float = 40) -> Claim:
    return Claim([("+983000505", text, recipients)], seconds, now)


@pytest.mark.parametrize("kind", ["memory", "sqlite"])
def test_both_stores_behave_alike(kind: str, tmp_path: Path) -> None:
    async def scenario() -> None:
        store = _open(kind, tmp_path)
        first = await store.add([_entry("+983000505", [A, A, B], "سلام", 100)], _claim([A, A, B], "سلام", 100))
        second = await store.add([_entry("+983000505", [B], "Hi", 101)], _claim([B], "Hi", 101))
        assert (first, second) == ([5], [6])
        # The same text to B again within the window is refused, naming B's place, and nothing is kept.
        with pytest.raises(Held) as held:
            await store.add([_entry("+983000505", [C, B], "سلام", 139)], _claim([C, B], "سلام", 139))
        assert held.value.index == 1
        assert await store.count() == 2
        # C was not held by the refused send; without a claim nothing is checked.
        assert await store.add([_entry("+983000505", [C], "سلام", 139)], _claim([C], "سلام", 139)) == [7]
        assert await store.add([_entry("+983000505", [B], "سلام", 139)], None) == [8]
        # After the window, the identity is free again; several entries take consecutive ids.
        two = [_entry("+983000505", [A], "سلام", 141), _entry("+983000505", [B], "دو", 141)]
        assert await store.add(two, _claim([A], "سلام", 141)) == [9, 10]
        assert [s.id async for s in store.newest(recipient=A)] == [9, 5]  # a number listed twice: one entry
        assert [s.id async for s in store.newest(recipient=B)] == [10, 8, 6, 5]
        assert [s.id async for s in store.newest(before=7)] == [6, 5]
        assert [s.id async for s in store.newest(recipient="+989000000000")] == []
        got = await store.get(6)
        assert got is not None
        assert (got.entry.body, got.entry.received_at) == (_entry("+983000505", [B], "Hi", 101).body, 101)
        assert await store.get(99) is None
        assert await store.clear() == 6
        assert await store.count() == 0
        # Ids keep increasing, and the held identities were forgotten with the entries.
        assert await store.add([_entry("+983000505", [A], "سلام", 142)], _claim([A], "سلام", 142)) == [11]
        await store.close()

    asyncio.run(scenario())


def test_sqlite_store_takes_over_an_outbox_of_the_earlier_layout(tmp_path: Path) -> None:
    path = tmp_path / "old.sqlite3"
    old = sqlite3.connect(path)
    old.executescript(
        """
        CREATE TABLE outbox (id INTEGER PRIMARY KEY AUTOINCREMENT, sender TEXT NOT NULL, recipients TEXT NOT NULL,
            message TEXT NOT NULL, send_time TEXT, received_at TEXT NOT NULL, parts INTEGER NOT NULL,
            encoding TEXT NOT NULL, characters INTEGER NOT NULL);
        CREATE TABLE outbox_recipient (message_id INTEGER NOT NULL, recipient TEXT NOT NULL);
        CREATE INDEX outbox_recipient_by_number ON outbox_recipient(recipient, message_id);
        CREATE TABLE recent_send (key BLOB PRIMARY KEY, at REAL NOT NULL) WITHOUT ROWID;
        """
    )
    old.execute(
        "INSERT INTO outbox VALUES (7, '+983000505', '[\"+989120000000\"]', 'سلام 🌹', '2026-12-01 10:00:00', "
        "'2026-11-27T12:00:00.123000+00:00', 1, 'UCS-2', 7)"
    )
    old.execute("INSERT INTO outbox_recipient VALUES (7, '+989120000000')")
    old.execute("UPDATE sqlite_sequence SET seq = 9 WHERE name = 'outbox'")
    old.commit()
    old.close()

    async def scenario() -> None:
        outbox = Outbox(SqliteStore(path))
        (message,) = (await outbox.page(recipient="+989120000000")).messages
        assert (message.id, message.message, message.send_time, message.received_at) == (
            7,
            "سلام 🌹",
            "2026-12-01 10:00:00",
            AT,
        )
        assert await outbox.store.add([_entry("+983000505", [A], "بعدی", 1.0)], None) == [10]  # ids go on
        await outbox.store.close()

    asyncio.run(scenario())
    # Letting the oldest go deletes their recipients by message id: an index lookup, not a scan per row.
    plan = sqlite3.connect(path).execute("EXPLAIN QUERY PLAN DELETE FROM outbox_recipient WHERE message_id <= 5")
    assert any("USING INDEX outbox_recipient_by_message" in row[-1] for row in plan.fetchall())


def test_concurrent_sends_are_all_recorded_once(contract: Contract) -> None:
    """A bounded burst of concurrent sends over HTTP: every 200 is in the outbox, ids are unique."""

    async def burst(base_url: str) -> list[int]:
        limits = httpx.Limits(max_connections=16)
        async with httpx.AsyncClient(base_url=base_url, limits=limits, timeout=30) as client:
            responses = await asyncio.gather(
                *(
                    client.post("/api/send", json=body(message=f"پیام {i}"), headers={"Authorization": TOKEN})
                    for i in range(400)
                )
            )
        assert {r.status_code for r in responses} == {200}
        return [r.json()["data"]["message_outbox_ids"][0] for r in responses]

    with MockServer() as server:
        ids = asyncio.run(burst(server.base_url))
        assert len(set(ids)) == 400
        assert inspect(server.app).count() == 400
        assert sorted(m.id for m in inspect(server.app).messages()) == sorted(ids)
