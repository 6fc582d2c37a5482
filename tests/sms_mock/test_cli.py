"""`sms-mock` as a process: it starts, prints where it listens, answers, and stops cleanly on SIGTERM and Ctrl-C."""

from __future__ import annotations

import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from sms_mock import DEVELOPMENT_TOKEN

from .conftest import body, start_mock_process

BIN = Path(sys.executable).parent


def _start(*args: str) -> tuple[subprocess.Popen[str], str, list[str]]:
    return start_mock_process(*args)


@pytest.fixture
def running() -> Iterator[tuple[subprocess.Popen[str], str, list[str]]]:
    proc, url, lines = _start("--token", "a-token-given-on-the-command-line")
    try:
        yield proc, url, lines
    finally:
        if proc.poll() is None:
            proc.kill()
        proc.wait(timeout=10)


@pytest.mark.parametrize("sig", [signal.SIGTERM, signal.SIGINT])
def test_serves_then_stops_cleanly(sig: signal.Signals) -> None:
    proc, url, lines = _start()
    try:
        assert any(DEVELOPMENT_TOKEN in line for line in lines)  # the development token is printed
        assert url.startswith("http://127.0.0.1:")
        sent = httpx.post(f"{url}/api/send", json=body(), headers={"Authorization": DEVELOPMENT_TOKEN})
        assert sent.status_code == 200
        proc.send_signal(sig)
        out, err = proc.communicate(timeout=10)
    finally:
        if proc.poll() is None:
            proc.kill()
    assert proc.returncode == 0, err
    assert "stopped" in out
    assert "Traceback" not in err


def test_configured_tokens_are_used_and_never_printed(running: tuple[subprocess.Popen[str], str, list[str]]) -> None:
    proc, url, lines = running
    assert not any("a-token-given" in line for line in lines)
    assert any("1 token(s) configured" in line for line in lines)
    headers = {"Authorization": "a-token-given-on-the-command-line"}
    assert httpx.post(f"{url}/api/send", json=body(), headers=headers).status_code == 200
    assert httpx.post(f"{url}/api/send", json=body(), headers={"Authorization": DEVELOPMENT_TOKEN}).status_code == 401
    proc.terminate()
    out, err = proc.communicate(timeout=10)
    assert "a-token-given" not in out + err


def test_python_dash_m_runs_the_same_cli() -> None:
    proc = subprocess.run([sys.executable, "-m", "sms_mock", "--help"], capture_output=True, text=True, timeout=30)
    assert proc.returncode == 0
    assert "--failure-rate" in proc.stdout


def test_an_invalid_spec_refuses_to_start(tmp_path: Path) -> None:
    spec = tmp_path / "broken.yaml"
    spec.write_text("openapi: 3.1.0\ninfo: {title: x}\npaths: {}\n", encoding="utf-8")
    proc = subprocess.run([str(BIN / "sms-mock"), "--spec", str(spec)], capture_output=True, text=True, timeout=30)
    assert proc.returncode == 2
    assert "cannot start" in proc.stderr
    assert "version" in proc.stderr  # names what is wrong
    assert "Traceback" not in proc.stderr


def test_a_busy_port_is_reported_clearly() -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        proc = subprocess.run([str(BIN / "sms-mock"), "--port", str(port)], capture_output=True, text=True, timeout=30)
    assert proc.returncode == 2
    assert f"cannot listen on 127.0.0.1:{port}" in proc.stderr


@pytest.mark.parametrize(
    ("args", "message"),
    [(["--failure-rate", "3"], "failure rate"), (["--latency", "fast"], "MIN-MAX"), (["--token", " "], "token")],
)
def test_bad_flags_get_a_clear_error(args: list[str], message: str) -> None:
    proc = subprocess.run([str(BIN / "sms-mock"), *args], capture_output=True, text=True, timeout=30)
    assert proc.returncode == 2
    assert message in proc.stderr
    assert "Traceback" not in proc.stderr


def test_flags_and_environment_make_the_settings(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    from sms_mock.__main__ import parser, settings_from_args

    monkeypatch.setenv("SMS_MOCK_TOKENS", "from-env-one, from-env-two")
    monkeypatch.setenv("SMS_MOCK_SENDER_LINES", "+983000505")
    from_env = settings_from_args(parser().parse_args([]))
    assert from_env.tokens == frozenset({"from-env-one", "from-env-two"})
    assert from_env.sender_lines == frozenset({"+983000505"})
    args = [
        "--token", "flag-token", "--store", str(tmp_path / "o.sqlite3"), "--sender-line", "+9850002",
        "--no-duplicate-check", "--latency", "5-20", "--failure-rate", "0.5", "--failure-status", "503",
        "--retry-after", "3", "--seed", "7", "--first-id", "100", "--max-body-bytes", "4096", "--check-responses",
    ]  # fmt: skip
    settings = settings_from_args(parser().parse_args(args))
    assert settings.tokens == frozenset({"flag-token"})  # a flag wins over the environment
    assert settings.sender_lines == frozenset({"+9850002"})
    assert settings.store == tmp_path / "o.sqlite3"
    assert settings.duplicate_window_seconds == 0
    assert (settings.first_id, settings.max_body_bytes, settings.seed, settings.check_responses) == (100, 4096, 7, True)
    faults = settings.faults
    assert (faults.latency_ms, faults.failure_rate, faults.failure_statuses, faults.retry_after_seconds) == (
        (5.0, 20.0), 0.5, (503,), 3,
    )  # fmt: skip


def test_main_reports_start_up_errors_without_a_traceback(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from sms_mock.__main__ import main

    spec = tmp_path / "broken.yaml"
    spec.write_text("openapi: 3.1.0\n", encoding="utf-8")
    assert main(["--spec", str(spec)]) == 2
    assert "cannot start" in capsys.readouterr().err
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        assert main(["--port", str(taken.getsockname()[1])]) == 2
    assert "cannot listen" in capsys.readouterr().err
    assert main(["--failure-rate", "2"]) == 2
    assert "failure rate" in capsys.readouterr().err


def test_granian_serves_the_same_mock() -> None:
    proc, url, lines = _start("--server", "granian")
    try:
        assert any("granian" in line for line in lines)
        deadline = time.monotonic() + 20
        while True:  # granian binds in its worker process, just after printing "ready"
            try:
                sent = httpx.post(f"{url}/api/send", json=body(), headers={"Authorization": DEVELOPMENT_TOKEN})
                break
            except httpx.ConnectError:
                assert time.monotonic() < deadline
                time.sleep(0.05)
        assert sent.status_code == 200
        again = httpx.post(f"{url}/api/send", json=body(), headers={"Authorization": DEVELOPMENT_TOKEN})
        assert again.status_code == 429
        assert httpx.get(f"{url}/_mock/outbox").json()["count"] == 1
        proc.send_signal(signal.SIGTERM)
        out, err = proc.communicate(timeout=15)
    finally:
        if proc.poll() is None:
            proc.kill()
    assert "stopped" in out, err
    assert "Traceback" not in err


def test_settings_travel_to_workers_unchanged(tmp_path: Path) -> None:
    from sms_mock import Faults, MockSettings
    from sms_mock.settings import settings_from_json, settings_to_json

    settings = MockSettings(
        tokens=frozenset({"a-token-for-the-workers-000001"}),
        sender_lines=frozenset({"+983000505"}),
        duplicate_window_seconds=12.5,
        store=tmp_path / "o.sqlite3",
        first_id=9,
        seed=3,
        faults=Faults(latency_ms=(1, 2), failure_rate=0.25, failure_statuses=(503,), retry_after_seconds=4),
    )
    assert settings_from_json(settings_to_json(settings)) == settings
