"""send_pattern, send_votp and send_peer_to_peer, sync and async, against the mock in-process and over HTTP."""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
import pytest

from sms_client import (
    AsyncSmsClient,
    InvalidRequestError,
    NotFoundError,
    RateLimitError,
    SendResult,
    ServerError,
    SmsClient,
    ValidationError,
)
from sms_contract.spec import Contract
from sms_mock import DEVELOPMENT_TOKEN, Faults, MockApp, MockSettings, create_app
from sms_mock.server import MockServer
from sms_mock.testing import InProcessTransport
from tests.conftest import inspect

SENDER, A, B, C = "+983000505", "+989120000000", "+989350000000", "+989100000000"
PATTERNS = {"login": "%name% عزیز، کد ورود شما: %code%", "welcome": "خوش آمدید"}


@pytest.fixture(params=["in-process", "http"])
def app_and_client(request: pytest.FixtureRequest, contract: Contract) -> Iterator[tuple[MockApp, SmsClient]]:
    app = create_app(MockSettings(check_responses=True, patterns=PATTERNS), contract)
    if request.param == "in-process":
        with SmsClient(DEVELOPMENT_TOKEN, base_url="http://mock", transport=InProcessTransport(app)) as sms:
            yield app, sms
        return
    with MockServer(app=app) as server, SmsClient(DEVELOPMENT_TOKEN, base_url=server.base_url) as sms:
        yield app, sms


def test_send_pattern(app_and_client: tuple[MockApp, SmsClient]) -> None:
    app, sms = app_and_client
    sent = sms.send_pattern(SENDER, "+۹۸۹۱۲۰۰۰۰۰۰۰", "login", {"name": "مریم", "code": "04821"})
    assert (sent.sending_type, sent.recipients, sent.encoding, sent.parts) == ("pattern", (A,), None, None)
    kept = inspect(app).message(sent.outbox_id)
    assert kept is not None
    assert kept.message == "مریم عزیز، کد ورود شما: 04821"
    assert sms.send_pattern(SENDER, B, "welcome", {}).attempts == 1
    assert sms.send_pattern(SENDER, C, "login", {"name": "Ali", "code": 7315}).outbox_id > 0  # an int is its digits


def test_an_unknown_pattern_is_a_not_found_error(app_and_client: tuple[MockApp, SmsClient]) -> None:
    app, sms = app_and_client
    with pytest.raises(NotFoundError) as caught:
        sms.send_pattern(SENDER, A, "no-such-pattern", {})
    assert (caught.value.status_code, caught.value.message_code, caught.value.message) == (
        404,
        "404-1",
        "الگو یافت نشد",
    )
    with pytest.raises(ValidationError) as wrong:
        sms.send_pattern(SENDER, A, "login", {"name": "مریم"})
    assert wrong.value.field_errors == {"params.code": ["تکمیل گزینه متغیر code الزامی است"]}
    assert inspect(app).count() == 0


def test_send_votp_keeps_leading_zeros(app_and_client: tuple[MockApp, SmsClient]) -> None:
    app, sms = app_and_client
    sent = sms.send_votp(A, "04821")
    assert (sent.sending_type, sent.parts) == ("votp", None)
    assert inspect(app).message(sent.outbox_id).message == "04821"  # type: ignore[union-attr]
    assert inspect(app).message(sms.send_votp(B, "۷۳۱۵").outbox_id).message == "7315"  # type: ignore[union-attr]


def test_send_peer_to_peer_gives_one_id_per_item_in_order(app_and_client: tuple[MockApp, SmsClient]) -> None:
    app, sms = app_and_client
    when = datetime.now(UTC) + timedelta(hours=2)
    sent = sms.send_peer_to_peer(SENDER, [([A, B], "سفارش شما ارسال شد 📦"), (C, "Shipped")], send_at=when)
    assert len(sent.outbox_ids) == 2
    assert (sent.recipients, sent.encoding, sent.parts) == ((A, B, C), "UCS-2", 2)
    texts = [inspect(app).message(i).message for i in sent.outbox_ids]  # type: ignore[union-attr]
    assert texts == ["سفارش شما ارسال شد 📦", "Shipped"]
    assert sent.send_time == inspect(app).message(sent.outbox_ids[1]).send_time  # type: ignore[union-attr]


@pytest.mark.parametrize(
    ("call", "fields"),
    [
        (
            lambda sms: sms.send_pattern("3000505", [A, B], " ", {"code": 1.5}),
            {"from_number", "recipients", "code", "params.code"},
        ),
        (lambda sms: sms.send_pattern(SENDER, A, "login", {}, phonebook={"name": "x"}), {"phonebook.id"}),
        (lambda sms: sms.send_votp(A, 4821), {"message"}),
        (lambda sms: sms.send_votp([A, B], "12a"), {"params.recipients", "message"}),
        (lambda sms: sms.send_votp(A, "1" * 15), {"message"}),
        (lambda sms: sms.send_peer_to_peer(SENDER, []), {"params"}),
        (
            lambda sms: sms.send_peer_to_peer(SENDER, [(A, "x"), ("0912", " "), ("only-one",)]),
            {"params.1.recipients.0", "params.1.message", "params.2"},
        ),
        (lambda sms: sms.send_peer_to_peer(SENDER, [(A, "x")], send_at=datetime(2030, 1, 1)), {"send_time"}),
    ],
    ids=[
        "pattern-fields",
        "phonebook-id",
        "votp-int",
        "votp-fields",
        "votp-15",
        "p2p-empty",
        "p2p-items",
        "p2p-naive-time",
    ],
)
def test_local_checks_name_every_field_and_send_nothing(
    app_and_client: tuple[MockApp, SmsClient], call: Any, fields: set[str]
) -> None:
    app, sms = app_and_client
    with pytest.raises(InvalidRequestError) as caught:
        call(sms)
    assert set(caught.value.field_errors) == fields
    assert inspect(app).count() == 0


def test_a_repeated_item_is_a_rate_limit_error_naming_it(app_and_client: tuple[MockApp, SmsClient]) -> None:
    _, sms = app_and_client
    sms.send(SENDER, A, "تکرار")
    with pytest.raises(RateLimitError) as caught:
        sms.send_peer_to_peer(SENDER, [(B, "تازه"), (A, "تکرار")])
    assert list(caught.value.field_errors) == ["params.1.recipients.0"]


def test_every_type_is_retried_by_the_same_safe_rules(contract: Contract) -> None:
    app = create_app(
        MockSettings(faults=Faults(failure_rate=1.0, failure_statuses=(503,), retry_after_seconds=0)), contract
    )
    waits: list[float] = []
    with SmsClient(
        DEVELOPMENT_TOKEN, base_url="http://mock", transport=InProcessTransport(app), retry=1, sleep=waits.append
    ) as sms:
        calls: list[Callable[[], SendResult]] = [
            lambda: sms.send_pattern(SENDER, A, "x", {}),
            lambda: sms.send_votp(A, "1"),
            lambda: sms.send_peer_to_peer(SENDER, [(A, "x")]),
        ]
        for call in calls:
            with pytest.raises(ServerError) as caught:
                call()
            assert caught.value.attempts == 2
    assert len(waits) == 3


def test_the_async_client_sends_every_type(contract: Contract) -> None:
    app = create_app(MockSettings(patterns=PATTERNS), contract)

    async def scenario() -> list[str]:
        transport = httpx.ASGITransport(app=app)
        async with AsyncSmsClient(DEVELOPMENT_TOKEN, base_url="http://mock", transport=transport) as sms:
            results = [
                await sms.send(SENDER, A, "وب‌سرویس"),
                await sms.send_pattern(SENDER, A, "welcome", {}),
                await sms.send_votp(A, "0042"),
                await sms.send_peer_to_peer(SENDER, [(B, "یک"), (C, "دو")]),
            ]
        return [r.sending_type for r in results]

    assert asyncio.run(scenario()) == ["webservice", "pattern", "votp", "peer_to_peer"]
    assert inspect(app).count() == 5
