"""The mock follows the spec it is given: a changed constraint or a new operation needs no code edit."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import httpx
import yaml

from sms_contract.spec import Contract
from sms_mock import MockSettings
from sms_mock.app import create_app
from sms_mock.testing import InProcessTransport

from .conftest import TOKEN, body


def _client_for(document: dict[str, Any], tmp_path: Path) -> httpx.Client:
    spec = tmp_path / "changed.yaml"
    spec.write_text(yaml.safe_dump(document, allow_unicode=True, sort_keys=False), encoding="utf-8")
    app = create_app(MockSettings(), spec)
    return httpx.Client(transport=InProcessTransport(app), base_url="http://mock", headers={"Authorization": TOKEN})


def test_a_tighter_constraint_in_the_spec_tightens_the_mock(contract: Contract, tmp_path: Path) -> None:
    document = yaml.safe_load(contract.path.read_text(encoding="utf-8"))
    message = document["components"]["schemas"]["WebserviceSendRequest"]["properties"]["message"]
    message["maxLength"] = 10
    message["x-fa-label"] = "متن پیامک"
    with _client_for(document, tmp_path) as client:
        assert client.post("/api/send", json=body(message="۱۲۳۴۵۶۷۸۹۰")).status_code == 200
        response = client.post("/api/send", json=body(message="۱۲۳۴۵۶۷۸۹۰۱"))
    assert response.status_code == 422
    assert response.json()["meta"]["errors"] == {"message": ["متن پیامک نباید بیشتر از ۱۰ کاراکتر باشد"]}


def test_a_new_operation_in_the_spec_is_served_from_its_examples(contract: Contract, tmp_path: Path) -> None:
    document = yaml.safe_load(contract.path.read_text(encoding="utf-8"))
    document["paths"]["/api/send/cancel"] = {
        "post": {
            "operationId": "cancel_send",
            "description": "Cancel a scheduled send.",
            "security": [{"apiKey": []}],
            "requestBody": {
                "required": True,
                "content": {
                    "application/json": {
                        "schema": {
                            "type": "object",
                            "required": ["message_outbox_id"],
                            "properties": {"message_outbox_id": {"type": "integer", "x-fa-label": "شناسه پیام"}},
                        }
                    }
                },
            },
            "responses": {
                "200": {
                    "description": "Cancelled.",
                    "content": {"application/json": {"examples": {"cancelled": {"value": {"data": None}}}}},
                }
            },
        }
    }
    with _client_for(document, tmp_path) as client:
        assert client.post("/api/send/cancel", json={"message_outbox_id": 5}).json() == {"data": None}
        missing = client.post("/api/send/cancel", json={})
        assert missing.status_code == 422
        assert missing.json()["meta"]["errors"] == {"message_outbox_id": ["تکمیل گزینه شناسه پیام الزامی است"]}
        assert client.post("/api/send/cancel", json={}, headers={"Authorization": "nope"}).status_code == 401
        assert client.get("/api/send/cancel").headers["allow"] == "POST"
