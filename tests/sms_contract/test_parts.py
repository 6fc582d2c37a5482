"""SMS part counting: GSM-7 and UCS-2 limits, extension characters, emoji that must not straddle parts."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from sms_contract.parts import sms_parts


@pytest.mark.parametrize(
    ("text", "encoding", "parts", "units"),
    [
        ("", "GSM-7", 0, 0),
        ("a" * 160, "GSM-7", 1, 160),
        ("a" * 161, "GSM-7", 2, 161),
        ("a" * 306, "GSM-7", 2, 306),
        ("a" * 307, "GSM-7", 3, 307),
        ("€" * 80, "GSM-7", 1, 160),  # extension characters cost two septets
        ("€" * 81, "GSM-7", 2, 162),
        ("a" * 152 + "€" + "a" * 10, "GSM-7", 2, 164),  # the escape pair moves whole to the next part
        ("ب" * 70, "UCS-2", 1, 70),
        ("ب" * 71, "UCS-2", 2, 71),
        ("ب" * 134, "UCS-2", 2, 134),
        ("ب" * 135, "UCS-2", 3, 135),
        ("😀" * 35, "UCS-2", 1, 70),  # an emoji is two UTF-16 units
        ("ب" * 66 + "😀" + "ب" * 10, "UCS-2", 2, 78),
        ("Hello سلام", "UCS-2", 1, 10),  # one Persian letter makes the whole text UCS-2
        ("Ça coûte 5€", "UCS-2", 1, 11),  # û is not in the GSM alphabet
        ("Ça va? 5€ {ok}", "GSM-7", 1, 17),
    ],
)
def test_parts(text: str, encoding: str, parts: int, units: int) -> None:
    counted = sms_parts(text)
    assert (counted.encoding, counted.parts, counted.units, counted.characters) == (encoding, parts, units, len(text))


def test_a_persian_otp_is_one_part() -> None:
    assert sms_parts("کد تأیید شما: ۴۸۲۱ — این کد را به کسی ندهید.").parts == 1


@given(st.text(max_size=800))
def test_parts_hold_the_text(text: str) -> None:
    counted = sms_parts(text)
    single, per_part = (160, 153) if counted.encoding == "GSM-7" else (70, 67)
    if not text:
        assert counted.parts == 0
    elif counted.units <= single:
        assert counted.parts == 1
    else:
        # Enough room, and not more than one wasted unit per part boundary.
        assert counted.parts * per_part >= counted.units
        assert (counted.parts - 1) * (per_part - 1) < counted.units
