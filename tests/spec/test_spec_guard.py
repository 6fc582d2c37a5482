"""The spec change guard: it finds what would break existing clients, and the spec's history has none."""

from __future__ import annotations

import copy
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from sms_contract.spec import Contract

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "scripts"))

import spec_guard

Mutation = Callable[[dict[str, Any]], object]


def _schemas(doc: dict[str, Any]) -> dict[str, Any]:
    schemas: dict[str, Any] = doc["components"]["schemas"]
    return schemas


def _message(doc: dict[str, Any]) -> dict[str, Any]:
    message: dict[str, Any] = _schemas(doc)["WebserviceSendRequest"]["properties"]["message"]
    return message


BREAKING: dict[str, tuple[Mutation, str]] = {
    "shorter message": (lambda d: _message(d).__setitem__("maxLength", 500), "maxLength 1400 -> 500"),
    "new required field": (
        lambda d: (
            _schemas(d)["WebserviceSendRequest"]["properties"].__setitem__("tag", {"type": "string"}),
            _schemas(d)["WebserviceSendRequest"]["required"].append("tag"),
        ),
        "field added",
    ),
    "removed request field": (
        lambda d: _schemas(d)["WebserviceSendRequest"]["properties"].pop("send_time"),
        "field removed",
    ),
    "tighter pattern": (lambda d: _schemas(d)["E164Number"].__setitem__("pattern", r"^\+98[0-9]{10}$"), "pattern"),
    "removed response": (lambda d: d["paths"]["/api/send"]["post"]["responses"].pop("429"), "response removed"),
    "removed response field": (
        lambda d: _schemas(d)["SendResult"]["properties"].pop("message_outbox_ids"),
        "field removed",
    ),
    "optional response field": (
        lambda d: _schemas(d)["SuccessMeta"]["required"].remove("message_code"),
        "no longer always",
    ),
    "removed operation": (lambda d: d["paths"].pop("/api/send"), "operation removed"),
    "renamed operation": (
        lambda d: d["paths"]["/api/send"]["post"].__setitem__("operationId", "send_sms"),
        "the generated function is renamed",
    ),
    "removed sending type": (
        lambda d: _schemas(d)["SendRequest"]["oneOf"].pop(),
        "variant removed",
    ),
    "more recipients needed": (
        lambda d: _schemas(d)["SendParams"]["properties"]["recipients"].__setitem__("minItems", 2),
        "minItems 1 -> 2",
    ),
}

COMPATIBLE: dict[str, Mutation] = {
    "optional request field": lambda d: _schemas(d)["WebserviceSendRequest"]["properties"].__setitem__(
        "tag", {"type": "string"}
    ),
    "longer message": lambda d: _message(d).__setitem__("maxLength", 2000),
    "new response": lambda d: d["paths"]["/api/send"]["post"]["responses"].__setitem__(
        "409", {"description": "conflict"}
    ),
    "new response field": lambda d: _schemas(d)["SendResult"]["properties"].__setitem__("cost", {"type": "number"}),
    "description": lambda d: _message(d).__setitem__("description", "متن پیام"),
    "new sending type": lambda d: _schemas(d)["SendRequest"]["oneOf"].append(
        {
            "type": "object",
            "required": ["sending_type"],
            "properties": {"sending_type": {"type": "string", "const": "file"}},
        }
    ),
}


@pytest.mark.parametrize("name", sorted(BREAKING))
def test_breaking_changes_are_found(contract: Contract, name: str) -> None:
    mutate, expected = BREAKING[name]
    new = copy.deepcopy(contract.document)
    mutate(new)
    changes = spec_guard.breaking_changes(contract.document, new)
    assert any(change.breaking and expected in change.what for change in changes), changes


@pytest.mark.parametrize("name", sorted(COMPATIBLE))
def test_compatible_changes_pass(contract: Contract, name: str) -> None:
    new = copy.deepcopy(contract.document)
    COMPATIBLE[name](new)
    assert not [change for change in spec_guard.breaking_changes(contract.document, new) if change.breaking]


def test_the_command_fails_and_reports_on_a_breaking_edit(contract: Contract, root: Path, tmp_path: Path) -> None:
    if spec_guard.previous_spec_ref() is None:
        pytest.skip("no git history in this clone")
    edited = tmp_path / "sms-api.yaml"
    edited.write_text(contract.path.read_text(encoding="utf-8").replace("maxLength: 1400", "maxLength: 700"))
    proc = subprocess.run(
        [sys.executable, "scripts/spec_guard.py", "--base", "HEAD", "--spec", str(edited)],
        cwd=root, capture_output=True, text=True,
    )  # fmt: skip
    assert proc.returncode == 1
    assert "BREAKING  POST /api/send request(webservice).message: maxLength 1400 -> 700" in proc.stdout


def test_a_reviewed_change_can_be_accepted(contract: Contract, tmp_path: Path) -> None:
    new = copy.deepcopy(contract.document)
    _message(new)["pattern"] = "[^ ]"
    (change,) = [c for c in spec_guard.breaking_changes(contract.document, new) if c.breaking]
    accepted = tmp_path / "accepted.txt"
    accepted.write_text(f"# reviewed\n{change.key}\n", encoding="utf-8")
    assert spec_guard.accepted_changes(accepted) == {change.key}
    assert spec_guard.accepted_changes(tmp_path / "absent.txt") == set()
