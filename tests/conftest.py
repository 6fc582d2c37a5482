"""Fixtures shared by the unit and end-to-end tests: the repository root and the parsed contract."""

from __future__ import annotations

from pathlib import Path

import pytest

from sms_mock.spec import Contract, load_contract

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="session")
def root() -> Path:
    return ROOT


@pytest.fixture(scope="session")
def contract() -> Contract:
    return load_contract(ROOT / "openapi" / "sms-api.yaml")
