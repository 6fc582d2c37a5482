"""A test double with switchable deviations: the local mock made to break one rule of the contract at a time.

Each deviation is something a real server could plausibly get wrong. The double is the mock with
its own self-check off, behind a thin ASGI layer that rewrites the request it sees or the answer it
gives. `contract_tests/test_sensitivity.py` shows that the suite's rules (rules.py) catch each one,
and `python -m contract_tests.deviations` prints the kill table of contract_tests/README.md.
"""

from __future__ import annotations

import json
import logging
import sys
from collections.abc import Callable, MutableMapping
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx

from sms_contract.rules import format_send_time, normalize_digits
from sms_mock import DEVELOPMENT_TOKEN, MockSettings, create_app
from sms_mock.testing import InProcessTransport

from .rules import RULES, Broken, Probe, run

Json = Any
Headers = dict[str, str]
Message = MutableMapping[str, Any]
KNOWN_FIELDS = {
    "webservice": {"sending_type", "from_number", "message", "params", "send_time"},
    "pattern": {"sending_type", "from_number", "code", "recipients", "params", "phonebook"},
    "votp": {"sending_type", "message", "params"},
    "peer_to_peer": {"sending_type", "from_number", "params", "send_time"},
}
PATTERNS = {"contract-check": "کد بررسی قرارداد: %code%"}


@dataclass(frozen=True)
class Answer:
    status: int
    headers: Headers
    body: bytes

    def json(self) -> Json:
        return json.loads(self.body)

    def with_json(self, payload: Json) -> Answer:
        return Answer(self.status, self.headers, json.dumps(payload, ensure_ascii=False).encode())


RequestEdit = Callable[[Headers, Json], tuple[Headers, Json]]
AnswerEdit = Callable[[Json, Answer], Answer]


@dataclass(frozen=True)
class Deviation:
    name: str
    breaks: str  # the rule it breaks (an id of rules.RULES)
    settings: dict[str, Any] = field(default_factory=dict)
    request: RequestEdit | None = None
    answer: AnswerEdit | None = None


def _kind(body: Json) -> str | None:
    return body.get("sending_type") if isinstance(body, dict) else None


def _meta(edit: Callable[[dict[str, Any]], None]) -> Callable[[Answer], Answer]:
    def apply(answer: Answer) -> Answer:
        payload = answer.json()
        edit(payload["meta"])
        return answer.with_json(payload)

    return apply


def _when(status: int, change: Callable[[Answer], Answer], kinds: set[str] | None = None) -> AnswerEdit:
    def edit(body: Json, answer: Answer) -> Answer:
        if answer.status == status and (kinds is None or _kind(body) in kinds):
            return change(answer)
        return answer

    return edit


def _digits(value: Json) -> Json:
    if isinstance(value, str):
        return normalize_digits(value)
    if isinstance(value, list):
        return [_digits(item) for item in value]
    if isinstance(value, dict):
        return {
            key: _digits(item) if key in ("recipients", "from_number", "params") else item
            for key, item in value.items()
        }
    return value


def _bearer_stripped(headers: Headers, body: Json) -> tuple[Headers, Json]:
    token = headers.get("authorization", "")
    if token[:7].lower() == "bearer ":
        headers["authorization"] = token[7:]
    return headers, body


def _any_token(headers: Headers, body: Json) -> tuple[Headers, Json]:
    if headers.get("authorization"):
        headers["authorization"] = DEVELOPMENT_TOKEN
    return headers, body


def _window_ignored(headers: Headers, body: Json) -> tuple[Headers, Json]:
    if isinstance(body, dict) and isinstance(body.get("send_time"), str):
        body["send_time"] = format_send_time(datetime.now(UTC) + timedelta(days=1))
    return headers, body


def _letters_taken(headers: Headers, body: Json) -> tuple[Headers, Json]:
    if _kind(body) == "votp" and isinstance(body.get("message"), str):
        body["message"] = (
            "".join(c for c in normalize_digits(body["message"]) if c.isascii() and c.isdigit())[:14] or "0"
        )
    return headers, body


def _first_recipient_only(headers: Headers, body: Json) -> tuple[Headers, Json]:
    if _kind(body) == "pattern" and isinstance(body.get("recipients"), list):
        body["recipients"] = body["recipients"][:1]
    return headers, body


def _unknown_fields_dropped(headers: Headers, body: Json) -> tuple[Headers, Json]:
    known = KNOWN_FIELDS.get(str(_kind(body)))
    if known is not None:
        body = {key: value for key, value in body.items() if key in known}
    return headers, body


def _unknown_type_as_webservice(headers: Headers, body: Json) -> tuple[Headers, Json]:
    if isinstance(body, dict) and body.get("sending_type") not in KNOWN_FIELDS:
        body["sending_type"] = "webservice"
    return headers, body


def _empty_items_filled(headers: Headers, body: Json) -> tuple[Headers, Json]:
    if _kind(body) == "peer_to_peer" and body.get("params") == []:
        body["params"] = [{"recipients": ["+989120000000"], "message": "پر شده"}]
    return headers, body


def _id_per_recipient(body: Json, answer: Answer) -> Answer:
    if answer.status != 200 or _kind(body) != "webservice":
        return answer
    payload = answer.json()
    first = payload["data"]["message_outbox_ids"][0]
    payload["data"]["message_outbox_ids"] = [first + i for i in range(len(body["params"]["recipients"]))]
    return answer.with_json(payload)


def _one_id_for_all(answer: Answer) -> Answer:
    payload = answer.json()
    payload["data"]["message_outbox_ids"] = payload["data"]["message_outbox_ids"][:1]
    return answer.with_json(payload)


def _plain(text: bytes) -> Callable[[Answer], Answer]:
    return lambda answer: Answer(answer.status, {**answer.headers, "content-type": "text/plain"}, text)


def _errors_renamed(meta: dict[str, Any]) -> None:
    meta["errors"] = {key.replace(".", "][").replace("][", "[", 1) + "]": v for key, v in meta["errors"].items()}


def _first_error_only(meta: dict[str, Any]) -> None:
    meta["message"] = next(iter(meta["errors"].values()))[0]


def _not_found_as_422(answer: Answer) -> Answer:
    payload = answer.json()
    payload["meta"].update(message_code="400-2", errors={"code": [payload["meta"]["message"]]})
    return Answer(422, answer.headers, json.dumps(payload, ensure_ascii=False).encode())


def _html_errors(body: Json, answer: Answer) -> Answer:
    if answer.status >= 400:
        return Answer(answer.status, {**answer.headers, "content-type": "text/html; charset=utf-8"}, answer.body)
    return answer


def _no_allow(body: Json, answer: Answer) -> Answer:
    headers = {k: v for k, v in answer.headers.items() if k != "allow"}
    return Answer(answer.status, headers, answer.body) if answer.status == 405 else answer


def _set_meta(**values: Any) -> Callable[[dict[str, Any]], None]:
    return lambda meta: meta.update(values)


DEVIATIONS: list[Deviation] = [
    Deviation("accepts a Bearer-prefixed token", "auth.bearer", request=_bearer_stripped),
    Deviation("accepts any token it is given", "auth.wrong", request=_any_token),
    Deviation("answers 401 in plain text", "auth.missing", answer=_when(401, _plain(b"Unauthorized"))),
    Deviation("one outbox id per recipient, not per send", "send.one-id", answer=_id_per_recipient),
    Deviation(
        "one outbox id for a whole peer_to_peer send",
        "send.id-per-item",
        answer=_when(200, _one_id_for_all, {"peer_to_peer"}),
    ),
    Deviation("no 40-second duplicate rule", "send.repeat", settings={"duplicate_window_seconds": 0.0}),
    Deviation("a repeat's 429 without the envelope", "send.repeat", answer=_when(429, _plain(b""))),
    Deviation(
        "accepts Persian and Arabic-Indic digits in numbers",
        "validation.local-digits",
        request=lambda h, b: (h, _digits(b)),
    ),
    Deviation("ignores the send_time window", "validation.send-time", request=_window_ignored),
    Deviation(
        "success with another message_code", "send.one-id", answer=_when(200, _meta(_set_meta(message_code="201-1")))
    ),
    Deviation("HTTP 200 with meta.status false", "send.one-id", answer=_when(200, _meta(_set_meta(status=False)))),
    Deviation(
        "a 422 with message_code 400-1",
        "validation.required",
        answer=_when(422, _meta(_set_meta(message_code="400-1"))),
    ),
    Deviation(
        "a 422 message without the count of the others",
        "validation.summary",
        answer=_when(422, _meta(_first_error_only)),
    ),
    Deviation(
        "422 field names in bracket notation", "validation.recipients", answer=_when(422, _meta(_errors_renamed))
    ),
    Deviation("accepts letters in a voice code", "validation.votp", request=_letters_taken),
    Deviation("accepts a pattern send to two recipients", "validation.pattern", request=_first_recipient_only),
    Deviation("an unknown pattern answered 422, not 404", "pattern.unknown", answer=_when(404, _not_found_as_422)),
    Deviation("ignores fields it does not know", "validation.extra-fields", request=_unknown_fields_dropped),
    Deviation(
        "takes an unknown sending_type for webservice", "validation.sending-type", request=_unknown_type_as_webservice
    ),
    Deviation("accepts a peer_to_peer send without items", "validation.peer-to-peer", request=_empty_items_filled),
    Deviation("errors answered as text/html", "validation.required", answer=_html_errors),
    Deviation("a 405 without an Allow header", "http.method", answer=_no_allow),
]


class DeviantApp:
    """The mock (self-check off) with one deviation applied to what it reads and what it answers."""

    def __init__(self, deviation: Deviation) -> None:
        settings = MockSettings(patterns=PATTERNS, **deviation.settings)
        self.inner, self.deviation = create_app(settings), deviation

    async def __call__(self, scope: Message, receive: Callable[[], Any], send: Callable[[Message], Any]) -> None:
        if scope["type"] != "http":
            await self.inner(scope, receive, send)
            return
        raw, more = b"", True
        while more:
            message = await receive()
            raw += message.get("body", b"")
            more = message.get("more_body", False)
        headers = {k.decode("latin-1").lower(): v.decode("latin-1") for k, v in scope["headers"]}
        try:
            body: Json = json.loads(raw) if raw else None
        except ValueError:
            body = None
        if self.deviation.request is not None and body is not None:
            headers, body = self.deviation.request(headers, body)
            raw = json.dumps(body, ensure_ascii=False).encode()
            headers["content-length"] = str(len(raw))
        scope = {**scope, "headers": [(k.encode("latin-1"), v.encode("latin-1")) for k, v in headers.items()]}
        sent: list[Message] = []

        async def inner_receive() -> Message:
            return {"type": "http.request", "body": raw, "more_body": False}

        async def capture(message: Message) -> None:
            sent.append(message)

        await self.inner(scope, inner_receive, capture)
        start = sent[0]
        answer = Answer(
            start["status"],
            {k.decode("latin-1"): v.decode("latin-1") for k, v in start.get("headers", [])},
            b"".join(m.get("body", b"") for m in sent[1:]),
        )
        if self.deviation.answer is not None:
            answer = self.deviation.answer(body, answer)
        out = {**answer.headers, "content-length": str(len(answer.body))}
        await send(
            {
                "type": "http.response.start",
                "status": answer.status,
                "headers": [(k.encode("latin-1"), v.encode("latin-1")) for k, v in out.items()],
            }
        )
        await send({"type": "http.response.body", "body": answer.body})


def caught_by(deviation: Deviation, *, safe_only: bool) -> list[str]:
    """The rules that fail against the double with this deviation (only the safe ones with `safe_only`)."""
    app = DeviantApp(deviation)
    failed = []
    with httpx.Client(transport=InProcessTransport(app), base_url="http://double") as http:
        probe = Probe(http, app.inner.contract, DEVELOPMENT_TOKEN)
        for rule in RULES.values():
            if safe_only and rule.kind != "safe":
                continue
            try:
                run(rule, probe)
            except Broken:
                failed.append(rule.id)
    return failed


def _cell(rule_id: str, failed: list[str]) -> str:
    if rule_id not in failed:
        return "MISSED" + (f" (other rules failed: {', '.join(failed)})" if failed else "")
    others = len(failed) - 1
    return "caught" + (f" (and {others} other rule{'s' if others > 1 else ''})" if others else "")


def kill_table() -> str:
    """Each deviation against the suite's rules in default mode (all) and safe mode (no send)."""
    lines = [
        "| deviation | rule it breaks | default mode | safe mode |",
        "| --- | --- | --- | --- |",
    ]
    for deviation in DEVIATIONS:
        default = _cell(deviation.breaks, caught_by(deviation, safe_only=False))
        if RULES[deviation.breaks].kind == "safe":
            safe = _cell(deviation.breaks, caught_by(deviation, safe_only=True))
        else:
            safe = "needs a send"
        lines.append(f"| {deviation.name} | `{deviation.breaks}` | {default} | {safe} |")
    return "\n".join(lines)


if __name__ == "__main__":
    logging.getLogger("sms_mock").setLevel(logging.ERROR)  # the double's Bearer warnings are expected here
    sys.stdout.write(kill_table() + "\n")
