"""The spec change guard over the spec's own history: no breaking change since its previous version.

`make spec-guard BASE=<ref>` runs the same comparison against any ref; scripts/spec_guard.py says
what counts as breaking.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "scripts"))

import spec_guard  # noqa: E402

pytestmark = pytest.mark.local  # checks the local mock or the suite itself, not a configured server


def test_no_breaking_change_since_the_previous_version_of_the_spec() -> None:
    base = spec_guard.previous_spec_ref()
    if base is None:
        pytest.skip("no earlier version of the spec in this clone's git history")
    proc = subprocess.run(
        [sys.executable, "scripts/spec_guard.py", "--base", base], cwd=ROOT, capture_output=True, text=True
    )
    assert proc.returncode == 0, proc.stdout + proc.stderr
