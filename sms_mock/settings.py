"""The mock's settings: tokens, sender lines, the duplicate window, limits, the store and fault injection.

Each setting has a command-line flag and an environment variable (the flag wins); the defaults
give a mock that behaves like the provider, with faults off.
"""

from __future__ import annotations

import dataclasses
import json
import os
from dataclasses import dataclass, field, replace
from pathlib import Path

# Public on purpose: a development token is only valid against the local mock.
DEVELOPMENT_TOKEN = "sms-mock-development-token-not-a-secret"  # noqa: S105
DEFAULT_PORT = 4010
DEFAULT_MAX_BODY_BYTES = 1024 * 1024
# The outbox keeps the newest this many messages; the oldest go first. At about 300 bytes each in
# memory, the default caps the in-memory outbox near 30 MB, far above what a test suite sends.
DEFAULT_MAX_MESSAGES = 100_000
LARGEST_ID = 2**63 - 1  # what SQLite (and JSON readers that use 64-bit integers) can hold
REDIS_SCHEMES = ("redis://", "rediss://", "unix://")  # a store given as one of these is Redis, else a file


@dataclass
class Faults:
    """Injected latency and failures, off by default; changeable at run time through /_mock/faults."""

    latency_ms: tuple[float, float] = (0.0, 0.0)
    failure_rate: float = 0.0
    failure_statuses: tuple[int, ...] = (500, 503)
    retry_after_seconds: int = 1

    def __post_init__(self) -> None:
        low, high = self.latency_ms
        if not 0 <= low <= high <= 60_000:
            raise ValueError("latency must be 0 <= min <= max <= 60000 ms")
        if not 0.0 <= self.failure_rate <= 1.0:
            raise ValueError("failure rate must be between 0 and 1")
        if not self.failure_statuses or not set(self.failure_statuses) <= {500, 503}:
            raise ValueError("failure statuses must be 500 and/or 503")
        if not 0 <= self.retry_after_seconds <= 3600:
            raise ValueError("Retry-After must be 0 to 3600 seconds")


@dataclass
class MockSettings:
    """Everything that changes how the mock answers."""

    tokens: frozenset[str] = field(default=frozenset({DEVELOPMENT_TOKEN}), repr=False)
    sender_lines: frozenset[str] | None = None
    duplicate_window_seconds: float = 40.0
    max_body_bytes: int = DEFAULT_MAX_BODY_BYTES
    store: Path | str | None = None  # a SQLite file, or redis://HOST:PORT/DB
    first_id: int = 1
    check_responses: bool = False
    seed: int | None = None
    faults: Faults = field(default_factory=Faults)
    # The account's approved patterns, code to text with %variables%; empty: any code is accepted.
    patterns: dict[str, str] = field(default_factory=dict)
    # Bounds that keep a misbehaving client from holding the mock: the outbox's size, how long a
    # request body may take to arrive, how long a connection may sit idle, how many connections
    # there may be at once (past that, the longest-idle ones are closed to make room).
    max_messages: int = DEFAULT_MAX_MESSAGES
    body_timeout_seconds: float = 10.0
    idle_timeout_seconds: float = 5.0
    max_connections: int = 4096
    # On SIGTERM or Ctrl-C, sends still waiting out injected latency get at most this much more of
    # it, then their answers go out at once; sends that arrive after that are a 503 and not kept.
    shutdown_grace_seconds: float = 2.0
    # HTTP basic credentials ("user:password") that every /_mock/ route then requires.
    inspection_credentials: str | None = field(default=None, repr=False)

    def __post_init__(self) -> None:
        if isinstance(self.store, str) and not self.store.startswith(REDIS_SCHEMES):
            self.store = Path(self.store)
        if not self.tokens or any(not token or token != token.strip() for token in self.tokens):
            raise ValueError("at least one token is needed, and tokens cannot be empty or padded with spaces")
        if self.max_body_bytes < 1024:
            raise ValueError("the body limit must be at least 1024 bytes")
        if not 1 <= self.first_id <= LARGEST_ID // 2:
            raise ValueError(f"outbox ids start at 1 or more, and at most {LARGEST_ID // 2}")
        if self.max_messages < 1:
            raise ValueError("the outbox must keep at least 1 message (--max-messages)")
        for name in ("body_timeout_seconds", "idle_timeout_seconds"):
            if not 0 < getattr(self, name) <= 3600:
                raise ValueError(f"{name.replace('_', ' ')} must be more than 0 and at most 3600")
        if not 0 <= self.shutdown_grace_seconds <= 60:
            raise ValueError("the shutdown grace must be 0 to 60 seconds")
        if self.max_connections < 16:
            raise ValueError("at least 16 connections must be allowed")
        if self.inspection_credentials is not None:
            user, sep, password = self.inspection_credentials.partition(":")
            if not sep or not user or not password:
                raise ValueError("inspection credentials are USER:PASSWORD, both non-empty")

    @property
    def uses_development_token(self) -> bool:
        return DEVELOPMENT_TOKEN in self.tokens


SETTINGS_ENV = "SMS_MOCK_SETTINGS_JSON"


def settings_to_json(settings: MockSettings) -> str:
    """The settings as JSON, to hand them to worker processes (see settings_from_json)."""
    data = dataclasses.asdict(settings)
    data["tokens"] = sorted(settings.tokens)
    data["sender_lines"] = None if settings.sender_lines is None else sorted(settings.sender_lines)
    data["store"] = None if settings.store is None else str(settings.store)
    return json.dumps(data)


def settings_from_json(text: str) -> MockSettings:
    data = json.loads(text)
    faults = data.pop("faults")
    return MockSettings(
        **{
            **data,
            "tokens": frozenset(data["tokens"]),
            "sender_lines": None if data["sender_lines"] is None else frozenset(data["sender_lines"]),
            "store": data["store"],
            "faults": Faults(
                latency_ms=tuple(faults["latency_ms"]),
                failure_rate=faults["failure_rate"],
                failure_statuses=tuple(faults["failure_statuses"]),
                retry_after_seconds=faults["retry_after_seconds"],
            ),
        }
    )


def _split(value: str | None) -> list[str]:
    return [part.strip() for part in (value or "").split(",") if part.strip()]


def settings_from_env(environ: dict[str, str] | None = None) -> MockSettings:
    """Settings from SMS_MOCK_* environment variables; unset variables keep the defaults."""
    env = os.environ if environ is None else environ
    settings = MockSettings()
    if tokens := _split(env.get("SMS_MOCK_TOKENS")):
        settings = replace(settings, tokens=frozenset(tokens))
    if lines := _split(env.get("SMS_MOCK_SENDER_LINES")):
        settings = replace(settings, sender_lines=frozenset(lines))
    if store := env.get("SMS_MOCK_STORE"):
        settings = replace(settings, store=store)
    if patterns := env.get("SMS_MOCK_PATTERNS"):
        from .patterns import load_pattern_file

        settings = replace(settings, patterns=load_pattern_file(Path(patterns)))
    if window := env.get("SMS_MOCK_DUPLICATE_WINDOW"):
        settings = replace(settings, duplicate_window_seconds=float(window))
    if count := env.get("SMS_MOCK_MAX_MESSAGES"):
        settings = replace(settings, max_messages=int(count))
    if credentials := env.get("SMS_MOCK_INSPECTION_CREDENTIALS"):
        settings = replace(settings, inspection_credentials=credentials)
    return settings
