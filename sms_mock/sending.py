"""POST /api/send: the provider's rules beyond the schema, the 40-second duplicate rule, then the store.

The schema says what a body may look like (sms_contract.validation). The rules here need the clock
or the account: the send_time window, the sender lines assigned to the account, and the duplicate
rule (the same sender, recipient and text again within the window is a 429). The duplicate rule is
checked by the store in the same atomic step that keeps the send (Store.add with a Claim), so it
holds across processes sharing a store; what counts as a duplicate is decided here.
"""

from __future__ import annotations

from collections.abc import Collection
from datetime import UTC, datetime
from typing import Any

from sms_contract import texts
from sms_contract.envelope import FieldErrors, error, field_error
from sms_contract.rules import parse_send_time, schedule_problem
from sms_contract.spec import Operation, SpecError
from sms_contract.validation import RequestValidator

from . import envelopes
from .pipeline import Answer, OperationHandler, Services, bad_request
from .store import Claim, Entry, Held


def _label(schema: dict[str, Any], name: str) -> str:
    return str(schema.get("properties", {}).get(name, {}).get("x-fa-label", name))


def account_errors(
    body: dict[str, Any], schema: dict[str, Any], now: datetime, sender_lines: Collection[str] | None
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
    """POST /api/send: validation, the provider's rules, then the store (with the duplicate rule)."""

    operation_id = "send_webservice"

    def __init__(self, operation: Operation, services: Services) -> None:
        super().__init__(operation, services)
        if self.validator is None:
            raise SpecError(f"{operation.operation_id} needs a JSON request body schema")
        self.request_validator: RequestValidator = self.validator

    async def accept(self, body: dict[str, Any] | None, raw: bytes) -> Answer:
        if body is None:
            raise bad_request(texts.NOT_AN_OBJECT)
        validator = self.request_validator
        errors = {} if validator.is_valid(body) else validator.field_errors(body)
        now = self.services.clock()
        sender_lines = self.settings.sender_lines
        if "send_time" in body or sender_lines is not None:
            moment = datetime.fromtimestamp(now, UTC)
            for field, messages in account_errors(body, validator.schema, moment, sender_lines).items():
                errors.setdefault(field, messages)
        if errors:
            return 422, field_error(errors), ()
        sender, text, recipients = body["from_number"], body["message"], body["params"]["recipients"]
        window = self.settings.duplicate_window_seconds
        claim = Claim([(sender, number, text) for number in recipients], window, now) if window > 0 else None
        try:
            (outbox_id,) = await self.services.store.add([Entry(raw, 0, now, recipients)], claim)
        except Held as held:
            refusal = texts.DUPLICATE.format(seconds=texts.persian_number(round(window)))
            errors = {f"params.recipients.{held.index}": [refusal]}
            return 429, error(refusal, texts.CODE_FAILURE, errors), ()
        return 200, envelopes.success_bytes(outbox_id), ()
