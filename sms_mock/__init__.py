"""A strict local mock of the Edge SMS API, driven by openapi/sms-api.yaml, with an inspectable outbox.

The application itself (`MockApp`, `create_app`) is imported on first use: the pytest plugin lives in
this package, and a plugin that pulled in the server stack at start-up would slow down every pytest
run of every project that installs it.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from sms_contract.spec import SpecError

from .outbox import OutboxMessage
from .settings import DEVELOPMENT_TOKEN, Faults, MockSettings

if TYPE_CHECKING:
    from .app import MockApp, create_app

__all__ = ["DEVELOPMENT_TOKEN", "Faults", "MockApp", "MockSettings", "OutboxMessage", "SpecError", "create_app"]


def __getattr__(name: str) -> Any:
    if name in ("MockApp", "create_app"):
        from . import app

        return getattr(app, name)
    raise AttributeError(f"module 'sms_mock' has no attribute {name!r}")
