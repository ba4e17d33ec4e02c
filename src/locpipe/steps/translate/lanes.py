"""One lane per target language: its catalogs read and planned in scan order, their
texts gathered into shared batches, and each catalog written as soon as its texts
are back (see :class:`Lane`)."""

from __future__ import annotations

import itertools
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

import polib

from locpipe.mt.settings import MTSettings
from locpipe.project import Project
from locpipe.stamps import Stamps, file_digest
from locpipe.steps.translate.apply import apply_piece
from locpipe.steps.translate.pending import (
    Job,
    Pending,
    has_pending,
    needs_update,
    read_jobs,
    settings_key,
)
from locpipe.steps.translate.plan import Plan, plan_entry, verbatim_plan
from locpipe.steps.translate.results import TranslateResult
from locpipe.steps.update import stamp_name

if TYPE_CHECKING:
    from locpipe.mt.base import Backend, Outcome
    from locpipe.mt.cache import MTCache
    from locpipe.mt.memory import TranslationMemory


#: Texts whose outcome a run keeps in memory (units shared by articles are sent once);
#: older ones are forgotten between batches and found in the MT cache instead.
SEEN_LIMIT = 20_000
#: A batch goes to the engine once it holds ``batch_size`` texts or this many characters.
BATCH_CHARS = 150_000
#: A language's first batch for a parallel backend holds ``batch_size // FIRST_BATCH``
#: texts: the engine starts on it while the next, full one is planned.
FIRST_BATCH = 4
#: Catalogs a language may hold in memory while their texts are at the engine.
MAX_WAITING = 64
#: A catalog is written after each batch of its entries, so an interrupted run keeps
#: every finished batch; but each write formats all of it, which made one of 100,000
#: units quadratic (274 s with the pseudo backend).  So a catalog with more pending
#: entries than LARGE_CATALOG is written at most SAVES_PER_CATALOG times (the MT
#: cache keeps the results in between: an interrupted run pays nothing twice).
LARGE_CATALOG = 4_000
SAVES_PER_CATALOG = 4


@dataclass(eq=False)
class Batch:
    """Texts of one language pair for one engine call, gathered from one or more catalogs."""

    source: str
    target: str
    engine: str
    fp: str
    texts: list[str] = field(default_factory=list)
    titles: list[str] = field(default_factory=list)  # each text's article title
    chars: int = 0
    outcomes: dict[str, Outcome] | None = None  # set when back from the engine


@dataclass(eq=False)
class Piece:
    """Pending entries of one catalog, applied and saved together: ``batch_size`` of
    them, or a multiple for a very large catalog (see :data:`LARGE_CATALOG`)."""

    job: Job
    plans: list[Plan]
    count: int  # entries (the progress bar's unit)
    last: bool  # the catalog's last piece: the catalog is done after it
    known: dict[str, Outcome] = field(default_factory=dict)  # outcomes known when planned
    batches: list[Batch] = field(default_factory=list)  # the engine calls it waits for

    @property
    def ready(self) -> bool:
        return all(batch.outcomes is not None for batch in self.batches)

    def outcome(self, text: str) -> Outcome:
        found = self.known.get(text)
        if found is not None:
            return found
        for batch in self.batches:
            assert batch.outcomes is not None
            if text in batch.outcomes:
                return batch.outcomes[text]
        raise KeyError(text)


@dataclass
class Context:
    """What every lane shares; used from the calling thread only."""

    project: Project
    settings: MTSettings
    result: TranslateResult
    backend: Backend
    cache: MTCache
    memory: TranslationMemory | None
    stamps: Stamps
    update_stamps: Stamps
    memory_stamps: Stamps
    progress: Callable[[int], None] | None
    batch_size: int
    dry_run: bool
    seen_limit: int
    #: (stamp name, path, (source, target)) of catalogs left with stale entries only.
    idle: list[tuple[str, Path, tuple[str, str]]] = field(default_factory=list)


class Lane:
    """One target language: its catalogs in scan order, its batches, what waits for them.

    Every method runs in the calling thread; only :func:`.schedule.call_engine`
    (the engine) runs elsewhere.  A catalog is only read to plan its entries; while its
    texts are at the engine the lane keeps the plans (position, msgid, the
    segments), not the parsed catalog, so memory grows with the batches, not
    with the catalogs they come from.  A piece is applied, to a fresh parse of
    its catalog, as soon as the batches holding its texts are back (a
    catalog's pieces in order), and the catalog is written; each entry's
    text depends only on its own outcomes, so the bytes written never depend
    on batching or timing.
    """

    def __init__(self, target: str, items: list[Pending], context: Context):
        self.target = target
        self.context = context
        self._jobs = read_jobs(context.project, items, context.settings.sentences)
        # (engine, source, text) → outcome, for this run (units shared by articles).
        self.seen: dict[tuple[str, str, str], Outcome] = {}  # insertion order: oldest first
        self.sending: dict[tuple[str, str, str], Batch] = {}  # texts not back yet
        self.open: dict[str, Batch] = {}  # source language → batch being filled
        self.full: deque[Batch] = deque()  # ready for the engine
        self.pieces: deque[Piece] = deque()  # planned, not applied yet, in order
        self.waiting = 0  # catalogs among self.pieces
        self.prepared: set[str] = set()
        self.exhausted = False  # every catalog read and planned
        self.queued = 0  # batches given to the engine, not finished
        self.broken = False  # an error hit this lane mid-way: it applies nothing more
        size = context.batch_size
        self.limit = max(1, size // FIRST_BATCH) if context.backend.parallel else size

    @property
    def done(self) -> bool:
        return self.exhausted and not self.full and not self.queued

    def next_batch(self) -> Batch | None:
        """Read and plan catalogs until a batch is full; None when there is nothing to send now
        (every catalog is planned, or enough of them wait for batches at the engine)."""
        while not self.full and not self.exhausted:
            if self.waiting >= MAX_WAITING:
                if not self._flush():
                    break  # what waits is at the engine already
                continue
            job = next(self._jobs, None)
            if job is None:
                self.exhausted = True
                self._flush()
                break
            self._plan_job(job)
            self._apply_ready()
            self._forget()
        return self.full.popleft() if self.full else None

    def finish(self, batch: Batch, outcomes: list[Outcome]) -> None:
        """A batch is back: remember and cache its outcomes, apply what is now complete."""
        if self.broken:
            return
        batch.outcomes = {
            text: _checked(self.context.backend, text, batch.target, outcome)
            for text, outcome in zip(batch.texts, outcomes, strict=True)
        }
        for text, outcome in batch.outcomes.items():
            key = (batch.engine, batch.source, text)
            self.seen[key] = outcome
            self.sending.pop(key, None)
        self.context.cache.put_many(
            batch.engine,
            batch.source,
            batch.target,
            batch.fp,
            # Failures are not cached: the next run sends them again.
            ((text, o.text, None) for text, o in batch.outcomes.items() if (o.text or "").strip()),
        )
        self._apply_ready()
        self._forget()

    def close(self) -> None:
        """The lane is done: let its memory go."""
        assert self.broken or not self.pieces, "translate: entries left waiting"
        self.seen.clear()

    def _flush(self) -> int:
        """Send every batch being filled; how many there were."""
        batches = [b for b in self.open.values() if b.texts]
        self.open.clear()
        self.full.extend(batches)
        return len(batches)

    def _batch_for(self, job: Job) -> Batch:
        batch = self.open.get(job.source)
        if batch is None:
            batch = self.open[job.source] = Batch(job.source, job.target, job.engine, job.fp)
            if job.source not in self.prepared:  # the engine starts while batches fill
                self.prepared.add(job.source)
                self.context.backend.prepare(job.source, job.target)
        return batch

    def _plan_job(self, job: Job) -> None:
        from locpipe.mt.base import Outcome
        from locpipe.mt.cache import fingerprint

        context = self.context
        backend, result, size = context.backend, context.result, context.batch_size
        job.before = file_digest(job.path)
        job.engine = backend.describe(job.source, job.target)
        job.fp = fingerprint(
            context.project.config.do_not_translate, backend.protector.glossary_for(job.target)
        )
        if backend.wants_titles and job.catalog is not None:
            job.title = next(
                (e.msgid for e in job.catalog if "title" in e.comment.split("\n")[0].split(", ")),
                "",
            )
        counts = result.per_language.setdefault(job.target, [0, 0])
        # Each piece is written when applied, and a write formats the whole catalog:
        # a large one is cut in at most SAVES_PER_CATALOG pieces of whole batches.
        stride = size
        if len(job.pending) > LARGE_CATALOG:
            stride *= max(1, -(-len(job.pending) // (size * SAVES_PER_CATALOG)))
        piece = None
        for start in range(0, len(job.pending), size):
            entries = job.pending[start : start + size]
            plans = [
                p
                for i, e in entries
                if (
                    p := verbatim_plan(i, e, job.target, backend)
                    or plan_entry(i, e, job, context.memory, context.settings)
                )
                is not None
            ]
            if piece is None or start % stride == 0:
                piece = Piece(job, [], 0, False)
                self.pieces.append(piece)
            piece.plans += plans
            piece.count += len(entries)
            piece.last = start + size >= len(job.pending)
            wanted = []
            for text in dict.fromkeys(t for p in plans for t in p.todo):
                key = (job.engine, job.source, text)
                known = self.seen.get(key)
                if known is not None:
                    piece.known[text] = known
                elif (sending := self.sending.get(key)) is not None:
                    if all(b is not sending for b in piece.batches):
                        piece.batches.append(sending)
                else:
                    wanted.append(text)
            if wanted:
                cached = context.cache.get_many(job.engine, job.source, job.target, job.fp, wanted)
                # A cached translation is data (the cache may be forged): verified again,
                # one that fails is sent to the engine as if it were not there.
                cached = {
                    text: value
                    for text, value in cached.items()
                    if _verified(backend, text, job.target, value)
                }
                result.cache_hits += len(cached)
                for text, value in cached.items():
                    self.seen[(job.engine, job.source, text)] = piece.known[text] = Outcome(value)
                misses = [t for t in wanted if t not in cached]
                if misses:
                    chars = sum(len(t) for t in misses)
                    counts[0] += len(misses)
                    counts[1] += chars
                    if context.dry_run:
                        for text in misses:
                            self.seen[(job.engine, job.source, text)] = Outcome(text)
                            piece.known[text] = Outcome(text)
                    else:
                        batch = self._batch_for(job)
                        batch.texts += misses
                        batch.titles += [job.title] * len(misses)
                        batch.chars += chars
                        for text in misses:
                            self.sending[(job.engine, job.source, text)] = batch
                        if all(b is not batch for b in piece.batches):
                            piece.batches.append(batch)
                        if len(batch.texts) >= self.limit or batch.chars >= BATCH_CHARS:
                            self.full.append(self.open.pop(job.source))
                            self.limit = size
            self.waiting += piece.last
        job.catalog, job.pending = None, []  # planned: only the plans wait for the engine

    def _apply_ready(self) -> None:
        """Apply every piece whose texts are back; a catalog's pieces stay in order."""
        blocked: set[int] = set()  # catalogs with an earlier piece still waiting
        ready: list[Piece] = []
        for _ in range(len(self.pieces)):
            piece = self.pieces.popleft()
            if id(piece.job) in blocked or not piece.ready:
                blocked.add(id(piece.job))
                self.pieces.append(piece)
            else:
                ready.append(piece)
        for _, pieces in itertools.groupby(ready, key=lambda piece: id(piece.job)):
            self._apply_pieces(list(pieces))

    def _apply_pieces(self, pieces: list[Piece]) -> None:
        """Fill one catalog's ready pieces into its parse (the one planned from, while
        the project still holds it), and write it."""
        context, job = self.context, pieces[0].job
        if not context.dry_run:
            from locpipe.catalog import write_catalog

            project = context.project
            catalog = project.catalog(job.path)
            project.forget_catalog(job.path)  # changed in place: no longer what was read
            for piece in pieces:
                job.failed += apply_piece(piece, catalog, context.result)
            write_catalog(job.path, catalog)
            if pieces[-1].last:
                self._catalog_done(job, catalog)
            else:  # the catalog's next piece starts from it
                project.remember_catalog(job.path, catalog)
        if pieces[-1].last:
            self.waiting -= 1
        if context.progress is not None:
            for piece in pieces:
                context.progress(piece.count)

    def _catalog_done(self, job: Job, catalog: polib.POFile) -> None:
        context = self.context
        context.result.catalogs.append(job.path)
        name = stamp_name(job.target, context.project.catalog_domain(job.path))
        after = file_digest(job.path)
        # Filling msgstrs keeps the catalog merged with its template, and
        # machine drafts are fuzzy: its reviewed entries are the same.
        context.update_stamps.rebase(name, job.path, job.before, after)
        context.memory_stamps.rebase(name, job.path, job.before, after)
        if job.failed:
            return
        left = has_pending(catalog, context.settings.sentences)
        if not left:
            context.stamps.record(name, settings_key(context.settings.sentences), [job.path])
        elif all(needs_update(entry) for entry in left):  # none could be refreshed
            context.idle.append((name, job.path, (job.source, job.target)))

    def _forget(self) -> None:
        """Memory stays flat: the oldest outcomes go (the MT cache remembers them)."""
        excess = len(self.seen) - self.context.seen_limit
        if excess > 0:
            for stale in list(itertools.islice(self.seen, excess)):
                del self.seen[stale]


def _verified(backend: Backend, text: str, target: str, translation: str) -> bool:
    """Whether ``translation`` keeps the protected items, tags and digits of ``text``
    and brings in no control, bidi or invisible character."""
    from locpipe.mt.protect import verify

    return verify(backend.protector.mask(text, target), translation)


def _checked(backend: Backend, text: str, target: str, outcome: Outcome) -> Outcome:
    """An engine's outcome, verified again whatever the backend checked."""
    from locpipe.mt.base import VERIFICATION_FAILED, Outcome

    if outcome.text is None or _verified(backend, text, target, outcome.text):
        return outcome
    return Outcome(None, VERIFICATION_FAILED)
