"""Registering patterns: `--pattern CODE=TEXT`, a JSON file (`--patterns`, SMS_MOCK_PATTERNS), and what is refused."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from sms_mock.__main__ import parser, settings_from_args
from sms_mock.patterns import Pattern, Patterns, load_pattern_file, parse_pattern_option
from sms_mock.settings import settings_from_env


def test_a_pattern_option_is_code_equals_text() -> None:
    assert parse_pattern_option("login=%name% عزیز، کد شما: %code%") == ("login", "%name% عزیز، کد شما: %code%")
    assert parse_pattern_option(" otp = کد: %code%=ok") == ("otp", " کد: %code%=ok")


@pytest.mark.parametrize("value", ["login", "=text", "login=", "  =  "])
def test_a_malformed_pattern_option_says_what_is_expected(value: str) -> None:
    with pytest.raises(ValueError, match="CODE=TEXT"):
        parse_pattern_option(value)


def test_patterns_come_from_a_file_and_the_command_line(tmp_path: Path) -> None:
    file = tmp_path / "patterns.json"
    file.write_text(json.dumps({"login": "کد: %code%", "welcome": "خوش آمدید"}, ensure_ascii=False), "utf-8")
    args = parser().parse_args(["--patterns", str(file), "--pattern", "login=Your code: %code%"])
    assert settings_from_args(args).patterns == {"login": "Your code: %code%", "welcome": "خوش آمدید"}
    assert settings_from_env({"SMS_MOCK_PATTERNS": str(file)}).patterns["welcome"] == "خوش آمدید"


@pytest.mark.parametrize(
    ("content", "reason"),
    [("{not json", "is not JSON"), ('["a", "b"]', "must be a JSON object"), ('{"x": 5}', "must be a JSON object")],
)
def test_a_bad_pattern_file_is_refused_with_the_reason(tmp_path: Path, content: str, reason: str) -> None:
    file = tmp_path / "patterns.json"
    file.write_text(content, "utf-8")
    with pytest.raises(ValueError, match=reason):
        load_pattern_file(file)
    with pytest.raises(ValueError, match="cannot read"):
        load_pattern_file(tmp_path / "absent.json")


def test_a_pattern_renders_its_variables_and_names_what_does_not_fit() -> None:
    pattern = Patterns({"p": "%name% عزیز، کد %code% — 50% off"}).get("p")
    assert isinstance(pattern, Pattern)
    assert pattern.variables == frozenset({"name", "code"})
    assert pattern.render({"name": "سارا", "code": "۱۲۳۴"}) == "سارا عزیز، کد ۱۲۳۴ — 50% off"
    assert pattern.problems({"name": "x", "extra": "y"}) == {
        "params.code": ["تکمیل گزینه متغیر code الزامی است"],
        "params.extra": ["متغیر extra در الگو تعریف نشده است"],
    }
    assert len(Patterns({"a": "x", "b": "y"})) == 2
    assert not Patterns()
