"""locpipe's own request policy around online engines.

deep-translator sets no timeout (a silent server blocks forever) and retries
nothing; engine client libraries differ.  Every online request goes through a
:class:`RequestRunner`:

* a timeout per request (connect and read), never longer than what is left
  of the run's **deadline**;
* at most ``max_in_flight`` requests at the same time (a thread pool);
* a **rate limit** (requests started per second, shared by all threads);
* **retries** on timeouts, connection errors, 429 (honouring ``Retry-After``)
  and 5xx, with exponential backoff and jitter; other errors are final.

:func:`redact` removes credentials from any text before it is shown.
"""

from __future__ import annotations

import email.utils
import random
import threading
import time
from collections.abc import Callable, Iterable, Sequence
from concurrent.futures import ThreadPoolExecutor
from typing import TypeVar

from locpipe.mt.settings import Limits

T = TypeVar("T")
R = TypeVar("R")


class EngineError(Exception):
    """A request failed; ``transient`` ones are retried."""

    transient = False

    def __init__(
        self, message: str, *, status: int | None = None, retry_after: float | None = None
    ):
        super().__init__(message)
        self.status = status
        self.retry_after = retry_after


class TransientError(EngineError):
    """Timeout, connection error, 429, 5xx, malformed response: worth another try."""

    transient = True


class DeadlineExceeded(TransientError):
    """The run's deadline passed; nothing more is sent."""


def parse_retry_after(value: str | None, now: float | None = None) -> float | None:
    """``Retry-After`` in seconds (a number or an HTTP date), or None."""
    if not value:
        return None
    value = value.strip()
    try:
        return max(0.0, float(value))
    except ValueError:
        pass
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    return max(0.0, when.timestamp() - (time.time() if now is None else now))


def status_error(status: int, message: str, retry_after: str | None = None) -> EngineError:
    """The error for an HTTP status: 429, 5xx and 408 are transient."""
    if status == 429 or status == 408 or status >= 500:
        return TransientError(
            f"HTTP {status}: {message}", status=status, retry_after=parse_retry_after(retry_after)
        )
    return EngineError(f"HTTP {status}: {message}", status=status)


def redact(text: str, secrets: Iterable[str]) -> str:
    """``text`` without any of the secrets (credentials) in it."""
    for secret in secrets:
        if secret and len(secret) >= 4:
            text = text.replace(secret, "***")
    return text


class RateLimiter:
    """At most ``rate`` request starts per second (0: unlimited), across threads."""

    def __init__(self, rate: float, clock: Callable[[], float], sleep: Callable[[float], None]):
        self.interval = 1.0 / rate if rate > 0 else 0.0
        self.clock = clock
        self.sleep = sleep
        self._next = 0.0
        self._lock = threading.Lock()

    def acquire(self) -> None:
        if not self.interval:
            return
        with self._lock:
            now = self.clock()
            start = max(now, self._next)
            self._next = start + self.interval
        if start > now:
            self.sleep(start - now)


class RequestRunner:
    """Runs requests under one engine's :class:`Limits`; counts attempts."""

    def __init__(
        self,
        limits: Limits,
        *,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], None] = time.sleep,
        jitter: Callable[[], float] = random.random,
    ):
        self.limits = limits
        self.clock = clock
        self.sleep = sleep
        self.jitter = jitter
        self.limiter = RateLimiter(limits.rate_limit, clock, sleep)
        self.started_at: float | None = None
        self.attempts = 0
        self.retried = 0
        self._lock = threading.Lock()

    @property
    def deadline_at(self) -> float:
        if self.started_at is None:
            self.started_at = self.clock()
        return self.started_at + self.limits.deadline

    def remaining(self) -> float:
        return self.deadline_at - self.clock()

    def backoff(self, attempt: int, retry_after: float | None) -> float:
        """Delay before retry ``attempt`` (0-based): exponential, half of it jittered."""
        base = min(self.limits.max_backoff, self.limits.backoff * (2**attempt))
        delay = base / 2 + self.jitter() * base / 2
        if retry_after is not None:
            delay = max(delay, min(retry_after, self.limits.max_backoff))
        return delay

    def call(self, request: Callable[[float], T]) -> T:
        """``request(timeout)`` with retries; raises the last :class:`EngineError`."""
        attempt = 0
        while True:
            remaining = self.remaining()
            if remaining <= 0:
                raise DeadlineExceeded(f"deadline of {self.limits.deadline:g} s passed")
            self.limiter.acquire()
            with self._lock:
                self.attempts += 1
            try:
                return request(max(0.001, min(self.limits.timeout, self.remaining())))
            except EngineError as exc:
                if not exc.transient or attempt >= self.limits.retries:
                    raise
                delay = self.backoff(attempt, exc.retry_after)
                if delay >= self.remaining():
                    raise DeadlineExceeded(
                        f"{exc} (no time left for a retry before the deadline)"
                    ) from exc
                with self._lock:
                    self.retried += 1
                self.sleep(delay)
                attempt += 1

    def map(self, request: Callable[[R, float], T], items: Sequence[R]) -> list[T | EngineError]:
        """Run ``request(item, timeout)`` for each item, ``max_in_flight`` at a time."""
        if not items:
            return []

        def one(item: R) -> T | EngineError:
            try:
                return self.call(lambda timeout: request(item, timeout))
            except EngineError as exc:
                return exc

        workers = max(1, min(self.limits.max_in_flight, len(items)))
        if workers == 1:
            return [one(item) for item in items]
        with ThreadPoolExecutor(max_workers=workers, thread_name_prefix="locpipe-mt") as pool:
            return list(pool.map(one, items))
