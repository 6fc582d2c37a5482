"""The generated client against the mock, with bodies drawn from the spec: where spec, client and mock meet.

Valid bodies (drawn from the request schema, send_time inside the window) must be sent by the
generated client exactly as the spec says and be accepted; every answer must validate against the
spec and parse into the model the spec names for its status. Bodies broken in one field must come
back as the error model naming that field. A failure names the two parties that disagree.
"""

from __future__ import annotations

import copy
from collections.abc import Iterator
from dataclasses import dataclass
from types import ModuleType
from typing import Any

import httpx
import jsonschema_rs
import pytest
from hypothesis import given
from hypothesis import strategies as st
from hypothesis_jsonschema import from_schema

import sms_api
from sms_api.models import ErrorEnvelope, SendSuccessEnvelope
from sms_contract.spec import without_extensions
from sms_mock import DEVELOPMENT_TOKEN, MockApp
from sms_mock.testing import InProcessTransport

from .checks import Disagreement, ResponseChecker, expect_refused_on
from .conftest import CONTRACT, EXAMPLES, IN_PROCESS
from .hooks import send_times

REQUEST_SCHEMA = CONTRACT.schema("WebserviceSendRequest")
VALID_REQUEST = jsonschema_rs.validator_for(REQUEST_SCHEMA)
MODEL_FOR_STATUS = {200: SendSuccessEnvelope} | {
    s: ErrorEnvelope for s in CONTRACT.operation("send_webservice").responses if s != 200
}


def _few_recipients(body: Any) -> bool:
    return len(body["params"]["recipients"]) <= 50


valid_bodies: st.SearchStrategy[Any] = from_schema(
    without_extensions(REQUEST_SCHEMA), custom_formats={"provider-send-time": send_times()}
).filter(_few_recipients)


@dataclass(frozen=True)
class Generated:
    """A generated client package: the committed sms_api, or (in the self-checks) an edited copy of it."""

    package: ModuleType

    def connect(self, app: MockApp) -> Connected:
        """Its AuthenticatedClient, configured as the provider wants (raw token), calling the mock in-process."""
        answers: list[httpx.Response] = []
        client = self.package.AuthenticatedClient(
            base_url="http://mock",
            token=DEVELOPMENT_TOKEN,
            prefix="",
            httpx_args={"transport": InProcessTransport(app), "event_hooks": {"response": [answers.append]}},
        )
        return Connected(self, client, answers)

    def model_for_status(self, status: int) -> type:
        models = self.package.models
        return models.SendSuccessEnvelope if status == 200 else models.ErrorEnvelope  # type: ignore[no-any-return]


@dataclass(frozen=True)
class Connected:
    """A generated client bound to a mock; the raw answers are kept, so that one the generated parser
    cannot read is still checked against the spec and the failure blames the right party."""

    generated: Generated
    client: Any
    answers: list[httpx.Response]

    def __enter__(self) -> Connected:
        return self

    def __exit__(self, *exc: object) -> None:
        self.client.get_httpx_client().close()


COMMITTED = Generated(sms_api)


@pytest.fixture(scope="module")
def client(mock_app: MockApp) -> Iterator[Connected]:
    with COMMITTED.connect(mock_app) as connected:
        yield connected


def exchange(connected: Connected, body: dict[str, Any]) -> tuple[int, Any]:
    """Send `body` through the generated client; check the request it wrote and the answer it parsed."""
    generated, client = connected.generated, connected.client
    models = generated.package.models
    try:
        model = models.WebserviceSendRequest.from_dict(copy.deepcopy(body))
    except (KeyError, TypeError, ValueError) as exc:
        raise Disagreement("spec vs generated client", f"the model cannot hold the body {body}: {exc!r}") from exc
    written = model.to_dict()
    if VALID_REQUEST.is_valid(body) and written != body:
        raise Disagreement("spec vs generated client", f"the model writes {written}, not the body {body}")
    try:
        response = generated.package.api.sending.send_webservice.sync_detailed(client=client, body=model)
    except (KeyError, TypeError, ValueError, AttributeError) as exc:
        raw = connected.answers[-1]
        ResponseChecker(CONTRACT).envelope(raw)  # an answer outside the spec is the server's fault
        raise Disagreement(
            "spec vs generated client", f"the parser failed on a spec-valid {raw.status_code} answer: {exc!r}"
        ) from exc
    payload = ResponseChecker(CONTRACT).envelope(response)
    expected = generated.model_for_status(int(response.status_code))
    if not isinstance(response.parsed, expected):
        raise Disagreement(
            "spec vs generated client",
            f"{response.status_code} parsed as {type(response.parsed).__name__}, not {expected.__name__}",
        )
    parsed: Any = response.parsed
    if parsed.to_dict() != payload:
        raise Disagreement("server vs generated client", f"the parsed model lost data: {parsed.to_dict()} != {payload}")
    return int(response.status_code), payload


@given(body=valid_bodies)
def test_valid_bodies_are_accepted(client: Connected, body: dict[str, Any]) -> None:
    EXAMPLES[IN_PROCESS] += 1
    status, payload = exchange(client, body)
    # A drawn body can repeat an earlier one within 40 seconds: the provider's duplicate rule answers 429.
    if status not in (200, 429):
        raise Disagreement(
            "server vs spec", f"a spec-valid body was refused with {status}: {payload['meta']} for {body}"
        )


def _break(body: dict[str, Any], how: str, index: int) -> tuple[dict[str, Any], str]:
    broken = copy.deepcopy(body)
    recipients = broken["params"]["recipients"]
    position = index % len(recipients)
    if how == "sender":
        broken["from_number"] = "0" + broken["from_number"].lstrip("+")
        return broken, "from_number"
    if how == "blank message":
        broken["message"] = " \u200c "[: 1 + index % 3].replace("\u200c", " ")
        return broken, "message"
    if how == "long message":
        broken["message"] = "پیام" * 351
        return broken, "message"
    if how == "no recipients":
        recipients.clear()
        return broken, "params.recipients"
    if how == "local number":
        recipients[position] = "09" + recipients[position][-9:]
        return broken, f"params.recipients.{position}"
    if how == "persian digits":
        recipients[position] = recipients[position].translate(str.maketrans("0123456789", "۰۱۲۳۴۵۶۷۸۹"))
        return broken, f"params.recipients.{position}"
    if how == "iso time":
        broken["send_time"] = "2027-01-01T10:00:00Z"
        return broken, "send_time"
    broken["send_time"] = "2020-01-01 10:00:00"  # well formed, but in the past
    return broken, "send_time"


HOW = [
    "sender",
    "blank message",
    "long message",
    "no recipients",
    "local number",
    "persian digits",
    "iso time",
    "past time",
]


@given(body=valid_bodies, how=st.sampled_from(HOW), index=st.integers(0, 100))
def test_bodies_broken_in_one_field_are_refused_naming_it(
    client: Connected, body: dict[str, Any], how: str, index: int
) -> None:
    EXAMPLES[IN_PROCESS] += 1
    broken, field = _break(body, how, index)
    status, payload = exchange(client, broken)
    expect_refused_on(payload, status, field)


@pytest.mark.parametrize("status", sorted(MODEL_FOR_STATUS))
def test_every_documented_answer_parses_into_its_model(mock_app: MockApp, status: int) -> None:
    """Every named example of every status, forced with Prefer, parses into the model the spec names."""
    for name in CONTRACT.operation("send_webservice").response(status).examples:
        transport = InProcessTransport(mock_app)
        with httpx.Client(transport=transport, base_url="http://mock") as http:
            answer = http.post(
                "/api/send", json={}, headers={"Authorization": DEVELOPMENT_TOKEN, "Prefer": f"example={name}"}
            )
        assert answer.status_code == status
        parsed = MODEL_FOR_STATUS[status].from_dict(ResponseChecker(CONTRACT).envelope(answer))
        assert parsed.to_dict() == answer.json(), name
