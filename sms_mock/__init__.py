"""A strict local mock of the Edge SMS API, driven by openapi/sms-api.yaml, with an inspectable outbox.

Every name is imported on first use: the pytest plugin lives in this package, so pytest imports
this module at start-up in every project that installs it, before anything asks for the mock.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from sms_contract.spec import SpecError

    from .app import MockApp, create_app
    from .outbox import OutboxMessage
    from .settings import DEVELOPMENT_TOKEN, Faults, MockSettings

__all__ = ["DEVELOPMENT_TOKEN", "Faults", "MockApp", "MockSettings", "OutboxMessage", "SpecError", "create_app"]

_MODULES = {
    "sms_mock.settings": ("DEVELOPMENT_TOKEN", "Faults", "MockSettings"),
    "sms_mock.outbox": ("OutboxMessage",),
    "sms_mock.app": ("MockApp", "create_app"),
    "sms_contract.spec": ("SpecError",),
}


def __getattr__(name: str) -> Any:
    for module, names in _MODULES.items():
        if name in names:
            value = getattr(importlib.import_module(module), name)
            globals()[name] = value
            return value
    raise AttributeError(f"module 'sms_mock' has no attribute {name!r}")
