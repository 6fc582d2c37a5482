"""Which failures are retried and which are not, proved with the mock's outbox: a retried send is sent once."""

from __future__ import annotations

import asyncio
import random
import socket
import time
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime

import httpx
import pytest

from sms_client import (
    AsyncSmsClient,
    ConnectionFailedError,
    ResponseTimeoutError,
    RetryPolicy,
    ServerError,
    SmsClient,
    TransportError,
)
from sms_client._errors import RateLimitError, retry_after_seconds
from sms_contract.spec import Contract
from sms_mock import DEVELOPMENT_TOKEN, Faults, MockApp, MockSettings, create_app
from sms_mock.server import MockServer
from sms_mock.testing import InProcessTransport
from tests.conftest import inspect

SENDER, TO = "+983000505", "+989120000000"
UNAVAILABLE = (
    b'{"data":null,"meta":{"status":false,"message":"\xd8\xb3\xd8\xb1\xd9\x88\xdb\x8c\xd8\xb3",'
    b'"message_parameters":[],"message_code":"503-1","errors":{}}}'
)


class FailingFirst(httpx.BaseTransport):
    """Fails the first requests on purpose (an exception, or a canned response), then passes them on."""

    def __init__(self, inner: httpx.BaseTransport, failures: list[Exception | httpx.Response]) -> None:
        self.inner, self.failures, self.calls = inner, failures, 0

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        self.calls += 1
        if self.failures:
            failure = self.failures.pop(0)
            if isinstance(failure, Exception):
                raise failure
            return failure
        return self.inner.handle_request(request)


@pytest.fixture
def app(contract: Contract) -> MockApp:
    return create_app(MockSettings(check_responses=True), contract)


def _client(transport: httpx.BaseTransport, waits: list[float], **options: object) -> SmsClient:
    return SmsClient(
        DEVELOPMENT_TOKEN,
        base_url="http://mock",
        transport=transport,
        sleep=waits.append,
        **options,  # type: ignore[arg-type]
    )


@pytest.mark.parametrize(
    "failure",
    [
        httpx.ConnectError("connection refused"),
        httpx.ConnectTimeout("connect timed out"),
        httpx.PoolTimeout("no free connection"),
        httpx.Response(503, content=UNAVAILABLE, headers={"Retry-After": "2", "Content-Type": "application/json"}),
    ],
    ids=["refused", "connect-timeout", "pool-timeout", "503-retry-after"],
)
def test_failures_before_the_provider_saw_the_send_are_retried_and_it_is_sent_once(
    app: MockApp, failure: Exception | httpx.Response
) -> None:
    waits: list[float] = []
    transport = FailingFirst(InProcessTransport(app), [failure])
    with _client(transport, waits) as sms:
        result = sms.send(SENDER, TO, "یک بار")
    assert result.attempts == 2
    assert transport.calls == 2
    assert len(waits) == 1
    if isinstance(failure, httpx.Response):
        assert waits[0] >= 2  # Retry-After is honoured
    assert [m.message for m in inspect(app).messages()] == ["یک بار"]


@pytest.mark.parametrize(
    ("failure", "error"),
    [
        (httpx.ReadTimeout("no answer"), ResponseTimeoutError),
        (httpx.WriteTimeout("stalled"), ResponseTimeoutError),
        (httpx.RemoteProtocolError("server disconnected"), TransportError),
        (httpx.ReadError("reset"), TransportError),
        (httpx.Response(503, content=UNAVAILABLE, headers={"Content-Type": "application/json"}), ServerError),
        (httpx.Response(503, content=UNAVAILABLE, headers={"Retry-After": "600"}), ServerError),
    ],
    ids=["read-timeout", "write-timeout", "disconnected", "read-error", "503-without-retry-after", "503-too-long"],
)
def test_failures_after_the_send_may_have_happened_are_never_retried(
    app: MockApp, failure: Exception | httpx.Response, error: type[Exception]
) -> None:
    waits: list[float] = []
    transport = FailingFirst(InProcessTransport(app), [failure])
    with _client(transport, waits, retry=5) as sms, pytest.raises(error) as caught:
        sms.send(SENDER, TO, "شاید رفته باشد")
    assert transport.calls == 1
    assert waits == []
    if isinstance(failure, Exception):
        assert caught.value.__cause__ is failure  # the transport error stays chained


def test_retries_stop_at_the_configured_count_with_growing_capped_jittered_waits(app: MockApp) -> None:
    waits: list[float] = []
    failures: list[Exception | httpx.Response] = [httpx.ConnectError("refused") for _ in range(10)]
    transport = FailingFirst(InProcessTransport(app), failures)
    policy = RetryPolicy(max_retries=4, backoff=1.0, max_backoff=3.0)
    with _client(transport, waits, retry=policy) as sms, pytest.raises(ConnectionFailedError):
        sms.send(SENDER, TO, "x")
    assert transport.calls == 5
    ceilings = [1.0, 2.0, 3.0, 3.0]
    assert all(ceiling / 2 <= wait <= ceiling for wait, ceiling in zip(waits, ceilings, strict=True))


def test_zero_disables_retries(app: MockApp) -> None:
    waits: list[float] = []
    transport = FailingFirst(InProcessTransport(app), [httpx.ConnectError("refused")])
    with _client(transport, waits, retry=0) as sms, pytest.raises(ConnectionFailedError):
        sms.send(SENDER, TO, "x")
    assert (transport.calls, waits) == (1, [])


def test_429_is_never_retried(app: MockApp) -> None:
    waits: list[float] = []
    with _client(InProcessTransport(app), waits, retry=5) as sms:
        sms.send(SENDER, TO, "بار اول")
        with pytest.raises(RateLimitError):
            sms.send(SENDER, TO, "بار اول")
    assert waits == []
    assert inspect(app).count() == 1


def test_wait_policy_unit() -> None:
    policy = RetryPolicy(max_retries=3, backoff=0.5, max_backoff=2.0, max_retry_after=10)
    rng = random.Random(1)
    refused = ConnectionFailedError("refused")
    assert [policy.wait_before_retry(refused, n, rng) is not None for n in range(4)] == [True, True, True, False]
    busy = ServerError(503, "busy", retry_after=4)
    assert policy.wait_before_retry(busy, 0, rng) == 4
    assert policy.wait_before_retry(ServerError(503, "busy", retry_after=11), 0, rng) is None
    assert policy.wait_before_retry(ServerError(500, "boom"), 0, rng) is None
    with pytest.raises(ValueError, match="non-negative"):
        RetryPolicy(max_retries=-1)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def test_over_http_a_refused_connection_is_retried_then_reported() -> None:
    waits: list[float] = []
    sms = SmsClient(DEVELOPMENT_TOKEN, base_url=f"http://127.0.0.1:{_free_port()}", retry=2, sleep=waits.append)
    with sms, pytest.raises(ConnectionFailedError) as caught:
        sms.send(SENDER, TO, "x")
    assert len(waits) == 2
    assert isinstance(caught.value.__cause__, httpx.ConnectError)


def test_over_http_a_read_timeout_is_not_retried_and_the_mock_got_the_send_once(contract: Contract) -> None:
    settings = MockSettings(faults=Faults(latency_ms=(300, 300)))
    with MockServer(settings) as server:
        waits: list[float] = []
        sms = SmsClient(
            DEVELOPMENT_TOKEN,
            base_url=server.base_url,
            timeout=httpx.Timeout(0.1, connect=2.0),
            retry=5,
            sleep=waits.append,
        )
        with sms, pytest.raises(ResponseTimeoutError, match="may have been sent"):
            sms.send(SENDER, TO, "دیر رسید")
        deadline = time.monotonic() + 5
        while inspect(server.app).count() == 0 and time.monotonic() < deadline:
            time.sleep(0.02)
        assert waits == []
        assert [m.message for m in inspect(server.app).messages()] == ["دیر رسید"]


def test_async_client_retries_the_same_way(app: MockApp) -> None:
    class AsyncFailingFirst(httpx.AsyncBaseTransport):
        def __init__(self) -> None:
            self.inner, self.calls = httpx.ASGITransport(app=app), 0

        async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
            self.calls += 1
            if self.calls == 1:
                raise httpx.ConnectError("refused")
            if self.calls == 2:
                return httpx.Response(503, content=UNAVAILABLE, headers={"Retry-After": "1"})
            return await self.inner.handle_async_request(request)

    waits: list[float] = []

    async def record(delay: float) -> None:
        waits.append(delay)

    async def scenario() -> int:
        transport = AsyncFailingFirst()
        async with AsyncSmsClient(DEVELOPMENT_TOKEN, base_url="http://mock", transport=transport, sleep=record) as sms:
            result = await sms.send(SENDER, TO, "ناهمگام")
        assert transport.calls == 3
        return result.attempts

    assert asyncio.run(scenario()) == 3
    assert len(waits) == 2
    assert inspect(app).count() == 1


@pytest.mark.parametrize(
    ("value", "seconds"),
    [
        ("3", 3.0),
        ("1.5", 1.5),
        ("0", 0.0),
        ("Wed, 01 Jan 2031 12:00:05 GMT", 5.0),
        ("Tue, 31 Dec 2030 00:00:00 GMT", 0.0),
    ],
    ids=["seconds", "fraction", "zero", "http-date", "http-date-in-the-past"],
)
def test_retry_after_is_read_as_seconds_or_as_an_http_date(value: str, seconds: float) -> None:
    assert retry_after_seconds(value, now=datetime(2031, 1, 1, 12, 0, tzinfo=UTC)) == seconds


@pytest.mark.parametrize("value", ["", "soon", "-1", "1e3", "۵", "1.5.5", "12345678901"])
def test_an_unreadable_retry_after_is_none(value: str) -> None:
    assert retry_after_seconds(value) is None


def test_a_fractional_or_dated_retry_after_is_honoured(app: MockApp) -> None:
    in_two_seconds = format_datetime(datetime.now(UTC) + timedelta(seconds=3), usegmt=True)
    waits: list[float] = []
    failures: list[Exception | httpx.Response] = [
        httpx.Response(503, content=UNAVAILABLE, headers={"Retry-After": "1.5", "Content-Type": "application/json"}),
        httpx.Response(503, content=UNAVAILABLE, headers={"Retry-After": in_two_seconds}),
    ]
    with _client(FailingFirst(InProcessTransport(app), failures), waits, retry=RetryPolicy(max_retries=2)) as sms:
        assert sms.send(SENDER, TO, "صبر").attempts == 3
    assert waits[0] >= 1.5
    assert 1.0 <= waits[1] <= 3.0
