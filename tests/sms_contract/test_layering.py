"""The core stays neutral and light: importing it pulls in neither the client, the mock, nor their dependencies."""

from __future__ import annotations

import subprocess
import sys

import pytest


@pytest.mark.parametrize(
    ("module", "absent"),
    [
        ("sms_contract.rules", ["sms_client", "sms_mock", "sms_api", "yaml", "jsonschema_rs", "httpx"]),
        ("sms_contract.parts", ["sms_client", "sms_mock", "sms_api", "yaml", "jsonschema_rs", "httpx"]),
        ("sms_contract.envelope", ["sms_client", "sms_mock", "sms_api", "yaml", "jsonschema_rs", "httpx"]),
        ("sms_contract.validation", ["sms_client", "sms_mock", "sms_api", "httpx"]),
        ("sms_client", ["sms_mock", "yaml", "jsonschema_rs", "starlette"]),
    ],
)
def test_importing_a_module_loads_nothing_above_it(module: str, absent: list[str]) -> None:
    probe = f"import sys, {module}; print(' '.join(m for m in {absent!r} if m in sys.modules))"
    loaded = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True).stdout.split()
    assert loaded == []
