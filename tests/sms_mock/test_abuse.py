"""The mock under abuse, over HTTP against real servers: strict numbers, no 5xx, kept connections,
stored if and only if answered 200, bounded memory and time, and inspection closed off loopback."""

from __future__ import annotations

import base64
import contextlib
import json
import signal
import socket
import sqlite3
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from sms_mock import MockSettings, create_app
from sms_mock.__main__ import inspection_exposure
from sms_mock.server import MockServer
from sms_mock.testing import InProcessTransport

from .conftest import TOKEN, Raw, body, start_mock_process

BIN = Path(sys.executable).parent


SEND_BODY = json.dumps(body(message="کد ورود ۴۸۲۱ 🔐")).encode()


def _send(raw: Raw, payload: bytes = SEND_BODY, **headers: str) -> tuple[int, dict[str, str], bytes]:
    return raw.request("POST", "/api/send", payload, Authorization=TOKEN, Content_Type="application/json", **headers)


@pytest.fixture(params=["memory", "sqlite"])
def server(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[MockServer]:
    store = tmp_path / "outbox.sqlite3" if request.param == "sqlite" else None
    with MockServer(
        MockSettings(store=store, max_messages=50, idle_timeout_seconds=1.0, body_timeout_seconds=1.0)
    ) as s:
        yield s


# --------------------------------------------------------------------------- numbers: strict, never a 5xx


@pytest.mark.parametrize(
    ("method", "path", "headers"),
    [
        ("POST", "/api/send", {"Prefer": "code=²"}),
        ("POST", "/api/send", {"Prefer": "code=" + "9" * 5000}),
        ("POST", "/api/send", {"Prefer": "code=42٢"}),
        ("GET", "/_mock/outbox?limit=%C2%B2", {}),
        ("GET", "/_mock/outbox?limit=" + "9" * 5000, {}),
        ("GET", "/_mock/outbox?limit=9223372036854775808", {}),
        ("GET", "/_mock/outbox?before=9223372036854775808", {}),
        ("GET", "/_mock/outbox?before=-1", {}),
        ("GET", "/_mock/outbox/9223372036854775808", {}),
        ("GET", "/_mock/outbox/%C2%B2", {}),
        ("DELETE", "/_mock/outbox/1e3", {}),
    ],
    ids=[
        "prefer-superscript",
        "prefer-5000-digits",
        "prefer-arabic-digit",
        "limit-superscript",
        "limit-5000-digits",
        "limit-2^63",
        "before-2^63",
        "before-negative",
        "id-2^63",
        "id-superscript",
        "id-exponent",
    ],
)
def test_a_bad_number_is_a_400_and_the_connection_stays(
    server: MockServer, method: str, path: str, headers: dict[str, str]
) -> None:
    raw = Raw(server.port)
    try:
        payload = SEND_BODY if method == "POST" else b""
        status, answer_headers, content = raw.request(method, path, payload, Authorization=TOKEN, **headers)
        assert status == 400, content
        assert answer_headers["content-type"] == "application/json"
        assert "connection" not in answer_headers  # kept alive
        assert json.loads(content)  # a clear JSON reason
        # The next, innocent request on the same connection is served.
        assert _send(raw, json.dumps(body(message=f"بعدی {path[-8:]} {method}")).encode())[0] == 200
    finally:
        raw.close()


# --------------------------------------------------------------------------- bounded memory


def test_the_outbox_keeps_the_newest_max_messages(server: MockServer) -> None:
    with httpx.Client(base_url=server.base_url) as http:
        for i in range(80):
            sent = http.post("/api/send", json=body(message=f"پیام {i}"), headers={"Authorization": TOKEN})
            assert sent.status_code == 200
        page = http.get("/_mock/outbox", params={"limit": 1000}).json()
        # Reads show exactly the newest 50, though the oldest are let go in batches of an eighth.
        assert page["total"] == http.get("/_mock/health").json()["outbox_count"] == 50
        ids = [m["id"] for m in page["messages"]]
        assert ids[0] == 80
        assert ids == sorted(ids, reverse=True)
        assert http.get("/_mock/outbox/1").status_code == 404  # the oldest went first
        assert http.get(f"/_mock/outbox/{ids[-1]}").status_code == 200


# --------------------------------------------------------------------------- bounded time


def test_a_body_that_stops_arriving_is_a_408_and_the_connection_closes(server: MockServer) -> None:
    raw = Raw(server.port)
    try:
        head = (
            "POST /api/send HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
            f"Authorization: {TOKEN}\r\nContent-Length: 500000\r\n\r\n"
        )
        raw.send(head.encode() + b'{"sending_')
        started = time.monotonic()
        status, headers, content = raw.response()
        assert time.monotonic() - started < 5
        assert status == 408
        assert headers["connection"] == "close"
        assert json.loads(content)["meta"]["errors"] == {"body": ["بدنه درخواست در زمان مجاز نرسید"]}
        assert raw.is_closed_by_server(within=2)
    finally:
        raw.close()


@pytest.mark.parametrize("sent", [b"", b"POST /api/se", b"POST /api/send HTTP/1.1\r\nHost: x\r\n"])
def test_an_idle_or_half_sent_connection_is_closed_after_the_idle_timeout(server: MockServer, sent: bytes) -> None:
    raw = Raw(server.port)
    try:
        raw.send(sent)
        assert raw.is_closed_by_server(within=4)
    finally:
        raw.close()


def test_a_body_arriving_after_its_answer_does_not_keep_the_connection_open(server: MockServer) -> None:
    raw = Raw(server.port)
    try:
        late = json.dumps(body()).encode()
        raw.send(b"POST /api/send HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n")
        raw.send(b"Content-Length: %d\r\n\r\n" % len(late))
        assert raw.response()[0] == 401  # no token: answered before the body is read
        raw.send(late)
        assert raw.is_closed_by_server(within=3.0)  # idle for 1 s, then closed like any idle connection
    finally:
        raw.close()


def test_a_kept_alive_connection_is_closed_once_idle(server: MockServer) -> None:
    raw = Raw(server.port)
    try:
        assert _send(raw)[0] == 200
        assert raw.is_closed_by_server(within=4)
    finally:
        raw.close()


def _mock_process(*args: str) -> tuple[subprocess.Popen[str], int]:
    proc, url, _ = start_mock_process(*args)
    return proc, int(url.rsplit(":", 1)[1])


def _stop(proc: subprocess.Popen[str]) -> tuple[str, str]:
    if proc.poll() is None:
        proc.send_signal(signal.SIGTERM)
    try:
        return proc.communicate(timeout=20)
    finally:
        if proc.poll() is None:
            proc.kill()


@pytest.mark.parametrize(
    ("server_name", "options", "bound"),
    [
        ("uvicorn", ["--max-connections", "512", "--idle-timeout", "30"], 2.0),  # the longest-idle are closed
        ("granian", ["--idle-timeout", "30"], 2.0),  # the default cap (4096) leaves room
        ("granian", ["--max-connections", "512", "--idle-timeout", "2"], 8.0),  # past the cap: the idle timeout
    ],
    ids=["uvicorn-past-the-cap", "granian-under-the-cap", "granian-past-the-cap"],
)
def test_a_thousand_idle_sockets_do_not_stop_new_requests(server_name: str, options: list[str], bound: float) -> None:
    proc, port = _mock_process("--server", server_name, *options)
    idle: list[socket.socket] = []
    try:
        for _ in range(1100):
            idle.append(socket.create_connection(("127.0.0.1", port), timeout=5))
        started = time.monotonic()
        fresh = Raw(port, timeout=15)
        status = _send(fresh)[0]
        elapsed = time.monotonic() - started
        fresh.close()
        assert status == 200
        assert elapsed < bound
    finally:
        for sock in idle:
            sock.close()
        _stop(proc)


# --------------------------------------------------------------------------- stored if and only if answered 200


def test_sigterm_during_latency_answers_every_kept_send_200_and_keeps_nothing_else(tmp_path: Path) -> None:
    store = tmp_path / "outbox.sqlite3"
    proc, port = _mock_process("--latency", "8000", "--store", str(store))
    answers: list[tuple[int, str, str]] = []

    def one(i: int) -> None:
        try:
            response = httpx.post(
                f"http://127.0.0.1:{port}/api/send",
                json=body(message=f"در راه {i}"),
                headers={"Authorization": TOKEN},
                timeout=20,
            )
            answers.append((response.status_code, response.headers.get("content-type", ""), response.text))
        except httpx.HTTPError as exc:
            answers.append((0, "", repr(exc)))

    threads = [threading.Thread(target=one, args=(i,)) for i in range(6)]
    for thread in threads:
        thread.start()
    time.sleep(1.0)  # the sends are kept, their answers wait out the latency
    started = time.monotonic()
    _, err = _stop(proc)
    for thread in threads:
        thread.join(timeout=20)
    assert time.monotonic() - started < 8  # 2 s of grace, not 8 s of latency
    assert proc.returncode == 0, err
    assert "Traceback" not in err
    assert {status for status, _, _ in answers} == {200}, answers
    assert all(kind == "application/json" for _, kind, _ in answers)
    with sqlite3.connect(store) as db:
        assert db.execute("SELECT COUNT(*) FROM outbox_entry").fetchone()[0] == len(answers)


def test_a_send_arriving_during_shutdown_is_a_503_and_not_kept(tmp_path: Path) -> None:
    """Over HTTP a late send finds the listening socket closed (nothing kept); one that still reaches the
    app, as a request already on its way can, is a 503 envelope with Retry-After and is not kept."""
    store = tmp_path / "outbox.sqlite3"
    proc, port = _mock_process("--latency", "3000", "--store", str(store))
    try:
        waiting = threading.Thread(
            target=lambda: httpx.post(
                f"http://127.0.0.1:{port}/api/send",
                json=body(message="اول"),
                headers={"Authorization": TOKEN},
                timeout=20,
            )
        )
        waiting.start()
        time.sleep(0.5)
        proc.send_signal(signal.SIGTERM)
        time.sleep(0.3)
        with pytest.raises(httpx.ConnectError):
            httpx.post(f"http://127.0.0.1:{port}/api/send", json=body(message="دیر"), headers={"Authorization": TOKEN})
        waiting.join(timeout=20)
    finally:
        _stop(proc)
    with sqlite3.connect(store) as db:
        assert db.execute("SELECT COUNT(*) FROM outbox_entry").fetchone()[0] == 1
    app = create_app(MockSettings())
    app.begin_shutdown()
    with httpx.Client(transport=InProcessTransport(app), base_url="http://mock") as http:
        late = http.post("/api/send", json=body(message="دیر"), headers={"Authorization": TOKEN})
        assert (late.status_code, late.headers["retry-after"], late.headers["connection"]) == (503, "1", "close")
        assert late.json()["meta"]["message_code"] == "503-1"
        assert http.get("/_mock/health").json()["outbox_count"] == 0


# --------------------------------------------------------------------------- the SQLite store never blocks the loop


def test_a_lock_held_by_another_process_is_a_503_not_a_stall(tmp_path: Path) -> None:
    store = tmp_path / "outbox.sqlite3"
    with MockServer(MockSettings(store=store)) as server, httpx.Client(base_url=server.base_url, timeout=15) as http:
        assert (
            http.post("/api/send", json=body(message="پیش از قفل"), headers={"Authorization": TOKEN}).status_code == 200
        )
        other = sqlite3.connect(store, isolation_level=None)
        other.execute("BEGIN IMMEDIATE")  # another process's write lock, held
        try:
            started = time.monotonic()
            blocked = http.post("/api/send", json=body(message="در قفل"), headers={"Authorization": TOKEN})
            assert time.monotonic() - started < 5
            assert blocked.status_code == 503
            assert blocked.headers["retry-after"].isdigit()
            health_started = time.monotonic()
            health = http.get("/_mock/health")
            assert time.monotonic() - health_started < 0.5  # reads do not wait behind the lock
            assert health.json()["outbox_count"] == 1
        finally:
            other.execute("ROLLBACK")
            other.close()
        assert (
            http.post("/api/send", json=body(message="پس از قفل"), headers={"Authorization": TOKEN}).status_code == 200
        )
        assert http.get("/_mock/health").json()["outbox_count"] == 2  # the 503 kept nothing


# --------------------------------------------------------------------------- inspection off loopback


def test_a_non_loopback_host_without_credentials_refuses_to_start() -> None:
    proc = subprocess.run(
        [str(BIN / "sms-mock"), "--host", "0.0.0.0", "--port", "0"],  # noqa: S104 - refused before it binds
        capture_output=True,
        text=True,
        timeout=30,
    )
    assert proc.returncode == 2
    assert "SMS_MOCK_INSPECTION_CREDENTIALS" in proc.stderr
    assert "--open-inspection" in proc.stderr


@pytest.mark.parametrize(
    ("host", "credentials", "open_inspection", "refused"),
    [
        ("127.0.0.1", None, False, False),
        ("::1", None, False, False),
        ("localhost", None, False, False),
        ("0.0.0.0", None, False, True),  # noqa: S104
        ("192.168.1.10", None, False, True),
        ("0.0.0.0", "ops:secret", False, False),  # noqa: S104
        ("0.0.0.0", None, True, False),  # noqa: S104
    ],
)
def test_which_hosts_need_credentials(host: str, credentials: str | None, open_inspection: bool, refused: bool) -> None:
    settings = MockSettings(inspection_credentials=credentials)
    assert (inspection_exposure(host, settings, open_inspection) is not None) == refused


def test_with_credentials_every_inspection_route_requires_them() -> None:
    with (
        MockServer(MockSettings(inspection_credentials="ops:s3cret")) as server,
        httpx.Client(base_url=server.base_url) as http,
    ):
        assert http.post("/api/send", json=body(), headers={"Authorization": TOKEN}).status_code == 200
        for method, path in [("GET", "/_mock/health"), ("GET", "/_mock/outbox"), ("DELETE", "/_mock/outbox"),
                             ("GET", "/_mock/outbox/1"), ("PUT", "/_mock/faults"), ("GET", "/_mock/openapi.yaml"),
                             ("GET", "/_mock/no-such-route")]:  # fmt: skip
            refused = http.request(method, path)
            assert refused.status_code == 401, path
            assert refused.headers["www-authenticate"].startswith("Basic")
            wrong = http.request(method, path, auth=("ops", "guess"))
            assert wrong.status_code == 401, path
        assert http.get("/_mock/outbox", auth=("ops", "s3cret")).json()["total"] == 1
        bad_header = {"Authorization": "Basic " + base64.b64encode(b"ops").decode()}
        assert http.get("/_mock/health", headers=bad_header).status_code == 401
        assert http.get("/_mock/health", headers={"Authorization": "Basic !!!"}).status_code == 401


# --------------------------------------------------------------------------- the faults API


@pytest.mark.parametrize(
    "payload",
    [
        {"latency_ms": "59"},
        {"latency_ms": ["5", "9"]},
        {"failure_rate": "0"},
        {"failure_rate": True},
        {"retry_after_seconds": 1.5},
        {"failure_statuses": ["503"]},
        {"failure_statuses": 503},
    ],
)
def test_the_faults_api_takes_strict_types(payload: dict[str, Any]) -> None:
    with MockServer() as server, httpx.Client(base_url=server.base_url) as http:
        refused = http.put("/_mock/faults", json=payload)
        assert refused.status_code == 422, refused.text
        assert http.get("/_mock/faults").json()["latency_ms"] == [0.0, 0.0]


def test_the_faults_api_refuses_a_large_body() -> None:
    with MockServer() as server, httpx.Client(base_url=server.base_url) as http:
        big = b'{"failure_rate": 0, "padding": "' + b"x" * 200_000 + b'"}'
        refused = http.put("/_mock/faults", content=big, headers={"Content-Type": "application/json"})
        assert refused.status_code == 413
        assert http.put("/_mock/faults", json={"failure_rate": 0.5, "latency_ms": [1, 2]}).status_code == 200


def test_a_send_followed_by_garbage_in_the_same_read_is_kept_only_if_answered_200(server: MockServer) -> None:
    raw = Raw(server.port)
    try:
        request = json.dumps(body(message="پیش از خرابی")).encode()
        head = f"POST /api/send HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nAuthorization: {TOKEN}\r\n"
        raw.send((head + f"Content-Length: {len(request)}\r\n\r\n").encode() + request + b"NOT HTTP AT ALL\r\n\r\n")
        statuses = []
        with contextlib.suppress(ConnectionError):
            while True:
                statuses.append(raw.response()[0])
    finally:
        raw.close()
    assert statuses[-1] == 400
    kept = httpx.get(f"{server.base_url}/_mock/outbox").json()["total"]
    assert kept == (1 if 200 in statuses else 0), statuses
