"""The pytest plugin, used the way a team's own tests use it: send through the mock, then assert on its outbox."""

from __future__ import annotations

import httpx

from sms_mock import Faults
from sms_mock.testing import MockHandle


def _send(mock: MockHandle, to: str, text: str) -> httpx.Response:
    payload = {
        "sending_type": "webservice",
        "from_number": "+983000505",
        "message": text,
        "params": {"recipients": [to]},
    }
    return httpx.post(f"{mock.base_url}/api/send", json=payload, headers={"Authorization": mock.token})


def test_an_otp_reaches_the_outbox(sms_mock: MockHandle) -> None:
    assert _send(sms_mock, "+989121234567", "کد تأیید شما: 4821").status_code == 200
    last = sms_mock.last(recipient="+989121234567")
    assert last is not None
    assert "4821" in (last.message or "")
    assert sms_mock.count() == 1
    assert sms_mock.message(last.id) == last
    assert sms_mock.message(last.id + 100) is None


def test_each_test_starts_with_an_empty_outbox_and_no_faults(sms_mock: MockHandle) -> None:
    assert sms_mock.messages() == []
    # The same text as the previous test is not a duplicate: the window was reset too.
    assert _send(sms_mock, "+989121234567", "کد تأیید شما: 4821").status_code == 200


def test_faults_set_in_a_test(sms_mock: MockHandle) -> None:
    sms_mock.set_faults(Faults(failure_rate=1.0, failure_statuses=(503,)))
    response = _send(sms_mock, "+989121234567", "hello")
    assert response.status_code == 503
    assert response.headers["retry-after"] == "1"
    assert sms_mock.messages() == []


def test_the_readme_example(sms_mock: MockHandle) -> None:
    """The example of the README, as written there."""
    from sms_client import SmsClient

    with SmsClient(sms_mock.token, base_url=sms_mock.base_url) as sms:
        sms.send("+983000505", "+989121234567", "کد ورود: 4821")
    last = sms_mock.last(recipient="+989121234567")
    assert last is not None
    assert "4821" in (last.message or "")
