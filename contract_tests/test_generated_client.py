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
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis_jsonschema import from_schema

import sms_api
import sms_api.api.sending.send  # the package's api modules are not imported by `import sms_api`
from sms_api.models import ErrorEnvelope, SendSuccessEnvelope
from sms_contract.spec import without_extensions
from sms_mock import DEVELOPMENT_TOKEN, MockApp, MockSettings, create_app
from sms_mock.testing import InProcessTransport

from .checks import Disagreement, ResponseChecker, expect_one_id_per_message, expect_refused_on
from .conftest import CONTRACT, EXAMPLES, IN_PROCESS
from .hooks import send_times

pytestmark = pytest.mark.local  # checks the local mock or the suite itself, not a configured server

REQUEST_SCHEMA = CONTRACT.schema("SendRequest")
VALID_REQUEST = jsonschema_rs.validator_for(REQUEST_SCHEMA)
# The generated model of each sending type (the generator ignores the discriminator; the const tags carry it).
MODEL_NAMES = {
    "webservice": "WebserviceSendRequest",
    "pattern": "PatternSendRequest",
    "votp": "VotpSendRequest",
    "peer_to_peer": "PeerToPeerSendRequest",
}
MODEL_FOR_STATUS = {200: SendSuccessEnvelope} | {
    s: ErrorEnvelope for s in CONTRACT.operation("send").responses if s != 200
}


def _small(schema: Any) -> Any:
    """The schema with every array and string kept short: a subset of the valid bodies that is quick to draw.

    Only limits are added (never loosened), so every body drawn is still valid under the real
    schema; long texts and many recipients are checked by cases of their own.
    """
    if isinstance(schema, list):
        return [_small(item) for item in schema]
    if not isinstance(schema, dict):
        return schema
    small = {key: _small(value) for key, value in schema.items()}
    if small.get("type") == "array":
        small["maxItems"] = min(small.get("maxItems", 3), 3)
    if small.get("type") == "string" and "pattern" in small and "maxLength" in small:
        small["maxLength"] = min(small["maxLength"], 70)
    return small


def _bodies(schema: dict[str, Any]) -> st.SearchStrategy[Any]:
    return from_schema(_small(without_extensions(schema)), custom_formats={"provider-send-time": send_times()})


valid_bodies = _bodies(REQUEST_SCHEMA)
# One strategy per sending type, so that every type is drawn in every run, not only when chance says so.
BODIES = {kind: _bodies(CONTRACT.schema(name)) for kind, name in MODEL_NAMES.items()}


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
def client() -> Iterator[Connected]:
    # No patterns registered: any pattern code drawn from the schema is accepted, as the spec allows.
    with COMMITTED.connect(create_app(MockSettings(), CONTRACT)) as connected:
        yield connected


def exchange(connected: Connected, body: dict[str, Any]) -> tuple[int, Any]:
    """Send `body` through the generated client; check the request it wrote and the answer it parsed."""
    generated, client = connected.generated, connected.client
    models = generated.package.models
    model_class = getattr(models, MODEL_NAMES.get(str(body.get("sending_type")), "WebserviceSendRequest"))
    try:
        model = model_class.from_dict(copy.deepcopy(body))
    except (KeyError, TypeError, ValueError) as exc:
        raise Disagreement("spec vs generated client", f"the model cannot hold the body {body}: {exc!r}") from exc
    written = model.to_dict()
    if VALID_REQUEST.is_valid(body) and written != body:
        raise Disagreement("spec vs generated client", f"the model writes {written}, not the body {body}")
    try:
        response = generated.package.api.sending.send.sync_detailed(client=client, body=model)
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


@pytest.mark.parametrize("kind", sorted(BODIES))
@settings(max_examples=30)
@given(data=st.data())
def test_valid_bodies_of_every_type_are_accepted(client: Connected, kind: str, data: st.DataObject) -> None:
    EXAMPLES[IN_PROCESS] += 1
    body = data.draw(BODIES[kind], label=f"{kind} body")
    status, payload = exchange(client, body)
    # A drawn body can repeat an earlier one within 40 seconds: the provider's duplicate rule answers 429.
    if status not in (200, 429):
        raise Disagreement(
            "server vs spec", f"a spec-valid body was refused with {status}: {payload['meta']} for {body}"
        )
    if status == 200:
        expect_one_id_per_message(body, payload)


def _recipients(body: dict[str, Any], index: int) -> tuple[list[str], str]:
    """The recipients of a body that `index` picks (a peer_to_peer item), and where they are."""
    if body["sending_type"] == "pattern":
        return body["recipients"], "recipients"
    if body["sending_type"] == "peer_to_peer":
        item = index % len(body["params"])
        return body["params"][item]["recipients"], f"params.{item}.recipients"
    return body["params"]["recipients"], "params.recipients"


def _text_field(body: dict[str, Any], index: int) -> str:
    if body["sending_type"] == "peer_to_peer":
        return f"params.{index % len(body['params'])}.message"
    return "message"


def _set(body: dict[str, Any], field: str, value: Any) -> None:
    *parents, last = field.split(".")
    node: Any = body
    for part in parents:
        node = node[int(part)] if isinstance(node, list) else node[part]
    node[last] = value


def _break(body: dict[str, Any], how: str, index: int) -> str:
    """Break `body` in one field, the way `how` says; return the field the refusal must name."""
    recipients, where = _recipients(body, index)
    position = index % len(recipients)
    if how == "sender":
        body["from_number"] = "0" + body["from_number"].lstrip("+")
        return "from_number"
    if how == "blank message":
        field = _text_field(body, index)
        _set(body, field, " \t\n"[: 1 + index % 3])
        return field
    if how == "long message":
        field = _text_field(body, index)
        _set(body, field, "پیام" * 351)
        return field
    if how == "no recipients":
        recipients.clear()
        return where
    if how == "local number":
        recipients[position] = "09" + recipients[position][-9:]
        return f"{where}.{position}"
    if how == "persian digits":
        recipients[position] = recipients[position].translate(str.maketrans("0123456789", "۰۱۲۳۴۵۶۷۸۹"))
        return f"{where}.{position}"
    if how == "iso time":
        body["send_time"] = "2027-01-01T10:00:00Z"
        return "send_time"
    if how == "past time":
        body["send_time"] = "2020-01-01 10:00:00"  # well formed, but in the past
        return "send_time"
    if how == "two recipients":
        recipients[:] = ["+989120000000", "+989350000000"]
        return where
    if how == "blank code":
        body["code"] = " " * (1 + index % 3)
        return "code"
    if how == "number variable":
        body["params"]["code"] = 4821
        return "params.code"
    if how == "letters in the code":
        body["message"] = "12a4"
        return "message"
    if how == "fifteen digits":
        body["message"] = "1" * 15
        return "message"
    if how == "persian digits in the code":
        body["message"] = "۴۸۲۱"
        return "message"
    raise AssertionError(f"no way to break a body {how!r}")


COMMON = ["no recipients", "local number", "persian digits"]
SCHEDULED = ["iso time", "past time"]
BREAKS = {
    "webservice": ["sender", "blank message", "long message", *COMMON, *SCHEDULED],
    "pattern": ["sender", *COMMON, "two recipients", "blank code", "number variable"],
    "votp": [
        *COMMON,
        "two recipients",
        "letters in the code",
        "fifteen digits",
        "persian digits in the code",
    ],
    "peer_to_peer": ["sender", "blank message", "long message", *COMMON, *SCHEDULED],
}


@pytest.mark.parametrize(("kind", "how"), [(kind, how) for kind, hows in BREAKS.items() for how in hows])
@settings(max_examples=8)
@given(data=st.data(), index=st.integers(0, 100))
def test_bodies_broken_in_one_field_are_refused_naming_it(
    client: Connected, kind: str, how: str, data: st.DataObject, index: int
) -> None:
    EXAMPLES[IN_PROCESS] += 1
    broken = copy.deepcopy(data.draw(BODIES[kind], label=f"{kind} body"))
    field = _break(broken, how, index)
    status, payload = exchange(client, broken)
    expect_refused_on(payload, status, field)


@pytest.mark.parametrize("status", sorted(MODEL_FOR_STATUS))
def test_every_documented_answer_parses_into_its_model(mock_app: MockApp, status: int) -> None:
    """Every named example of every status, forced with Prefer, parses into the model the spec names."""
    for name in CONTRACT.operation("send").response(status).examples:
        transport = InProcessTransport(mock_app)
        with httpx.Client(transport=transport, base_url="http://mock") as http:
            answer = http.post(
                "/api/send", json={}, headers={"Authorization": DEVELOPMENT_TOKEN, "Prefer": f"example={name}"}
            )
        assert answer.status_code == status
        parsed = MODEL_FOR_STATUS[status].from_dict(ResponseChecker(CONTRACT).envelope(answer))
        assert parsed.to_dict() == answer.json(), name
