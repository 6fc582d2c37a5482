"""Fixtures for the mock's tests: the same checks run in-process (ASGI) and over HTTP on loopback."""

from __future__ import annotations

import re
import socket
import subprocess
import sys
import time
from collections.abc import Awaitable, Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pytest

from sms_contract.envelope import envelope_problem, summary
from sms_contract.spec import Contract
from sms_contract.validation import response_validator
from sms_mock import DEVELOPMENT_TOKEN, MockApp, MockSettings, create_app
from sms_mock.server import MockServer
from sms_mock.testing import InProcessTransport

TOKEN = DEVELOPMENT_TOKEN
SENDER = "+983000505"


def body(**changes: Any) -> dict[str, Any]:
    """A valid webservice send, with `changes` applied (a value of None removes the field)."""
    base: dict[str, Any] = {
        "sending_type": "webservice",
        "from_number": SENDER,
        "message": "کد ورود شما ۴۸۲۱ است 🔐 Welcome",
        "params": {"recipients": ["+989120000000", "+989350000000"]},
    }
    base.update(changes)
    return {k: v for k, v in base.items() if v is not None}


@dataclass
class Api:
    """A client bound to one mock app, whichever way it is reached."""

    client: httpx.Client
    app: MockApp
    contract: Contract

    def send(self, payload: Any = None, *, token: str | None = TOKEN, **headers: str) -> httpx.Response:
        sent_headers = {"Authorization": token} if token is not None else {}
        sent_headers.update({k.replace("_", "-"): v for k, v in headers.items()})
        response = self.client.post("/api/send", json=body() if payload is None else payload, headers=sent_headers)
        assert_keeps_contract(self.contract, response)
        return response

    def post_raw(self, content: bytes, content_type: str | None = "application/json") -> httpx.Response:
        headers = {"Authorization": TOKEN}
        if content_type is not None:
            headers["Content-Type"] = content_type
        response = self.client.post("/api/send", content=content, headers=headers)
        assert_keeps_contract(self.contract, response)
        return response


def assert_keeps_contract(contract: Contract, response: httpx.Response) -> None:
    """The response is JSON, its status documented, its body keeps that status's schema and the envelope's rules."""
    assert response.headers["content-type"].startswith("application/json"), response.text
    validator = response_validator(contract.operation("send"))
    assert validator.documents(response.status_code), response.status_code
    assert validator.problems(response.status_code, response.json()) == []
    assert envelope_problem(response.status_code, response.json()) is None


def assert_error(response: httpx.Response, status: int, code: str, errors: dict[str, list[str]]) -> None:
    """An error envelope with this status, code and field errors, whose message sums them up as the provider does."""
    assert response.status_code == status, response.text
    payload = response.json()
    assert payload["data"] is None
    meta = payload["meta"]
    assert meta["status"] is False
    assert meta["message_code"] == code
    assert meta["errors"] == errors
    if errors:
        assert meta["message"] == summary(errors)


MakeApi = Callable[..., Api]


@pytest.fixture(params=["in-process", "http"])
def make_api(request: pytest.FixtureRequest, contract: Contract) -> Iterator[MakeApi]:
    """Builds a mock with the given settings and a client that reaches it in-process or over loopback HTTP."""
    cleanups: list[Callable[[], None]] = []

    def make(
        *,
        clock: Callable[[], float] | None = None,
        sleep: Callable[[float], Awaitable[None]] | None = None,
        **settings: Any,
    ) -> Api:
        app = create_app(MockSettings(check_responses=True, **settings), contract, clock=clock, sleep=sleep)
        client: httpx.Client
        if request.param == "in-process":
            client = httpx.Client(transport=InProcessTransport(app), base_url="http://mock")
        else:
            server = MockServer(app=app).start()
            cleanups.append(server.stop)
            client = httpx.Client(base_url=server.base_url, timeout=10)
        cleanups.append(client.close)
        return Api(client, app, contract)

    yield make
    for cleanup in reversed(cleanups):
        cleanup()


@pytest.fixture
def api(make_api: MakeApi) -> Api:
    return make_api()


def start_mock_process(*args: str) -> tuple[subprocess.Popen[str], str, list[str]]:
    """`sms-mock --port 0 ARGS` as a process: (the process, its base URL, what it printed until ready).

    It waits until the port answers too: granian binds it a moment after the mock says it is ready.
    """
    proc = subprocess.Popen(
        [str(Path(sys.executable).parent / "sms-mock"), "--port", "0", *args],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    assert proc.stdout is not None
    lines = []
    for line in proc.stdout:
        lines.append(line)
        if "ready" in line:
            break
    found = re.search(r"POST (http://[^/\s]+:(\d+))/api/send", "".join(lines))
    assert found, "".join(lines) + (proc.stderr.read() if proc.stderr else "")
    deadline = time.monotonic() + 20
    while True:
        try:
            socket.create_connection(("127.0.0.1", int(found.group(2))), timeout=1).close()
            return proc, found.group(1), lines
        except OSError:
            if time.monotonic() > deadline or proc.poll() is not None:
                raise
            time.sleep(0.05)


class Raw:
    """One keep-alive TCP connection, spoken to byte for byte."""

    def __init__(self, port: int, timeout: float = 10.0) -> None:
        self.sock = socket.create_connection(("127.0.0.1", port), timeout=timeout)
        self.buffer = b""
        self.last = b""

    def close(self) -> None:
        self.sock.close()

    def send(self, data: bytes) -> None:
        self.sock.sendall(data)

    def request(self, method: str, path: str, body: bytes = b"", **headers: str) -> tuple[int, dict[str, str], bytes]:
        lines = [f"{method} {path} HTTP/1.1", "Host: 127.0.0.1"]
        lines += [f"{name.replace('_', '-')}: {value}" for name, value in headers.items()]
        head = ("\r\n".join(lines) + f"\r\nContent-Length: {len(body)}\r\n\r\n").encode("utf-8")
        self.send(head + body)
        return self.response()

    def response(self) -> tuple[int, dict[str, str], bytes]:
        while b"\r\n\r\n" not in self.buffer:
            self._more()
        head, self.buffer = self.buffer.split(b"\r\n\r\n", 1)
        status_line, *header_lines = head.decode("latin-1").split("\r\n")
        headers = {k.strip().lower(): v.strip() for k, v in (line.split(":", 1) for line in header_lines)}
        length = int(headers.get("content-length", "0"))
        while len(self.buffer) < length:
            self._more()
        content, self.buffer = self.buffer[:length], self.buffer[length:]
        self.last = head + b"\r\n\r\n" + content  # the whole response as it came
        return int(status_line.split()[1]), headers, content

    def _more(self) -> None:
        chunk = self.sock.recv(65536)
        if not chunk:
            raise ConnectionError("the server closed the connection")
        self.buffer += chunk

    def is_closed_by_server(self, within: float) -> bool:
        self.sock.settimeout(within)
        try:
            return self.sock.recv(1) == b""
        except TimeoutError:
            return False
        except ConnectionResetError:
            return True
