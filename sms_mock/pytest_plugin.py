"""pytest fixtures for code that sends SMS: a mock of the API on a loopback port, with its outbox.

    def test_sends_the_code(sms_mock):
        my_app.send_otp("+989120000000", base_url=sms_mock.base_url, token=sms_mock.token)
        assert "4821" in sms_mock.last(recipient="+989120000000").message

`sms_mock` is fresh for every test (empty outbox, no duplicate memory, no faults); the server behind
it starts once per session. Override `sms_mock_settings` to change tokens, sender lines and so on.
Nothing here imports the mock until a fixture is used, so installing the plugin costs nothing.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

import pytest

if TYPE_CHECKING:
    from .server import MockServer
    from .settings import MockSettings
    from .testing import MockHandle


@pytest.fixture(scope="session")
def sms_mock_settings() -> MockSettings:
    """The settings of the session's mock; override this fixture to change them."""
    from .settings import MockSettings

    return MockSettings()


@pytest.fixture(scope="session")
def sms_mock_server(sms_mock_settings: MockSettings) -> Iterator[MockServer]:
    """The mock server, started on a free loopback port for the session and always stopped after it."""
    from .server import MockServer

    with MockServer(sms_mock_settings) as server:
        yield server


@pytest.fixture
def sms_mock(sms_mock_server: MockServer) -> Iterator[MockHandle]:
    """The session's mock, reset for this test: `.base_url`, `.token`, `.messages()`, `.last()`, `.set_faults()`."""
    from .testing import MockHandle

    with MockHandle(sms_mock_server.base_url, sms_mock_server.token) as handle:
        handle.reset()
        yield handle
