"""The drift check passes on the committed tree and names the files once the spec moves without them."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "scripts"))

import check_generated  # noqa: E402
import generate  # noqa: E402


def test_generated_matches_the_spec() -> None:
    assert check_generated.check() == []


def test_check_generated_command_exits_zero(root: Path) -> None:
    proc = subprocess.run([sys.executable, "scripts/check_generated.py"], cwd=root, capture_output=True, text=True)
    assert proc.returncode == 0, proc.stderr


def test_a_spec_change_without_regeneration_is_caught(tmp_path: Path) -> None:
    spec = tmp_path / "sms-api.yaml"
    text = generate.SPEC.read_text(encoding="utf-8")
    edited = text.replace(
        "        send_time:\n          $ref: '#/components/schemas/SendTime'\n",
        "        send_time:\n          $ref: '#/components/schemas/SendTime'\n"
        "        tag:\n          type: string\n          description: A label of the caller's own.\n",
    )
    assert edited != text
    spec.write_text(edited, encoding="utf-8")
    problems = check_generated.check(spec=spec)
    assert "SPEC_FINGERPRINT does not match the spec, config and tool versions it records" in problems
    assert "differs: sms_api/models/webservice_send_request.py" in problems


def test_tree_differences_names_missing_extra_and_changed_files(tmp_path: Path) -> None:
    expected, actual = tmp_path / "a", tmp_path / "b"
    for tree in (expected, actual):
        (tree / "pkg").mkdir(parents=True)
        (tree / "pkg" / "same.py").write_text("x = 1\n")
    (expected / "pkg" / "gone.py").write_text("")
    (actual / "pkg" / "hand_written.py").write_text("")
    (expected / "pkg" / "changed.py").write_text("a\n")
    (actual / "pkg" / "changed.py").write_text("b\n")
    (actual / "pkg" / "__pycache__").mkdir()
    (actual / "pkg" / "__pycache__" / "x.pyc").write_bytes(b"")
    assert check_generated.tree_differences(expected, actual) == [
        "missing: pkg/gone.py",
        "not generated (extra): pkg/hand_written.py",
        "differs: pkg/changed.py",
    ]


def test_a_generator_warning_fails_generation(tmp_path: Path) -> None:
    spec = tmp_path / "sms-api.yaml"
    # allOf overriding a boolean with a const is a known generator failure that it reports only as a warning.
    spec.write_text(
        generate.SPEC.read_text(encoding="utf-8").replace(
            "    ErrorEnvelope:\n      type: object\n",
            "    Broken:\n      allOf:\n        - $ref: '#/components/schemas/SuccessMeta'\n"
            "        - properties:\n            status:\n              const: false\n"
            "    ErrorEnvelope:\n      type: object\n",
        ).replace(
            "          $ref: '#/components/responses/ServerError'\n",
            "          description: broken\n          content:\n            application/json:\n"
            "              schema:\n                $ref: '#/components/schemas/Broken'\n",
        ),
        encoding="utf-8",
    )
    with pytest.raises(generate.GenerationError):
        generate.run_generator(tmp_path / "out", spec=spec)
