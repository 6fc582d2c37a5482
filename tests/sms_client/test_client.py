"""SmsClient and AsyncSmsClient against the mock, in-process and over HTTP: success, scheduling, every error class."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta, timezone
from typing import Any

import httpx
import pytest

from sms_client import (
    DEFAULT_BASE_URL,
    AsyncSmsClient,
    AuthenticationError,
    BadRequestError,
    ClientClosedError,
    ContractViolationError,
    InvalidRequestError,
    RateLimitError,
    ServerError,
    SmsClient,
    ValidationError,
)
from sms_contract.spec import Contract
from sms_mock import DEVELOPMENT_TOKEN, Faults, MockApp, MockSettings, create_app
from sms_mock.server import MockServer
from sms_mock.testing import InProcessTransport
from tests.conftest import inspect

SENDER, TO = "+983000505", "+989120000000"
TEHRAN = timezone(timedelta(hours=3, minutes=30))


@dataclass
class Target:
    app: MockApp
    base_url: str
    transport: httpx.BaseTransport | None
    async_transport: httpx.AsyncBaseTransport | None

    def client(self, token: str = DEVELOPMENT_TOKEN, **options: Any) -> SmsClient:
        return SmsClient(token, base_url=self.base_url, transport=self.transport, **options)

    def async_client(self, token: str = DEVELOPMENT_TOKEN, **options: Any) -> AsyncSmsClient:
        return AsyncSmsClient(token, base_url=self.base_url, transport=self.async_transport, **options)


@pytest.fixture(params=["in-process", "http"])
def target(request: pytest.FixtureRequest, contract: Contract) -> Iterator[Target]:
    app = create_app(MockSettings(check_responses=True), contract)
    if request.param == "in-process":
        yield Target(app, "http://mock", InProcessTransport(app), httpx.ASGITransport(app=app))
        return
    with MockServer(app=app) as server:
        yield Target(app, server.base_url, None, None)


def test_send_now(target: Target) -> None:
    with target.client() as sms:
        result = sms.send(SENDER, [TO, "+989350000000"], "کد ورود شما: ۴۸۲۱ 🔐")
    assert result.outbox_ids == (1,)
    assert result.outbox_id == 1
    assert (result.encoding, result.parts, result.attempts, result.send_time) == ("UCS-2", 1, 1, None)
    record = inspect(target.app).message(1)
    assert record is not None
    assert (record.sender, record.recipients, record.message) == (SENDER, [TO, "+989350000000"], "کد ورود شما: ۴۸۲۱ 🔐")


def test_send_scheduled_in_tehran_time_goes_out_as_utc(target: Target) -> None:
    when = (datetime.now(TEHRAN) + timedelta(days=1)).replace(hour=19, minute=0, second=0, microsecond=0)
    with target.client() as sms:
        result = sms.send(SENDER, TO, "Meeting at 19:00", send_at=when)
    expected = when.astimezone(UTC).strftime("%Y-%m-%d %H:%M:%S")
    assert expected.endswith("15:30:00")
    assert result.send_time == expected
    record = inspect(target.app).message(result.outbox_id)
    assert record is not None
    assert record.send_time == expected


def test_async_client_sends_and_raises_the_same_way(target: Target) -> None:
    async def scenario() -> None:
        async with target.async_client() as sms:
            first = await sms.send(SENDER, TO, "سلام از asyncio")
            assert first.outbox_ids == (1,)
            with pytest.raises(RateLimitError):
                await sms.send(SENDER, TO, "سلام از asyncio")
            later = datetime.now(UTC) + timedelta(hours=2)
            assert (await sms.send(SENDER, TO, "بعداً", send_at=later)).send_time is not None
        async with target.async_client(token="not-the-token") as sms:
            with pytest.raises(AuthenticationError):
                await sms.send(SENDER, TO, "x")

    asyncio.run(scenario())
    assert inspect(target.app).count() == 2


def test_wrong_token_is_an_authentication_error(target: Target) -> None:
    with target.client(token="a-token-the-mock-does-not-know") as sms, pytest.raises(AuthenticationError) as caught:
        sms.send(SENDER, TO, "x")
    error = caught.value
    assert (error.status_code, error.message_code, error.field_errors) == (401, "400-1", {})
    assert error.message == "اطلاعات وارد شده صحیح نمی باشد"


def test_a_refused_sender_line_is_a_validation_error_with_field_errors(target: Target) -> None:
    target.app.settings.sender_lines = frozenset({"+9850002"})
    with target.client() as sms, pytest.raises(ValidationError) as caught:
        sms.send(SENDER, TO, "x")
    assert caught.value.status_code == 422
    assert caught.value.message_code == "400-2"
    assert caught.value.field_errors == {"from_number": ["شماره فرستنده به حساب کاربری شما اختصاص داده نشده است"]}


def test_a_repeat_within_40_seconds_is_a_rate_limit_error_and_not_retried(target: Target) -> None:
    waits: list[float] = []
    with target.client(retry=5, sleep=waits.append) as sms:
        sms.send(SENDER, TO, "تکراری")
        with pytest.raises(RateLimitError) as caught:
            sms.send(SENDER, TO, "تکراری")
    assert caught.value.field_errors == {"params.recipients.0": [caught.value.message]}
    assert waits == []
    assert inspect(target.app).count() == 1


def test_a_body_too_large_is_a_bad_request_error(target: Target) -> None:
    target.app.settings.max_body_bytes = 2048
    with target.client() as sms, pytest.raises(BadRequestError) as caught:
        sms.send(SENDER, [f"+98912{i:07d}" for i in range(200)], "x")
    assert caught.value.status_code == 413


@pytest.mark.parametrize("status", [500, 503])
def test_server_errors(target: Target, status: int) -> None:
    target.app.settings.faults = Faults(failure_rate=1.0, failure_statuses=(status,), retry_after_seconds=0)
    waits: list[float] = []
    with target.client(retry=2, sleep=waits.append) as sms, pytest.raises(ServerError) as caught:
        sms.send(SENDER, TO, "x")
    assert caught.value.status_code == status
    assert caught.value.attempts == (3 if status == 503 else 1)
    assert ("gave up after 3 attempts" in getattr(caught.value, "__notes__", [])) == (status == 503)
    # 503 with Retry-After is retried (twice here, then given up); 500 is not retried at all.
    assert len(waits) == (2 if status == 503 else 0)
    assert caught.value.retry_after == (0 if status == 503 else None)
    assert inspect(target.app).count() == 0


def test_local_checks_raise_before_any_traffic(target: Target) -> None:
    with target.client() as sms:
        with pytest.raises(InvalidRequestError) as caught:
            sms.send("3000505", [TO, "0912 000 0000"], "", send_at=datetime.now(UTC) + timedelta(minutes=2))
        assert set(caught.value.field_errors) == {"from_number", "params.recipients.1", "message", "send_time"}
        with pytest.raises(InvalidRequestError, match="timezone-aware"):
            sms.send(SENDER, TO, "x", send_at=datetime.now() + timedelta(hours=1))
        with pytest.raises(InvalidRequestError, match="at most 1400"):
            sms.send(SENDER, TO, "ب" * 1401)
        with pytest.raises(InvalidRequestError, match="at least one recipient"):
            sms.send(SENDER, [], "x")
        with pytest.raises(InvalidRequestError, match="more than 3 months"):
            sms.send(SENDER, TO, "x", send_at=datetime.now(UTC) + timedelta(days=100))
    assert isinstance(caught.value, ValueError)
    assert inspect(target.app).count() == 0


def test_persian_digits_in_numbers_are_sent_as_ascii(target: Target) -> None:
    with target.client() as sms:
        result = sms.send("+۹۸۳۰۰۰۵۰۵", "+۹۸۹۱۲۰۰۰۰۰۰۰", "ارقام فارسی")
    assert result.recipients == (TO,)
    record = inspect(target.app).message(result.outbox_id)
    assert record is not None
    assert (record.sender, record.recipients) == (SENDER, [TO])


def _fixed(status: int, content: bytes, headers: dict[str, str] | None = None) -> httpx.MockTransport:
    return httpx.MockTransport(lambda request: httpx.Response(status, content=content, headers=headers))


@pytest.mark.parametrize(
    ("status", "content", "why"),
    [
        (200, b'{"data": null, "meta": {"status": false, "message": "\xd8\xae\xd8\xb7\xd8\xa7", '
              b'"message_parameters": [], "message_code": "400-1", "errors": {}}}', "HTTP 200 with meta.status false"),
        (200, b'{"data": {"message_outbox_ids": []}, "meta": {"status": true, "message": "ok", '
              b'"message_parameters": [], "message_code": "200-1"}}', "positive integer outbox ids"),
        (200, b"<html>gateway</html>", "does not match the contract"),
        (418, b'{"data": null, "meta": {"status": false, "message": "teapot", "message_parameters": [], '
              b'"message_code": "418-1", "errors": {}}}', "undocumented status 418"),
        (422, b'{"data": null, "meta": {"status": true, "message": "?", "message_parameters": [], '
              b'"message_code": "400-2", "errors": {}}}', "not the error envelope"),
        (502, b"Bad Gateway", "undocumented status 502"),
    ],
)  # fmt: skip
def test_answers_outside_the_contract_are_contract_violations(status: int, content: bytes, why: str) -> None:
    sms = SmsClient("t" * 32, base_url="http://provider", transport=_fixed(status, content))
    with sms, pytest.raises(ContractViolationError, match=why) as caught:
        sms.send(SENDER, TO, "x")
    assert caught.value.status_code == status
    assert caught.value.body == content


def test_a_200_with_status_false_keeps_the_providers_message() -> None:
    content = '{"data": null, "meta": {"status": false, "message": "اعتبار کافی نیست", "message_parameters": [], '
    content += '"message_code": "400-1", "errors": {}}}'
    sms = SmsClient("t" * 32, base_url="http://provider", transport=_fixed(200, content.encode()))
    with sms, pytest.raises(ContractViolationError, match="اعتبار کافی نیست") as caught:
        sms.send(SENDER, TO, "x")
    assert caught.value.message_code == "400-1"


def test_defaults_are_safe() -> None:
    sms = SmsClient("t" * 32)
    assert sms.base_url == DEFAULT_BASE_URL == "https://edge.ippanel.com/v1"
    assert sms.timeout.read is not None
    assert sms.timeout.read <= 30
    assert sms.retry.max_retries == 2
    sms.close()
    with pytest.raises(ValueError, match="finite"):
        SmsClient("t" * 32, timeout=httpx.Timeout(None))


def test_the_default_base_url_is_the_specs_production_server(contract: Contract) -> None:
    assert contract.document["servers"][0]["url"] == DEFAULT_BASE_URL


def test_token_comes_from_the_environment(monkeypatch: pytest.MonkeyPatch, target: Target) -> None:
    monkeypatch.setenv("SMS_API_TOKEN", DEVELOPMENT_TOKEN)
    with SmsClient(base_url=target.base_url, transport=target.transport) as sms:
        assert sms.send(SENDER, TO, "از متغیر محیطی").outbox_id == 1
    monkeypatch.delenv("SMS_API_TOKEN")
    with pytest.raises(ValueError, match="SMS_API_TOKEN"):
        SmsClient()


def test_the_generated_functions_stay_available(target: Target) -> None:
    from sms_api.api.sending import send
    from sms_api.models import SendParams, SendSuccessEnvelope, WebserviceSendRequest

    body = WebserviceSendRequest(
        sending_type="webservice", from_number=SENDER, message="سطح پایین", params=SendParams(recipients=[TO])
    )
    with target.client() as sms:
        parsed = send.sync(client=sms.generated, body=body)
    assert isinstance(parsed, SendSuccessEnvelope)
    assert parsed.data.message_outbox_ids == [1]


def test_a_send_after_close_is_a_client_closed_error(target: Target) -> None:
    sms = target.client()
    sms.close()
    with pytest.raises(ClientClosedError, match="closed"):
        sms.send(SENDER, TO, "بعد از بستن")

    async def after_aclose() -> None:
        async with target.async_client() as closed:
            pass
        with pytest.raises(ClientClosedError):
            await closed.send(SENDER, TO, "بعد از بستن")

    asyncio.run(after_aclose())
    assert inspect(target.app).count() == 0


@pytest.mark.parametrize("missing", ["connect", "read", "write", "pool"])
def test_every_timeout_must_be_finite(missing: str) -> None:
    with pytest.raises(ValueError, match="finite"):
        SmsClient(DEVELOPMENT_TOKEN, timeout=httpx.Timeout(5.0, **{missing: None}))


def test_an_api_error_keeps_the_answers_headers(target: Target) -> None:
    target.app.settings.faults = Faults(failure_rate=1.0, failure_statuses=(503,), retry_after_seconds=7)
    with target.client(retry=0) as sms, pytest.raises(ServerError) as caught:
        sms.send(SENDER, TO, "x")
    assert caught.value.headers["retry-after"] == "7"
    assert caught.value.headers["Content-Type"] == "application/json"
    assert caught.value.retry_after == 7


def test_the_schedule_window_is_judged_by_the_clients_clock(target: Target) -> None:
    fixed = datetime(2030, 1, 1, 12, 0, tzinfo=UTC)
    with target.client(clock=lambda: fixed) as sms, pytest.raises(InvalidRequestError) as caught:
        sms.send(SENDER, TO, "x", send_at=fixed + timedelta(minutes=4))
    assert "less than 5 minutes" in caught.value.field_errors["send_time"][0]
