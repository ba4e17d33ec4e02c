"""Per-article work on every core: a fork-based process pool.

Extract, update, check and build do the same small job for each article or
catalog (walk the HTML and format a template, merge a catalog, run the
quality checks, splice a page), so they scale with the cores.
Workers are forked from the running command: they inherit its modules, its
configuration and whatever it loaded beforehand (the Jinja2 environment, the
UI translations), and get only an item (a path, a slug) per task.

A worker never raises: it returns :class:`Done` with either a value or the
:class:`~locpipe.errors.LocpipeError` it met, so the caller sees every
outcome, keeps the order of the items, and can throw away what the other
workers prepared when one item is bad (nothing half-written).  Workers ignore
Ctrl-C (the command handles it) and die with the command (``PR_SET_PDEATHSIG``).
"""

from __future__ import annotations

import contextlib
import os
import signal
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from locpipe.errors import LocpipeError

T = TypeVar("T")
R = TypeVar("R")

#: Fewer items than this are done in the command's own process: forking is not free.
MIN_ITEMS = 8
#: Items handed to a worker at once.
CHUNK = 4


@dataclass
class Done(Generic[R]):
    """The outcome of one item: its value, or the error that stopped it."""

    value: R | None = None
    error: LocpipeError | None = None


def first_error(outcomes: Sequence[Done[R]]) -> LocpipeError | None:
    """The error of the first item that failed, in the order of the items."""
    return next((done.error for done in outcomes if done.error is not None), None)


def available_cpus() -> int:
    """The cores this process may run on."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except (AttributeError, OSError):
        return max(1, os.cpu_count() or 1)


_TASK: Callable[[Any], Any] | None = None


def _attempt(func: Callable[[T], R], item: T) -> Done[R]:
    try:
        return Done(value=func(item))
    except LocpipeError as exc:
        return Done(error=exc)


def _run_task(item: Any) -> Done[Any]:
    assert _TASK is not None
    return _attempt(_TASK, item)


def _init_worker() -> None:
    """Leave Ctrl-C to the command, and end when the command ends."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    with contextlib.suppress(Exception):
        import ctypes

        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG
        if os.getppid() == 1:  # the command died before the prctl
            os._exit(1)


def run_each(func: Callable[[T], R], items: Sequence[T], jobs: int) -> list[Done[R]]:
    """``func`` on every item, in a pool of ``jobs`` forked workers when worth it.

    ``func`` may use anything the caller set up before the call (workers are
    forked then).  The outcomes come back in the order of ``items``.
    """
    if jobs <= 1 or len(items) < MIN_ITEMS or not hasattr(os, "fork"):
        return [_attempt(func, item) for item in items]
    import multiprocessing  # only when a pool is worth it (a no-op run does not pay for it)
    from concurrent.futures import ProcessPoolExecutor

    global _TASK
    _TASK = func
    try:
        context = multiprocessing.get_context("fork")
        with ProcessPoolExecutor(
            min(jobs, len(items)), mp_context=context, initializer=_init_worker
        ) as pool:
            try:
                return list(pool.map(_run_task, items, chunksize=CHUNK))
            except BaseException:
                pool.shutdown(wait=True, cancel_futures=True)
                raise
    finally:
        _TASK = None
