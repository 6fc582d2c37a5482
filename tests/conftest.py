"""Fixtures shared by the unit and end-to-end tests: the repository root and the parsed contract."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from hypothesis import settings

from sms_mock.spec import Contract, load_contract

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="session")
def root() -> Path:
    return ROOT


@pytest.fixture(scope="session")
def contract() -> Contract:
    return load_contract(ROOT / "openapi" / "sms-api.yaml")


# Example counts: the default keeps `make test` quick; HYPOTHESIS_PROFILE=thorough digs deeper.
settings.register_profile("default", max_examples=40, deadline=None)
settings.register_profile("thorough", max_examples=500, deadline=None)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "default"))
