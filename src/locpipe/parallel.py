"""Per-article work on every core: a fork-based process pool.

Extract, update, check and build do the same small job for each article or
catalog (walk the HTML and format a template, merge a catalog, run the
quality checks, splice a page), so they scale with the cores.
Workers are forked from the running command: they inherit its modules, its
configuration and whatever it loaded beforehand (the Jinja2 environment, the
UI translations), and get only the index of their next chunk of items.
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


_TASK: Callable[[Any], Any] | None = None


def _attempt(func: Callable[[T], R], item: T) -> Done[R]:
    try:
        return Done(value=func(item))
    except LocpipeError as exc:
        return Done(error=exc)


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
    return _ForkPool(func, items, min(jobs, len(items))).run()


#: Task message telling a worker to finish.
_STOP = 0xFFFFFFFF


class WorkerCrashed(RuntimeError):
    """A worker process died or met an unexpected exception (a bug, not bad input)."""


@dataclass
class _Crash:
    """A worker's unexpected exception and its traceback, sent to the command."""

    text: str
    cause: BaseException | None


class _ForkPool:
    """Forked workers fed chunk numbers through a pipe each; results come back pickled.

    The items are not sent: a worker has them from the fork, and gets only
    the index of its next chunk (4 bytes).  Each worker has two chunks in
    hand, so it never waits for the command between them.  Lighter than
    ``concurrent.futures.ProcessPoolExecutor`` (no manager and feeder
    threads, no item pickling, no multiprocessing import), which matters for
    commands that take a fraction of a second.
    """

    def __init__(self, func: Callable[[T], R], items: Sequence[T], workers: int):
        self.func, self.items, self.workers = func, items, workers
        self.results: list[Done[R] | None] = [None] * len(items)
        self.in_hand: dict[int, int] = {}  # result pipe of a worker → chunks it has
        self.stopped: set[int] = set()  # workers told to stop

    def run(self) -> list[Done[R]]:
        import selectors
        import sys

        for stream in (sys.stdout, sys.stderr):  # a worker must not inherit unwritten output
            with contextlib.suppress(Exception):
                stream.flush()
        chunks = list(range(0, len(self.items), CHUNK))[::-1]  # popped from the end
        pids: list[int] = []
        tasks: dict[int, int] = {}  # result pipe → task pipe of its worker
        try:
            for _ in range(self.workers):
                task_r, task_w = os.pipe()
                result_r, result_w = os.pipe()
                pid = os.fork()
                if pid == 0:  # the worker
                    os.close(task_w)
                    os.close(result_r)
                    for fd in (*tasks, *tasks.values()):
                        os.close(fd)
                    self._serve(task_r, result_w)  # never returns
                os.close(task_r)
                os.close(result_w)
                pids.append(pid)
                tasks[result_r] = task_w
            selector = selectors.DefaultSelector()
            buffers: dict[int, bytearray] = {}
            self.in_hand = dict.fromkeys(tasks, 0)
            for result_r in tasks:
                selector.register(result_r, selectors.EVENT_READ)
                buffers[result_r] = bytearray()
                for _ in range(2):
                    self._feed(tasks, result_r, chunks)
            while any(self.in_hand.values()):
                for key, _ in selector.select():
                    fd = key.fd
                    data = os.read(fd, 1 << 16)
                    if not data:
                        selector.unregister(fd)
                        if self.in_hand[fd]:
                            raise WorkerCrashed("a worker process died before finishing its work")
                        continue
                    buffers[fd] += data
                    for _done in range(self._take(buffers[fd])):
                        self.in_hand[fd] -= 1
                        self._feed(tasks, fd, chunks)
            selector.close()
        except BaseException:
            for pid in pids:
                with contextlib.suppress(OSError):
                    os.kill(pid, signal.SIGKILL)
            raise
        finally:
            for fd, task_w in tasks.items():
                for end in (fd, task_w):
                    with contextlib.suppress(OSError):
                        os.close(end)
            for pid in pids:
                with contextlib.suppress(ChildProcessError):
                    os.waitpid(pid, 0)
        return self.results  # type: ignore[return-value]

    def _feed(self, tasks: dict[int, int], worker: int, chunks: list[int]) -> None:
        """Hand a worker (known by its result pipe) the next chunk, or tell it once to stop."""
        if worker in self.stopped:
            return
        message = chunks.pop() if chunks else _STOP
        try:
            os.write(tasks[worker], message.to_bytes(4, "big"))
        except BrokenPipeError:
            raise WorkerCrashed("a worker process died before finishing its work") from None
        if message == _STOP:
            self.stopped.add(worker)
        else:
            self.in_hand[worker] += 1

    def _take(self, buffer: bytearray) -> int:
        """Store every complete result message in ``buffer``; how many there were."""
        import pickle

        count = 0
        while len(buffer) >= 8:
            size = int.from_bytes(buffer[:8], "big")
            if len(buffer) < 8 + size:
                break
            start, outcome = pickle.loads(buffer[8 : 8 + size])
            del buffer[: 8 + size]
            if isinstance(outcome, _Crash):
                raise WorkerCrashed(outcome.text) from outcome.cause
            self.results[start : start + len(outcome)] = outcome
            count += 1
        return count

    def _serve(self, task_r: int, result_w: int) -> None:
        """The worker's loop: do the chunks it is given, send back their outcomes, exit."""
        import pickle
        import traceback

        status = 0
        try:
            _init_worker()
            while True:
                head = _read_exactly(task_r, 4)
                start = int.from_bytes(head, "big") if len(head) == 4 else _STOP
                if start == _STOP:
                    break
                try:
                    end = min(start + CHUNK, len(self.items))
                    outcome: Any = [_attempt(self.func, self.items[i]) for i in range(start, end)]
                    payload = pickle.dumps((start, outcome), pickle.HIGHEST_PROTOCOL)
                except BaseException as exc:  # a bug: the command re-raises it
                    crash = _Crash(f"in a worker process:\n{traceback.format_exc()}", exc)
                    try:
                        payload = pickle.dumps((start, crash), pickle.HIGHEST_PROTOCOL)
                    except Exception:  # an exception that cannot be pickled: its text
                        payload = pickle.dumps((start, _Crash(crash.text, None)))
                _write_all(result_w, len(payload).to_bytes(8, "big") + payload)
        except BaseException:
            status = 1
        finally:
            os._exit(status)


def _read_exactly(fd: int, size: int) -> bytes:
    data = b""
    while len(data) < size:
        more = os.read(fd, size - len(data))
        if not more:
            break
        data += more
    return data


def _write_all(fd: int, data: bytes) -> None:
    view = memoryview(data)
    while view:
        view = view[os.write(fd, view) :]
