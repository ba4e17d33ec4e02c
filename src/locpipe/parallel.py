"""Per-article work on every core: ``ProcessPoolExecutor`` with forked workers.

Extract, update, check and build do the same small job for each article or
catalog (walk the HTML and format a template, merge a catalog, run the
quality checks, splice a page), so they scale with the cores.
Workers are forked from the running command: they inherit its modules, its
configuration and whatever it loaded beforehand (the Jinja2 environment, the
UI translations), and get only the indexes of their items (``chunksize``).
An unexpected exception in a worker (a bug) or a worker's death raises
:class:`WorkerCrashed` in the command, with the worker's traceback.

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


#: The function and items of the running pool, set before the workers fork.
_TASK: tuple[Callable[[Any], Any], Sequence[Any]] | None = None


def _attempt(func: Callable[[T], R], item: T) -> Done[R]:
    try:
        return Done(value=func(item))
    except LocpipeError as exc:
        return Done(error=exc)


def _attempt_index(index: int) -> Done[Any]:
    """In a worker: the outcome of item ``index`` (the items came with the fork)."""
    assert _TASK is not None
    func, items = _TASK
    return _attempt(func, items[index])


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
    return _in_pool(func, items, min(jobs, len(items)))


class WorkerCrashed(RuntimeError):
    """A worker process died or met an unexpected exception (a bug, not bad input)."""


def _in_pool(func: Callable[[T], R], items: Sequence[T], workers: int) -> list[Done[R]]:
    """``func`` on every item in ``workers`` forked processes, outcomes in order.

    Only indexes travel to the workers (they have ``func`` and the items from
    the fork, through :data:`_TASK`), in chunks of :data:`CHUNK`; outcomes come
    back pickled.  An unexpected exception in a worker or a worker's death
    raises :class:`WorkerCrashed`; on any exception here (Ctrl-C included) the
    workers are killed before it propagates.
    """
    import multiprocessing
    import sys
    from concurrent.futures import ProcessPoolExecutor
    from concurrent.futures.process import BrokenProcessPool

    global _TASK
    for stream in (sys.stdout, sys.stderr):  # a worker must not inherit unwritten output
        with contextlib.suppress(Exception):
            stream.flush()
    _TASK = (func, items)
    executor = ProcessPoolExecutor(
        workers, mp_context=multiprocessing.get_context("fork"), initializer=_init_worker
    )
    finished = False
    try:
        outcomes = list(executor.map(_attempt_index, range(len(items)), chunksize=CHUNK))
        finished = True
        return outcomes
    except BrokenProcessPool as exc:
        raise WorkerCrashed("a worker process died before finishing its work") from exc
    except Exception as exc:  # a bug in a worker: its traceback comes as the cause
        remote = getattr(exc.__cause__, "tb", None)
        if remote is None:
            raise
        raise WorkerCrashed(f"in a worker process:\n{remote.strip()}") from exc
    finally:
        _TASK = None
        if not finished:
            # ProcessPoolExecutor has no public kill before Python 3.14
            for process in list((getattr(executor, "_processes", None) or {}).values()):
                with contextlib.suppress(Exception):
                    process.kill()
        executor.shutdown(wait=True, cancel_futures=True)
