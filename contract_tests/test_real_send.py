"""One real send and its refused repeat, judged on the raw answers: envelope, message_code, outbox ids.

Against a provider it runs only when explicitly allowed (it costs money and texts a person):
SMS_BASE_URL, SMS_API_TOKEN, SMS_CONTRACT_ALLOW_SEND=1, SMS_CONTRACT_SENDER and SMS_CONTRACT_RECIPIENT
(a number you own). It sends once, never retried, then the same text again, which must be refused with
429 and sends nothing. In default mode the same check runs against the local mock.
"""

from __future__ import annotations

import os

import httpx
import pytest

from sms_contract import texts

from .checks import Disagreement
from .conftest import CONTRACT, Target, external, sending_allowed
from .rules import Probe, accepted, webservice

pytestmark = pytest.mark.provider


@pytest.fixture
def probe(http: httpx.Client, target: Target) -> Probe:
    if external() is None:
        return Probe(http, CONTRACT, target.token)
    if target.token is None:
        pytest.skip("SMS_API_TOKEN is not set")
    if not sending_allowed():
        pytest.skip("SMS_CONTRACT_ALLOW_SEND=1 is not set: a real send costs money and texts a person")
    sender, recipient = os.environ.get("SMS_CONTRACT_SENDER", ""), os.environ.get("SMS_CONTRACT_RECIPIENT", "")
    if not sender or not recipient:
        pytest.skip("SMS_CONTRACT_SENDER and SMS_CONTRACT_RECIPIENT (the allow-listed number) must both be set")
    return Probe(http, CONTRACT, target.token, sender=sender, recipients=(recipient,))


def test_one_send_is_one_outbox_id_then_its_repeat_is_a_429(probe: Probe) -> None:
    body = webservice(probe, message=probe.unique("آزمون قرارداد"), params={"recipients": [probe.recipients[0]]})
    accepted(probe, body, 1)
    response = probe.post(body)
    meta = probe.answer(response)["meta"]
    if response.status_code != 429 or meta["message_code"] != texts.CODE_FAILURE:
        raise Disagreement("server vs spec", f"the repeat within 40 s was answered {response.status_code} {meta}")
