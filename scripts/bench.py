"""Benchmarks side by side in one run: the mock against Prism, the client against bare httpx.

Run: `make bench` (or `.venv/bin/python scripts/bench.py [--duration 5] [--rounds 3] [--update-readme]`).
It installs what it needs on first use: wrk (Debian package); Prism comes pinned in package.json.
Every figure is a ratio or a side-by-side number from this one run on this machine; nothing here is
a pass/fail timing test. Servers listen on 127.0.0.1 only and every load is bounded in time.
"""

from __future__ import annotations

import argparse
import asyncio
import http.client
import json
import os
import platform
import re
import shutil
import statistics
import subprocess
import sys
import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from sms_mock.settings import DEVELOPMENT_TOKEN

ROOT = Path(__file__).resolve().parent.parent
BENCH = ROOT / ".bench"
SPEC = ROOT / "openapi" / "sms-api.yaml"
LUA = ROOT / "scripts" / "bench_send.lua"
PRISM_VERSION = json.loads((ROOT / "package.json").read_text())["devDependencies"]["@stoplight/prism-cli"]
TOKEN = DEVELOPMENT_TOKEN
BIN = Path(sys.executable).parent


# --------------------------------------------------------------------------- tools


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
    is_mock: bool = True


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
        f"mock at {ref} ({sha[:7]}), uvicorn", [sys.executable, "-m", "sms_mock", "--port", str(port)], port, env
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
def running(server: Server, timeout: float = 60.0) -> Iterator[float]:
    """Start the server, yield the seconds from launch to its first answered request, always stop it."""
    started = time.perf_counter()
    proc = subprocess.Popen(
        server.command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, cwd=ROOT, env=server.env
    )
    try:
        while not _answers(server.port):
            if proc.poll() is not None or time.perf_counter() - started > timeout:
                raise RuntimeError(f"{server.name} did not start")
            time.sleep(0.002)
        yield time.perf_counter() - started
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()


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


def wrk_load(wrk: str, port: int, duration: int, connections: int) -> Load:
    out = subprocess.run(
        [wrk, "-t1", f"-c{connections}", f"-d{duration}s", "--latency", "-s", str(LUA),
         f"http://127.0.0.1:{port}", "--", TOKEN, uuid.uuid4().hex[:8]],
        capture_output=True, text=True, check=True, timeout=duration + 30,
    ).stdout  # fmt: skip
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


def client_overheads(rounds: int = 5, per_round: int = 4000) -> dict[str, float]:
    """Microseconds per send for bare httpx, the generated client and SmsClient, on one in-process transport."""
    import httpx

    from sms_api import AuthenticatedClient
    from sms_api.api.sending import send
    from sms_api.models import SendParams, WebserviceSendRequest
    from sms_client import SmsClient

    answer = json.dumps(
        {
            "data": {"message_outbox_ids": [1123544244]},
            "meta": {"status": True, "message": "انجام شد", "message_parameters": [], "message_code": "200-1"},
        }
    ).encode()
    transport = httpx.MockTransport(
        lambda request: httpx.Response(200, content=answer, headers={"Content-Type": "application/json"})
    )
    body = {
        "sending_type": "webservice",
        "from_number": "+983000505",
        "message": "کد ورود شما: ۴۸۲۱",
        "params": {"recipients": ["+989120000000"]},
    }
    bare = httpx.Client(base_url="http://provider", transport=transport, headers={"Authorization": TOKEN})
    generated = AuthenticatedClient(
        base_url="http://provider", token=TOKEN, prefix="", httpx_args={"transport": transport}
    )
    model = WebserviceSendRequest(
        sending_type="webservice", from_number="+983000505", message=body["message"],  # type: ignore[arg-type]
        params=SendParams(recipients=["+989120000000"]),
    )  # fmt: skip
    sms = SmsClient(TOKEN, base_url="http://provider", transport=transport)

    def bare_post() -> None:
        bare.post("/api/send", json=body).json()

    def generated_post() -> None:
        send.sync_detailed(client=generated, body=model)

    def client_send() -> None:
        sms.send("+983000505", "+989120000000", "کد ورود شما: ۴۸۲۱")

    runs: dict[str, Callable[[], None]] = {
        "bare httpx": bare_post, "generated client": generated_post, "SmsClient": client_send,
    }  # fmt: skip
    samples: dict[str, list[float]] = {name: [] for name in runs}
    for run in runs.values():  # warm up
        for _ in range(200):
            run()
    for _ in range(rounds):  # alternate, so that machine noise hits all three alike
        for name, run in runs.items():
            start = time.perf_counter()
            for _ in range(per_round):
                run()
            samples[name].append((time.perf_counter() - start) / per_round * 1e6)
    return {name: statistics.median(values) for name, values in samples.items()}


def contract_examples_per_second() -> tuple[int, float]:
    """Examples and seconds of the schemathesis run against the in-process mock (pytest, default counts)."""
    start = time.perf_counter()
    out = subprocess.run(
        [sys.executable, "-m", "pytest", "contract_tests/test_schemathesis.py::test_in_process", "-q", "-p",
         "no:cacheprovider"],
        cwd=ROOT, capture_output=True, text=True, check=True,
    ).stdout  # fmt: skip
    elapsed = time.perf_counter() - start
    examples = int(re.search(r"local mock \(in-process\): \d+ checks, (\d+) generated examples", out).group(1))  # type: ignore[union-attr]
    return examples, elapsed


# --------------------------------------------------------------------------- report


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--duration", type=int, default=5, help="seconds per load run (default 5)")
    parser.add_argument("--rounds", type=int, default=3, help="alternating load rounds (default 3)")
    parser.add_argument("--connections", type=int, default=16)
    parser.add_argument("--update-readme", action="store_true", help="write the table into README.md")
    parser.add_argument(
        "--baseline", metavar="REF", action="append", help="also run the mock as it was at this git ref (repeat)"
    )
    args = parser.parse_args(argv)

    wrk, prism = ensure_wrk(), ensure_prism()
    servers = [
        Server("mock, default (uvicorn)", [str(BIN / "sms-mock"), "--port", "4101"], 4101),
        Server("mock, --server granian", [str(BIN / "sms-mock"), "--port", "4102", "--server", "granian"], 4102),
    ]
    for offset, ref in enumerate(args.baseline or []):
        servers.append(baseline_server(ref, 4104 + offset))
    servers.append(
        Server(
            "Prism " + PRISM_VERSION,
            [str(prism), "mock", "-h", "127.0.0.1", "-p", "4103", str(SPEC)],
            4103,
            is_mock=False,
        )
    )
    loads: dict[str, list[Load]] = {s.name: [] for s in servers}
    startups: dict[str, list[float]] = {s.name: [] for s in servers}
    big: dict[str, dict[int, float]] = {s.name: {} for s in servers}
    exact: dict[str, tuple[int, int, int]] = {}
    for round_ in range(args.rounds):
        for server in servers:
            print(f"bench: round {round_ + 1}/{args.rounds}: {server.name}", flush=True)
            with running(server) as startup:
                startups[server.name].append(startup)
                wrk_load(wrk, server.port, 1, args.connections)  # warm-up
                loads[server.name].append(wrk_load(wrk, server.port, args.duration, args.connections))
                if round_ == 0:
                    big[server.name] = {n: big_send_ms(server.port, n) for n in (1000, 10_000)}
                    if server.is_mock:
                        exact[server.name] = exact_load(server.port)
    overheads = client_overheads()
    examples, seconds = contract_examples_per_second()

    prism_name = servers[-1].name
    prism_rps = statistics.median(load.rps for load in loads[prism_name])
    prism_p99 = statistics.median(load.p99_ms for load in loads[prism_name])
    lines = [
        f"Measured {datetime.now(UTC):%Y-%m-%d} on {os.cpu_count()} cores, Python {platform.python_version()}, "
        f"{platform.machine()}; `make bench` (wrk -t1 -c{args.connections}, {args.rounds} alternating rounds of "
        f"{args.duration} s, medians).",
        "",
        "| server | requests/s | p50 ms | p99 ms | errors | vs Prism: throughput | vs Prism: p99 | start-up ms "
        "| 1,000 recipients ms | 10,000 recipients ms |",
        "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
    ]
    for server in servers:
        runs = loads[server.name]
        rps = statistics.median(r.rps for r in runs)
        p99 = statistics.median(r.p99_ms for r in runs)
        lines.append(
            f"| {server.name} | {rps:,.0f} | {statistics.median(r.p50_ms for r in runs):.2f} | {p99:.2f} "
            f"| {sum(r.errors for r in runs)} | {rps / prism_rps:.1f}x | {p99 / prism_p99:.2f}x "
            f"| {statistics.median(startups[server.name]) * 1000:.0f} | {big[server.name][1000]:.1f} "
            f"| {big[server.name][10_000]:.1f} |"
        )
    lines.append("")
    for name, (accepted, errors, stored) in exact.items():
        lines.append(
            f"Load test, {name}: 3,000 distinct sends from 32 concurrent connections: {accepted:,} accepted, "
            f"{errors} errors, {stored:,} in the outbox afterwards."
        )
    bare = overheads["bare httpx"]
    lines += [
        "",
        "| client, one send on the same in-process transport | µs per send | vs bare httpx |",
        "| --- | ---: | ---: |",
    ]
    lines += [f"| {name} | {value:.1f} | {value / bare:.2f}x |" for name, value in overheads.items()]
    lines += ["", f"Contract suite: {examples} schemathesis examples against the in-process mock in "
              f"{seconds:.1f} s, {examples / seconds:.0f} examples/s (pytest start-up included)."]  # fmt: skip
    table = "\n".join(lines)
    print("\n" + table)
    BENCH.mkdir(exist_ok=True)
    (BENCH / "results.md").write_text(table + "\n", encoding="utf-8")
    if args.update_readme:
        readme = ROOT / "README.md"
        text = readme.read_text(encoding="utf-8")
        start, end = "<!-- bench:start -->", "<!-- bench:end -->"
        if start not in text or end not in text:
            sys.exit("bench: README.md has no bench markers")
        head, rest = text.split(start, 1)
        readme.write_text(f"{head}{start}\n{table}\n{end}{rest.split(end, 1)[1]}", encoding="utf-8")
        print("bench: README.md updated")
    return 0


if __name__ == "__main__":
    sys.exit(main())
