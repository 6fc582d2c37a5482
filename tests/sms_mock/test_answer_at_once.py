"""A request that arrives whole is answered by the server without an ASGI task, and the answer is the
same, byte for byte, as the one the app gives when it reads the body itself (sms_mock.protocol).

Two mocks with the same settings get the same requests in the same order over loopback: one gets
each request in a single write (answered at once), the other gets its headers first and its body a
moment later (the ASGI call reads it). Every answer and both outboxes must match.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable, Iterator
from typing import Any

import pytest

from sms_mock import MockSettings
from sms_mock.server import MockServer
from sms_mock.settings import Faults

from .conftest import SENDER, TOKEN, Raw, body, start_mock_process

PATTERNS = {"login": "%name% عزیز، کد ورود شما: %code% 🔐"}
SETTINGS = {"patterns": PATTERNS, "max_body_bytes": 2048, "seed": 7}


def _request(
    payload: bytes | dict[str, Any] | list[Any],
    *,
    token: str | None = TOKEN,
    content_type: str = "application/json",
    version: str = "1.1",
    **headers: str,
) -> bytes:
    raw = payload if isinstance(payload, bytes) else json.dumps(payload, ensure_ascii=False).encode()
    lines = [f"POST /api/send HTTP/{version}", "Host: 127.0.0.1", f"Content-Type: {content_type}"]
    if token is not None:
        lines.append(f"Authorization: {token}")
    lines += [f"{name.replace('_', '-')}: {value}" for name, value in headers.items()]
    return ("\r\n".join(lines) + f"\r\nContent-Length: {len(raw)}\r\n\r\n").encode() + raw


def _chunked(payload: dict[str, Any]) -> bytes:
    raw = json.dumps(payload, ensure_ascii=False).encode()
    head = f"POST /api/send HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nAuthorization: {TOKEN}\r\n"
    chunks = b"".join(b"%x\r\n%s\r\n" % (len(raw[i : i + 50]), raw[i : i + 50]) for i in range(0, len(raw), 50))
    return (head + "Transfer-Encoding: chunked\r\n\r\n").encode() + chunks + b"0\r\n\r\n"


PATTERN = {
    "sending_type": "pattern",
    "from_number": SENDER,
    "code": "login",
    "recipients": ["+989121111111"],
    "params": {"name": "مریم", "code": "04821"},
}
VOTP = {"sending_type": "votp", "message": "04821", "params": {"recipients": ["+989122222222"]}}
PEER_TO_PEER = {
    "sending_type": "peer_to_peer",
    "from_number": SENDER,
    "params": [
        {"recipients": ["+989123333333", "+989354444444"], "message": "سفارش شما ارسال شد 📦"},
        {"recipients": ["+989125555555"], "message": "Shipped ✅ ارسال شد"},
    ],
}

# (what it shows, the request, the status it must get)
CASES: list[tuple[str, bytes, int]] = [
    ("webservice", _request(body(message="کد ورود ۴۸۲۱ 🔐 login code")), 200),
    ("repeat", _request(body(message="کد ورود ۴۸۲۱ 🔐 login code")), 429),
    ("pattern", _request(PATTERN), 200),
    ("unknown-pattern", _request({**PATTERN, "code": "nope"}), 404),
    ("pattern-variable-missing", _request({**PATTERN, "params": {"name": "مریم"}}), 422),
    ("votp", _request(VOTP), 200),
    ("votp-int-code", _request({**VOTP, "message": 4821}), 422),
    ("peer-to-peer", _request(PEER_TO_PEER), 200),
    ("zwnj-and-mixed-scripts", _request(body(message="می‌خواهم order #42 را لغو کنم 🙏🏽")), 200),
    ("no-token", _request(body(), token=None), 401),
    ("wrong-token", _request(body(), token="not-the-token"), 401),
    ("text-plain", _request(body(), content_type="text/plain"), 415),
    ("latin-1", _request(body(), content_type="application/json; charset=latin-1"), 415),
    ("too-large", _request(body(message="ب" * 1500)), 413),
    ("not-json", _request(b'{"sending_type": "webservice",'), 400),
    ("not-utf-8", _request(b'{"message": "\xff\xfe"}'), 400),
    ("not-an-object", _request([body()]), 400),
    ("no-sending-type", _request(body(sending_type=None)), 422),
    ("extra-field", _request(body(extra="x")), 422),
    ("bad-recipient", _request(body(params={"recipients": ["۰۹۱۲۱۲۳۴۵۶۷"]})), 422),
    ("prefer-429", _request(body(), Prefer="code=429"), 429),
    ("prefer-bad", _request(body(), Prefer="code=abc"), 400),
    ("connection-close", _request(body(message="آخرین پیام"), Connection="close"), 200),
    ("http-1.0", _request(body(message="پیام HTTP/1.0"), version="1.0"), 200),
    ("chunked", _chunked(body(message="تکه‌ای chunked 📦")), 200),
]


def _send(raw: Raw, message: str) -> tuple[int, dict[str, str], bytes]:
    raw.send(_request(body(message=message)))
    return raw.response()


def _spy(server: MockServer) -> list[int]:
    """Counts the requests the server answered without a task (before any connection is made)."""
    answered: list[int] = []
    real: Callable[..., Any] = server.app.answer_at_once

    def counting(scope: Any, raw: bytes) -> Any:
        answer = real(scope, raw)
        if answer is not None:
            answered.append(answer[0])
        return answer

    server.app.answer_at_once = counting  # type: ignore[method-assign,assignment]
    return answered


@pytest.fixture(params=[False, True], ids=["plain", "check-responses"])
def servers(request: pytest.FixtureRequest) -> Iterator[tuple[MockServer, MockServer]]:
    settings = MockSettings(check_responses=request.param, **SETTINGS)  # type: ignore[arg-type]
    with MockServer(settings) as whole, MockServer(settings) as split:
        yield whole, split


def _without_date(response: bytes) -> bytes:
    head, _, payload = response.partition(b"\r\n\r\n")
    lines = [line for line in head.split(b"\r\n") if not line.lower().startswith(b"date:")]
    return b"\r\n".join(lines) + b"\r\n\r\n" + payload


def _outbox(server: MockServer) -> list[dict[str, Any]]:
    raw = Raw(server.port)
    try:
        status, _, content = raw.request("GET", "/_mock/outbox?limit=100")
    finally:
        raw.close()
    assert status == 200
    return [{k: v for k, v in m.items() if k != "received_at"} for m in json.loads(content)["messages"]]


def test_every_answer_is_the_same_whether_answered_at_once_or_by_the_app(
    servers: tuple[MockServer, MockServer],
) -> None:
    whole, split = servers
    at_once, by_task = _spy(whole), _spy(split)
    for name, request, status in CASES:
        head, _, payload = request.partition(b"\r\n\r\n")
        a, b = Raw(whole.port), Raw(split.port)
        try:
            a.send(request)
            got_status, headers, _ = a.response()
            b.send(head + b"\r\n\r\n")
            time.sleep(0.02)  # the headers are read on their own: the app reads the body when it comes
            b.send(payload)
            b.response()
        finally:
            a.close()
            b.close()
        assert got_status == status, (name, a.last)
        assert _without_date(a.last) == _without_date(b.last), name
        if name in ("connection-close", "http-1.0"):
            assert headers["connection"] == "close"
    assert at_once == [status for _, _, status in CASES]
    assert by_task == []
    kept = _outbox(whole)
    assert kept == _outbox(split)
    assert len(kept) == 9  # an entry per 200, and one more for the second peer-to-peer item


def test_pipelined_requests_are_answered_in_order_whichever_way(servers: tuple[MockServer, MockServer]) -> None:
    whole, _ = servers
    answered = _spy(whole)
    first = _request(body(message="اول first"))
    listing = b"GET /_mock/outbox?limit=10 HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n"
    second = _request(body(message="دوم second"))
    raw = Raw(whole.port)
    try:
        raw.send(first + first + listing + second)
        statuses = [raw.response()[0] for _ in range(3)]
        _, _, content = raw.last.partition(b"\r\n\r\n")
        last = raw.response()
    finally:
        raw.close()
    assert statuses == [200, 429, 200]
    assert [m["message"] for m in json.loads(content)["messages"]] == ["اول first"]
    assert last[0] == 200
    assert answered[:2] == [200, 429]  # the two before the listing, at once; the rest as the server saw fit


def test_a_body_split_across_reads_is_read_by_the_app() -> None:
    with MockServer(MockSettings()) as server:
        answered = _spy(server)
        request = _request(body(message="تکه تکه 🧩"))
        raw = Raw(server.port)
        try:
            for start in range(0, len(request), 40):
                raw.send(request[start : start + 40])
                time.sleep(0.005)
            status, _, content = raw.response()
        finally:
            raw.close()
        assert status == 200, content
        assert answered == []
        assert [m["message"] for m in _outbox(server)] == ["تکه تکه 🧩"]


def test_with_injected_latency_the_app_answers() -> None:
    with MockServer(MockSettings(faults=Faults(latency_ms=(50.0, 50.0)))) as server:
        answered = _spy(server)
        raw = Raw(server.port)
        try:
            started = time.monotonic()
            status, _, _ = _send(raw, "با تأخیر ⏳")
            waited = time.monotonic() - started
        finally:
            raw.close()
        assert status == 200
        assert waited >= 0.05
        assert answered == []


def test_the_access_log_has_a_line_for_each_way() -> None:
    proc, base_url, _ = start_mock_process("--access-log")
    try:
        port = int(base_url.rsplit(":", 1)[1])
        request = _request(body(message="ثبت در گزارش 📝"))
        head, _, payload = request.partition(b"\r\n\r\n")
        raw = Raw(port)
        try:
            raw.send(request)
            assert raw.response()[0] == 200
            raw.send(head + b"\r\n\r\n")
            time.sleep(0.02)
            raw.send(payload)
            assert raw.response()[0] == 429
        finally:
            raw.close()
    finally:
        proc.terminate()
        out, err = proc.communicate(timeout=20)
    lines = [line for line in (out + err).splitlines() if "/api/send" in line]
    assert len(lines) == 2, out + err
    assert lines[0].endswith('"POST /api/send HTTP/1.1" 200 OK'), lines
    assert lines[1].endswith('"POST /api/send HTTP/1.1" 429 Too Many Requests'), lines
    assert TOKEN not in out + err


def test_faults_changed_at_run_time_apply_to_the_next_send() -> None:
    with MockServer(MockSettings()) as server:
        answered = _spy(server)
        raw = Raw(server.port)
        try:
            status, _, _ = raw.request("PUT", "/_mock/faults", b'{"latency_ms": [60, 60]}')
            assert status == 200
            started = time.monotonic()
            assert _send(raw, "با تأخیر ⏳")[0] == 200
            assert time.monotonic() - started >= 0.06
            assert answered == []  # latency: the app waits it out in a task
            body = b'{"latency_ms": [0, 0], "failure_rate": 1.0, "failure_statuses": [503]}'
            assert raw.request("PUT", "/_mock/faults", body)[0] == 200
            status, headers, content = _send(raw, "خطای ساختگی")
            assert (status, headers["retry-after"]) == (503, "1")
            assert json.loads(content)["meta"]["message_code"] == "503-1"
            assert answered == [503]  # no latency: answered at once, with the injected failure
        finally:
            raw.close()
        assert [m["message"] for m in _outbox(server)] == ["با تأخیر ⏳"]


def test_nothing_after_an_answer_that_closes_the_connection_is_done() -> None:
    """HTTP/1.0 closes after each answer, though the parser reads on: what follows in the same read is
    neither answered nor done, as when uvicorn queues it behind the first answer."""
    first = _request(body(message="اول"), version="1.0", Connection="keep-alive")
    second = _request(body(message="دوم"), version="1.0", Connection="keep-alive")
    clear = b"DELETE /_mock/outbox HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n"
    for following in (second + _request(body(message="سوم")), clear):
        with MockServer(MockSettings()) as server:
            raw = Raw(server.port)
            try:
                raw.send(first + following)
                assert raw.response()[0] == 200
                assert raw.is_closed_by_server(within=2.0)
                assert raw.buffer == b""  # one answer only
            finally:
                raw.close()
            assert [m["message"] for m in _outbox(server)] == ["اول"]


def test_expect_100_continue_is_answered_by_the_app_whole_or_split() -> None:
    with MockServer(MockSettings()) as whole, MockServer(MockSettings()) as split:
        at_once = _spy(whole)
        request = _request(body(message="منتظر ادامه ⏭"), Expect="100-continue")
        head, _, payload = request.partition(b"\r\n\r\n")
        a, b = Raw(whole.port), Raw(split.port)
        try:
            a.send(request)
            b.send(head + b"\r\n\r\n")
            assert b.response()[0] == 100  # asked to go on before the body is sent
            b.send(payload)
            assert a.response()[0] == 100
            first = a.last
            assert a.response()[0] == b.response()[0] == 200
            assert first == b"HTTP/1.1 100 Continue\r\n\r\n"
            assert _without_date(a.last) == _without_date(b.last)
        finally:
            a.close()
            b.close()
        assert at_once == []
