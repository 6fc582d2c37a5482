"""The client people import for the Edge SMS API: typed errors, scheduling, timeouts and safe retries.

It is a thin layer over the generated package `sms_api`, which stays available for low-level use
(`SmsClient(...).generated` is a ready `sms_api.AuthenticatedClient`).
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from ._client import DEFAULT_BASE_URL, DEFAULT_TIMEOUT, AsyncSmsClient, SendResult, SmsClient
    from ._errors import (
        ApiError,
        AuthenticationError,
        BadRequestError,
        ConnectionFailedError,
        ContractViolationError,
        InvalidRequestError,
        RateLimitError,
        ResponseLike,
        ResponseTimeoutError,
        ServerError,
        SmsError,
        TransportError,
        ValidationError,
        error_from_response,
    )
    from ._retry import RetryPolicy
    from ._rules import (
        E164_PATTERN,
        MAX_MESSAGE_CHARACTERS,
        SEND_TIME_PATTERN,
        format_send_time,
        is_blank,
        is_e164,
        normalize_digits,
        parse_send_time,
        schedule_problem,
    )
    from ._segments import SmsParts, sms_parts

# Names are imported on first use: the mock uses the rules and part counting without paying for
# httpx and the generated client, and `import sms_client` stays cheap.
_WHERE = {
    **dict.fromkeys(["DEFAULT_BASE_URL", "DEFAULT_TIMEOUT", "AsyncSmsClient", "SendResult", "SmsClient"], "._client"),
    **dict.fromkeys(
        [
            "ApiError", "AuthenticationError", "BadRequestError", "ConnectionFailedError", "ContractViolationError",
            "InvalidRequestError", "RateLimitError", "ResponseLike", "ResponseTimeoutError", "ServerError", "SmsError",
            "TransportError", "ValidationError", "error_from_response",
        ],
        "._errors",
    ),
    "RetryPolicy": "._retry",
    **dict.fromkeys(
        [
            "E164_PATTERN", "MAX_MESSAGE_CHARACTERS", "SEND_TIME_PATTERN", "format_send_time", "is_blank", "is_e164",
            "normalize_digits", "parse_send_time", "schedule_problem",
        ],
        "._rules",
    ),
    "SmsParts": "._segments",
    "sms_parts": "._segments",
}  # fmt: skip

__all__ = [
    "DEFAULT_BASE_URL",
    "DEFAULT_TIMEOUT",
    "E164_PATTERN",
    "MAX_MESSAGE_CHARACTERS",
    "SEND_TIME_PATTERN",
    "ApiError",
    "AsyncSmsClient",
    "AuthenticationError",
    "BadRequestError",
    "ConnectionFailedError",
    "ContractViolationError",
    "InvalidRequestError",
    "RateLimitError",
    "ResponseLike",
    "ResponseTimeoutError",
    "RetryPolicy",
    "SendResult",
    "ServerError",
    "SmsClient",
    "SmsError",
    "SmsParts",
    "TransportError",
    "ValidationError",
    "error_from_response",
    "format_send_time",
    "is_blank",
    "is_e164",
    "normalize_digits",
    "parse_send_time",
    "schedule_problem",
    "sms_parts",
]


def __getattr__(name: str) -> Any:
    if name not in _WHERE:
        raise AttributeError(f"module 'sms_client' has no attribute {name!r}")
    value = getattr(importlib.import_module(_WHERE[name], __name__), name)
    globals()[name] = value
    return value
