"""The contract's rules, one deterministic check each: what a server of POST /api/send must do.

Each rule sends what reveals it and judges the raw answer with the suite's own checks (the answer's
schema and the envelope's rules, the status, the `message_code`, the fields named), never with a
server's self-check. A rule is one of:

- safe: revealed by a request that cannot be delivered (no credentials, or a body with a malformed
  recipient beside the field under test, so that the field errors come back together and nothing
  can go out); these run against any server, a real provider included;
- needs a send: only an accepted send reveals it (one outbox id per send, the 40-second repeat);
  these run against the local mock, and against a provider only with SMS_CONTRACT_ALLOW_SEND=1;
- the local mock's own: answers the spec documents as the mock's (400, 413, 415, an unknown path),
  not the provider's; these run against sms-mock only.

`contract_tests/test_rules.py` runs them; `contract_tests/test_sensitivity.py` shows that each
deviation of `deviations.py` breaks at least the rule it is meant to break.
"""

from __future__ import annotations

import secrets
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any, Literal

import httpx

from sms_contract import texts
from sms_contract.envelope import summary
from sms_contract.rules import format_send_time
from sms_contract.spec import Contract

from .checks import Disagreement, ResponseChecker, expect_refused_on

Kind = Literal["safe", "needs a send", "local mock"]
NOT_A_NUMBER = "not-a-number"


@dataclass
class Probe:
    """What a rule talks to: a server, a valid token, and the numbers a send may use."""

    http: httpx.Client
    contract: Contract
    token: str | None
    sender: str = "+983000505"
    recipients: tuple[str, ...] = ("+989120000000", "+989350000000")
    checker: ResponseChecker = field(init=False)

    def __post_init__(self) -> None:
        self.checker = ResponseChecker(self.contract)

    def post(self, body: Any, *, token: str | bool | None = True, **headers: str) -> httpx.Response:
        """POST /api/send; `token=True` sends the probe's token, a string sends that, None sends none."""
        sent = dict(headers)
        credential = self.token if token is True else token
        if isinstance(credential, str):
            sent["Authorization"] = credential
        return self.http.post("/api/send", json=body, headers=sent)

    def answer(self, response: httpx.Response) -> Any:
        """The parsed answer, after the suite's own checks of its schema and the envelope's rules."""
        return self.checker.envelope(response)

    def unique(self, text: str) -> str:
        """`text` made unique to this run, so that no earlier send makes it a repeat."""
        return f"{text} {secrets.token_hex(4)}"


@dataclass(frozen=True)
class Rule:
    id: str
    says: str
    kind: Kind
    check: Callable[[Probe], None]
    needs_token: bool = True


RULES: dict[str, Rule] = {}


def rule(rule_id: str, says: str, kind: Kind = "safe", *, needs_token: bool = True) -> Callable[..., Any]:
    def register(check: Callable[[Probe], None]) -> Callable[[Probe], None]:
        RULES[rule_id] = Rule(rule_id, says, kind, check, needs_token)
        return check

    return register


class Broken(Disagreement):
    """A rule of the contract is broken; the message names the rule."""

    def __init__(self, rule_id: str, detail: str) -> None:
        self.rule_id = rule_id
        super().__init__("server vs spec", f"[{rule_id}] {detail}")


def run(rule_: Rule, probe: Probe) -> None:
    """Run one rule; any disagreement it finds comes out as Broken, naming the rule."""
    try:
        rule_.check(probe)
    except Broken:
        raise
    except AssertionError as exc:  # Disagreement included: the answer broke the schema or the envelope
        raise Broken(rule_.id, str(exc)) from exc


# --------------------------------------------------------------------------- bodies


def webservice(probe: Probe, **changes: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "sending_type": "webservice",
        "from_number": probe.sender,
        "message": probe.unique("بررسی قرارداد"),
        "params": {"recipients": [NOT_A_NUMBER]},
    }
    body.update(changes)
    return {k: v for k, v in body.items() if v is not None}


def pattern(probe: Probe, **changes: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "sending_type": "pattern",
        "from_number": probe.sender,
        "code": "contract-check",
        "recipients": [NOT_A_NUMBER],
        "params": {"code": "0000"},
    }
    body.update(changes)
    return {k: v for k, v in body.items() if v is not None}


def votp(probe: Probe, **changes: Any) -> dict[str, Any]:
    body: dict[str, Any] = {"sending_type": "votp", "message": "0000", "params": {"recipients": [NOT_A_NUMBER]}}
    body.update(changes)
    return {k: v for k, v in body.items() if v is not None}


def peer_to_peer(probe: Probe, *items: dict[str, Any], **changes: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "sending_type": "peer_to_peer",
        "from_number": probe.sender,
        "params": list(items) or [{"recipients": [NOT_A_NUMBER], "message": probe.unique("بررسی قرارداد")}],
    }
    body.update(changes)
    return {k: v for k, v in body.items() if v is not None}


def in_window(**delta: float) -> str:
    return format_send_time(datetime.now(UTC) + timedelta(**delta))


def refused(probe: Probe, body: dict[str, Any], *fields: str) -> dict[str, list[str]]:
    """The body is refused with 422 naming each of `fields` exactly (the malformed recipient beside them too)."""
    response = probe.post(body)
    payload = probe.answer(response)
    if response.status_code != 422:
        raise Disagreement("server vs spec", f"a body invalid at {list(fields)} was answered {response.status_code}")
    meta = payload["meta"]
    missing = [name for name in fields if name not in meta["errors"]]
    if missing:
        raise Disagreement("server vs spec", f"the refusal does not name {missing}: errors {meta['errors']}")
    if meta["message_code"] != texts.CODE_VALIDATION:
        raise Disagreement("server vs spec", f"a 422 with message_code {meta['message_code']!r}, not '400-2'")
    errors: dict[str, list[str]] = meta["errors"]
    return errors


# --------------------------------------------------------------------------- credentials


def _unauthenticated(probe: Probe, token: str | None, what: str) -> None:
    response = probe.post(webservice(probe), token=token)
    if response.status_code != 401:
        raise Disagreement("server vs spec", f"{what} was answered {response.status_code}, not 401")
    meta = probe.answer(response)["meta"]
    expected: tuple[str, dict[str, list[str]], str] = (texts.CODE_FAILURE, {}, texts.UNAUTHENTICATED)
    if (meta["message_code"], meta["errors"], meta["message"]) != expected:
        raise Disagreement("server vs spec", f"a 401 meta {meta}, not the provider's {expected}")


@rule("auth.missing", "a request without credentials is a 401 envelope (400-1, no field errors)", needs_token=False)
def _auth_missing(probe: Probe) -> None:
    _unauthenticated(probe, None, "no Authorization header")


@rule("auth.empty", "an empty credential is a 401 envelope", needs_token=False)
def _auth_empty(probe: Probe) -> None:
    _unauthenticated(probe, "", "an empty Authorization header")


@rule("auth.wrong", "a wrong token is a 401 envelope", needs_token=False)
def _auth_wrong(probe: Probe) -> None:
    _unauthenticated(probe, "wrong-" + secrets.token_hex(16), "a wrong token")


@rule("auth.bearer", "the raw token only: a `Bearer`-prefixed valid token is a 401")
def _auth_bearer(probe: Probe) -> None:
    _unauthenticated(probe, f"Bearer {probe.token}", "a Bearer-prefixed valid token")
    _unauthenticated(probe, f"bearer {probe.token}", "a bearer-prefixed valid token")


@rule("auth.malformed", "a credential that only contains the token is a 401")
def _auth_malformed(probe: Probe) -> None:
    _unauthenticated(probe, f"Token {probe.token}", "`Token <token>`")
    _unauthenticated(probe, f"{probe.token}x", "the token with a character added")


# --------------------------------------------------------------------------- validation, every sending type


@rule("validation.required", "each missing field of a webservice send is named, in the provider's words")
def _required(probe: Probe) -> None:
    errors = refused(probe, webservice(probe, message=None, from_number=None), "message", "from_number")
    if errors.get("message") != [texts.required("پیام")]:
        raise Disagreement("server vs spec", f"the provider's own 422 example differs: {errors.get('message')}")
    refused(probe, webservice(probe, params=None), "params")


@rule("validation.recipients", "each malformed recipient is named by its index; none at all is refused")
def _recipients(probe: Probe) -> None:
    refused(
        probe, webservice(probe, params={"recipients": [probe.recipients[0], "09121234567"]}), "params.recipients.1"
    )
    refused(probe, webservice(probe, params={"recipients": []}, message=" "), "params.recipients", "message")


@rule("validation.local-digits", "Persian or Arabic-Indic digits in a number are refused, for every type")
def _local_digits(probe: Probe) -> None:
    persian = probe.recipients[0].translate(str.maketrans("0123456789", "۰۱۲۳۴۵۶۷۸۹"))
    arabic = probe.recipients[0].translate(str.maketrans("0123456789", "٠١٢٣٤٥٦٧٨٩"))
    # The blank text beside it keeps the body undeliverable even for a server that took the digits.
    refused(probe, webservice(probe, message=" ", params={"recipients": [persian]}), "params.recipients.0", "message")
    refused(probe, webservice(probe, message=" ", params={"recipients": [arabic]}), "params.recipients.0", "message")
    refused(probe, pattern(probe, code=" ", recipients=[persian]), "recipients.0", "code")
    refused(probe, votp(probe, message="x", params={"recipients": [persian]}), "params.recipients.0", "message")
    blank_item = {"recipients": [persian], "message": " "}
    refused(probe, peer_to_peer(probe, blank_item), "params.0.recipients.0", "params.0.message")


@rule("validation.message", "a blank or over-long text is refused naming it (webservice and each peer_to_peer item)")
def _message(probe: Probe) -> None:
    refused(probe, webservice(probe, message=" \t\n"), "message")
    refused(probe, webservice(probe, message="پ" * 1401), "message")
    items = ({"recipients": [NOT_A_NUMBER], "message": "x"}, {"recipients": [NOT_A_NUMBER], "message": "   "})
    refused(probe, peer_to_peer(probe, *items), "params.1.message", "params.0.recipients.0")


@rule("validation.send-time", "send_time outside 5 minutes to 3 months ahead, or not a UTC date and time, is refused")
def _send_time(probe: Probe) -> None:
    for when in (in_window(minutes=-10), in_window(minutes=2), in_window(days=100), "2031-02-30 10:00:00"):
        refused(probe, webservice(probe, send_time=when), "send_time", "params.recipients.0")
    refused(probe, webservice(probe, send_time="2030-01-01T10:00:00Z"), "send_time")
    refused(probe, peer_to_peer(probe, send_time=in_window(minutes=-10)), "send_time", "params.0.recipients.0")


@rule("validation.extra-fields", "a field the sending type does not have is refused naming it")
def _extra(probe: Probe) -> None:
    refused(probe, webservice(probe, priority="high"), "priority")
    refused(probe, votp(probe, from_number=probe.sender), "from_number")
    refused(probe, votp(probe, send_time=in_window(days=1)), "send_time")


@rule("validation.sending-type", "a missing or unknown sending_type is refused naming sending_type")
def _sending_type(probe: Probe) -> None:
    refused(probe, webservice(probe, sending_type=None), "sending_type")
    refused(probe, webservice(probe, sending_type="fax"), "sending_type")


@rule("validation.pattern", "a pattern send takes one recipient, a code and string variables")
def _pattern(probe: Probe) -> None:
    refused(probe, pattern(probe, recipients=[NOT_A_NUMBER, NOT_A_NUMBER]), "recipients")
    refused(probe, pattern(probe, code="  "), "code", "recipients.0")
    refused(probe, pattern(probe, params={"code": 4821}), "params.code", "recipients.0")
    refused(probe, pattern(probe, params=None), "params")


@rule("validation.votp", "a voice code is 1 to 14 ASCII digits, to one recipient")
def _votp(probe: Probe) -> None:
    for code in ("12a4", "1" * 15, "۴۸۲۱", ""):
        refused(probe, votp(probe, message=code), "message", "params.recipients.0")
    refused(probe, votp(probe, params={"recipients": [NOT_A_NUMBER, NOT_A_NUMBER]}), "params.recipients")


@rule("validation.peer-to-peer", "a peer_to_peer send needs at least one item, each with recipients and a text")
def _peer_to_peer(probe: Probe) -> None:
    refused(probe, peer_to_peer(probe, params=[]), "params")
    refused(probe, peer_to_peer(probe, {"recipients": [], "message": " "}), "params.0.recipients", "params.0.message")


@rule("validation.summary", "a 422's meta.message is its first error followed by the count of the others")
def _summary(probe: Probe) -> None:
    response = probe.post(webservice(probe, message=None, from_number=None))
    meta = probe.answer(response)["meta"]
    if meta["message"] != summary(meta["errors"]) or "(و " not in meta["message"]:
        raise Disagreement("server vs spec", f"meta.message {meta['message']!r} does not sum up {meta['errors']}")


@rule(
    "pattern.unknown",
    "an unknown pattern code is a 404 with message_code 404-1 (a random code: no account has it, nothing is sent)",
)
def _unknown_pattern(probe: Probe) -> None:
    body = pattern(probe, code=f"no-such-pattern-{secrets.token_hex(6)}", recipients=[probe.recipients[0]])
    response = probe.post(body)
    payload = probe.answer(response)
    if response.status_code != 404 or payload["meta"]["message_code"] != texts.CODE_NOT_FOUND:
        raise Disagreement(
            "server vs spec", f"an unknown pattern was answered {response.status_code} {payload['meta']}"
        )


# --------------------------------------------------------------------------- HTTP


@rule("http.method", "another method on /api/send is a 405 with an Allow header naming POST", needs_token=False)
def _method(probe: Probe) -> None:
    for method in ("GET", "PUT", "DELETE"):
        response = probe.http.request(method, "/api/send")
        if response.status_code != 405:
            raise Disagreement("server vs HTTP", f"{method} /api/send was answered {response.status_code}, not 405")
        if "POST" not in response.headers.get("allow", ""):
            raise Disagreement("server vs HTTP", f"a 405 without an Allow header naming POST: {dict(response.headers)}")


def _raw_refused(probe: Probe, content: bytes, content_type: str, field: str, status: int) -> None:
    headers = {"Authorization": probe.token or "", "Content-Type": content_type}
    response = probe.http.post("/api/send", content=content, headers=headers)
    expect_refused_on(probe.answer(response), response.status_code, field, frozenset({status}))


@rule("mock.malformed", "a body that is not JSON is a 400 envelope naming the body", "local mock")
def _malformed(probe: Probe) -> None:
    _raw_refused(probe, b"{not json", "application/json", "body", 400)


@rule("mock.media-type", "a body that is not sent as JSON is a 415 envelope", "local mock")
def _media_type(probe: Probe) -> None:
    _raw_refused(probe, b"message=salam", "text/plain", "content_type", 415)


# --------------------------------------------------------------------------- sends


def accepted(probe: Probe, body: dict[str, Any], ids: int) -> list[int]:
    """The body is accepted: HTTP 200, the success envelope in the provider's words, `ids` distinct outbox ids."""
    response = probe.post(body)
    payload = probe.answer(response)
    if response.status_code != 200:
        raise Disagreement("server vs spec", f"a valid send was answered {response.status_code}: {payload['meta']}")
    meta = payload["meta"]
    if (meta["message_code"], meta["message"], meta["message_parameters"]) != (texts.CODE_SUCCESS, texts.DONE, []):
        raise Disagreement("server vs spec", f"a success meta {meta}, not the provider's 200-1 انجام شد")
    found: list[int] = payload["data"]["message_outbox_ids"]
    if len(found) != ids or len(set(found)) != ids:
        raise Disagreement("server vs spec", f"{found} as outbox ids, where the send makes {ids} message(s)")
    return found


def sendable(probe: Probe, kind: str) -> dict[str, Any]:
    """A deliverable body of each sending type, to the probe's own numbers, with a text unique to this run."""
    first, *others = probe.recipients
    if kind == "webservice":
        return webservice(probe, params={"recipients": list(probe.recipients)})
    if kind == "pattern":
        return pattern(probe, recipients=[first], params={"code": secrets.token_hex(3)})
    if kind == "votp":
        return votp(probe, message=str(secrets.randbelow(10**8)).zfill(8), params={"recipients": [first]})
    items = [{"recipients": [first], "message": probe.unique("اول")}]
    items.append({"recipients": others or [first], "message": probe.unique("دوم")})
    return peer_to_peer(probe, *items)


@rule(
    "send.one-id",
    "an accepted webservice, pattern or votp send gets one outbox id, whatever its recipients",
    "needs a send",
)
def _one_id(probe: Probe) -> None:
    for kind in ("webservice", "pattern", "votp"):
        accepted(probe, sendable(probe, kind), 1)


@rule("send.id-per-item", "an accepted peer_to_peer send gets one outbox id per item, in order", "needs a send")
def _id_per_item(probe: Probe) -> None:
    first, second = accepted(probe, sendable(probe, "peer_to_peer"), 2)
    if second <= first:
        raise Disagreement("server vs spec", f"outbox ids {first}, {second} are not in the order of the items")


@rule("send.scheduled", "a send_time inside the window is accepted", "needs a send")
def _scheduled(probe: Probe) -> None:
    accepted(probe, {**sendable(probe, "webservice"), "send_time": in_window(hours=2)}, 1)


@rule(
    "send.repeat",
    "the same text to the same recipient within 40 s is a 429 envelope naming it, per type",
    "needs a send",
)
def _repeat(probe: Probe) -> None:
    for kind, field_ in (
        ("webservice", "params.recipients.0"),
        ("votp", "params.recipients.0"),
        ("peer_to_peer", "params.0.recipients.0"),
    ):
        body = sendable(probe, kind)
        accepted(probe, body, 2 if kind == "peer_to_peer" else 1)
        response = probe.post(body)
        payload = probe.answer(response)
        if response.status_code != 429:
            raise Disagreement("server vs spec", f"a {kind} repeat within 40 s was answered {response.status_code}")
        meta = payload["meta"]
        if meta["message_code"] != texts.CODE_FAILURE or field_ not in meta["errors"]:
            raise Disagreement("server vs spec", f"a 429 meta {meta} does not name {field_!r} with 400-1")
