"""The provider's rules that can be checked without asking it: number format, text length, schedule window.

The patterns and limits mirror openapi/sms-api.yaml (a test keeps them equal); the scheduling window
(at least 5 minutes, at most 3 months ahead, UTC) is documented by the provider but cannot be
written in JSON Schema, so this module is where it lives, for the client and the mock alike.
"""

from __future__ import annotations

import calendar
import re
from datetime import UTC, datetime, timedelta
from typing import Literal

E164_PATTERN = r"^\+[1-9][0-9]{6,14}$"
SEND_TIME_PATTERN = r"^2[0-9]{3}-(0[1-9]|1[0-2])-(0[1-9]|[12][0-9]|3[01]) ([01][0-9]|2[0-3]):[0-5][0-9]:[0-5][0-9]$"
MESSAGE_PATTERN = r"[^ \t\n\v\f\r]"  # some character that is not ASCII white space
VOTP_CODE_PATTERN = r"^[0-9]{1,14}$"  # a voice code: digits only, fewer than 15
SEND_TIME_FORMAT = "%Y-%m-%d %H:%M:%S"
MAX_MESSAGE_CHARACTERS = 1400
MIN_LEAD = timedelta(minutes=5)
MAX_LEAD_MONTHS = 3

_E164 = re.compile(E164_PATTERN, re.ASCII)
_NOT_BLANK = re.compile(MESSAGE_PATTERN)
_VOTP_CODE = re.compile(VOTP_CODE_PATTERN, re.ASCII)
# Persian (U+06F0..) and Arabic-Indic (U+0660..) digits, as people type them into forms.
_LOCAL_DIGITS = str.maketrans("۰۱۲۳۴۵۶۷۸۹٠١٢٣٤٥٦٧٨٩", "01234567890123456789")

ScheduleProblem = Literal["past", "too_soon", "too_far"]


def is_e164(number: str) -> bool:
    # fullmatch: `$` alone would accept a trailing newline.
    return _E164.fullmatch(number) is not None


def is_votp_code(code: str) -> bool:
    """Digits only (ASCII), 1 to 14 of them: what a voice code may be."""
    return _VOTP_CODE.fullmatch(code) is not None


def is_blank(text: str) -> bool:
    """True when the text is only ASCII white space, which the provider trims away (and so does the spec)."""
    return _NOT_BLANK.search(text) is None


def normalize_digits(number: str) -> str:
    """Persian and Arabic-Indic digits to ASCII; everything else unchanged."""
    return number.translate(_LOCAL_DIGITS)


def add_months(moment: datetime, months: int) -> datetime:
    """The same wall-clock time `months` calendar months later, on the month's last day if the day is missing."""
    month_index = moment.month - 1 + months
    year, month = moment.year + month_index // 12, month_index % 12 + 1
    return moment.replace(year=year, month=month, day=min(moment.day, calendar.monthrange(year, month)[1]))


def schedule_problem(when: datetime, now: datetime) -> ScheduleProblem | None:
    """Why `when` is outside the provider's window relative to `now` (both aware), or None if it is inside."""
    if when <= now:
        return "past"
    if when - now < MIN_LEAD:
        return "too_soon"
    if when > add_months(now, MAX_LEAD_MONTHS):
        return "too_far"
    return None


def format_send_time(when: datetime) -> str:
    """An aware datetime as the provider's UTC `YYYY-MM-DD HH:MM:SS` (seconds truncated, not rounded)."""
    if when.tzinfo is None or when.utcoffset() is None:
        raise ValueError("send_at must be timezone-aware: a naive datetime would be guessed as UTC or local time")
    return when.astimezone(UTC).strftime(SEND_TIME_FORMAT)


def parse_send_time(value: str) -> datetime:
    """The provider's `YYYY-MM-DD HH:MM:SS` as an aware UTC datetime; ValueError for a layout or calendar error."""
    return datetime.strptime(value, SEND_TIME_FORMAT).replace(tzinfo=UTC)
