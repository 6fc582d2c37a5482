"""The client people import for the Edge SMS API, on top of the generated package `sms_api`."""

from ._rules import (
    E164_PATTERN,
    MAX_MESSAGE_CHARACTERS,
    SEND_TIME_PATTERN,
    format_send_time,
    is_e164,
    normalize_digits,
    parse_send_time,
    schedule_problem,
)
from ._segments import SmsParts, sms_parts

__all__ = [
    "E164_PATTERN",
    "MAX_MESSAGE_CHARACTERS",
    "SEND_TIME_PATTERN",
    "SmsParts",
    "format_send_time",
    "is_e164",
    "normalize_digits",
    "parse_send_time",
    "schedule_problem",
    "sms_parts",
]
