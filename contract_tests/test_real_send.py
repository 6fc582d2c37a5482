"""One real send to an allow-listed number, only when explicitly allowed: it costs money and texts a person.

Runs when SMS_BASE_URL, SMS_API_TOKEN, SMS_CONTRACT_ALLOW_SEND=1, SMS_CONTRACT_SENDER and
SMS_CONTRACT_RECIPIENT are all set. It sends once (never retried) and then checks that the same
text again is refused as a duplicate, which sends nothing.
"""

from __future__ import annotations

import os
import secrets

import pytest

from sms_client import RateLimitError, SmsClient

from .conftest import Pacer, Target, external, sending_allowed

pytestmark = pytest.mark.provider


@pytest.fixture
def allowed_send(target: Target) -> tuple[str, str, str]:
    if external() is None:
        pytest.skip("SMS_BASE_URL is not set: real sends are checked only against a configured provider")
    if target.token is None:
        pytest.skip("SMS_API_TOKEN is not set")
    if not sending_allowed():
        pytest.skip("SMS_CONTRACT_ALLOW_SEND=1 is not set: a real send costs money and texts a person")
    sender, recipient = os.environ.get("SMS_CONTRACT_SENDER", ""), os.environ.get("SMS_CONTRACT_RECIPIENT", "")
    if not sender or not recipient:
        pytest.skip("SMS_CONTRACT_SENDER and SMS_CONTRACT_RECIPIENT (the allow-listed number) must both be set")
    return target.token, sender, recipient


def test_one_real_send_then_its_duplicate_is_refused(target: Target, allowed_send: tuple[str, str, str]) -> None:
    token, sender, recipient = allowed_send
    text = f"آزمون قرارداد {secrets.token_hex(3)}"
    pacer = Pacer(float(os.environ.get("SMS_CONTRACT_INTERVAL", "1.0")))
    with SmsClient(token, base_url=target.base_url, retry=0) as sms:
        pacer.wait()
        sent = sms.send(sender, recipient, text)
        assert len(sent.outbox_ids) == 1
        pacer.wait()
        with pytest.raises(RateLimitError):
            sms.send(sender, recipient, text)
