"""POST /api/send: each sending type's rules beyond the schema, the 40-second duplicate rule, then the store.

The body's `sending_type` picks its schema (sms_contract.validation validates that branch alone,
so errors name fields) and its semantics here: which messages a send makes (one for webservice,
pattern and votp; one per item for peer_to_peer), who they come from and what their text is. The
rules that need the clock or the account apply to all of them: the send_time window, the sender
lines assigned to the account, the registered patterns. Then the duplicate rule: the same text to
the same recipient (from the same sender line) again within the window is a 429, whatever the type.
The store checks it in the same atomic step that keeps the send (Store.add with a Claim), so it
holds across processes sharing a store; what counts as a duplicate is decided here.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any, NamedTuple

import orjson

from sms_contract import texts
from sms_contract.envelope import FieldErrors, error, field_error
from sms_contract.rules import parse_send_time, schedule_problem
from sms_contract.spec import Operation, SpecError
from sms_contract.validation import DiscriminatedValidator

from . import envelopes
from .feed import Feed
from .patterns import Patterns
from .pipeline import Answer, OperationHandler, Services, bad_request, unavailable
from .store import Claim, Entry, Held, StoreUnavailable

log = logging.getLogger("sms_mock")


class Message(NamedTuple):  # a named tuple: one is made per send, on the hot path
    """One message a send makes: one outbox entry, and what the duplicate rule compares."""

    sender: str  # "" for votp, which has no sender line
    text: str
    recipients: list[str]
    field: str  # where its recipients are in the body, for a 429 that names one
    rendered: str | None = None  # a registered pattern's text, filled in (kept with the entry)


# Makes a named tuple from a tuple of its fields without the Python-level __new__ its class has: the
# hot path makes a few per send, and that __new__ is a frame each.
_new = tuple.__new__


def _webservice(body: dict[str, Any], patterns: Patterns) -> list[Message]:
    recipients = body["params"]["recipients"]
    return [_new(Message, (body["from_number"], body["message"], recipients, "params.recipients", None))]


def _pattern(body: dict[str, Any], patterns: Patterns) -> list[Message]:
    pattern = patterns.get(body["code"])
    if pattern is not None:
        rendered = pattern.render(body["params"])
        return [Message(body["from_number"], rendered, body["recipients"], "recipients", rendered)]
    # No text to compare: the same code with the same variables is the same text.
    text = f"%pattern:{body['code']}%" + orjson.dumps(body["params"], option=orjson.OPT_SORT_KEYS).decode()
    return [Message(body["from_number"], text, body["recipients"], "recipients")]


def _votp(body: dict[str, Any], patterns: Patterns) -> list[Message]:
    return [Message("", f"%votp%{body['message']}", body["params"]["recipients"], "params.recipients")]


def _peer_to_peer(body: dict[str, Any], patterns: Patterns) -> list[Message]:
    sender = body["from_number"]
    return [
        Message(sender, item["message"], item["recipients"], f"params.{index}.recipients")
        for index, item in enumerate(body["params"])
    ]


MESSAGES: dict[str, Callable[[dict[str, Any], Patterns], list[Message]]] = {
    "webservice": _webservice,
    "pattern": _pattern,
    "votp": _votp,
    "peer_to_peer": _peer_to_peer,
}


def _label(schema: dict[str, Any], name: str) -> str:
    return str(schema.get("properties", {}).get(name, {}).get("x-fa-label", name))


def account_errors(
    body: dict[str, Any], schema: dict[str, Any], now: datetime, sender_lines: frozenset[str] | None
) -> FieldErrors:
    """Errors of a schema-valid body against the rules only the provider (and the mock) can check."""
    errors: FieldErrors = {}
    send_time = body.get("send_time")
    if isinstance(send_time, str):
        label = _label(schema, "send_time")
        try:
            when = parse_send_time(send_time)
        except ValueError:
            errors["send_time"] = [texts.SEND_TIME_INVALID_DATE.format(label=label)]
        else:
            problem = schedule_problem(when, now)
            if problem is not None:
                errors["send_time"] = [texts.SCHEDULE[problem].format(label=label)]
    sender = body.get("from_number")
    if sender_lines is not None and isinstance(sender, str) and sender not in sender_lines:
        errors["from_number"] = [texts.SENDER_NOT_ASSIGNED.format(label=_label(schema, "from_number"))]
    return errors


class SendHandler(OperationHandler):
    """POST /api/send: the branch of the body's type, the provider's rules, then the store."""

    operation_id = "send"

    def __init__(self, operation: Operation, services: Services) -> None:
        super().__init__(operation, services)
        if self.validator is None:
            raise SpecError(f"{operation.operation_id} needs a JSON request body schema")
        self.body_validator = self.validator
        self.patterns = Patterns(services.settings.patterns)
        kinds = set(self.validator.branches) if isinstance(self.validator, DiscriminatedValidator) else {"webservice"}
        unknown = kinds - set(MESSAGES)
        if unknown:
            raise SpecError(f"the spec has sending types the mock has no rules for: {', '.join(sorted(unknown))}")
        # A store that keeps a send without waiting (memory) lets a server answer it without a task.
        self._add_now: Callable[[list[Entry], Claim | None], list[int]] | None = getattr(
            services.store, "add_now", None
        )
        self.answers_at_once = self._add_now is not None

    async def accept(self, body: dict[str, Any] | None, raw: bytes) -> Answer:
        decided = self._decide(body, raw)
        if not isinstance(decided, _Keep):
            return decided
        try:
            ids = await self.services.store.add(decided.entries, decided.claim)
        except StoreUnavailable:
            # Nothing was kept: the answer says so, and when to come back (never a 200, never a 500).
            log.warning("the outbox store is unavailable; a send was answered 503", exc_info=True)
            raise unavailable(self.settings.faults.retry_after_seconds) from None
        except Held as held:
            return self._held(decided, held)
        return self._kept(ids)

    def accept_at_once(self, body: dict[str, Any], raw: bytes) -> Answer:
        decided = self._decide(body, raw)
        if not isinstance(decided, _Keep):
            return decided
        assert self._add_now is not None  # noqa: S101 - answers_at_once says so
        try:
            ids = self._add_now(decided.entries, decided.claim)
        except Held as held:
            return self._held(decided, held)
        return self._kept(ids)

    def _decide(self, body: dict[str, Any] | None, raw: bytes) -> Answer | _Keep:
        """The answer to a send the store need not see, or what to keep."""
        if body is None:
            raise bad_request(texts.NOT_AN_OBJECT)
        branch = self.body_validator.branch(body)
        if branch is None:
            return 422, field_error(self.body_validator.errors(body)), ()
        errors = {} if branch.is_valid(body) else branch.field_errors(body)
        now = self.services.clock()
        sender_lines = self.settings.sender_lines
        if "send_time" in body or sender_lines is not None:
            moment = datetime.fromtimestamp(now, UTC)
            for field, refusals in account_errors(body, branch.schema, moment, sender_lines).items():
                errors.setdefault(field, refusals)
        kind = body["sending_type"]
        if kind == "pattern" and self.patterns and not errors:
            pattern = self.patterns.get(body["code"])
            if pattern is None:
                return 404, error(texts.PATTERN_NOT_FOUND, texts.CODE_NOT_FOUND), ()
            errors = pattern.problems(body["params"])
        if errors:
            return 422, field_error(errors), ()
        messages = MESSAGES[kind](body, self.patterns)
        if len(messages) == 1:  # every type but peer_to_peer: no loop
            message = messages[0]
            claimed = [message[:3]]
            entries = [_new(Entry, (raw, 0, now, message.recipients, message.rendered))]
        else:
            claimed = [m[:3] for m in messages]
            entries = [_new(Entry, (raw, item, now, m.recipients, m.rendered)) for item, m in enumerate(messages)]
        window = self.settings.duplicate_window_seconds
        claim = _new(Claim, (claimed, window, now)) if window > 0 else None
        return _new(_Keep, (messages, entries, claim, window))

    @staticmethod
    def _held(decided: _Keep, held: Held) -> Answer:
        refusal = texts.DUPLICATE.format(seconds=texts.persian_number(round(decided.window)))
        return 429, error(refusal, texts.CODE_FAILURE, {_field_of(decided.messages, held.index): [refusal]}), ()

    def _kept(self, ids: list[int]) -> Answer:
        self.services.feed.publish(Feed.SENT)
        return 200, envelopes.success_bytes(ids), ()


class _Keep(NamedTuple):
    """A send that passed every rule: what the store is to keep, and what its answer needs."""

    messages: list[Message]
    entries: list[Entry]
    claim: Claim | None
    window: float


def _field_of(messages: list[Message], index: int) -> str:
    """Where the claim's identity at `index` is in the body: `params.1.recipients.0` and the like."""
    for message in messages:
        if index < len(message.recipients):
            return f"{message.field}.{index}"
        index -= len(message.recipients)
    raise IndexError(index)
