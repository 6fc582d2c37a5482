"""The provider's official Python SDK (ippanel-python-sdk), unmodified but for its base URL, sends to the mock.

Teams that already use it can point it at the mock: all three of its methods (webservice, pattern,
votp) are accepted, land in the outbox as what they are, and refusals come back as the envelope.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
import requests
from ippanel import Client

from sms_mock import MockSettings
from sms_mock.server import MockServer
from sms_mock.testing import MockHandle

TOKEN = "a-panel-api-key-for-the-official-sdk-0123456789"
PATTERNS = {"ky9ufaztm3bqg6u": "%name% عزیز، کد ورود شما: %code%"}


@pytest.fixture(scope="module")
def mock() -> Iterator[MockHandle]:
    settings = MockSettings(tokens=frozenset({TOKEN}), patterns=PATTERNS)
    with MockServer(settings) as server, MockHandle(server.base_url, TOKEN) as handle:
        yield handle


@pytest.fixture
def sdk(mock: MockHandle) -> Iterator[Client]:
    mock.reset()
    client = Client(TOKEN, base_url=f"{mock.base_url}/api")  # the SDK's own option; it appends /send
    yield client
    client.session.close()


def test_send_webservice(sdk: Client, mock: MockHandle) -> None:
    answer = sdk.send_webservice("سلام دنیا 🔐 کد 4821", "+983000505", ["+989120000000", "+989350000000"])
    assert answer["meta"]["status"] is True
    (outbox_id,) = answer["data"]["message_outbox_ids"]
    sent = mock.message(outbox_id)
    assert sent is not None
    assert (sent.sending_type, sent.message, sent.recipients) == (
        "webservice",
        "سلام دنیا 🔐 کد 4821",
        ["+989120000000", "+989350000000"],
    )


def test_send_pattern(sdk: Client, mock: MockHandle) -> None:
    answer = sdk.send_pattern("ky9ufaztm3bqg6u", "+983000505", "+989120000000", {"name": "مریم", "code": "4821"})
    sent = mock.message(answer["data"]["message_outbox_ids"][0])
    assert sent is not None
    assert (sent.sending_type, sent.code, sent.message) == (
        "pattern",
        "ky9ufaztm3bqg6u",
        "مریم عزیز، کد ورود شما: 4821",
    )


def test_send_votp(sdk: Client, mock: MockHandle) -> None:
    answer = sdk.send_votp(4821, "+989120000000")  # the SDK takes an int and sends str(code)
    sent = mock.message(answer["data"]["message_outbox_ids"][0])
    assert sent is not None
    assert (sent.sending_type, sent.message, sent.sender) == ("votp", "4821", None)


def test_its_refusals_carry_the_envelope(sdk: Client, mock: MockHandle) -> None:
    with pytest.raises(requests.HTTPError) as caught:
        sdk.send_pattern("no-such-pattern", "+983000505", "+989120000000", {})
    refused = caught.value.response
    assert refused is not None
    assert (refused.status_code, refused.json()["meta"]["message_code"]) == (404, "404-1")
    sdk.send_votp("4821", "+989120000000")
    with pytest.raises(requests.HTTPError) as repeated:
        sdk.send_votp("4821", "+989120000000")
    assert repeated.value.response is not None
    assert repeated.value.response.status_code == 429
    assert mock.count() == 1
