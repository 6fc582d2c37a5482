"""The README's Python examples run as written, against a local mock instead of the provider.

Each block that uses `YOUR_TOKEN` is executed with the client classes it imports pointed at a mock on
a loopback port (the only change: base URL and token); a block that raises fails this test.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

import sms_api
import sms_client
from sms_mock import DEVELOPMENT_TOKEN, MockSettings
from sms_mock.server import MockServer

BLOCKS = re.findall(r"```python\n(.*?)```", (Path(__file__).parent.parent / "README.md").read_text("utf-8"), re.S)
WITH_TOKEN = [block for block in BLOCKS if "YOUR_TOKEN" in block]


@pytest.fixture
def mock_url() -> Iterator[str]:
    settings = MockSettings(patterns={"ky9ufaztm3bqg6u": "%name% عزیز، کد ورود شما: %code%"})
    with MockServer(settings) as server:
        yield server.base_url


def test_the_readme_has_the_examples_this_test_runs() -> None:
    assert len(WITH_TOKEN) == 3


@pytest.mark.parametrize("block", WITH_TOKEN, ids=[f"block-{i}" for i in range(len(WITH_TOKEN))])
def test_a_readme_example_runs_against_the_mock(
    block: str, mock_url: str, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    class LocalSmsClient(sms_client.SmsClient):
        def __init__(self, token: str | None = None, **options: Any) -> None:
            super().__init__(DEVELOPMENT_TOKEN, **{**options, "base_url": mock_url})

    class LocalAuthenticatedClient(sms_api.AuthenticatedClient):
        def __init__(self, **options: Any) -> None:
            super().__init__(**{**options, "base_url": mock_url, "token": DEVELOPMENT_TOKEN})

    monkeypatch.setattr(sms_client, "SmsClient", LocalSmsClient)
    monkeypatch.setattr(sms_api, "AuthenticatedClient", LocalAuthenticatedClient)
    namespace: dict[str, Any] = {"__name__": "readme_example"}
    try:
        exec(compile(block, "README.md", "exec"), namespace)  # noqa: S102 - our own README
    finally:
        for value in namespace.values():  # the generated-client example leaves its client open, as a script may
            if isinstance(value, sms_api.AuthenticatedClient):
                value.get_httpx_client().close()
    assert "Traceback" not in capsys.readouterr().err
