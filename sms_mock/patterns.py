"""The account's approved patterns, as the mock knows them: `--pattern CODE=TEXT` or a file of them.

A pattern's text marks its variables `%name%`, as the provider's panel writes them. With patterns
registered, a pattern send must name one of them (else 404 `404-1`) and give exactly its variables
(else 422 naming each one), and the outbox keeps the text as it was rendered. With none registered,
every code is accepted and the outbox keeps the code and the variables as they came.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from sms_contract import texts
from sms_contract.envelope import FieldErrors

VARIABLE = re.compile(r"%([^%\s]+)%")


@dataclass(frozen=True, slots=True)
class Pattern:
    code: str
    text: str
    variables: frozenset[str]

    def problems(self, params: Mapping[str, str]) -> FieldErrors:
        """A 422's errors for variables missing from `params` or not in the pattern, in the text's order."""
        errors: FieldErrors = {}
        for name in dict.fromkeys(VARIABLE.findall(self.text)):
            if name not in params:
                errors[f"params.{name}"] = [texts.PATTERN_VARIABLE_MISSING.format(name=name)]
        for name in params:
            if name not in self.variables:
                errors[f"params.{name}"] = [texts.PATTERN_VARIABLE_UNKNOWN.format(name=name)]
        return errors

    def render(self, params: Mapping[str, str]) -> str:
        return VARIABLE.sub(lambda found: params.get(found.group(1), found.group(0)), self.text)


class Patterns:
    """The registered patterns by code; empty means any code is accepted."""

    def __init__(self, by_code: Mapping[str, str] | None = None) -> None:
        self._by_code = {
            code: Pattern(code, text, frozenset(VARIABLE.findall(text))) for code, text in (by_code or {}).items()
        }

    def __bool__(self) -> bool:
        return bool(self._by_code)

    def __len__(self) -> int:
        return len(self._by_code)

    def get(self, code: str) -> Pattern | None:
        return self._by_code.get(code)


def parse_pattern_option(value: str) -> tuple[str, str]:
    """`CODE=TEXT` of `--pattern`; ValueError when there is no `=` or either side is empty."""
    code, sep, text = value.partition("=")
    if not sep or not code.strip() or not text.strip():
        raise ValueError(f"expected CODE=TEXT, such as 'login=کد ورود شما: %code%', not {value!r}")
    return code.strip(), text


def load_pattern_file(path: Path) -> dict[str, str]:
    """Patterns from a JSON file: an object of code to text. ValueError with the reason otherwise."""
    try:
        loaded = json.loads(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise ValueError(f"cannot read the pattern file {path}: {exc.strerror}") from None
    except json.JSONDecodeError as exc:
        raise ValueError(f"the pattern file {path} is not JSON: {exc}") from None
    if not isinstance(loaded, dict) or not all(
        isinstance(code, str) and code.strip() and isinstance(text, str) and text.strip()
        for code, text in loaded.items()
    ):
        raise ValueError(f"the pattern file {path} must be a JSON object of pattern code to text")
    return loaded
