"""The HTTP transport of online engines: a pooled ``requests.Session`` per backend.

Its adapter retries with urllib3's :class:`~urllib3.util.Retry` (timeouts,
connection errors, 408, 429 and 5xx, for every method, ``Retry-After``
honoured, exponential backoff with jitter) and keeps up to ``max_in_flight``
connections open for reuse.  :class:`RetryPolicy` only routes Retry's waits
through the :class:`~locpipe.mt.http.RequestRunner`, which owns the clock:
a wait that would end after the run's deadline ends the call instead, and
each retry takes its turn under the rate limit.

Imported when an online engine first sends a request: ``requests`` costs a
tenth of a second of start-up that validating a configuration never needs.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Self

import requests
from requests.adapters import HTTPAdapter
from urllib3.exceptions import (
    ConnectTimeoutError,
    MaxRetryError,
    NewConnectionError,
    ReadTimeoutError,
)
from urllib3.util import Retry

from locpipe.mt.http import TransientError

if TYPE_CHECKING:
    from urllib3.response import BaseHTTPResponse

    from locpipe.mt.http import RequestRunner
    from locpipe.mt.settings import Limits

#: Statuses retried by the transport (others are final for this call).
RETRY_STATUSES = (408, 429, 500, 502, 503, 504)


class RetryPolicy(Retry):
    """urllib3's ``Retry``, its waits taken through a runner (deadline, rate limit).

    The delay is urllib3's: ``backoff × 2^(n−1)`` plus up to ``backoff`` of
    jitter from the second retry on (the first is immediate), at most
    ``max_backoff``; a ``Retry-After`` longer than that, capped at
    ``max_backoff``, wins.
    """

    def __init__(self, *args: Any, runner: RequestRunner | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.runner = runner

    def new(self, **kw: Any) -> Self:
        retry = super().new(**kw)
        retry.runner = self.runner
        return retry

    def sleep(self, response: BaseHTTPResponse | None = None) -> None:
        delay = self.get_backoff_time()
        if response is not None and self.respect_retry_after_header:
            after = self.get_retry_after(response)
            if after is not None:
                delay = max(delay, min(after, self.backoff_max))
        if self.runner is None:  # not bound to a run: urllib3's own sleep
            super().sleep(response)
            return
        self.runner.pause(delay, self._cause())

    def _cause(self) -> str:
        """The failure being retried, in words (for a deadline's message)."""
        last = self.history[-1] if self.history else None
        if last is None:
            return "a failed request"
        if last.status is not None:
            return f"HTTP {last.status}"
        if _timed_out(last.error):
            return "timed out"
        return str(last.error) if last.error is not None else "a failed request"


def retry_policy(limits: Limits, runner: RequestRunner | None = None) -> RetryPolicy:
    """The retry policy of an engine's :class:`~locpipe.mt.settings.Limits`."""
    return RetryPolicy(
        total=limits.retries,
        status_forcelist=RETRY_STATUSES,
        allowed_methods=None,  # POST too: a translation request has no side effect
        backoff_factor=limits.backoff,
        backoff_jitter=limits.backoff,
        backoff_max=limits.max_backoff,
        respect_retry_after_header=True,
        raise_on_status=False,  # the last 429/5xx answer comes back, and says why
        runner=runner,
    )


def make_session(limits: Limits, runner: RequestRunner | None = None) -> requests.Session:
    """A session whose connections are pooled and whose requests retry under ``limits``."""
    session = requests.Session()
    adapter = HTTPAdapter(
        max_retries=retry_policy(limits, runner),
        pool_connections=1,
        pool_maxsize=max(1, limits.max_in_flight),
    )
    session.mount("http://", adapter)
    session.mount("https://", adapter)
    return session


def transport_error(exc: requests.RequestException, timeout: float) -> TransientError:
    """The error of a request the transport gave up on (its retries spent)."""
    reason = exc.args[0] if exc.args else None
    if isinstance(reason, MaxRetryError):
        reason = reason.reason
    if isinstance(exc, requests.Timeout) or _timed_out(reason):
        return TransientError(f"timed out after {timeout:g} s")
    return TransientError(f"connection failed: {type(exc).__name__}")


def _timed_out(error: object) -> bool:
    """True for a connect or read timeout (a refused connection is not one)."""
    return isinstance(error, ConnectTimeoutError | ReadTimeoutError) and not isinstance(
        error, NewConnectionError
    )
