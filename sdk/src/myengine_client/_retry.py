"""When to retry a request, and how long to wait first.

Every request the client sends is safe to repeat: reads change nothing, and writes carry an
``Idempotency-Key`` that makes the server return the first response to a repeat. So the
policy retries any method after a connection failure, a 429, a 409
``idempotency_key_in_progress`` (the first copy is still running) and a 500, 502, 503 or 504.
"""

import datetime as dt
import email.utils
import random
from collections.abc import Callable
from dataclasses import dataclass, field

import httpx

RETRYABLE_STATUSES = frozenset({429, 500, 502, 503, 504})
RETRYABLE_CONFLICT_CODE = "idempotency_key_in_progress"


@dataclass(frozen=True)
class RetryPolicy:
    """Bounded retries with exponential backoff and jitter.

    Retry ``n`` (from 1) waits a random time between half and all of
    ``min(max_delay, initial_delay * 2 ** (n - 1))`` seconds, unless the response carries
    ``Retry-After``, which is then waited exactly. A ``Retry-After`` longer than
    ``max_retry_after`` is not waited: the error is raised at once for the caller to schedule.
    """

    max_retries: int = 3
    initial_delay: float = 0.5
    max_delay: float = 8.0
    max_retry_after: float = 60.0
    random: Callable[[], float] = field(default=random.random, repr=False, compare=False)

    def __post_init__(self) -> None:
        if self.max_retries < 0:
            raise ValueError(f"max_retries must be 0 or more, not {self.max_retries}")
        if self.initial_delay < 0 or self.max_delay < 0 or self.max_retry_after < 0:
            raise ValueError("retry delays must be 0 or more seconds")

    def backoff(self, retry: int) -> float:
        """Return the wait in seconds before retry number ``retry`` (1 for the first)."""
        ceiling = min(self.max_delay, self.initial_delay * 2 ** (retry - 1))
        return ceiling / 2 + self.random() * ceiling / 2

    def delay_after_response(self, retry: int, response: httpx.Response) -> float | None:
        """Return the wait before retry ``retry`` after ``response``, or None to not retry."""
        if retry > self.max_retries or not _retryable(response):
            return None
        retry_after = parse_retry_after(response.headers.get("retry-after"))
        if retry_after is None:
            return self.backoff(retry)
        if retry_after > self.max_retry_after:
            return None
        return retry_after

    def delay_after_error(self, retry: int, error: httpx.TransportError) -> float | None:
        """Return the wait before retry ``retry`` after a transport error, or None to not retry."""
        if retry > self.max_retries:
            return None
        if isinstance(
            error, (httpx.TimeoutException, httpx.NetworkError, httpx.RemoteProtocolError)
        ):
            return self.backoff(retry)
        return None


def parse_retry_after(value: str | None) -> float | None:
    """Return the seconds to wait that ``Retry-After`` requests (delta seconds or HTTP date)."""
    if value is None or not value.strip():
        return None
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=dt.UTC)
    return max(0.0, (when - dt.datetime.now(dt.UTC)).total_seconds())


def _retryable(response: httpx.Response) -> bool:
    if response.status_code in RETRYABLE_STATUSES:
        return True
    if response.status_code != 409:
        return False
    try:
        code = response.json().get("error", {}).get("code")
    except (ValueError, AttributeError):
        return False
    return code == RETRYABLE_CONFLICT_CODE
