"""The client people import for the Edge SMS API: typed errors, scheduling, timeouts and safe retries.

It is a thin layer over the generated package `sms_api`, which stays available for low-level use
(`SmsClient(...).generated` is a ready `sms_api.AuthenticatedClient`). The provider's rules it checks
locally come from `sms_contract`, the same rules the mock enforces.
"""

from __future__ import annotations

from sms_contract.parts import SmsParts, sms_parts
from sms_contract.rules import (
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

from ._client import DEFAULT_BASE_URL, DEFAULT_TIMEOUT, AsyncSmsClient, SendResult, SmsClient
from ._errors import (
    ApiError,
    AuthenticationError,
    BadRequestError,
    ClientClosedError,
    ConnectionFailedError,
    ContractViolationError,
    InvalidRequestError,
    NotFoundError,
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
    "ClientClosedError",
    "ConnectionFailedError",
    "ContractViolationError",
    "InvalidRequestError",
    "NotFoundError",
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

# What this package defines says `sms_client` in tracebacks, reprs and docs, where users import it
# from, rather than the private module it lives in (as httpx does). The shared rules keep their home.
for _name in __all__:
    _value = globals()[_name]
    if getattr(_value, "__module__", "").startswith("sms_client."):
        _value.__module__ = __name__
del _name, _value
