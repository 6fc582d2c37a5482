"""How many SMS parts a text costs, and in which encoding (GSM-7 or UCS-2).

A text made only of GSM 03.38 characters travels as GSM-7: 160 septets in one SMS, 153 per part
once split (the rest of each part is the concatenation header); characters of the extension
table cost two septets and are never split across parts. Anything else (Persian, emoji) makes
the whole text UCS-2: 70 UTF-16 code units in one SMS, 67 per part, and a character outside the
Basic Multilingual Plane (most emoji) takes two units that stay in the same part.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Literal

# GSM 03.38 default alphabet (without the escape code) and its extension table.
_GSM_BASIC = frozenset(
    "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?"
    "¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà"
)
_GSM_EXTENSION = frozenset("\f^{}\\[~]|€")
_GSM = _GSM_BASIC | _GSM_EXTENSION

GSM7_SINGLE, GSM7_PART = 160, 153
UCS2_SINGLE, UCS2_PART = 70, 67

Encoding = Literal["GSM-7", "UCS-2"]


@dataclass(slots=True)
class SmsParts:
    """What a text costs: its encoding, the number of SMS parts, its characters and its units in that encoding."""

    encoding: Encoding
    parts: int
    characters: int
    units: int


def _pack(costs: list[int], per_part: int) -> int:
    """Parts needed for a sequence of indivisible costs (1 or 2 units each), filled greedily."""
    parts, used = 1, 0
    for cost in costs:
        if used + cost > per_part:
            parts, used = parts + 1, 0
        used += cost
    return parts


def sms_parts(text: str) -> SmsParts:
    """The encoding and part count the network will use for `text`."""
    if not text:
        return SmsParts("GSM-7", 0, 0, 0)
    # Whole-string operations first; the per-character packing only runs when a two-unit
    # character could straddle a part boundary.
    if _GSM.issuperset(text):
        doubles = sum(text.count(c) for c in _GSM_EXTENSION)
        units = len(text) + doubles
        if units <= GSM7_SINGLE:
            parts = 1
        elif not doubles:
            parts = math.ceil(units / GSM7_PART)
        else:
            parts = _pack([2 if c in _GSM_EXTENSION else 1 for c in text], GSM7_PART)
        return SmsParts("GSM-7", parts, len(text), units)
    units = len(text.encode("utf-16-le")) // 2
    if units <= UCS2_SINGLE:
        parts = 1
    elif units == len(text):
        parts = math.ceil(units / UCS2_PART)
    else:
        parts = _pack([2 if ord(c) > 0xFFFF else 1 for c in text], UCS2_PART)
    return SmsParts("UCS-2", parts, len(text), units)
