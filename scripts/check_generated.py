"""Fail when generated/ is not exactly what the spec and the generator config produce.

Run: `make check-generated` (or `.venv/bin/python scripts/check_generated.py`).
It regenerates into a temporary folder and compares whole trees byte for byte, naming every
file that differs, is missing or is extra; the fingerprint is compared first for a clearer message.
"""

from __future__ import annotations

import filecmp
import sys
import tempfile
from pathlib import Path

from generate import CONFIG, FINGERPRINT, GENERATED, PACKAGE, SPEC, GenerationError, fingerprint_text, run_generator

IGNORED = {"__pycache__", ".ruff_cache", ".mypy_cache"}


def _files(root: Path) -> set[str]:
    return {
        p.relative_to(root).as_posix()
        for p in root.rglob("*")
        if p.is_file() and not IGNORED.intersection(p.relative_to(root).parts)
    }


def tree_differences(expected: Path, actual: Path) -> list[str]:
    """Lines naming each file that differs between two trees (empty when they are identical)."""
    want, have = _files(expected), _files(actual)
    problems = [f"missing: {name}" for name in sorted(want - have)]
    problems += [f"not generated (extra): {name}" for name in sorted(have - want)]
    problems += [
        f"differs: {name}"
        for name in sorted(want & have)
        if not filecmp.cmp(expected / name, actual / name, shallow=False)
    ]
    return problems


def check(generated: Path = GENERATED, spec: Path = SPEC, config: Path = CONFIG) -> list[str]:
    """Everything that makes `generated` stale, as readable lines."""
    problems: list[str] = []
    fingerprint = generated / FINGERPRINT.name
    if not fingerprint.exists():
        problems.append(f"missing: {FINGERPRINT.name}")
    elif fingerprint.read_text(encoding="utf-8") != fingerprint_text(spec, config):
        problems.append(f"{FINGERPRINT.name} does not match the spec, config and tool versions it records")
    with tempfile.TemporaryDirectory() as tmp:
        fresh = Path(tmp) / PACKAGE
        run_generator(fresh, spec, config)
        problems += [f"{line.split(': ', 1)[0]}: {PACKAGE}/{line.split(': ', 1)[1]}"
                     for line in tree_differences(fresh, generated / PACKAGE)]  # fmt: skip
    return problems


def main() -> int:
    try:
        problems = check()
    except GenerationError as exc:
        print(exc, file=sys.stderr)
        return 2
    if problems:
        print("generated/ is stale: it is not what openapi/ produces. Run `make generate` and commit.", file=sys.stderr)
        for line in problems:
            print(f"  {line}", file=sys.stderr)
        return 1
    print("generated/ matches openapi/")
    return 0


if __name__ == "__main__":
    sys.exit(main())
