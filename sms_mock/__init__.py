"""A strict local mock of the Edge SMS API, driven by openapi/sms-api.yaml, with an inspectable outbox.

Names are imported on first use: the pytest plugin lives in this package, and a plugin that pulled
in the server stack at start-up would slow down every pytest run of every project that installs it.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .app import MockApp, create_app
    from .outbox import OutboxMessage
    from .settings import DEVELOPMENT_TOKEN, Faults, MockSettings
    from .spec import SpecError

_WHERE = {
    "MockApp": ".app",
    "create_app": ".app",
    "OutboxMessage": ".outbox",
    "DEVELOPMENT_TOKEN": ".settings",
    "Faults": ".settings",
    "MockSettings": ".settings",
    "SpecError": ".spec",
}

__all__ = ["DEVELOPMENT_TOKEN", "Faults", "MockApp", "MockSettings", "OutboxMessage", "SpecError", "create_app"]


def __getattr__(name: str) -> Any:
    if name not in _WHERE:
        raise AttributeError(f"module 'sms_mock' has no attribute {name!r}")
    value = getattr(importlib.import_module(_WHERE[name], __name__), name)
    globals()[name] = value
    return value
