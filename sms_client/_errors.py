"""Every error the client raises, and the one function that turns an HTTP response into one.

    SmsError                          anything this package raises; `attempts` says how many were made
    ├── InvalidRequestError           (also ValueError) refused before sending: nothing left this process
    ├── ClientClosedError             the client was closed before this send: nothing left this process
    ├── TransportError                no HTTP answer; the httpx error is chained as __cause__
    │   ├── ConnectionFailedError     the request cannot have reached the server (retried when allowed)
    │   └── ResponseTimeoutError      sent, but no answer in time: it MAY have been sent (never retried)
    └── ApiError                      the API answered with an error envelope: status, code, message, errors,
        │                             and the answer's headers and raw body
        ├── AuthenticationError       401: the token is missing, invalid or expired
        ├── NotFoundError             404: the pattern code is not one of the account's approved patterns
        ├── ValidationError           422: `field_errors` maps each field to its Persian messages
        ├── RateLimitError            429: the same text to the same number within 40 s, or too many requests
        ├── BadRequestError           another documented 4xx (400 malformed, 408 body too slow, 413 too large,
        │                             415 media type)
        ├── ServerError               5xx; `retry_after` is set when the server gave one (503)
        └── ContractViolationError    an answer the contract does not allow: an undocumented status, a body
                                      that does not parse, or HTTP 200 whose `meta.status` is false

An `ApiError` always means the provider did not send the message (the provider documents that
every non-200 answer is a failure), except `ContractViolationError`, where nobody can know.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from typing import Any, Protocol

FieldErrors = dict[str, list[str]]


class SmsError(Exception):
    """Base of every error raised by sms_client. `attempts`: how many times the send was tried (0: never)."""

    attempts: int = 0


class ClientClosedError(SmsError):
    """The client was closed (close(), or its `with` block ended) before this send; nothing was sent."""


class InvalidRequestError(SmsError, ValueError):
    """The send was refused locally, before any network traffic; `field_errors` says why, per field."""

    def __init__(self, field_errors: FieldErrors) -> None:
        self.field_errors = field_errors
        summary = "; ".join(f"{field}: {' '.join(texts)}" for field, texts in field_errors.items())
        super().__init__(f"invalid send, nothing was sent: {summary}")


class TransportError(SmsError):
    """No HTTP answer was received; the underlying httpx exception is the __cause__."""


class ConnectionFailedError(TransportError):
    """The connection could not be made (refused, DNS, connect timeout): the request never reached the server."""


class ResponseTimeoutError(TransportError):
    """The request was sent but no answer came in time: the SMS may or may not have been sent."""


class ApiError(SmsError):
    """The API answered with an error. Carries the HTTP status and the envelope's `meta`."""

    def __init__(
        self,
        status_code: int,
        message: str,
        *,
        message_code: str | None = None,
        field_errors: FieldErrors | None = None,
        body: bytes = b"",
        headers: Mapping[str, str] | None = None,
    ) -> None:
        self.status_code = status_code
        self.message = message
        self.message_code = message_code
        self.field_errors: FieldErrors = field_errors or {}
        self.body = body
        # The answer's headers (a request id, rate-limit hints, Retry-After), as the server sent them.
        self.headers: Mapping[str, str] = headers if headers is not None else {}
        self.attempts = 1
        super().__init__(f"HTTP {status_code} [{message_code or 'no code'}] {message}")


class AuthenticationError(ApiError):
    """401: the token is missing, invalid or expired (a login token lasts 10 hours)."""


class NotFoundError(ApiError):
    """404: what the send names does not exist, such as a pattern code the account has no approved pattern for."""


class ValidationError(ApiError):
    """422: the API refused a field; `field_errors` maps `message`, `params.recipients.3`, ... to messages."""


class RateLimitError(ApiError):
    """429: the same sender, recipient and text within 40 seconds, or too many requests. Never retried."""


class BadRequestError(ApiError):
    """Another documented 4xx: a malformed body (400), too slow (408) or too large (413), a wrong media type (415)."""


class ServerError(ApiError):
    """5xx: the provider failed; nothing was sent. `retry_after` is the server's Retry-After in seconds."""

    def __init__(self, status_code: int, message: str, *, retry_after: float | None = None, **details: Any) -> None:
        self.retry_after = retry_after
        super().__init__(status_code, message, **details)


class ContractViolationError(ApiError):
    """The answer breaks the contract (undocumented status, unparsable body, 200 with status false)."""


_BY_STATUS: dict[int, type[ApiError]] = {
    400: BadRequestError,
    401: AuthenticationError,
    404: NotFoundError,
    408: BadRequestError,
    413: BadRequestError,
    415: BadRequestError,
    422: ValidationError,
    429: RateLimitError,
    500: ServerError,
    503: ServerError,
}


_SECONDS = re.compile(r"[0-9]{1,9}(\.[0-9]{1,6})?", re.ASCII)


def retry_after_seconds(value: str | None, now: datetime | None = None) -> float | None:
    """Retry-After in seconds from now: given as seconds (`120`, `1.5`) or as an HTTP date; None if unreadable."""
    value = (value or "").strip()
    if _SECONDS.fullmatch(value):
        return float(value)
    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError):
        return None
    if when.tzinfo is None:  # an HTTP date is always GMT
        when = when.replace(tzinfo=UTC)
    return max(0.0, (when - (now or datetime.now(UTC))).total_seconds())


class ResponseLike(Protocol):
    """What error_from_response reads: an httpx.Response or the generated package's Response."""

    @property
    def status_code(self) -> int: ...
    @property
    def headers(self) -> Mapping[str, str]: ...
    @property
    def content(self) -> bytes: ...


def _meta(response: ResponseLike) -> Mapping[str, Any] | None:
    try:
        payload = json.loads(response.content)
    except ValueError:
        return None
    meta = payload.get("meta") if isinstance(payload, dict) else None
    return meta if isinstance(meta, dict) else None


def _field_errors(meta: Mapping[str, Any]) -> FieldErrors:
    errors = meta.get("errors")
    if not isinstance(errors, dict):
        return {}
    return {str(k): [str(t) for t in v] for k, v in errors.items() if isinstance(v, list)}


def error_from_response(response: ResponseLike, *, problem: str | None = None) -> ApiError:
    """The exception for an error answer. `problem` marks a contract violation found by the caller."""
    meta = _meta(response)
    status = int(response.status_code)
    details: dict[str, Any] = {"body": response.content, "headers": response.headers}
    if meta is not None:
        details["message_code"] = str(meta["message_code"]) if "message_code" in meta else None
        details["field_errors"] = _field_errors(meta)
    message = str(meta.get("message", "")) if meta is not None else ""
    error_class = _BY_STATUS.get(status)
    if status == 200 and meta is not None and meta.get("status") is False:
        # The failure some providers wrap in a 200: the envelope says the send did not happen.
        problem = "HTTP 200 with meta.status false"
    if problem is not None or error_class is None or meta is None or meta.get("status") is not False:
        why = problem or (
            f"undocumented status {status}" if error_class is None else "the body is not the error envelope"
        )
        return ContractViolationError(status, f"{why}: {message}" if message else why, **details)
    if error_class is ServerError:
        retry_after = retry_after_seconds(response.headers.get("retry-after") or response.headers.get("Retry-After"))
        return ServerError(status, message, retry_after=retry_after, **details)
    return error_class(status, message, **details)
