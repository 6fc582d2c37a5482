"""Several mock replicas on one Redis: one outbox, one id sequence, one duplicate memory; and Redis failing.

Each test starts its own redis-server on a free loopback port (Debian's package: `make test` installs
it; where it cannot be had, these tests say why and skip) and mock processes of its own.
"""

from __future__ import annotations

import asyncio
import json
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import orjson
import pytest

from sms_mock.store import Claim, Entry, Held
from sms_mock.store.redis import RedisStore

from .conftest import TOKEN, body, start_mock_process

REDIS = shutil.which("redis-server")
BIN = Path(sys.executable).parent

pytestmark = pytest.mark.skipif(
    REDIS is None,
    reason="redis-server is not installed: `make test` installs Debian's (scripts/system_deps.sh, as root)",
)


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


class RedisServer:
    """A redis-server of this test's own, on a loopback port, without persistence."""

    def __init__(self) -> None:
        self.port = _free_port()
        self.proc: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self) -> RedisServer:
        assert REDIS is not None
        command = [REDIS, "--port", str(self.port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"]
        self.proc = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        deadline = time.monotonic() + 10
        while True:
            try:
                socket.create_connection(("127.0.0.1", self.port), timeout=1).close()
                return self
            except OSError:
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.02)

    def stop(self) -> None:
        if self.proc is not None:
            self.proc.kill()
            self.proc.wait(timeout=10)
            self.proc = None


@pytest.fixture
def redis_server() -> Iterator[RedisServer]:
    server = RedisServer().start()
    yield server
    server.stop()


class Replica:
    """One `sms-mock --store redis://...` process."""

    def __init__(self, url: str, *options: str) -> None:
        self.proc, self.url, _ = start_mock_process("--store", url, *options)
        self.http = httpx.Client(base_url=self.url, timeout=10)

    def send(self, payload: object) -> httpx.Response:
        return self.http.post("/api/send", json=payload, headers={"Authorization": TOKEN})

    def stop(self, sig: int = signal.SIGTERM) -> None:
        self.http.close()
        if self.proc.poll() is None:
            self.proc.send_signal(sig)
        self.proc.communicate(timeout=20)


@pytest.fixture
def replicas(redis_server: RedisServer) -> Iterator[tuple[Replica, Replica]]:
    pair = (Replica(redis_server.url), Replica(redis_server.url))
    yield pair
    for replica in pair:
        replica.stop()


def test_two_replicas_share_one_outbox_and_one_id_sequence(replicas: tuple[Replica, Replica]) -> None:
    ids = []
    for i in range(40):
        sent = replicas[i % 2].send(body(message=f"پیام {i} 🔔", params={"recipients": [f"+98912{i:07d}"]}))
        assert sent.status_code == 200, sent.text
        ids += sent.json()["data"]["message_outbox_ids"]
    assert len(set(ids)) == 40
    for replica in replicas:  # the outbox is complete, read from either
        page = replica.http.get("/_mock/outbox", params={"limit": 1000}).json()
        assert page["total"] == 40
        assert sorted(m["id"] for m in page["messages"]) == sorted(ids)
        assert replica.http.get("/_mock/health").json()["outbox_count"] == 40
    one = replicas[1].http.get(f"/_mock/outbox/{ids[0]}").json()
    assert one["message"] == "پیام 0 🔔"
    assert replicas[0].http.get("/_mock/outbox", params={"recipient": "+989120000007"}).json()["total"] == 1


def test_a_repeat_on_the_other_replica_within_40_seconds_is_a_429(replicas: tuple[Replica, Replica]) -> None:
    assert replicas[0].send(body(message="تکرار")).status_code == 200
    repeat = replicas[1].send(body(message="تکرار"))
    assert repeat.status_code == 429
    assert repeat.json()["meta"]["errors"] == {"params.recipients.0": [repeat.json()["meta"]["message"]]}


def test_fifty_identical_sends_split_across_replicas_give_exactly_one_200(replicas: tuple[Replica, Replica]) -> None:
    async def burst() -> list[int]:
        async with httpx.AsyncClient(timeout=20) as client:
            sends = [
                client.post(
                    f"{replicas[i % 2].url}/api/send", json=body(message="همزمان"), headers={"Authorization": TOKEN}
                )
                for i in range(50)
            ]
            return [r.status_code for r in await asyncio.gather(*sends)]

    statuses = asyncio.run(burst())
    assert sorted(statuses) == [200] + [429] * 49
    assert replicas[0].http.get("/_mock/health").json()["outbox_count"] == 1


def test_kill_9_of_a_replica_in_a_burst_loses_nothing_answered_200(redis_server: RedisServer) -> None:
    survivor, victim = Replica(redis_server.url), Replica(redis_server.url)
    answered: list[int] = []
    lock = threading.Lock()

    def send_many(replica: Replica, start: int) -> None:
        with httpx.Client(base_url=replica.url, timeout=5) as client:
            for i in range(start, start + 300):
                try:
                    response = client.post("/api/send", json=body(message=f"بار {i}"), headers={"Authorization": TOKEN})
                except httpx.HTTPError:
                    return  # the replica died under us: what it answered 200 is all that counts
                if response.status_code == 200:
                    with lock:
                        answered.extend(response.json()["data"]["message_outbox_ids"])

    threads = [threading.Thread(target=send_many, args=(r, s)) for r, s in ((survivor, 0), (victim, 10_000))]
    for thread in threads:
        thread.start()
    time.sleep(0.3)
    victim.proc.kill()  # kill -9, mid-burst
    for thread in threads:
        thread.join(timeout=60)
    try:
        kept = {m["id"] for m in survivor.http.get("/_mock/outbox", params={"limit": 1000}).json()["messages"]}
        assert answered
        assert set(answered) <= kept
    finally:
        survivor.stop()
        victim.stop()


def test_max_messages_is_honoured_across_replicas(redis_server: RedisServer) -> None:
    first, second = Replica(redis_server.url, "--max-messages", "10"), Replica(redis_server.url, "--max-messages", "10")
    try:
        for i in range(25):
            assert (first if i % 2 else second).send(body(message=f"سقف {i}")).status_code == 200
        page = first.http.get("/_mock/outbox", params={"limit": 100}).json()
        assert page["total"] == 10
        assert [m["id"] for m in page["messages"]] == list(range(25, 15, -1))
    finally:
        first.stop()
        second.stop()


def test_redis_unreachable_at_start_is_a_clear_error() -> None:
    proc = subprocess.run(
        [str(BIN / "sms-mock"), "--port", "0", "--store", f"redis://127.0.0.1:{_free_port()}/0"],
        capture_output=True,
        text=True,
        timeout=30,
    )
    assert proc.returncode == 2
    assert "cannot use Redis at redis://127.0.0.1:" in proc.stderr
    assert "Traceback" not in proc.stderr


def test_redis_lost_while_running_is_a_503_and_the_mock_recovers_by_itself(redis_server: RedisServer) -> None:
    replica = Replica(redis_server.url)
    try:
        assert replica.send(body(message="پیش از قطع")).status_code == 200
        redis_server.stop()
        lost = replica.send(body(message="در قطع"))
        assert lost.status_code == 503
        assert lost.headers["retry-after"].isdigit()
        assert lost.json()["meta"]["message_code"] == "503-1"
        health = replica.http.get("/_mock/health")
        assert (health.status_code, health.json()["store"]) == (503, "unavailable")
        assert replica.http.get("/_mock/outbox").status_code == 503
        redis_server.start()  # the same port, empty (no persistence)
        deadline = time.monotonic() + 10
        while (back := replica.send(body(message="پس از بازگشت"))).status_code != 200 and time.monotonic() < deadline:
            time.sleep(0.2)
        assert back.status_code == 200
        assert replica.http.get("/_mock/health").json()["store"] == "ok"
    finally:
        replica.stop()


def test_the_store_keeps_what_it_is_given(redis_server: RedisServer) -> None:
    async def scenario() -> None:
        store = RedisStore(redis_server.url, first_id=5, max_messages=100)
        raw = orjson.dumps({"sending_type": "pattern", "params": {}})
        ids = await store.add([Entry(raw, 0, 1.5, [], "متن پر شده ✅"), Entry(b"{}", 1, 2.5, [])], None)
        assert ids == [5, 6]
        (newest, oldest) = [s async for s in store.newest()]
        assert (newest.id, newest.entry.item, newest.entry.rendered, newest.entry.received_at) == (6, 1, None, 2.5)
        assert (oldest.entry.body, oldest.entry.rendered) == (raw, "متن پر شده ✅")
        claim = Claim([("+983000505", "سلام", ["+989120000000", "+989350000000"])], 40, 100.0)
        assert await store.add([Entry(b"{}", 0, 3.0, [])], claim) == [7]
        again = Claim([("+983000505", "سلام", ["+989100000000", "+989350000000"])], 40, 101.0)
        with pytest.raises(Held) as held:
            await store.add([Entry(b"{}", 0, 3.0, [])], again)
        assert held.value.index == 1
        assert await store.delete(6)
        assert await store.get(6) is None
        assert await store.count() == 2
        assert await store.clear() == 2
        assert await store.add([Entry(b"{}", 0, 3.0, [])], claim) == [8]  # held identities went with the clear
        await store.close()

    asyncio.run(scenario())


def test_each_replicas_inbox_page_hears_the_others(replicas: tuple[Replica, Replica]) -> None:
    events: list[str] = []

    def listen() -> None:
        with httpx.stream("GET", f"{replicas[0].url}/_mock/events", timeout=10) as stream:
            for line in stream.iter_lines():
                if line.startswith("event: "):
                    events.append(line[7:])
                    if line == "event: messages":
                        return

    listener = threading.Thread(target=listen)
    listener.start()
    deadline = time.monotonic() + 5
    while "hello" not in events and time.monotonic() < deadline:
        time.sleep(0.05)
    time.sleep(0.3)  # the relay subscribes to Redis
    assert replicas[1].send(body(message="از آن یکی")).status_code == 200
    listener.join(timeout=10)
    assert events[-1] == "messages", json.dumps(events)
