"""The public surface of the hand-written packages is deliberate: exactly these names, each importable."""

from __future__ import annotations

import sms_client
import sms_mock

CLIENT = {
    "DEFAULT_BASE_URL", "DEFAULT_TIMEOUT", "E164_PATTERN", "MAX_MESSAGE_CHARACTERS", "SEND_TIME_PATTERN",
    "ApiError", "AsyncSmsClient", "AuthenticationError", "BadRequestError", "ConnectionFailedError",
    "ContractViolationError", "InvalidRequestError", "RateLimitError", "ResponseLike", "ResponseTimeoutError",
    "RetryPolicy", "SendResult", "ServerError", "SmsClient", "SmsError", "SmsParts", "TransportError",
    "ValidationError", "error_from_response", "format_send_time", "is_blank", "is_e164", "normalize_digits",
    "parse_send_time", "schedule_problem", "sms_parts",
}  # fmt: skip
MOCK = {"DEVELOPMENT_TOKEN", "Faults", "MockApp", "MockSettings", "OutboxMessage", "SpecError", "create_app"}


def test_sms_client_exports() -> None:
    assert set(sms_client.__all__) == CLIENT
    for name in CLIENT:
        assert getattr(sms_client, name) is not None


def test_sms_mock_exports() -> None:
    assert set(sms_mock.__all__) == MOCK
    for name in MOCK:
        assert getattr(sms_mock, name) is not None


def test_every_client_error_is_an_sms_error() -> None:
    errors = [getattr(sms_client, name) for name in CLIENT if name.endswith("Error")]
    assert len(errors) == 12
    assert all(issubclass(error, sms_client.SmsError) for error in errors)
    assert issubclass(sms_client.InvalidRequestError, ValueError)


def test_every_exported_name_is_mapped_to_its_module() -> None:
    from sms_client import _WHERE as client_where
    from sms_mock import _WHERE as mock_where

    assert set(client_where) == CLIENT
    assert set(mock_where) == MOCK
