"""Checks that can never send an SMS, so they run against any server, a real provider included.

Every body here has no deliverable recipient (missing, empty or malformed), so even a server that
ignored the token or a rule could not text anyone. Answers must be the spec's envelopes, in JSON.
"""

from __future__ import annotations

import secrets
from pathlib import Path
from typing import Any

import httpx
import pytest

from .checks import Disagreement, ResponseChecker, expect_refused_on
from .conftest import CONTRACT, Target

CHECK = ResponseChecker(CONTRACT)
FINGERPRINT = Path(__file__).resolve().parent.parent / "generated" / "SPEC_FINGERPRINT"
UNDELIVERABLE = {"recipients": ["not-a-number"]}


def body(**changes: Any) -> dict[str, Any]:
    base: dict[str, Any] = {
        "sending_type": "webservice",
        "from_number": "+983000505",
        "message": "بررسی قرارداد؛ این پیام ارسال نمی‌شود",
        "params": UNDELIVERABLE,
    }
    base.update(changes)
    return {k: v for k, v in base.items() if v is not None}


def _post(http: httpx.Client, payload: Any, token: str | None) -> httpx.Response:
    headers = {"Authorization": token} if token is not None else {}
    return http.post("/api/send", json=payload, headers=headers)


def _needs_token(target: Target) -> str:
    if target.token is None:
        pytest.skip("SMS_API_TOKEN is not set: only the checks without credentials run")
    return target.token


@pytest.mark.parametrize("token", [None, "", "wrong"], ids=["missing", "empty", "wrong"])
def test_bad_credentials_are_a_401_envelope(http: httpx.Client, token: str | None) -> None:
    sent = "wrong-" + secrets.token_hex(16) if token == "wrong" else token
    response = _post(http, body(), sent)
    if response.status_code != 401:
        raise Disagreement(
            "server vs spec", f"{token or 'no'} credentials were answered {response.status_code}, not 401"
        )
    meta = CHECK.envelope(response)["meta"]
    assert (meta["message_code"], meta["errors"]) == ("400-1", {}), meta


@pytest.mark.parametrize(
    ("payload", "field"),
    [
        (body(message=None, params={"recipients": []}), "message"),  # the provider's own 422 example
        (body(), "params.recipients.0"),
        (body(params=None), "params"),
        (body(params={"recipients": []}), "params.recipients"),
        (body(from_number=None), "from_number"),
        (body(message="   "), "message"),
    ],
    ids=[
        "message-missing",
        "recipient-malformed",
        "params-missing",
        "no-recipients",
        "sender-missing",
        "message-blank",
    ],
)
def test_invalid_bodies_are_a_422_naming_the_field(
    http: httpx.Client, target: Target, payload: dict[str, Any], field: str
) -> None:
    response = _post(http, payload, _needs_token(target))
    expect_refused_on(CHECK.envelope(response), response.status_code, field)


UNDELIVERABLE_OF_EVERY_TYPE = {
    "pattern": (
        {
            "sending_type": "pattern",
            "from_number": "+983000505",
            "code": "contract-check",
            "recipients": ["not-a-number"],
            "params": {"code": "0000"},
        },
        "recipients.0",
    ),
    "votp": (
        {"sending_type": "votp", "message": "0000", "params": {"recipients": ["not-a-number"]}},
        "params.recipients.0",
    ),
    "peer_to_peer": (
        {
            "sending_type": "peer_to_peer",
            "from_number": "+983000505",
            "params": [{"recipients": ["not-a-number"], "message": "بررسی قرارداد؛ ارسال نمی‌شود"}],
        },
        "params.0.recipients.0",
    ),
}


@pytest.mark.parametrize("kind", sorted(UNDELIVERABLE_OF_EVERY_TYPE))
def test_every_sending_type_is_validated_naming_the_field(http: httpx.Client, target: Target, kind: str) -> None:
    payload, field = UNDELIVERABLE_OF_EVERY_TYPE[kind]
    response = _post(http, payload, _needs_token(target))
    expect_refused_on(CHECK.envelope(response), response.status_code, field)


def test_the_providers_422_example_is_answered_word_for_word(http: httpx.Client, target: Target) -> None:
    response = _post(http, body(message=None), _needs_token(target))
    meta = CHECK.envelope(response)["meta"]
    assert meta["errors"].get("message") == ["تکمیل گزینه پیام الزامی است"], meta


@pytest.mark.parametrize("method", ["GET", "PUT", "DELETE"])
def test_other_methods_are_405_with_allow(http: httpx.Client, method: str) -> None:
    response = http.request(method, "/api/send")
    if response.status_code != 405:
        raise Disagreement("server vs HTTP", f"{method} /api/send was answered {response.status_code}, not 405")
    if "allow" not in response.headers or "POST" not in response.headers["allow"]:
        raise Disagreement("server vs HTTP", f"a 405 without an Allow header naming POST: {dict(response.headers)}")


def test_a_mock_target_serves_the_spec_the_client_was_generated_from(http: httpx.Client) -> None:
    """sms-mock reports the fingerprint of the spec it serves; it must be the one generated/ was made from."""
    health = http.get("/_mock/health")
    if health.status_code != 200 or "spec_sha256" not in health.text:
        pytest.skip("the target is not sms-mock: it reports no spec fingerprint")
    recorded = dict(
        line.split(" sha256 ") for line in FINGERPRINT.read_text(encoding="utf-8").splitlines() if " sha256 " in line
    )
    served = health.json()["spec_sha256"]
    if served != recorded["spec"]:
        raise Disagreement(
            "server vs generated client",
            f"the mock serves a spec with sha256 {served[:12]}, generated/ was made from {recorded['spec'][:12]}: "
            "restart the mock on openapi/sms-api.yaml, or run `make generate`",
        )
