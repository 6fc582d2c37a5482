"""`sms-mock` (or `python -m sms_mock`): serve the local mock of the Edge SMS API until Ctrl-C or SIGTERM."""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import ipaddress
import logging
import os
import resource
import sys
from dataclasses import replace
from pathlib import Path

from .patterns import load_pattern_file, parse_pattern_option
from .settings import (
    DEFAULT_MAX_BODY_BYTES,
    DEFAULT_MAX_MESSAGES,
    DEFAULT_PORT,
    DEVELOPMENT_TOKEN,
    Faults,
    MockSettings,
    settings_from_env,
)


def _latency(value: str) -> tuple[float, float]:
    low, _, high = value.partition("-")
    try:
        return float(low), float(high or low)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected MS or MIN-MAX in milliseconds, not {value!r}") from None


def _pattern(value: str) -> tuple[str, str]:
    try:
        return parse_pattern_option(value)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None


def parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog="sms-mock",
        description="A strict local mock of the Edge SMS API (POST /api/send), driven by its OpenAPI spec, "
        "with an outbox to inspect under /_mock/.",
    )
    p.add_argument("--host", default=os.environ.get("SMS_MOCK_HOST", "127.0.0.1"), help="default: 127.0.0.1")
    p.add_argument("--port", type=int, default=int(os.environ.get("SMS_MOCK_PORT", DEFAULT_PORT)), help="default: 4010")
    p.add_argument("--token", action="append", metavar="T", help="a valid token (repeat; env SMS_MOCK_TOKENS=a,b)")
    p.add_argument("--spec", type=Path, help="the OpenAPI spec (default: the packaged openapi/sms-api.yaml)")
    p.add_argument(
        "--store",
        metavar="FILE|URL",
        help="keep the outbox in a SQLite file, or in Redis (redis://HOST:PORT/DB) for replicas (env SMS_MOCK_STORE)",
    )
    p.add_argument("--sender-line", action="append", metavar="N", help="a sender line of the account (repeat)")
    p.add_argument(
        "--pattern",
        action="append",
        type=_pattern,
        metavar="CODE=TEXT",
        help="an approved pattern, its variables written %%name%% (repeat); then unknown codes get 404",
    )
    p.add_argument(
        "--patterns",
        type=Path,
        metavar="FILE",
        help="approved patterns: a JSON object of code to text (env SMS_MOCK_PATTERNS)",
    )
    p.add_argument(
        "--duplicate-window", type=float, metavar="S", help="seconds in which a repeat send is a 429 (default 40)"
    )
    p.add_argument("--no-duplicate-check", action="store_true", help="never answer 429 for a repeated send")
    p.add_argument("--max-body-bytes", type=int, default=DEFAULT_MAX_BODY_BYTES, help="larger bodies get 413")
    p.add_argument(
        "--max-messages",
        type=int,
        metavar="N",
        help=f"keep the newest N messages (default {DEFAULT_MAX_MESSAGES:,}; env SMS_MOCK_MAX_MESSAGES)",
    )
    p.add_argument(
        "--body-timeout", type=float, metavar="S", help="seconds a request body may take (default 10; then 408)"
    )
    p.add_argument("--idle-timeout", type=float, metavar="S", help="seconds a connection may sit idle (default 5)")
    p.add_argument(
        "--max-connections",
        type=int,
        metavar="N",
        help="connections at once; past it the longest-idle close (default 4096)",
    )
    p.add_argument(
        "--inspection-credentials",
        metavar="USER:PASSWORD",
        help="require HTTP basic auth on /_mock/ (prefer env SMS_MOCK_INSPECTION_CREDENTIALS: arguments show in ps)",
    )
    p.add_argument(
        "--open-inspection",
        action="store_true",
        help="allow /_mock/ without credentials on a non-loopback --host (everyone who can reach it sees every text)",
    )
    p.add_argument("--first-id", type=int, default=1, help="the first outbox id (default 1)")
    p.add_argument("--latency", type=_latency, metavar="MS|MIN-MAX", help="injected latency in milliseconds")
    p.add_argument("--failure-rate", type=float, default=0.0, help="share of requests answered 500/503 (0 to 1)")
    p.add_argument(
        "--failure-status", type=int, action="append", choices=[500, 503], help="injected statuses (default both)"
    )
    p.add_argument("--retry-after", type=int, default=1, help="Retry-After seconds on an injected 503")
    p.add_argument("--seed", type=int, help="seed of the fault injection's random choices")
    p.add_argument("--check-responses", action="store_true", help="validate every answer against the spec")
    p.add_argument("--log-level", default="warning", choices=["critical", "error", "warning", "info", "debug"])
    p.add_argument("--access-log", action="store_true", help="log every request line (never headers or tokens)")
    p.add_argument(
        "--server",
        choices=["uvicorn", "granian"],
        default="uvicorn",
        help="the ASGI server: uvicorn (default) or granian (about a third more requests/s; see README)",
    )
    return p


def settings_from_args(args: argparse.Namespace) -> MockSettings:
    settings = settings_from_env()
    changes: dict[str, object] = {
        "max_body_bytes": args.max_body_bytes,
        "first_id": args.first_id,
        "check_responses": args.check_responses,
        "seed": args.seed,
        "faults": Faults(
            latency_ms=args.latency or (0.0, 0.0),
            failure_rate=args.failure_rate,
            failure_statuses=tuple(args.failure_status or (500, 503)),
            retry_after_seconds=args.retry_after,
        ),
    }
    if args.token:
        changes["tokens"] = frozenset(args.token)
    if args.store:
        changes["store"] = args.store
    if args.sender_line:
        changes["sender_lines"] = frozenset(args.sender_line)
    if args.patterns or args.pattern:
        from_file = load_pattern_file(args.patterns) if args.patterns else {}
        changes["patterns"] = {**from_file, **dict(args.pattern or [])}
    if args.duplicate_window is not None:
        changes["duplicate_window_seconds"] = args.duplicate_window
    if args.no_duplicate_check:
        changes["duplicate_window_seconds"] = 0.0
    optional = {
        "max_messages": args.max_messages,
        "body_timeout_seconds": args.body_timeout,
        "idle_timeout_seconds": args.idle_timeout,
        "max_connections": args.max_connections,
        "inspection_credentials": args.inspection_credentials,
    }
    changes.update({name: value for name, value in optional.items() if value is not None})
    return replace(settings, **changes)  # type: ignore[arg-type]


def is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def inspection_exposure(host: str, settings: MockSettings, open_inspection: bool) -> str | None:
    """Why the mock must not start as asked: /_mock/ (every text and number sent) open beyond this machine."""
    if is_loopback(host) or settings.inspection_credentials is not None or open_inspection:
        return None
    return (
        f"--host {host} serves beyond this machine, and /_mock/ shows every text and number sent and can "
        "delete them and inject faults: set SMS_MOCK_INSPECTION_CREDENTIALS=user:password (or "
        "--inspection-credentials), or pass --open-inspection to leave it open on purpose"
    )


def _more_open_files() -> None:
    """Raise the soft limit of open files to the hard one: every connection is a file."""
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    if soft != hard:
        with contextlib.suppress(ValueError, OSError):
            resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))


def main(argv: list[str] | None = None) -> int:
    args = parser().parse_args(argv)
    logging.basicConfig(level=args.log_level.upper(), format="sms-mock %(levelname)s %(message)s")
    # Imported here so that `sms-mock --help` answers at once.
    from sms_contract.spec import SpecError

    from .app import create_app, tune_collector
    from .server import QuietServer, bind, uvicorn_config

    try:
        settings = settings_from_args(args)
    except ValueError as exc:
        print(f"sms-mock: cannot start: {exc}", file=sys.stderr)
        return 2
    exposure = inspection_exposure(args.host, settings, args.open_inspection)
    if exposure is not None:
        print(f"sms-mock: refusing to start: {exposure}", file=sys.stderr)
        return 2
    try:
        app = create_app(settings, args.spec)
    except (SpecError, ValueError) as exc:
        print(f"sms-mock: cannot start: {exc}", file=sys.stderr)
        return 2
    _more_open_files()
    try:
        sock = bind(args.host, args.port)
    except OSError as exc:
        print(f"sms-mock: cannot listen on {args.host}:{args.port}: {exc.strerror}", file=sys.stderr)
        return 2
    host = f"[{args.host}]" if ":" in args.host else args.host
    port = sock.getsockname()[1]
    print(f"sms-mock: serving {app.contract.path} (sha256 {app.contract.fingerprint[:12]})")
    print(f"sms-mock: POST http://{host}:{port}/api/send   outbox: http://{host}:{port}/_mock/outbox")
    if settings.uses_development_token:
        print(f"sms-mock: development token: {DEVELOPMENT_TOKEN}")
    else:
        print(f"sms-mock: {len(settings.tokens)} token(s) configured (not shown)")
    if isinstance(settings.store, str):  # settings keep a redis:// URL as a string, a SQLite file as a Path
        print(f"sms-mock: outbox kept in Redis at {settings.store}, shared with every replica that uses it")
    elif settings.store is not None:
        print(f"sms-mock: outbox kept in {settings.store} ({asyncio.run(app.outbox.count())} messages)")
    if settings.inspection_credentials is not None:
        print("sms-mock: /_mock/ requires the inspection credentials (HTTP basic auth)")
    elif not is_loopback(args.host):
        print("sms-mock: WARNING: /_mock/ is open to everyone who can reach this address (--open-inspection)")
    if args.server == "granian":
        sock.close()  # granian binds the address itself; the check above still reported a busy port clearly
        asyncio.run(app.services.store.close())
        _run_granian(args, settings, port)
    else:
        print("sms-mock: ready; Ctrl-C or SIGTERM stops it", flush=True)
        tune_collector()
        QuietServer(uvicorn_config(app, log_level=args.log_level, access_log=args.access_log)).run(sockets=[sock])
    print("sms-mock: stopped", flush=True)
    return 0


def _run_granian(args: argparse.Namespace, settings: MockSettings, port: int) -> None:
    """Serve with granian (HTTP in Rust), one worker process that builds the app from the environment."""
    from .app import SPEC_ENV
    from .server import run_granian
    from .settings import SETTINGS_ENV, settings_to_json

    os.environ[SETTINGS_ENV] = settings_to_json(settings)
    os.environ[SPEC_ENV] = str(args.spec or "")
    print("sms-mock: ready (granian); Ctrl-C or SIGTERM stops it", flush=True)
    try:
        run_granian(
            "sms_mock.app:app_from_environment",
            settings,
            host=args.host,
            port=port,  # the one found above, also when --port 0 asked for any free port
            log_level=args.log_level,
            access_log=args.access_log,
            factory=True,
        )
    except ImportError:
        print("sms-mock: --server granian needs granian: pip install 'edge-sms-toolkit[fast]'", file=sys.stderr)
        raise SystemExit(2) from None


if __name__ == "__main__":
    sys.exit(main())
