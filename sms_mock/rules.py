"""The provider's rules that the schema cannot say: the schedule window and assigned sender lines.

The third, the 40-second duplicate rule, needs the memory of recent sends and lives with the outbox.
"""

from __future__ import annotations

from collections.abc import Collection
from datetime import datetime
from typing import Any

from sms_client import parse_send_time, schedule_problem

from . import messages
from .validation import FieldErrors

_SCHEDULE_MESSAGES = {
    "past": messages.SEND_TIME_PAST,
    "too_soon": messages.SEND_TIME_TOO_SOON,
    "too_far": messages.SEND_TIME_TOO_FAR,
}


def _label(schema: dict[str, Any], name: str) -> str:
    return str(schema.get("properties", {}).get(name, {}).get("x-fa-label", name))


def business_errors(
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
            errors["send_time"] = [messages.SEND_TIME_INVALID_DATE.format(label=label)]
        else:
            problem = schedule_problem(when, now)
            if problem is not None:
                errors["send_time"] = [_SCHEDULE_MESSAGES[problem].format(label=label)]
    sender = body.get("from_number")
    if sender_lines is not None and isinstance(sender, str) and sender not in sender_lines:
        errors["from_number"] = [messages.SENDER_NOT_ASSIGNED.format(label=_label(schema, "from_number"))]
    return errors
