"""The token never shows: not in a repr, an exception, a traceback (even with locals) or a log line."""

from __future__ import annotations

import asyncio
import logging
import traceback

import httpx
import pytest

from sms_client import AsyncSmsClient, SmsClient, SmsError
from sms_contract.spec import Contract
from sms_mock import MockSettings, create_app
from sms_mock.testing import InProcessTransport

SECRET = "s3cr3t-T0KEN-that-must-never-leak-0123456789"


def _everything_said(error: BaseException) -> str:
    with_locals = "".join(traceback.TracebackException.from_exception(error, capture_locals=True).format())
    return "\n".join([str(error), repr(error), with_locals, repr(error.__cause__), repr(error.__context__)])


def test_no_repr_shows_the_token() -> None:
    sms = SmsClient(SECRET)
    for shown in (sms, sms.generated, sms._http, sms._auth, sms.retry, sms.timeout):
        assert SECRET not in repr(shown)
        assert SECRET not in str(shown)
    sms.close()


def test_errors_and_logs_of_every_kind_never_show_the_token(
    contract: Contract, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)  # httpx and httpcore log every exchange at DEBUG
    app = create_app(MockSettings(tokens=frozenset({SECRET})), contract)
    said: list[str] = []

    def timeout(request: httpx.Request) -> httpx.Response:
        raise httpx.ReadTimeout("slow", request=request)

    failing: list[httpx.BaseTransport] = [
        InProcessTransport(app),  # the second identical send is a 429
        httpx.MockTransport(lambda request: httpx.Response(418, text="teapot")),
        httpx.MockTransport(timeout),
    ]
    for transport in failing:
        with SmsClient(SECRET, base_url="http://mock", transport=transport, retry=0) as sms:
            if transport is failing[0]:
                sms.send("+983000505", "+989120000000", "بار اول")  # the repeat below is then a 429
            with pytest.raises(SmsError) as caught:
                sms.send("+983000505", "+989120000000", "بار اول")
            said.append(_everything_said(caught.value))
    with SmsClient(
        "wrong-but-also-secret-" + SECRET[:8], base_url="http://mock", transport=InProcessTransport(app)
    ) as sms:
        with pytest.raises(SmsError) as caught:
            sms.send("+983000505", "+989120000000", "x")
        said.append(_everything_said(caught.value))
    said.append(caplog.text)
    assert len(said) == 5
    for text in said:
        assert SECRET not in text


def test_async_client_hides_the_token_too(contract: Contract) -> None:
    app = create_app(MockSettings(tokens=frozenset({SECRET})), contract)

    async def scenario() -> str:
        async with AsyncSmsClient(SECRET, base_url="http://mock", transport=httpx.ASGITransport(app=app)) as sms:
            assert SECRET not in repr(sms)
            with pytest.raises(SmsError) as caught:
                await sms.send("bad", "+989120000000", "x")
            return _everything_said(caught.value)

    assert SECRET not in asyncio.run(scenario())


def _said_below(error: BaseException) -> str:
    """What a traceback with locals shows of the frames below this test's own (which holds its arguments)."""
    assert error.__traceback__ is not None
    below = traceback.TracebackException(type(error), error, error.__traceback__.tb_next, capture_locals=True)
    frames: list[str] = []
    tb = error.__traceback__.tb_next
    while tb is not None:
        frames.extend(repr(value) for value in tb.tb_frame.f_locals.values())  # repr must not raise either
        tb = tb.tb_next
    return "".join(below.format()) + "\n".join(frames)


def test_a_construction_that_fails_half_way_leaves_no_token_in_any_frame() -> None:
    with pytest.raises(ValueError, match="token is needed") as early:
        SmsClient(" " + SECRET)
    padded = _said_below(early.value)
    with pytest.raises(ValueError, match="finite") as half_way:
        SmsClient(SECRET, timeout=httpx.Timeout(5.0, write=None))
    late = _said_below(half_way.value)
    assert "SmsClient(base_url=" in late  # the half-built client in __init__'s frame has a safe repr
    for text in (padded, late):
        assert SECRET not in text
