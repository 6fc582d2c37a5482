"""The generated client speaks the contract: request line, raw-token header, JSON body, parsed responses."""

from __future__ import annotations

import json
from typing import Any

import httpx
import pytest

from sms_api import AuthenticatedClient
from sms_api.api.sending import send
from sms_api.models import ErrorEnvelope, SendParams, SendSuccessEnvelope, WebserviceSendRequest
from sms_contract.spec import Contract

TOKEN = "a-raw-token-of-thirty-characters-0001"


def _client(handler: Any) -> AuthenticatedClient:
    return AuthenticatedClient(
        base_url="https://edge.ippanel.com/v1",
        token=TOKEN,
        prefix="",
        httpx_args={"transport": httpx.MockTransport(handler)},
    )


def _body() -> WebserviceSendRequest:
    return WebserviceSendRequest(
        sending_type="webservice",
        from_number="+983000505",
        message="متن پیام ✉️ with English",
        params=SendParams(recipients=["+989120000000", "+989350000000"]),
        send_time="2025-03-12 21:20:02",
    )


def test_request_line_header_and_body(contract: Contract) -> None:
    seen: list[httpx.Request] = []
    success = contract.operation("send").example("sent")
    assert success is not None

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        return httpx.Response(200, json=success[1])

    with _client(handler) as client:
        send.sync_detailed(client=client, body=_body())
    (request,) = seen
    assert request.method == "POST"
    assert str(request.url) == "https://edge.ippanel.com/v1/api/send"
    assert request.headers["Authorization"] == TOKEN  # raw, no "Bearer"
    assert request.headers["Content-Type"] == "application/json"
    assert json.loads(request.content) == contract.operation("send").request_examples["seed"] | {
        "message": "متن پیام ✉️ with English"
    }


@pytest.mark.parametrize(
    ("example", "status", "model"),
    [("sent", 200, SendSuccessEnvelope), ("invalid_token", 401, ErrorEnvelope), ("message_required", 422, ErrorEnvelope)],
)
def test_examples_parse_into_the_documented_model(contract: Contract, example: str, status: int, model: type) -> None:
    found = contract.operation("send").example(example)
    assert found is not None
    assert found[0] == status

    def handler(request: httpx.Request) -> httpx.Response:
        return httpx.Response(status, json=found[1])

    with _client(handler) as client:
        response = send.sync_detailed(client=client, body=_body())
    assert response.status_code == status
    parsed = response.parsed
    assert isinstance(parsed, SendSuccessEnvelope | ErrorEnvelope)
    assert isinstance(parsed, model)
    assert parsed.to_dict() == found[1]


def test_parsed_fields_carry_the_persian_texts(contract: Contract) -> None:
    found = contract.operation("send").example("message_required")
    assert found is not None

    def handler(request: httpx.Request) -> httpx.Response:
        return httpx.Response(422, json=found[1])

    with _client(handler) as client:
        parsed = send.sync(client=client, body=_body())
    assert isinstance(parsed, ErrorEnvelope)
    assert parsed.meta.message_code == "400-2"
    assert parsed.meta.errors["message"] == ["تکمیل گزینه پیام الزامی است"]
    assert parsed.meta.status is False


async def _async_send(client: AuthenticatedClient) -> Any:
    return await send.asyncio(client=client, body=_body())


def test_async_variant_sends_the_same_request(contract: Contract) -> None:
    import asyncio

    success = contract.operation("send").example("sent")
    assert success is not None
    seen: list[httpx.Request] = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        return httpx.Response(200, json=success[1])

    parsed = asyncio.run(_async_send(_client(handler)))
    assert isinstance(parsed, SendSuccessEnvelope)
    assert parsed.data.message_outbox_ids == [1123544244]
    assert seen[0].headers["Authorization"] == TOKEN
