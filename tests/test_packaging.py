"""`pip install .` gives one wheel: the core, generated, client and mock packages, the spec, lean runtime needs."""

from __future__ import annotations

import subprocess
import sys
import zipfile
from pathlib import Path

import pytest


@pytest.fixture(scope="module")
def wheel(root: Path, tmp_path_factory: pytest.TempPathFactory) -> zipfile.ZipFile:
    out = tmp_path_factory.mktemp("wheel")
    command = [sys.executable, "-m", "pip", "wheel", "--quiet", "--no-deps", "--disable-pip-version-check"]
    subprocess.run([*command, "-w", str(out), str(root)], check=True, capture_output=True)
    (built,) = out.glob("edge_sms_toolkit-*.whl")
    return zipfile.ZipFile(built)


def test_the_wheel_holds_every_package_and_the_spec(wheel: zipfile.ZipFile, root: Path) -> None:
    names = set(wheel.namelist())
    for required in (
        "sms_contract/__init__.py",
        "sms_contract/py.typed",
        "sms_api/__init__.py",
        "sms_api/api/sending/send.py",
        "sms_client/__init__.py",
        "sms_client/py.typed",
        "sms_mock/__main__.py",
        "sms_mock/pytest_plugin.py",
        "sms_mock/py.typed",
        "sms_mock/inbox_page/index.html",
        "sms_mock/inbox_page/inbox.js",
        "sms_mock/inbox_page/inbox.css",
    ):
        assert required in names
    assert wheel.read("sms_contract/openapi/sms-api.yaml") == (root / "openapi" / "sms-api.yaml").read_bytes()
    assert not [n for n in names if n.startswith(("tests/", "contract_tests/", "scripts/"))]


def test_runtime_needs_only_what_the_generated_code_needs(wheel: zipfile.ZipFile) -> None:
    (metadata,) = [n for n in wheel.namelist() if n.endswith(".dist-info/METADATA")]
    requires = [
        line.split(":", 1)[1].strip()
        for line in wheel.read(metadata).decode().splitlines()
        if line.startswith("Requires-Dist:") and "extra ==" not in line
    ]
    assert sorted(r.split("<")[0].split(">")[0] for r in requires) == ["attrs", "httpx"]


def test_the_console_script_and_the_pytest_plugin_are_declared(wheel: zipfile.ZipFile) -> None:
    (entry_points,) = [n for n in wheel.namelist() if n.endswith(".dist-info/entry_points.txt")]
    text = wheel.read(entry_points).decode()
    assert "sms-mock = sms_mock.__main__:main" in text
    assert "sms_mock = sms_mock.pytest_plugin" in text
