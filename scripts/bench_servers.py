"""The servers the benchmark compares, how it starts them, and the loads it puts on them.

Used by scripts/bench.py; every server listens on 127.0.0.1 and every load is bounded in time.
"""

from __future__ import annotations

import asyncio
import http.client
import json
import os
import re
import shutil
import statistics
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from sms_mock.settings import DEVELOPMENT_TOKEN

ROOT = Path(__file__).resolve().parent.parent
BENCH = ROOT / ".bench"
SPEC = ROOT / "openapi" / "sms-api.yaml"
LUA = ROOT / "scripts" / "bench_send.lua"
PRISM_VERSION = json.loads((ROOT / "package.json").read_text())["devDependencies"]["@stoplight/prism-cli"]
TOKEN = DEVELOPMENT_TOKEN
BIN = Path(sys.executable).parent


def ensure_wrk() -> str:
    found = shutil.which("wrk")
    if found:
        return found
    if os.geteuid() != 0:
        sys.exit("bench: wrk is missing; install it with `sudo apt-get install -y wrk`")
    print("bench: installing wrk (Debian package)", flush=True)
    subprocess.run(["apt-get", "install", "-y", "-q", "wrk"], check=True, capture_output=True)
    return shutil.which("wrk") or sys.exit("bench: wrk did not install")


def ensure_prism() -> Path:
    """Prism as package.json pins it (`make bench` runs `npm ci` first)."""
    prism = ROOT / "node_modules" / ".bin" / "prism"
    if not prism.exists():
        sys.exit("bench: Prism is missing; run `make bench` (it installs the Node tools of package.json)")
    return prism


# --------------------------------------------------------------------------- servers


@dataclass(frozen=True)
class Server:
    name: str
    command: list[str]
    port: int
    env: dict[str, str] | None = None
    kind: str = "mock"  # "mock", "ceiling" (the bare ASGI app) or "prism"
    server: str = "uvicorn"  # the ASGI server, for the share of the ceiling on the same one
    live_feed: bool = False  # a listener stays connected to the inbox page's live feed (Server-Sent Events)
    replicas: int = 1  # more replicas listen on the ports after `port`, with the same command otherwise
    # Where it runs. `python -m` puts this directory first on sys.path, ahead of PYTHONPATH: a baseline
    # must run in its own tree, or it imports the current code.
    cwd: Path = ROOT
    redis_port: int | None = None  # a redis-server of its own on this port, started first

    @property
    def ports(self) -> list[int]:
        return [self.port + i for i in range(self.replicas)]


def mock_server(port: int, server: str = "uvicorn", *options: str, live_feed: bool = False) -> Server:
    name = (
        f"mock ({server})" + (f" {' '.join(options)}" if options else "") + (", inbox page open" if live_feed else "")
    )
    command = [str(BIN / "sms-mock"), "--port", str(port), "--server", server, *options]
    return Server(name, command, port, server=server, live_feed=live_feed)


def redis_mock_servers(port: int, redis_port: int, replicas: int) -> Server:
    """`replicas` mocks sharing one Redis (a redis-server of the benchmark's own, without persistence)."""
    store = f"redis://127.0.0.1:{redis_port}/0"
    name = f"mock (uvicorn), Redis store, {replicas} replica{'s' if replicas > 1 else ''}"
    command = [str(BIN / "sms-mock"), "--port", str(port), "--store", store]
    return Server(name, command, port, kind="mock", server="uvicorn", replicas=replicas, redis_port=redis_port)


def ceiling_server(port: int, server: str = "uvicorn") -> Server:
    """The bare ASGI app on the same server and settings as the mock (scripts/bare_asgi.py)."""
    env = {**os.environ, "PYTHONPATH": str(ROOT / "scripts")}
    command = [sys.executable, str(ROOT / "scripts" / "bare_asgi.py"), "--port", str(port), "--server", server]
    return Server(f"bare ASGI app ({server})", command, port, env, kind="ceiling", server=server)


def prism_server(port: int) -> Server:
    command = [str(ensure_prism()), "mock", "-h", "127.0.0.1", "-p", str(port), str(SPEC)]
    return Server("Prism " + PRISM_VERSION, command, port, kind="prism", server="node")


def baseline_server(ref: str, port: int) -> Server:
    """The mock as it was at git `ref` (a worktree under .bench/), run by this venv's Python: before and after."""
    sha = subprocess.run(["git", "rev-parse", "--verify", f"{ref}^{{commit}}"], cwd=ROOT, capture_output=True,
                         text=True, check=True).stdout.strip()  # fmt: skip
    tree = BENCH / f"baseline-{sha[:12]}"
    if not tree.exists():
        subprocess.run(
            ["git", "worktree", "add", "--detach", str(tree), sha], cwd=ROOT, check=True, capture_output=True
        )
    env = {**os.environ, "PYTHONPATH": f"{tree}{os.pathsep}{tree / 'generated'}"}
    return Server(
        f"mock at {ref} ({sha[:7]}), uvicorn",
        [sys.executable, "-m", "sms_mock", "--port", str(port)],
        port,
        env,
        cwd=tree,
    )


def _answers(port: int) -> bool:
    """True once a POST /api/send on the port gets any HTTP answer."""
    try:
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
        body = json.dumps({"sending_type": "webservice"})
        connection.request("POST", "/api/send", body, {"Content-Type": "application/json", "Authorization": TOKEN})
        connection.getresponse().read()
        connection.close()
        return True
    except OSError:
        return False


@contextmanager
def running(server: Server, timeout: float = 60.0) -> Iterator[tuple[float, int]]:
    """Start the server, yield (seconds from launch to its first answer, its pid), always stop it."""
    started = time.perf_counter()
    helpers: list[subprocess.Popen[bytes]] = []
    if server.redis_port is not None:
        redis = shutil.which("redis-server") or sys.exit("bench: redis-server is missing (make system-deps)")
        helpers.append(subprocess.Popen(
            [redis, "--port", str(server.redis_port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        ))  # fmt: skip
        time.sleep(0.3)
    for extra in server.ports[1:]:
        command = [str(extra) if part == str(server.port) else part for part in server.command]
        helpers.append(subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, cwd=server.cwd))
    proc = subprocess.Popen(
        server.command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, cwd=server.cwd, env=server.env
    )
    try:
        for port in server.ports:
            while not _answers(port):
                if proc.poll() is not None or time.perf_counter() - started > timeout:
                    raise RuntimeError(f"{server.name} did not start")
                time.sleep(0.002)
        listener = None
        if server.live_feed:
            listener = subprocess.Popen(
                ["curl", "-sN", f"http://127.0.0.1:{server.port}/_mock/events"],
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
            )
        try:
            yield time.perf_counter() - started, proc.pid
        finally:
            if listener is not None:
                listener.terminate()
                listener.wait(timeout=10)
    finally:
        for running_proc in [proc, *reversed(helpers)]:
            running_proc.terminate()
            try:
                running_proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                running_proc.kill()


# --------------------------------------------------------------------------- measurements


@dataclass
class Load:
    rps: float
    p50_ms: float
    p99_ms: float
    errors: int
    requests: int


def _ms(value: str) -> float:
    number, unit = re.fullmatch(r"([\d.]+)(us|ms|s)", value).groups()  # type: ignore[union-attr]
    return float(number) * {"us": 0.001, "ms": 1.0, "s": 1000.0}[unit]


def wrk_load(wrk: str, ports: int | list[int], duration: int, connections: int) -> Load:
    """One wrk per port at once, the connections split between them; their requests/s added up."""
    ports = [ports] if isinstance(ports, int) else ports
    if len(ports) > 1:
        loads = []
        procs = [
            subprocess.Popen(
                _wrk_command(wrk, port, duration, connections // len(ports)), stdout=subprocess.PIPE, text=True
            )
            for port in ports
        ]
        for proc in procs:
            out, _ = proc.communicate(timeout=duration + 30)
            loads.append(_parse_wrk(out))
        return Load(
            sum(load.rps for load in loads), max(load.p50_ms for load in loads), max(load.p99_ms for load in loads),
            sum(load.errors for load in loads), sum(load.requests for load in loads),
        )  # fmt: skip
    out = subprocess.run(
        _wrk_command(wrk, ports[0], duration, connections),
        capture_output=True, text=True, check=True, timeout=duration + 30,
    ).stdout  # fmt: skip
    return _parse_wrk(out)


def _wrk_command(wrk: str, port: int, duration: int, connections: int) -> list[str]:
    return [wrk, "-t1", f"-c{connections}", f"-d{duration}s", "--latency", "-s", str(LUA),
            f"http://127.0.0.1:{port}", "--", TOKEN, uuid.uuid4().hex[:8]]  # fmt: skip


def _parse_wrk(out: str) -> Load:
    p50 = _ms(re.search(r"\s50%\s+(\S+)", out).group(1))  # type: ignore[union-attr]
    p99 = _ms(re.search(r"\s99%\s+(\S+)", out).group(1))  # type: ignore[union-attr]
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))  # type: ignore[union-attr]
    requests = int(re.search(r"(\d+) requests in", out).group(1))  # type: ignore[union-attr]
    non_2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    sockets = re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", out)
    errors = (int(non_2xx.group(1)) if non_2xx else 0) + (sum(map(int, sockets.groups())) if sockets else 0)
    return Load(rps, p50, p99, errors, requests)


def big_send_ms(port: int, recipients: int, repeat: int = 5) -> float:
    """Median time of one send to `recipients` numbers, measured at the client on loopback."""
    times = []
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
    for _ in range(repeat):
        body = json.dumps(
            {
                "sending_type": "webservice",
                "from_number": "+983000505",
                "message": f"اطلاعیه {uuid.uuid4().hex}",
                "params": {"recipients": [f"+98912{i:07d}" for i in range(recipients)]},
            }
        )
        start = time.perf_counter()
        connection.request("POST", "/api/send", body, {"Content-Type": "application/json", "Authorization": TOKEN})
        response = connection.getresponse()
        response.read()
        times.append(time.perf_counter() - start)
        if response.status != 200:
            raise RuntimeError(f"a send to {recipients} recipients was answered {response.status}")
    connection.close()
    return statistics.median(times) * 1000


def exact_load(port: int, sends: int = 3000, concurrency: int = 32) -> tuple[int, int, int]:
    """A bounded burst of distinct sends: (accepted, errors, outbox count afterwards). Nothing may be lost."""
    import httpx

    async def burst() -> tuple[int, int]:
        limits = httpx.Limits(max_connections=concurrency)
        async with httpx.AsyncClient(base_url=f"http://127.0.0.1:{port}", limits=limits, timeout=30) as client:
            gate = asyncio.Semaphore(concurrency)

            async def one(i: int) -> int:
                async with gate:
                    payload = {
                        "sending_type": "webservice", "from_number": "+983000505", "message": f"بار {i} 🔔",
                        "params": {"recipients": [f"+98912{i:07d}"]},
                    }  # fmt: skip
                    response = await client.post("/api/send", json=payload, headers={"Authorization": TOKEN})
                    return response.status_code

            statuses = await asyncio.gather(*(one(i) for i in range(sends)))
        return statuses.count(200), len(statuses) - statuses.count(200)

    with httpx.Client(base_url=f"http://127.0.0.1:{port}") as client:
        client.delete("/_mock/outbox")
        accepted, errors = asyncio.run(burst())
        return accepted, errors, int(client.get("/_mock/health").json()["outbox_count"])
