"""Who calls the engine when: the lanes one after the other from this thread, or
several languages at once, each with its own engine threads (parallel backends)."""

from __future__ import annotations

import threading
from collections import deque
from typing import TYPE_CHECKING

from locpipe.steps.translate.lanes import Batch, Context, Lane
from locpipe.steps.translate.results import TranslateResult

if TYPE_CHECKING:
    from concurrent.futures import Future, ThreadPoolExecutor

    from locpipe.mt.base import Backend, Outcome


#: Batches a language may have at a parallel backend at once: one in the engine,
#: the next one being prepared (masked) meanwhile.
LOOKAHEAD = 2


def count_call(result: TranslateResult, batch: Batch) -> None:
    result.engine_calls += 1
    result.engine_texts += len(batch.texts)
    result.engine_chars += batch.chars


class _Stopped(Exception):
    """A batch not sent: another call failed, or the run was interrupted."""


class _Stop(threading.Event):
    """Set once no further batch may be sent; ``interrupted`` when by Ctrl-C in a call."""

    interrupted = False


def _outcomes(backend: Backend, batch: Batch) -> list[Outcome]:
    """The engine's outcomes for a batch (with the article titles when it wants them)."""
    if backend.wants_titles:
        return backend.translate_outcomes(  # type: ignore[call-arg]
            batch.texts, batch.source, batch.target, titles=batch.titles
        )
    return backend.translate_outcomes(batch.texts, batch.source, batch.target)


def call_engine(backend: Backend, batch: Batch, stop: _Stop | None = None) -> list[Outcome]:
    """The engine call (in a lane's thread when languages run together).

    Once ``stop`` is set (by a failed call, at once, or by the calling thread)
    no further batch is sent; those already at the engine finish.
    """
    if stop is None:
        return _outcomes(backend, batch)
    if stop.is_set():
        raise _Stopped
    try:
        return _outcomes(backend, batch)
    except BaseException as exc:
        stop.interrupted |= isinstance(exc, KeyboardInterrupt)
        stop.set()
        raise


def run_in_turn(lanes: list[Lane], context: Context) -> None:
    """One language after the other, the engine called from this thread."""
    for lane in lanes:
        while (batch := lane.next_batch()) is not None:
            count_call(context.result, batch)
            lane.finish(batch, call_engine(context.backend, batch))
        lane.close()


def run_together(lanes: list[Lane], context: Context, jobs: int) -> None:
    """Up to ``jobs`` languages at once, each calling the engine from its own threads.

    This thread reads, plans, caches and writes; each language has up to
    :data:`LOOKAHEAD` batches at the backend, each in its own thread (the next
    one is masked while the engine translates the current one).  When a batch
    comes back, the next ones are planned and sent before its catalogs are
    written, so the engine never waits for the writing.  After a failed call
    no other batch is sent, the batches still running are waited for and
    saved, and the error goes on; Ctrl-C stops at once, keeping what is
    finished.
    """
    _Together(lanes, context, jobs).run()


class _Together:
    """The languages of :func:`run_together`, their engine threads and batches."""

    def __init__(self, lanes: list[Lane], context: Context, jobs: int):
        self.todo = deque(lanes)
        self.context = context
        self.jobs = jobs
        self.stop = _Stop()
        self.active: list[Lane] = []
        self.pools: dict[int, ThreadPoolExecutor] = {}  # id(lane) → its engine threads
        #: Batches at the engine, or back and not applied yet; in submission order.
        self.inflight: dict[Future[list[Outcome]], tuple[Lane, Batch]] = {}
        self.back: list[Future[list[Outcome]]] = []  # back, applied after the next ones went out
        self.lane: Lane | None = None  # the lane being worked on: an error leaves it half done

    def run(self) -> None:
        try:
            while self._round():
                pass
        except BaseException as exc:
            self.stop.set()
            if self.lane is not None:
                self.lane.broken = True
            # Ctrl-C (here or in a call) stops now: the batches still at the engine are
            # lost (closing the backend ends them), as a call interrupted here would be.
            interrupted = isinstance(exc, KeyboardInterrupt) or self.stop.interrupted
            error = _settle(self.inflight, wait=not interrupted)
            if isinstance(exc, _Stopped):
                if error is not None:
                    raise error from None
                if self.stop.interrupted:  # its call has not handed the interrupt over yet
                    raise KeyboardInterrupt from None
            raise
        finally:
            for pool in self.pools.values():
                pool.shutdown(wait=False, cancel_futures=True)

    def _round(self) -> bool:
        """Start languages, send batches, apply those back, wait for one; False when done."""
        from concurrent.futures import ThreadPoolExecutor

        while self.todo and len(self.active) < self.jobs:
            self.lane = self.todo.popleft()
            self.active.append(self.lane)
            self.pools[id(self.lane)] = ThreadPoolExecutor(LOOKAHEAD, f"locpipe-{self.lane.target}")
        self._send()
        self._apply_back()
        finished = [each for each in self.active if each.done]
        for each in finished:
            self.active.remove(each)
            self.pools.pop(id(each)).shutdown()
            each.close()
        if not self.inflight:
            assert finished or not (self.active or self.todo), "translate: a language waits"
            return bool(finished)  # the next languages start, or all are done
        self._wait()
        return True

    def _send(self) -> None:
        """Round robin: every language gets a batch out before any gets two."""
        submitted = True
        while submitted:
            submitted = False
            for lane in self.active:
                self.lane = lane
                if lane.queued < LOOKAHEAD and (batch := lane.next_batch()) is not None:
                    count_call(self.context.result, batch)
                    pool = self.pools[id(lane)]
                    future = pool.submit(call_engine, self.context.backend, batch, self.stop)
                    self.inflight[future] = (lane, batch)
                    lane.queued += 1
                    submitted = True
        self.lane = None

    def _apply_back(self) -> None:
        """Apply the batches that came back (their catalogs are written)."""
        while self.back:
            future = self.back.pop(0)
            self.lane, batch = self.inflight.pop(future)
            self.lane.finish(batch, future.result())
        self.lane = None

    def _wait(self) -> None:
        """Until a batch comes back; raise the error of a failed call."""
        from concurrent.futures import FIRST_COMPLETED, wait

        done, _ = wait(self.inflight, return_when=FIRST_COMPLETED)
        for future in [f for f in self.inflight if f in done]:
            lane, _batch = self.inflight[future]
            lane.queued -= 1  # its place goes to the next batch at once
            error = future.exception()
            if error is None:
                self.back.append(future)
                continue
            del self.inflight[future]
            if not isinstance(error, _Stopped):
                raise error  # the engine failed, not the lane: its other batches count
        if self.stop.is_set():
            raise _Stopped  # a call failed: _settle finds its error


def _settle(
    inflight: dict[Future[list[Outcome]], tuple[Lane, Batch]], wait: bool
) -> BaseException | None:
    """After an error: no batch starts any more; save what came back, and (``wait``)
    what the running ones bring back.

    Returns the first error a call raised (not counting batches it stopped).
    """
    for future in inflight:
        future.cancel()
    first: BaseException | None = None
    for future, (lane, batch) in inflight.items():
        if future.cancelled() or not (wait or future.done()):
            continue
        error = future.exception()  # waits for a running batch
        if error is not None:
            if first is None and not isinstance(error, _Stopped):
                first = error
            continue
        if not lane.broken:
            try:
                lane.finish(batch, future.result())
            except Exception:
                lane.broken = True
    return first
