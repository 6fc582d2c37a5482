"""What the mock's memory costs: bytes per stored send (tracemalloc, in-process), and RSS over a bounded soak.

Used by scripts/bench.py. The sends are the benchmark's own load (two recipients, a short Persian
text, a fresh text each), driven through the ASGI app exactly as a server would call it, so what
remains allocated afterwards is what the outbox and the duplicate memory keep.
"""

from __future__ import annotations

import asyncio
import gc
import re
import subprocess
import time
import tracemalloc
from collections.abc import MutableMapping
from dataclasses import dataclass
from typing import Any

from bench_servers import LUA, TOKEN

from sms_mock import MockSettings, create_app

Message = MutableMapping[str, Any]
SCOPE_HEADERS = [(b"authorization", TOKEN.encode()), (b"content-type", b"application/json")]


def _body(i: int) -> bytes:
    # The same shape as scripts/bench_send.lua sends under load.
    return b'{"sending_type":"webservice","from_number":"+983000505","message":"%s",%s}' % (
        f"کد ورود mem-{i}".encode(),
        b'"params":{"recipients":["+989120000000","+989350000000"]}',
    )


async def _drive(app: Any, first: int, count: int) -> None:
    statuses: list[int] = []
    for i in range(first, first + count):
        raw = _body(i)
        scope = {"type": "http", "method": "POST", "path": "/api/send", "headers": SCOPE_HEADERS, "query_string": b""}

        async def receive(raw: bytes = raw) -> Message:
            return {"type": "http.request", "body": raw, "more_body": False}

        async def send(message: Message) -> None:
            if message["type"] == "http.response.start":
                statuses.append(message["status"])

        await app(scope, receive, send)
    if set(statuses) != {200}:
        raise RuntimeError(f"the memory load was not accepted: {sorted(set(statuses))}")


@dataclass(frozen=True)
class MemoryCost:
    sends: int
    while_remembered: float  # bytes per send, duplicate memory included (the first 40 s)
    stored: float  # bytes per send once the duplicate window has passed


def bytes_per_send(sends: int = 20_000) -> MemoryCost:
    clock = [1_800_000_000.0]
    app = create_app(MockSettings(max_messages=sends * 2), clock=lambda: clock[0])
    asyncio.run(_drive(app, 0, 200))  # warm: caches, interned strings, compiled validators
    gc.collect()
    tracemalloc.start()
    try:
        before = tracemalloc.get_traced_memory()[0]
        asyncio.run(_drive(app, 1000, sends))
        gc.collect()
        during = tracemalloc.get_traced_memory()[0] - before
        clock[0] += 41  # past the duplicate window: the next send lets the held identities go
        asyncio.run(_drive(app, 10_000_000, 1))
        gc.collect()
        after = tracemalloc.get_traced_memory()[0] - before
    finally:
        tracemalloc.stop()
    return MemoryCost(sends, during / sends, after / (sends + 1))


def rss_mb(pid: int) -> float:
    with open(f"/proc/{pid}/status", encoding="ascii") as status:
        found = re.search(r"VmRSS:\s+(\d+) kB", status.read())
    return int(found.group(1)) / 1024 if found else float("nan")


@dataclass(frozen=True)
class SoakSample:
    seconds: float
    rss_mb: float
    stored: int


def soak(wrk: str, port: int, pid: int, seconds: int, every: int = 5) -> list[SoakSample]:
    """Full-speed sends for `seconds` (bounded), sampling the server's RSS and outbox size every `every` s."""
    import httpx

    load = subprocess.Popen(
        [wrk, "-t1", "-c16", f"-d{seconds}s", "-s", str(LUA), f"http://127.0.0.1:{port}", "--", TOKEN, "soak"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    samples = []
    started = time.monotonic()
    with httpx.Client(base_url=f"http://127.0.0.1:{port}", timeout=10) as http:
        while load.poll() is None and time.monotonic() - started < seconds + 30:
            time.sleep(every)
            stored = int(http.get("/_mock/health").json()["outbox_count"])
            samples.append(SoakSample(time.monotonic() - started, rss_mb(pid), stored))
    load.wait(timeout=30)
    return samples
