"""The suite catches what it is for: each deviation of a test double (deviations.py) breaks the rule it targets.

Default mode runs every rule against the double; safe mode only the rules an undeliverable request
reveals. A deviation whose rule needs a send must be caught in default mode and is, by design, out
of reach in safe mode. The kill table in contract_tests/README.md is `python -m contract_tests.deviations`.
"""

from __future__ import annotations

import pytest

from .deviations import DEVIATIONS, Deviation, caught_by
from .rules import RULES

pytestmark = pytest.mark.local


@pytest.mark.parametrize("deviation", DEVIATIONS, ids=[d.name for d in DEVIATIONS])
def test_each_deviation_fails_the_rule_it_breaks(deviation: Deviation) -> None:
    assert deviation.breaks in caught_by(deviation, safe_only=False)


@pytest.mark.parametrize(
    "deviation",
    [d for d in DEVIATIONS if RULES[d.breaks].kind == "safe"],
    ids=[d.name for d in DEVIATIONS if RULES[d.breaks].kind == "safe"],
)
def test_safe_mode_catches_every_deviation_an_undeliverable_request_reveals(deviation: Deviation) -> None:
    assert deviation.breaks in caught_by(deviation, safe_only=True)


def test_the_faithful_double_breaks_no_rule() -> None:
    """The double itself (no deviation) keeps every rule: a failure above is the deviation's doing."""
    assert caught_by(Deviation("none", "auth.missing"), safe_only=False) == []
