"""Fixtures shared by the unit and end-to-end tests: the repository root, the parsed contract, outbox reads."""

from __future__ import annotations

from pathlib import Path

import pytest

from sms_contract.spec import Contract, load_contract
from sms_mock import MockApp
from sms_mock.testing import InProcessTransport, MockHandle

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="session")
def root() -> Path:
    return ROOT


@pytest.fixture(scope="session")
def contract() -> Contract:
    return load_contract(ROOT / "openapi" / "sms-api.yaml")


def inspect(app: MockApp) -> MockHandle:
    """The inspection API of a mock app in this process: what a test asserts on is what the mock recorded."""
    return MockHandle("http://mock", "", transport=InProcessTransport(app))
