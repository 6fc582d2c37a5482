"""The provider's rules of the core agree with the spec, and the schedule window and UTC layout are right."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

import pytest

from sms_contract.rules import (
    E164_PATTERN,
    MESSAGE_PATTERN,
    SEND_TIME_PATTERN,
    add_months,
    format_send_time,
    is_blank,
    is_e164,
    normalize_digits,
    schedule_problem,
)
from sms_contract.spec import Contract

TEHRAN = timezone(timedelta(hours=3, minutes=30))


def test_patterns_are_the_specs_own(contract: Contract) -> None:
    assert contract.schema("E164Number")["pattern"] == E164_PATTERN
    assert contract.schema("SendTime")["pattern"] == SEND_TIME_PATTERN
    message = contract.schema("WebserviceSendRequest")["properties"]["message"]
    assert message["maxLength"] == 1400
    assert message["pattern"] == MESSAGE_PATTERN


@pytest.mark.parametrize(
    ("number", "valid"),
    [
        ("+989120000000", True),
        ("+983000505", True),
        ("09120000000", False),
        ("+989120000000\n", False),
        ("+۹۸۹", False),
    ],
)
def test_is_e164(number: str, valid: bool) -> None:
    assert is_e164(number) is valid


def test_persian_and_arabic_digits_are_normalized() -> None:
    assert normalize_digits("+۹۸۹۱۲۰۰۰۰۰۰۰") == "+989120000000"
    assert normalize_digits("+٩٨٩١٢٠٠٠٠٠٠٠") == "+989120000000"
    assert normalize_digits("+98 912") == "+98 912"


def test_send_time_is_utc_in_the_providers_layout() -> None:
    assert format_send_time(datetime(2026, 3, 12, 19, 0, tzinfo=TEHRAN)) == "2026-03-12 15:30:00"
    assert format_send_time(datetime(2026, 3, 12, 21, 20, 2, 999_999, tzinfo=UTC)) == "2026-03-12 21:20:02"
    with pytest.raises(ValueError, match="timezone-aware"):
        format_send_time(datetime(2026, 3, 12, 19, 0))


@pytest.mark.parametrize(
    ("start", "months", "expected"),
    [
        (datetime(2026, 1, 31, 10, tzinfo=UTC), 1, datetime(2026, 2, 28, 10, tzinfo=UTC)),
        (datetime(2028, 1, 31, 10, tzinfo=UTC), 1, datetime(2028, 2, 29, 10, tzinfo=UTC)),
        (datetime(2026, 11, 30, 10, tzinfo=UTC), 3, datetime(2027, 2, 28, 10, tzinfo=UTC)),
        (datetime(2026, 12, 15, tzinfo=UTC), 3, datetime(2027, 3, 15, tzinfo=UTC)),
    ],
)
def test_add_months(start: datetime, months: int, expected: datetime) -> None:
    assert add_months(start, months) == expected


@pytest.mark.parametrize(
    ("offset", "problem"),
    [
        (timedelta(seconds=-1), "past"),
        (timedelta(0), "past"),
        (timedelta(minutes=4, seconds=59), "too_soon"),
        (timedelta(minutes=5), None),
        (timedelta(days=89), None),
        (timedelta(days=95), "too_far"),
    ],
)
def test_schedule_window(offset: timedelta, problem: str | None) -> None:
    now = datetime(2026, 11, 27, 12, tzinfo=UTC)
    assert schedule_problem(now + offset, now) == problem


def test_three_months_is_calendar_months() -> None:
    now = datetime(2026, 11, 30, 12, tzinfo=UTC)
    assert schedule_problem(datetime(2027, 2, 28, 12, tzinfo=UTC), now) is None
    assert schedule_problem(datetime(2027, 2, 28, 12, 0, 1, tzinfo=UTC), now) == "too_far"


@pytest.mark.parametrize(
    ("text", "blank"),
    [("", True), (" \t\r\n\v\f", True), ("\u00a0", False), ("\x1c", False), ("سلام", False), (" . ", False)],
)
def test_blank_means_ascii_white_space_only_in_every_regex_engine(contract: Contract, text: str, blank: bool) -> None:
    """Python's `\\S` and Rust's (jsonschema-rs) disagree on \\x1c and U+00A0; the spec's class does not."""
    import jsonschema_rs

    schema = contract.schema("WebserviceSendRequest")["properties"]["message"]
    assert is_blank(text) is blank
    assert jsonschema_rs.validator_for({"type": "string", "pattern": schema["pattern"]}).is_valid(text) is not blank
