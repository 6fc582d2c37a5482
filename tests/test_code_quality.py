"""`make lint` is part of the suite: ruff, mypy --strict, the import layering and both OpenAPI linters pass.

The Makefile is the one place that spells the lint commands; this test runs exactly that target.
"""

from __future__ import annotations

import subprocess
from pathlib import Path


def test_make_lint_passes(root: Path) -> None:
    proc = subprocess.run(["make", "--no-print-directory", "lint"], cwd=root, capture_output=True, text=True)
    assert proc.returncode == 0, proc.stdout[-6000:] + proc.stderr[-3000:]
