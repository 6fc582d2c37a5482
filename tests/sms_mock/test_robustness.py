"""No input makes the mock answer 5xx, HTML or anything outside the spec: arbitrary bytes, JSON and headers."""

from __future__ import annotations

import json
from urllib.parse import quote

import httpx
from hypothesis import given
from hypothesis import strategies as st

from sms_contract.spec import load_contract
from sms_mock import MockSettings, create_app
from sms_mock.testing import InProcessTransport

from .conftest import TOKEN, assert_keeps_contract, body

CONTRACT = load_contract()
CLIENT = httpx.Client(
    transport=InProcessTransport(create_app(MockSettings(check_responses=True), CONTRACT)), base_url="http://mock"
)

json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False, allow_infinity=False) | st.text(),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=12), inner, max_size=5),
    max_leaves=20,
)


def _check(response: httpx.Response) -> None:
    assert response.status_code < 500, response.text
    assert_keeps_contract(CONTRACT, response)


@given(content=st.binary(max_size=512), content_type=st.sampled_from(["application/json", "text/plain", ""]))
def test_arbitrary_bytes(content: bytes, content_type: str) -> None:
    headers = {"Authorization": TOKEN, "Content-Type": content_type}
    _check(CLIENT.post("/api/send", content=content, headers=headers))


@given(payload=json_values)
def test_arbitrary_json(payload: object) -> None:
    # The standard library writes integers of any size; the mock must cope with what it cannot represent.
    content = json.dumps(payload).encode()
    _check(
        CLIENT.post("/api/send", content=content, headers={"Authorization": TOKEN, "Content-Type": "application/json"})
    )


@given(
    field=st.sampled_from(["sending_type", "from_number", "message", "params", "send_time", "extra"]),
    value=json_values,
)
def test_one_field_replaced_by_anything(field: str, value: object) -> None:
    payload = body(message=f"fuzz {field} {value!r}"[:1400]) | {field: value}
    _check(CLIENT.post("/api/send", json=payload, headers={"Authorization": TOKEN}))


@given(
    authorization=st.text(alphabet=st.characters(min_codepoint=32, max_codepoint=126), max_size=60),
    prefer=st.text(alphabet=st.characters(min_codepoint=32, max_codepoint=126), max_size=40),
)
def test_arbitrary_authorization_and_prefer_headers(authorization: str, prefer: str) -> None:
    headers = {"Authorization": authorization, "Prefer": prefer}
    _check(CLIENT.post("/api/send", json=body(), headers=headers))


@given(
    name=st.sampled_from(["limit", "before", "recipient", "sender", "sending_type", "q", "other"]),
    value=st.text(max_size=30) | st.integers(-(2**70), 2**70).map(str),
)
def test_arbitrary_outbox_queries(name: str, value: str) -> None:
    response = CLIENT.get("/_mock/outbox", params={name: value})
    assert response.status_code in (200, 400), response.text
    assert response.headers["content-type"] == "application/json"


@given(message_id=st.text(min_size=1, max_size=30))
def test_arbitrary_message_ids(message_id: str) -> None:
    path = "/_mock/outbox/" + quote(message_id, safe="")
    for method in ("GET", "DELETE"):
        response = CLIENT.request(method, path)
        # 200: a message with that id was sent above; 307: a path ending in a slash is redirected.
        assert response.status_code in (200, 307, 400, 404), (method, message_id, response.text)
