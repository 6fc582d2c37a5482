"""When a failed send may be tried again, and how long to wait: retries that never send an SMS twice.

A send is not idempotent: the API has no idempotency key, and the provider answers a repeat of the
same text to the same number within 40 seconds with 429. So a send is retried only when the
failed attempt cannot have reached the provider:

- the connection was never made (refused, DNS failure, connect timeout, no free connection);
- the provider answered 503 with a Retry-After header: it says nothing was sent and when to come back.

It is never retried after the request was written and no answer came (a read timeout: the SMS
may have gone out), on 429 (a retry would be the duplicate the provider refuses), on 500 or any
other answer. Waits grow exponentially with jitter, are capped, and honour Retry-After.
"""

from __future__ import annotations

import random
from dataclasses import dataclass

from ._errors import ConnectionFailedError, ServerError, SmsError


@dataclass(frozen=True)
class RetryPolicy:
    """How many safe retries to make and how long to wait between them (`RetryPolicy(0)` disables retries)."""

    max_retries: int = 2
    backoff: float = 0.5
    max_backoff: float = 8.0
    max_retry_after: float = 30.0

    def __post_init__(self) -> None:
        if self.max_retries < 0 or self.backoff < 0 or self.max_backoff < self.backoff or self.max_retry_after < 0:
            raise ValueError("retries and waits must be non-negative, and max_backoff at least backoff")

    def wait_before_retry(self, error: SmsError, retries_done: int, rng: random.Random) -> float | None:
        """Seconds to wait before retrying after `error`, or None when it must not be retried."""
        if retries_done >= self.max_retries:
            return None
        ceiling = min(self.max_backoff, self.backoff * 2**retries_done)
        jittered = rng.uniform(ceiling / 2, ceiling)
        if isinstance(error, ConnectionFailedError):
            return jittered
        if isinstance(error, ServerError) and error.status_code == 503 and error.retry_after is not None:
            if error.retry_after > self.max_retry_after:
                return None
            return max(error.retry_after, jittered)
        return None
