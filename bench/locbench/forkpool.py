"""locpipe's former process pool (``os.fork``, two pipes per worker), for ``make bench-pool``.

``locpipe.parallel`` runs its workers in ``concurrent.futures.ProcessPoolExecutor``
(fork context, initializer, chunksize).  This is the home-made pool it
replaced, unchanged but for its imports, so that ``bench/pool.py`` can time
both side by side in one run: ``ForkPool(func, items, workers).run()``.
"""

from __future__ import annotations

import contextlib
import os
import signal
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any, TypeVar

from locpipe.parallel import CHUNK, Done, WorkerCrashed, _attempt, _init_worker

T = TypeVar("T")
R = TypeVar("R")

#: Task message telling a worker to finish.
_STOP = 0xFFFFFFFF


@dataclass
class _Crash:
    """A worker's unexpected exception and its traceback, sent to the command."""

    text: str
    cause: BaseException | None


class ForkPool:
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
