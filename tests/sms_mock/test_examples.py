"""Every answer the spec shows as an example is, word for word, what the mock answers to the request that earns it.

The spec's examples and the mock's texts (sms_contract.texts) are two copies of the same words; this
test is what keeps them one. A new example in the spec needs a way to earn it here, or this fails.
"""

from __future__ import annotations

import socket
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
import pytest

from sms_contract.rules import format_send_time
from sms_contract.spec import Contract
from sms_mock import Faults, MockSettings
from sms_mock.server import MockServer

from .conftest import TOKEN, Api, MakeApi, body

Earn = Callable[[MakeApi], httpx.Response]


def _send(api: Api, payload: Any = None, **headers: str) -> httpx.Response:
    return api.send(payload, **headers)


def _raw(make_api: MakeApi, content: bytes, content_type: str = "application/json", **settings: Any) -> httpx.Response:
    api = make_api(**settings)
    return api.client.post("/api/send", content=content, headers={"Authorization": TOKEN, "Content-Type": content_type})


def _stalled_body(make_api: MakeApi) -> httpx.Response:
    """A body that stops arriving, over a real socket: the mock gives up after its body timeout."""
    with (
        MockServer(MockSettings(body_timeout_seconds=0.2)) as server,
        socket.create_connection(("127.0.0.1", server.port), timeout=5) as sock,
    ):
        head = f"POST /api/send HTTP/1.1\r\nHost: x\r\nAuthorization: {TOKEN}\r\nContent-Type: application/json\r\n"
        sock.sendall(f"{head}Content-Length: 100\r\n\r\n{{".encode())
        answer = b""
        while chunk := sock.recv(65536):
            answer += chunk
    head_bytes, content = answer.split(b"\r\n\r\n", 1)
    return httpx.Response(int(head_bytes.split()[1]), content=content)


def _duplicate(make_api: MakeApi) -> httpx.Response:
    api = make_api()
    api.send()
    return api.send()


LOGIN = {"ky9ufaztm3bqg6u": "%name% عزیز، کد ورود شما: %code%"}
PATTERN = {
    "sending_type": "pattern",
    "from_number": "+983000505",
    "code": "ky9ufaztm3bqg6u",
    "recipients": ["+989120000000"],
    "params": {"name": "مریم"},
}
PEER_TO_PEER = {
    "sending_type": "peer_to_peer",
    "from_number": "+983000505",
    "params": [
        {"recipients": ["+989120000000"], "message": "اول"},
        {"recipients": ["+989350000000"], "message": "دوم"},
    ],
}

EARNED_BY: dict[str, Earn] = {
    "sent": lambda make: _send(make(first_id=1123544244)),
    "sent_peer_to_peer": lambda make: _send(make(first_id=1123544244), PEER_TO_PEER),
    "pattern_not_found": lambda make: _send(make(patterns=LOGIN), {**PATTERN, "code": "no-such-pattern"}),
    "pattern_variable_missing": lambda make: _send(make(patterns=LOGIN), PATTERN),
    "two_fields": lambda make: _send(make(), body(from_number=None, message=None)),
    "invalid_json": lambda make: _raw(make, b"{not json"),
    "body_timeout": _stalled_body,
    "invalid_token": lambda make: _send(make(), token="not-the-token"),
    "too_large": lambda make: _raw(make, b'{"message": "' + b"x" * 2048 + b'"}', max_body_bytes=1024),
    "not_json": lambda make: _raw(make, b"message=salam", "application/x-www-form-urlencoded"),
    "message_required": lambda make: _send(make(), body(message=None)),
    "recipient_invalid": lambda make: _send(make(), body(params={"recipients": ["+989120000000", "09120000000"]})),
    "send_time_too_soon": lambda make: _send(
        make(), body(send_time=format_send_time(datetime.now(UTC) + timedelta(minutes=2)))
    ),
    "duplicate": _duplicate,
    "server_error": lambda make: _send(make(faults=Faults(failure_rate=1.0, failure_statuses=(500,)))),
    "unavailable": lambda make: _send(make(faults=Faults(failure_rate=1.0, failure_statuses=(503,)))),
}


def _examples(contract: Contract) -> dict[str, tuple[int, Any]]:
    operation = contract.operation("send")
    return {
        name: (status, example)
        for status, response in operation.responses.items()
        for name, example in response.examples.items()
    }


def test_every_example_of_the_spec_can_be_earned(contract: Contract) -> None:
    assert set(_examples(contract)) == set(EARNED_BY)


@pytest.mark.parametrize("name", sorted(EARNED_BY))
def test_the_mock_answers_each_example_word_for_word(make_api: MakeApi, contract: Contract, name: str) -> None:
    status, example = _examples(contract)[name]
    response = EARNED_BY[name](make_api)
    assert (response.status_code, response.json()) == (status, example)
