"""schemathesis against the server: every check, positive and negative data, examples, coverage and fuzzing.

The spec is loaded once. The local mock is checked in-process (ASGI, fast) and over HTTP (real
sockets); an external server only with SMS_CONTRACT_FUZZ=1, because the cases it generates can send.
"""

from __future__ import annotations

import os
from typing import Any

import pytest
import schemathesis
from schemathesis.config import SchemathesisConfig

from sms_mock import DEVELOPMENT_TOKEN

from .conftest import EXAMPLES, IN_PROCESS, SPEC, Target, new_mock_app


def _config(token: str | None, base_url: str | None = None) -> SchemathesisConfig:
    settings: dict[str, Any] = {
        "checks": {"enabled": True},
        "phases": {
            "examples": {"enabled": True},
            "coverage": {"enabled": True},
            "fuzzing": {"enabled": True},
            "stateful": {"enabled": False},  # one operation: no links to follow
        },
        "generation": {"mode": "all", "max-examples": int(os.environ.get("SMS_CONTRACT_EXAMPLES", "60"))},
    }
    if token is not None:
        settings["headers"] = {"Authorization": token}
    if base_url is not None:
        settings["base-url"] = base_url
    return SchemathesisConfig.from_dict(settings)


in_process = schemathesis.openapi.from_path(str(SPEC), config=_config(DEVELOPMENT_TOKEN, "http://mock"))
in_process.app = new_mock_app()


@pytest.mark.in_process
@pytest.mark.local
@in_process.parametrize()
def test_in_process(case: schemathesis.Case[Any]) -> None:
    EXAMPLES[IN_PROCESS] += 1
    case.call_and_validate()


@pytest.fixture(scope="session")
def over_http(target: Target) -> Any:
    if target.is_external and os.environ.get("SMS_CONTRACT_FUZZ") != "1":
        pytest.skip("fuzzing an external server sends what it generates: set SMS_CONTRACT_FUZZ=1 for a test double")
    return schemathesis.openapi.from_path(str(SPEC), config=_config(target.token, target.base_url))


over_http_schema = schemathesis.pytest.from_fixture("over_http")


@over_http_schema.parametrize()
def test_over_http(case: schemathesis.Case[Any], target: Target) -> None:
    EXAMPLES[target.name] += 1
    case.call_and_validate()
