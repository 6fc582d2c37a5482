"""The outbox and its inspection API: listing, filtering, fetching, clearing, SQLite persistence, concurrency."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime
from pathlib import Path

import httpx
import pytest

from sms_mock import MockSettings
from sms_mock.outbox import UNASSIGNED, MemoryOutbox, OutboxMessage, SqliteOutbox
from sms_mock.server import MockServer
from sms_mock.spec import Contract

from .conftest import TOKEN, Api, MakeApi, body

A, B, C = "+989120000000", "+989350000000", "+989100000000"
AT = datetime(2026, 11, 27, 12, 0, 0, 123000, tzinfo=UTC)


def test_inspection_api_lists_filters_fetches_and_clears(api: Api) -> None:
    api.send(body(message="اول", params={"recipients": [A, B]}))
    api.send(body(message="دوم", params={"recipients": [C]}))
    api.send(body(message="سوم", from_number="+9850002", params={"recipients": [A]}))
    listed = api.client.get("/_mock/outbox").json()
    assert listed["count"] == 3
    assert [m["message"] for m in listed["messages"]] == ["اول", "دوم", "سوم"]
    assert [m["id"] for m in api.client.get("/_mock/outbox", params={"recipient": A}).json()["messages"]] == [1, 3]
    assert [m["id"] for m in api.client.get("/_mock/outbox", params={"sender": "+9850002"}).json()["messages"]] == [3]
    assert [m["id"] for m in api.client.get("/_mock/outbox", params={"limit": 2}).json()["messages"]] == [2, 3]
    one = api.client.get("/_mock/outbox/2").json()
    assert one["recipients"] == [C]
    assert one["encoding"] == "UCS-2"
    assert api.client.get("/_mock/outbox/99").status_code == 404
    assert api.client.get("/_mock/health").json()["outbox_count"] == 3
    assert api.client.delete("/_mock/outbox").json() == {"cleared": 3}
    assert api.client.get("/_mock/outbox").json() == {"count": 0, "messages": []}


def test_clearing_also_forgets_the_duplicate_window(api: Api) -> None:
    assert api.send().status_code == 200
    api.client.delete("/_mock/outbox")
    assert api.send().status_code == 200
    assert api.send().json()["data"] is None  # the window applies again from here


def test_ids_keep_increasing_after_a_clear(api: Api) -> None:
    api.send()
    api.client.delete("/_mock/outbox")
    assert api.send(body(message="بعد از پاک کردن")).json()["data"]["message_outbox_ids"] == [2]


@pytest.mark.parametrize("limit", ["0", "-1", "many"])
def test_a_bad_limit_is_a_clear_400(api: Api, limit: str) -> None:
    response = api.client.get("/_mock/outbox", params={"limit": limit})
    assert response.status_code == 400
    assert "limit" in response.json()["detail"]


def test_health_names_the_spec_and_its_fingerprint(api: Api, contract: Contract) -> None:
    health = api.client.get("/_mock/health").json()
    assert health == {"status": "ok", "spec": "sms-api.yaml", "spec_sha256": contract.fingerprint, "outbox_count": 0}
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
        assert [(m["id"], m["message"]) for m in messages] == [(1, "یک"), (2, "دو 😀")]
        third = client.post("/api/send", json=body(message="سه"), headers={"Authorization": TOKEN})
        assert third.json()["data"]["message_outbox_ids"] == [3]


@pytest.mark.parametrize("kind", ["memory", "sqlite"])
def test_both_outboxes_behave_alike(kind: str, tmp_path: Path) -> None:
    outbox = MemoryOutbox(first_id=5) if kind == "memory" else SqliteOutbox(tmp_path / "o.sqlite3", first_id=5)
    first = outbox.accept(
        OutboxMessage(UNASSIGNED, "+983000505", [A, A, B], "سلام", None, AT, 1, "UCS-2", 4), now=100, window=40
    )
    second = outbox.accept(
        OutboxMessage(UNASSIGNED, "+983000505", [B], "Hi", "2026-02-01 10:00:00", AT, 1, "GSM-7", 2), now=101, window=40
    )
    assert isinstance(first, OutboxMessage)
    assert isinstance(second, OutboxMessage)
    assert (first.id, second.id) == (5, 6)
    # The same text to B again within the window is refused, naming B's place; after it, accepted.
    again = OutboxMessage(UNASSIGNED, "+983000505", [C, B], "سلام", None, AT, 1, "UCS-2", 4)
    assert outbox.accept(again, now=139, window=40) == 1
    assert outbox.count() == 2
    assert outbox.accept(again, now=139, window=0) != 1  # a window of 0 switches the rule off
    assert outbox.count() == 3
    assert [m.id for m in outbox.list(recipient=A)] == [5]  # a number listed twice is still one message
    assert [m.id for m in outbox.list(recipient=B)] == [5, 6, 7]
    assert outbox.list(recipient="+989000000000") == []
    assert outbox.get(6) == second
    assert [m.id for m in outbox.list(limit=1)] == [7]
    assert outbox.clear() == 3
    assert outbox.count() == 0
    after_clear = outbox.accept(
        OutboxMessage(UNASSIGNED, "+983000505", [A], "سلام", None, AT, 1, "UCS-2", 4), now=102, window=40
    )
    assert isinstance(after_clear, OutboxMessage)
    assert after_clear.id == 8  # ids keep increasing; the duplicate memory was cleared too
    outbox.close()


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
        assert server.app.outbox.count() == 400
        assert sorted(m.id for m in server.app.outbox.list()) == sorted(ids)
