"""SmsClient and AsyncSmsClient: safe sends through the generated package, with typed errors and safe retries.

Both clients check locally what can be known before sending, call the generated endpoint
(`sms_api.api.sending.send`), turn every failure into an exception of `_errors`, and
retry only what `_retry` allows. They differ only in how they wait and call.
"""

from __future__ import annotations

import asyncio
import contextlib
import contextvars
import os
import random
import time
from collections.abc import Awaitable, Callable, Generator, Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from importlib.metadata import PackageNotFoundError, version
from typing import Any, Self

import httpx

from sms_api import AuthenticatedClient
from sms_api.api.sending import send
from sms_api.models import SendSuccessEnvelope
from sms_api.types import Response

from ._errors import (
    ApiError,
    ClientClosedError,
    ConnectionFailedError,
    ContractViolationError,
    ResponseTimeoutError,
    SmsError,
    TransportError,
    error_from_response,
)
from ._retry import RetryPolicy
from ._validation import PreparedSend, prepare_pattern, prepare_peer_to_peer, prepare_send, prepare_votp

DEFAULT_BASE_URL = "https://edge.ippanel.com/v1"
DEFAULT_TIMEOUT = httpx.Timeout(10.0, connect=5.0)
TOKEN_ENV = "SMS_API_TOKEN"  # noqa: S105 - the name of a variable, not a secret
DEFAULT_RETRY = RetryPolicy()

try:
    _USER_AGENT = f"edge-sms-toolkit/{version('edge-sms-toolkit')} httpx/{httpx.__version__}"
except PackageNotFoundError:  # pragma: no cover - running from a source tree without installing
    _USER_AGENT = f"edge-sms-toolkit httpx/{httpx.__version__}"

# The raw response of the call in progress, kept so that a body the generated parser chokes on can
# still be reported with its status and text. A ContextVar is per thread and per asyncio task.
_last_response: contextvars.ContextVar[httpx.Response | None] = contextvars.ContextVar("_last_response", default=None)


def _remember(response: httpx.Response) -> None:
    _last_response.set(response)


async def _remember_async(response: httpx.Response) -> None:
    _last_response.set(response)


class _Hidden:
    """A secret in a local variable: a traceback with locals (pytest --showlocals, error trackers) shows
    `<hidden>`, never the value. Constructors wrap their token in one before anything can raise."""

    __slots__ = ("value",)

    def __init__(self, value: str | None) -> None:
        self.value = value

    def __repr__(self) -> str:
        return "<hidden>"


class _RawToken(httpx.Auth):
    """`Authorization: <token>` with no `Bearer` prefix, as the API wants; its repr never shows the token."""

    def __init__(self, token: _Hidden) -> None:
        self._token = token

    def auth_flow(self, request: httpx.Request) -> Generator[httpx.Request, httpx.Response, None]:
        request.headers["Authorization"] = self._token.value or ""
        yield request

    def __repr__(self) -> str:
        return "_RawToken(<hidden>)"


def _resolve_token(token: _Hidden) -> _RawToken:
    if token.value is None:
        token = _Hidden(os.environ.get(TOKEN_ENV))
    value = token.value or ""
    usable = bool(value) and value == value.strip() and not any(c in value for c in "\r\n")
    del value  # not in this frame's locals if the next line raises
    if not usable:
        raise ValueError(f"a token is needed: pass token=... or set {TOKEN_ENV} (no spaces around it, no newlines)")
    return _RawToken(token)


@dataclass(frozen=True)
class SendResult:
    """An accepted send: the provider's outbox ids, what it cost, and how many attempts it took.

    One outbox id per send; for peer_to_peer, one per item in the order of the items. `encoding`
    and `parts` are known for the texts the client sends itself (webservice, peer_to_peer: the
    parts of every item added up, UCS-2 if any item needs it); None for a pattern, whose text the
    provider fills in, and for a voice code.
    """

    outbox_ids: tuple[int, ...]
    recipients: tuple[str, ...]
    encoding: str | None
    parts: int | None
    send_time: str | None
    attempts: int
    sending_type: str = "webservice"

    @property
    def outbox_id(self) -> int:
        return self.outbox_ids[0]


def _transport_error(exc: httpx.HTTPError) -> TransportError:
    # PoolTimeout and ConnectTimeout happen before a byte is written; everything else may follow a sent request.
    if isinstance(exc, httpx.ConnectError | httpx.ConnectTimeout | httpx.PoolTimeout):
        return ConnectionFailedError(f"could not connect: {exc!s}")
    if isinstance(exc, httpx.TimeoutException):
        return ResponseTimeoutError(f"no answer in time; the SMS may have been sent: {exc!s}")
    return TransportError(f"the exchange failed; the SMS may have been sent: {type(exc).__name__}: {exc!s}")


def _result(detailed: Response[Any], prepared: PreparedSend, attempts: int) -> SendResult:
    """The SendResult of a 200, or the exception for anything else."""
    parsed = detailed.parsed
    if detailed.status_code != 200:
        raise error_from_response(detailed)
    if not isinstance(parsed, SendSuccessEnvelope) or parsed.meta.status is not True:
        raise error_from_response(detailed, problem="HTTP 200 without a successful envelope (meta.status is not true)")
    ids = parsed.data.message_outbox_ids
    if not ids or not all(isinstance(i, int) and not isinstance(i, bool) and i > 0 for i in ids):
        raise error_from_response(detailed, problem="HTTP 200 without positive integer outbox ids")
    costs = prepared.parts
    return SendResult(
        outbox_ids=tuple(ids),
        recipients=prepared.recipients,
        encoding=("UCS-2" if any(c.encoding == "UCS-2" for c in costs) else "GSM-7") if costs else None,
        parts=sum(c.parts for c in costs) if costs else None,
        send_time=prepared.send_time,
        attempts=attempts,
        sending_type=prepared.body.sending_type,
    )


@contextlib.contextmanager
def _translated_errors() -> Iterator[None]:
    """Around one call of the generated endpoint: httpx errors and parser failures become SmsErrors."""
    previous = _last_response.set(None)
    try:
        yield
    except httpx.HTTPError as exc:
        raise _transport_error(exc) from exc
    except (ValueError, KeyError, TypeError, AttributeError) as exc:
        raise _unparsable(exc) from exc
    finally:
        _last_response.reset(previous)


def _unparsable(exc: Exception) -> ApiError:
    raw = _last_response.get()
    if raw is None:  # pragma: no cover - a parser error always follows a response
        return ContractViolationError(0, f"the answer could not be read: {exc!r}")
    return error_from_response(raw, problem=f"the body does not match the contract ({type(exc).__name__}: {exc})")


def _utc_now() -> datetime:
    return datetime.now(UTC)


class _BaseClient:
    """What both clients share: configuration, local checks, the retry loop's bookkeeping, the generated client."""

    def __init__(
        self,
        token: _Hidden,
        base_url: str,
        timeout: float | httpx.Timeout,
        retry: RetryPolicy | int,
        clock: Callable[[], datetime],
    ) -> None:
        self._auth = _resolve_token(token)
        self.base_url = base_url.rstrip("/")
        self.timeout = timeout if isinstance(timeout, httpx.Timeout) else httpx.Timeout(timeout)
        if None in (self.timeout.connect, self.timeout.read, self.timeout.write, self.timeout.pool):
            raise ValueError("timeouts must be finite: a send that never times out can hang a worker forever")
        self.retry = retry if isinstance(retry, RetryPolicy) else RetryPolicy(max_retries=retry)
        self._clock = clock
        self._random = random.Random()  # noqa: S311 - jitter, not cryptography
        self._closed = False
        self.generated = AuthenticatedClient(base_url=self.base_url, token="", prefix="")

    def __repr__(self) -> str:
        # Safe on an object whose __init__ raised half-way (a traceback with locals shows it).
        return f"{type(self).__name__}(base_url={getattr(self, 'base_url', '?')!r})"

    def _check_open(self) -> None:
        if self._closed:
            raise ClientClosedError(f"this {type(self).__name__} was closed; make a new one to send")

    def _wait_after(self, error: SmsError, attempts: int) -> float:
        """Seconds to wait before the next attempt; re-raises `error`, marked with its attempts, if none is due."""
        wait = self.retry.wait_before_retry(error, attempts - 1, self._random)
        if wait is None:
            error.attempts = attempts
            if attempts > 1:
                error.add_note(f"gave up after {attempts} attempts")
            raise error
        return wait

    def _httpx_options(self) -> dict[str, Any]:
        return {
            "base_url": self.base_url,
            "auth": self._auth,
            "timeout": self.timeout,
            "headers": {"User-Agent": _USER_AGENT},
            "follow_redirects": False,
        }

    # One per sending type: the local checks, then the generated body (nothing is sent yet).

    def _webservice(
        self, sender: str, recipients: str | Sequence[str], message: str, send_at: datetime | None
    ) -> PreparedSend:
        self._check_open()
        return prepare_send(sender, recipients, message, send_at, now=self._clock())

    def _pattern(
        self,
        sender: str,
        recipient: str,
        code: str,
        variables: Mapping[str, str | int],
        phonebook: Mapping[str, Any] | None,
    ) -> PreparedSend:
        self._check_open()
        return prepare_pattern(sender, recipient, code, variables, phonebook)

    def _votp(self, recipient: str, code: str) -> PreparedSend:
        self._check_open()
        return prepare_votp(recipient, code)

    def _peer_to_peer(
        self, sender: str, messages: Sequence[tuple[str | Sequence[str], str]], send_at: datetime | None
    ) -> PreparedSend:
        self._check_open()
        return prepare_peer_to_peer(sender, messages, send_at, now=self._clock())


class SmsClient(_BaseClient):
    """Sends SMS through the Edge API. Use as a context manager, or call close().

    >>> with SmsClient(token="...") as sms:
    ...     sms.send("+983000505", "+989120000000", "کد ورود: 4821")
    """

    def __init__(
        self,
        token: str | None = None,
        *,
        base_url: str = DEFAULT_BASE_URL,
        timeout: float | httpx.Timeout = DEFAULT_TIMEOUT,
        retry: RetryPolicy | int = DEFAULT_RETRY,
        transport: httpx.BaseTransport | None = None,
        proxy: str | None = None,
        clock: Callable[[], datetime] = _utc_now,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        secret = _Hidden(token)
        del token
        super().__init__(secret, base_url, timeout, retry, clock)
        self._http = httpx.Client(
            **self._httpx_options(), transport=transport, proxy=proxy, event_hooks={"response": [_remember]}
        )
        self.generated.set_httpx_client(self._http)
        self._sleep = sleep

    def send(
        self,
        sender: str,
        recipients: str | Sequence[str],
        message: str,
        *,
        send_at: datetime | None = None,
    ) -> SendResult:
        """Send `message` from `sender` to `recipients`, now or at `send_at` (a timezone-aware datetime).

        Raises InvalidRequestError before any network traffic when the input breaks a rule that can be
        checked locally, an ApiError subclass when the API refuses, a TransportError when no answer came.
        """
        return self._send(self._webservice(sender, recipients, message, send_at))

    def send_pattern(
        self,
        sender: str,
        recipient: str,
        code: str,
        variables: Mapping[str, str | int],
        *,
        phonebook: Mapping[str, Any] | None = None,
    ) -> SendResult:
        """Send the approved pattern `code` filled with `variables` ({} for none) to `recipient`.

        A pattern the account does not have is a `NotFoundError` (404); a variable missing or unknown
        to the pattern is a ValidationError naming `params.<name>`. `phonebook={"id": ...}` also
        saves the recipient to that phonebook.
        """
        return self._send(self._pattern(sender, recipient, code, variables, phonebook))

    def send_votp(self, recipient: str, code: str) -> SendResult:
        """Have `code` (1 to 14 digits, a str so that leading zeros stay) read out by a call to `recipient`."""
        return self._send(self._votp(recipient, code))

    def send_peer_to_peer(
        self,
        sender: str,
        messages: Sequence[tuple[str | Sequence[str], str]],
        *,
        send_at: datetime | None = None,
    ) -> SendResult:
        """Send each `(recipients, text)` of `messages` from `sender` in one request: one outbox id per item."""
        return self._send(self._peer_to_peer(sender, messages, send_at))

    def _send(self, prepared: PreparedSend) -> SendResult:
        attempts = 0
        while True:
            attempts += 1
            try:
                return _result(self._call(prepared), prepared, attempts)
            except SmsError as error:
                self._sleep(self._wait_after(error, attempts))

    def _call(self, prepared: PreparedSend) -> Response[Any]:
        with _translated_errors():
            return send.sync_detailed(client=self.generated, body=prepared.body)

    def close(self) -> None:
        self._closed = True
        self._http.close()

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


class AsyncSmsClient(_BaseClient):
    """The asyncio twin of SmsClient: `async with AsyncSmsClient(...) as sms: await sms.send(...)`."""

    def __init__(
        self,
        token: str | None = None,
        *,
        base_url: str = DEFAULT_BASE_URL,
        timeout: float | httpx.Timeout = DEFAULT_TIMEOUT,
        retry: RetryPolicy | int = DEFAULT_RETRY,
        transport: httpx.AsyncBaseTransport | None = None,
        proxy: str | None = None,
        clock: Callable[[], datetime] = _utc_now,
        sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
    ) -> None:
        secret = _Hidden(token)
        del token
        super().__init__(secret, base_url, timeout, retry, clock)
        self._http = httpx.AsyncClient(
            **self._httpx_options(), transport=transport, proxy=proxy, event_hooks={"response": [_remember_async]}
        )
        self.generated.set_async_httpx_client(self._http)
        self._sleep = sleep

    async def send(
        self,
        sender: str,
        recipients: str | Sequence[str],
        message: str,
        *,
        send_at: datetime | None = None,
    ) -> SendResult:
        """Send `message` from `sender` to `recipients`, now or at `send_at`; see SmsClient.send."""
        return await self._send(self._webservice(sender, recipients, message, send_at))

    async def send_pattern(
        self,
        sender: str,
        recipient: str,
        code: str,
        variables: Mapping[str, str | int],
        *,
        phonebook: Mapping[str, Any] | None = None,
    ) -> SendResult:
        """Send the approved pattern `code` filled with `variables` to `recipient`; see SmsClient.send_pattern."""
        return await self._send(self._pattern(sender, recipient, code, variables, phonebook))

    async def send_votp(self, recipient: str, code: str) -> SendResult:
        """Have `code` read out by a call to `recipient`; see SmsClient.send_votp."""
        return await self._send(self._votp(recipient, code))

    async def send_peer_to_peer(
        self,
        sender: str,
        messages: Sequence[tuple[str | Sequence[str], str]],
        *,
        send_at: datetime | None = None,
    ) -> SendResult:
        """Send each `(recipients, text)` of `messages` from `sender`; see SmsClient.send_peer_to_peer."""
        return await self._send(self._peer_to_peer(sender, messages, send_at))

    async def _send(self, prepared: PreparedSend) -> SendResult:
        attempts = 0
        while True:
            attempts += 1
            try:
                return _result(await self._call(prepared), prepared, attempts)
            except SmsError as error:
                await self._sleep(self._wait_after(error, attempts))

    async def _call(self, prepared: PreparedSend) -> Response[Any]:
        with _translated_errors():
            return await send.asyncio_detailed(client=self.generated, body=prepared.body)

    async def aclose(self) -> None:
        self._closed = True
        await self._http.aclose()

    async def __aenter__(self) -> Self:
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.aclose()
