"""A strict local mock of the Edge SMS API, driven by openapi/sms-api.yaml, with an inspectable outbox."""

from .app import MockApp, create_app
from .outbox import OutboxMessage
from .settings import DEVELOPMENT_TOKEN, Faults, MockSettings
from .spec import SpecError

__all__ = ["DEVELOPMENT_TOKEN", "Faults", "MockApp", "MockSettings", "OutboxMessage", "SpecError", "create_app"]
