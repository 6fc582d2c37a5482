"""The provider's rules that the schema cannot say: the schedule window, assigned sender lines, duplicates."""

from __future__ import annotations

from collections import deque
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


class DuplicateGuard:
    """Refuses the same sender, recipient and text again within `window` seconds, as the provider does (429).

    Keys expire in arrival order, so pruning is amortised O(1) per recorded recipient.
    """

    def __init__(self, window: float) -> None:
        self.window = window
        self._last_sent: dict[tuple[str, str, str], float] = {}
        self._expiry: deque[tuple[float, tuple[str, str, str]]] = deque()

    def _prune(self, now: float) -> None:
        horizon = now - self.window
        expiry, last_sent = self._expiry, self._last_sent
        while expiry and expiry[0][0] <= horizon:
            stamp, key = expiry.popleft()
            if last_sent.get(key) == stamp:
                del last_sent[key]

    def first_duplicate(self, sender: str, recipients: list[str], text: str, now: float) -> int | None:
        """The index of the first recipient that got this text from this sender within the window, if any."""
        if self.window <= 0:
            return None
        self._prune(now)
        last_sent = self._last_sent
        for index, number in enumerate(recipients):
            if (sender, number, text) in last_sent:
                return index
        return None

    def record(self, sender: str, recipients: list[str], text: str, now: float) -> None:
        if self.window <= 0:
            return
        for number in recipients:
            key = (sender, number, text)
            self._last_sent[key] = now
            self._expiry.append((now, key))

    def clear(self) -> None:
        self._last_sent.clear()
        self._expiry.clear()
