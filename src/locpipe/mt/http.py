"""locpipe's request policy around online engines: the parts no library has.

Retries are urllib3's (:mod:`locpipe.mt.session`: one pooled
``requests.Session`` per backend, :class:`~urllib3.util.Retry` on timeouts,
connection errors, 408, 429 with ``Retry-After`` and 5xx).  Every request
goes through a :class:`RequestRunner`, which adds:

* at most ``max_in_flight`` requests at the same time (a thread pool);
* a **rate limit** (request starts per second, retries included, shared by
  all threads);
* the run's **deadline**: no request starts, and no wait between retries
  begins, when it would end after the deadline; each request's timeout is
  the shorter of ``timeout`` and what is left.  A request started before the
  deadline runs its course, so a run ends at most one ``timeout`` after the
  deadline (``timeout`` bounds the connection and each wait for bytes: a
  server that trickles bytes can stretch one request beyond it);
* the same retry policy for failures the transport cannot see
  (:class:`RetryableError`: a 200 whose body is not the answer, an engine
  client with its own transport, such as DeepL's).  Those count on their own:
  a call's HTTP retries and body retries are two budgets of ``retries``,
  both under the deadline.

:func:`redact` removes credentials from any text before it is shown.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterable, Sequence
from concurrent.futures import ThreadPoolExecutor
from typing import TYPE_CHECKING, TypeVar

from locpipe.mt.settings import Limits

if TYPE_CHECKING:
    from locpipe.mt.session import RetryPolicy

T = TypeVar("T")
R = TypeVar("R")


class EngineError(Exception):
    """A request failed; ``transient`` failures are never cached (the next run retries)."""

    transient = False

    def __init__(self, message: str, *, status: int | None = None):
        super().__init__(message)
        self.status = status


class TransientError(EngineError):
    """Timeout, connection error, 429, 5xx, malformed response: worth another run.

    Raised once the transport's retries are spent: final for this call."""

    transient = True


class RetryableError(TransientError):
    """A transient failure no retry has seen yet: the runner retries it.

    A 200 whose body is malformed, or an error of an engine client that has
    its own transport (DeepL's): urllib3 never saw it fail."""


class DeadlineExceeded(TransientError):
    """The run's deadline passed; nothing more is sent."""


def status_error(status: int, message: str, *, retryable: bool = False) -> EngineError:
    """The error for an HTTP status: 429, 5xx and 408 are transient.

    ``retryable``: the status came through a client the transport did not
    retry (DeepL's), so the runner should."""
    if status == 429 or status == 408 or status >= 500:
        kind = RetryableError if retryable else TransientError
        return kind(f"HTTP {status}: {message}", status=status)
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
    """Runs one engine's requests under its :class:`Limits`; counts attempts."""

    def __init__(
        self,
        limits: Limits,
        *,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], None] = time.sleep,
    ):
        self.limits = limits
        self.clock = clock
        self.sleep = sleep
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

    def policy(self) -> RetryPolicy:
        """A fresh retry policy (urllib3's ``Retry``) whose waits go through :meth:`pause`."""
        from locpipe.mt.session import retry_policy

        return retry_policy(self.limits, self)

    def pause(self, delay: float, cause: str) -> None:
        """Wait ``delay`` seconds before a retry of ``cause``, then take a turn
        under the rate limit; :class:`DeadlineExceeded` when the wait would
        end after the deadline."""
        remaining = self.remaining()
        if remaining <= 0 or delay >= remaining:
            raise DeadlineExceeded(f"{cause} (no time left for a retry before the deadline)")
        with self._lock:
            self.retried += 1
            self.attempts += 1
        if delay > 0:
            self.sleep(delay)
        self.limiter.acquire()

    def call(self, request: Callable[[float], T]) -> T:
        """``request(timeout)``; a :class:`RetryableError` is retried under the
        policy (the transport retries the rest); raises the last :class:`EngineError`."""
        if self.remaining() <= 0:
            raise DeadlineExceeded(f"deadline of {self.limits.deadline:g} s passed")
        self.limiter.acquire()
        with self._lock:
            self.attempts += 1
        policy: RetryPolicy | None = None
        while True:
            timeout = max(0.001, min(self.limits.timeout, self.remaining()))
            try:
                return request(timeout)
            except RetryableError as exc:
                from urllib3.exceptions import MaxRetryError

                policy = policy or self.policy()
                try:
                    policy = policy.increment(error=exc)
                except MaxRetryError:
                    raise exc from None
                policy.sleep()

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
