"""Which server the contract suite checks, in which mode, and the report it prints.

Default mode (nothing configured): the suite checks the local mock, in-process (ASGI) and as a real
server on a loopback port, started here and always stopped, with every rule, and checks itself (its
sensitivity, the generated client, the spec's history).

Against another server (SMS_BASE_URL, SMS_API_TOKEN): only the checks of that server run; the checks
of the local mock and of the suite itself are deselected, and the summary says so. Safe by default:
only rules that an undeliverable request reveals run, and the summary lists those it could not check
without a send; SMS_CONTRACT_ALLOW_SEND=1 adds one real send (see contract_tests/README.md).
"""

from __future__ import annotations

import os
import random
import time
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest

from sms_contract.spec import Contract, load_contract
from sms_mock import DEVELOPMENT_TOKEN, MockApp, MockSettings, create_app
from sms_mock.server import MockServer

from . import hooks  # noqa: F401 - registers the send_time strategy, the before_call hook and the envelope check
from .rules import RULES

SPEC = Path(__file__).resolve().parent.parent / "openapi" / "sms-api.yaml"
CONTRACT: Contract = load_contract(SPEC)
EXAMPLES: Counter[str] = Counter()


@dataclass(frozen=True)
class Target:
    """A server under contract check."""

    name: str
    base_url: str
    token: str | None
    local_mock: MockApp | None = None

    @property
    def is_external(self) -> bool:
        return self.local_mock is None


def external() -> tuple[str, str | None] | None:
    base_url = os.environ.get("SMS_BASE_URL", "").strip()
    return (base_url.rstrip("/"), os.environ.get("SMS_API_TOKEN") or None) if base_url else None


def sending_allowed() -> bool:
    return os.environ.get("SMS_CONTRACT_ALLOW_SEND") == "1"


# The local mock under check knows one approved pattern, so that an unknown code is a 404 there too.
PATTERNS = {"contract-check": "کد بررسی قرارداد: %code%"}


def new_mock_app() -> MockApp:
    """A fresh local mock. Its own response self-check stays off: the suite's checks judge its answers."""
    return create_app(MockSettings(patterns=PATTERNS), CONTRACT)


@pytest.fixture(scope="session")
def target() -> Iterator[Target]:
    """The server the HTTP checks talk to: SMS_BASE_URL, or a local mock started for the session."""
    configured = external()
    if configured is not None:
        yield Target(configured[0], configured[0], configured[1])
        return
    with MockServer(app=new_mock_app()) as server:
        yield Target(f"local mock at {server.base_url}", server.base_url, DEVELOPMENT_TOKEN, server.app)


class Pacer:
    """Keeps at least `interval` seconds between requests to an external server (the suite rate-limits itself)."""

    def __init__(self, interval: float) -> None:
        self.interval, self._last = interval, 0.0

    def wait(self) -> None:
        pause = self._last + self.interval - time.monotonic()
        if pause > 0:
            time.sleep(pause)
        self._last = time.monotonic()


@pytest.fixture(scope="session")
def http(target: Target) -> Iterator[httpx.Client]:
    """An HTTP client for the target; against an external server each request waits its turn."""
    pacer = Pacer(float(os.environ.get("SMS_CONTRACT_INTERVAL", "1.0")) if target.is_external else 0.0)
    with httpx.Client(
        base_url=target.base_url, timeout=20, event_hooks={"request": [lambda request: pacer.wait()]}
    ) as client:
        yield client


def pytest_configure(config: pytest.Config) -> None:
    # Always run under a known seed, so that every report can name it and every failure be replayed
    # with --hypothesis-seed=<seed>.
    from hypothesis import core

    seed = config.getoption("hypothesis_seed", default=None)
    if seed is None:
        seed = random.SystemRandom().randrange(2**32)
        core.global_force_seed = seed  # type: ignore[assignment]
    config.stash[_SEED] = seed


_SEED = pytest.StashKey[object]()


IN_PROCESS = "local mock (in-process)"
SUITE = "the suite itself (sensitivity, self-checks, spec history)"


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Against another server, run only the checks of that server (the others say nothing about it)."""
    if external() is None:
        return
    kept = [item for item in items if item.get_closest_marker("local") is None]
    deselected = [item for item in items if item.get_closest_marker("local") is not None]
    if deselected:
        config.hook.pytest_deselected(items=deselected)
        config.stash[_DESELECTED] = len(deselected)
    items[:] = kept


_DESELECTED = pytest.StashKey[int]()


@pytest.fixture(autouse=True)
def _label_target(request: pytest.FixtureRequest) -> None:
    """Tag each check with the server it checked: the summary and the JUnit report group by it."""
    if "target" in request.fixturenames:
        name = request.getfixturevalue("target").name
    elif "mock_app" in request.fixturenames or request.node.get_closest_marker("in_process"):
        name = IN_PROCESS
    else:
        name = SUITE
    request.node.user_properties.append(("target", name))


@pytest.fixture(scope="session")
def mock_app() -> MockApp:
    """One in-process mock for the session (hypothesis reuses it across examples, as a server would be)."""
    return new_mock_app()


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter, exitstatus: int, config: pytest.Config) -> None:
    checks: Counter[str] = Counter()
    failed: Counter[str] = Counter()
    for outcome in ("passed", "failed", "error"):
        for report in terminalreporter.stats.get(outcome, []):
            target = dict(getattr(report, "user_properties", ())).get("target")
            if target is None or (report.when != "call" and outcome == "passed"):
                continue
            checks[target] += 1
            failed[target] += outcome != "passed"
    if not checks:
        return
    terminalreporter.section("contract summary")
    for name in sorted(checks):
        examples = f", {EXAMPLES[name]} generated examples" if EXAMPLES[name] else ""
        terminalreporter.write_line(f"{name}: {checks[name]} checks{examples}, {failed[name]} failed")
    configured = external()
    if configured is not None:
        left = config.stash.get(_DESELECTED, 0)
        terminalreporter.write_line(
            f"mode: checks of {configured[0]} only; {left} checks of the local mock and of the suite itself "
            "were not run (they say nothing about that server)"
        )
        unchecked = [r.id for r in RULES.values() if r.kind == "needs a send"]
        if sending_allowed():
            terminalreporter.write_line(
                f"one real send checked (test_real_send.py); not checked without more sends: {', '.join(unchecked)}"
            )
        else:
            terminalreporter.write_line(
                "safe mode: nothing was sent; rules that only a send reveals were not checked: "
                + ", ".join(unchecked)
                + " (SMS_CONTRACT_ALLOW_SEND=1 adds one real send, see contract_tests/README.md)"
            )
    terminalreporter.write_line(
        f"hypothesis seed: {config.stash.get(_SEED, None)} (replay with --hypothesis-seed=<seed>)"
    )
