"""Benchmarks side by side in one run: the mock against the bare-ASGI ceiling and Prism, memory, the client.

Run: `make bench` (or `.venv/bin/python scripts/bench.py [--duration 5] [--rounds 3] [--baseline REF]
[--soak 60] [--update-readme]`). It installs wrk (a Debian package) on first use; Prism comes pinned
in package.json. Every figure is a ratio or a side-by-side number from this one run on this machine;
nothing here is a pass/fail timing test. Servers listen on 127.0.0.1 only and every load is bounded.

- Each server is started fresh per round, warmed for 1 s, then loaded for `--duration` s by wrk
  (-t1 -c16, a fresh text per request), the servers alternating so that machine noise hits all alike.
- The ceiling is a bare ASGI app (no framework, a fixed answer of the mock's size) on the same server
  with the same settings (scripts/bare_asgi.py): the mock's share of it is what the mock itself costs.
- Memory: bytes per stored send in the in-memory outbox (tracemalloc), with the 40 s duplicate memory
  and after it; `--soak S` adds S seconds at full speed with --max-messages set, sampling RSS.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import re
import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from datetime import UTC, datetime

from bench_memory import bytes_per_send, soak
from bench_servers import (
    BENCH,
    ROOT,
    TOKEN,
    Load,
    Server,
    baseline_server,
    big_send_ms,
    ceiling_server,
    ensure_wrk,
    exact_load,
    mock_server,
    prism_server,
    redis_mock_servers,
    running,
    wrk_load,
)


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


def _load_table(servers: list[Server], loads: dict[str, list[Load]], startups: dict[str, list[float]],
                big: dict[str, dict[int, float]]) -> list[str]:  # fmt: skip
    prism = next((s for s in servers if s.kind == "prism"), None)
    prism_rps = statistics.median(r.rps for r in loads[prism.name]) if prism else float("nan")
    prism_p99 = statistics.median(r.p99_ms for r in loads[prism.name]) if prism else float("nan")
    ceilings = {s.server: statistics.median(r.rps for r in loads[s.name]) for s in servers if s.kind == "ceiling"}
    lines = [
        "| server | requests/s | share of the ceiling | vs Prism | p50 ms | p99 ms | vs Prism p99 | errors "
        "| start-up ms | 1,000 recipients ms | 10,000 recipients ms |",
        "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
    ]
    for server in servers:
        runs = loads[server.name]
        rps = statistics.median(r.rps for r in runs)
        p99 = statistics.median(r.p99_ms for r in runs)
        ceiling = ceilings.get(server.server)
        share = (
            f"{rps / ceiling:.0%}"
            if ceiling and server.kind == "mock"
            else ("100%" if server.kind == "ceiling" else "")
        )
        sizes = big.get(server.name, {})
        lines.append(
            f"| {server.name} | {rps:,.0f} | {share} | {rps / prism_rps:.1f}x | "
            f"{statistics.median(r.p50_ms for r in runs):.2f} | {p99:.2f} | {p99 / prism_p99:.2f}x "
            f"| {sum(r.errors for r in runs)} | {statistics.median(startups[server.name]) * 1000:.0f} "
            f"| {sizes.get(1000, float('nan')):.1f} | {sizes.get(10_000, float('nan')):.1f} |"
        )
    return lines


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--duration", type=int, default=5, help="seconds per load run (default 5)")
    parser.add_argument("--rounds", type=int, default=3, help="alternating load rounds (default 3)")
    parser.add_argument("--connections", type=int, default=16)
    parser.add_argument("--update-readme", action="store_true", help="write the tables into README.md")
    parser.add_argument(
        "--baseline", metavar="REF", action="append", help="also run the mock as it was at this git ref (repeat)"
    )
    parser.add_argument("--soak", type=int, metavar="S", help="also load the mock S seconds with --max-messages set")
    parser.add_argument("--only", help="run only the servers whose names contain this (no Prism ratio without it)")
    args = parser.parse_args(argv)

    wrk = ensure_wrk()
    servers = [
        ceiling_server(4110, "uvicorn"),
        mock_server(4101, "uvicorn"),
        mock_server(4106, "uvicorn", live_feed=True),
        ceiling_server(4111, "granian"),
        mock_server(4102, "granian"),
    ]
    servers += [redis_mock_servers(4120, 4130, 1), redis_mock_servers(4121, 4131, 2)]
    servers += [baseline_server(ref, 4104 + offset) for offset, ref in enumerate(args.baseline or [])]
    servers.append(prism_server(4103))
    if args.only:
        servers = [s for s in servers if args.only in s.name]
    loads: dict[str, list[Load]] = {s.name: [] for s in servers}
    startups: dict[str, list[float]] = {s.name: [] for s in servers}
    big: dict[str, dict[int, float]] = {}
    exact: dict[str, tuple[int, int, int]] = {}
    for round_ in range(args.rounds):
        for server in servers:
            print(f"bench: round {round_ + 1}/{args.rounds}: {server.name}", flush=True)
            with running(server) as (startup, _):
                startups[server.name].append(startup)
                wrk_load(wrk, server.ports, 1, args.connections)  # warm-up
                loads[server.name].append(wrk_load(wrk, server.ports, args.duration, args.connections))
                if round_ == 0 and server.kind != "ceiling" and server.replicas == 1:
                    big[server.name] = {n: big_send_ms(server.port, n) for n in (1000, 10_000)}
                    if server.kind == "mock":
                        exact[server.name] = exact_load(server.port)
    print("bench: memory per stored send", flush=True)
    memory = bytes_per_send()
    soaked = None
    if args.soak:
        print(f"bench: soak, {args.soak} s", flush=True)
        with running(mock_server(4105, "uvicorn", "--max-messages", "50000")) as (_, pid):
            soaked = soak(wrk, 4105, pid, args.soak)
    overheads = client_overheads()
    examples, seconds = contract_examples_per_second()

    lines = [
        f"Measured {datetime.now(UTC):%Y-%m-%d} on {platform.node() or 'this machine'}: {os.cpu_count()} cores, "
        f"Python {platform.python_version()}, {platform.machine()}; `make bench` (wrk -t1 -c{args.connections}, "
        f"a fresh text per request, {args.rounds} alternating rounds of {args.duration} s, medians).",
        "",
        *_load_table(servers, loads, startups, big),
        "",
    ]
    for name, (accepted, errors, stored) in exact.items():
        lines.append(
            f"Load test, {name}: 3,000 distinct sends from 32 concurrent connections: {accepted:,} accepted, "
            f"{errors} errors, {stored:,} in the outbox afterwards."
        )
    lines += [
        "",
        f"Memory of the in-memory outbox ({memory.sends:,} sends of the load above, tracemalloc): "
        f"{memory.while_remembered:.0f} bytes per send while the 40 s duplicate memory holds it, "
        f"{memory.stored:.0f} bytes per stored send after.",
    ]
    if soaked:
        # Flat is what it should be once both bounds are full: the outbox's cap, and the 40 s of
        # duplicate memory (every send of the last 40 s is remembered, whatever the cap).
        settled = [s for s in soaked if s.stored >= 50_000 * 7 // 8 and s.seconds >= 45]
        flat = f"{min(s.rss_mb for s in settled):.0f}-{max(s.rss_mb for s in settled):.0f} MB" if settled else "n/a"
        trace = ", ".join(f"{s.seconds:.0f} s {s.rss_mb:.0f} MB" for s in soaked)
        lines.append(
            f"Soak: {soaked[-1].seconds:.0f} s at full speed with --max-messages 50000, RSS every 5 s: {trace}. Once "
            f"the outbox was full and the 40 s duplicate window had filled (45 s on): {flat}."
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
