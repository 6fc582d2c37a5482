"""ruff and mypy are part of the suite: lint and format on hand-written code, strict types everywhere."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

BIN = Path(sys.executable).parent


def _run(root: Path, *cmd: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(cmd, cwd=root, capture_output=True, text=True, check=False)


def test_ruff_lint(root: Path) -> None:
    proc = _run(root, str(BIN / "ruff"), "check", "--no-cache", ".")
    assert proc.returncode == 0, proc.stdout + proc.stderr


def test_ruff_format(root: Path) -> None:
    proc = _run(root, str(BIN / "ruff"), "format", "--no-cache", "--check", ".")
    assert proc.returncode == 0, proc.stdout + proc.stderr


def test_mypy_strict(root: Path) -> None:
    proc = _run(root, str(BIN / "mypy"))
    assert proc.returncode == 0, proc.stdout + proc.stderr
