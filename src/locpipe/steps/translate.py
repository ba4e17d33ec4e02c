"""translate: fill untranslated entries: memory first, then the cache, then the engine.

For each untranslated entry, in this order:

1. **Translation memory, exact**: a reviewed translation of the same msgid in
   any catalog of the same language pair is copied (fuzzy, with a comment
   naming the catalog it came from).
2. **Sentence memory**: a unit of several sentences whose sentences are
   partly known (reviewed elsewhere) sends only the unknown sentences.
3. **Cache**: a text the same engine already translated with the same
   protection settings (:mod:`locpipe.mt.cache`) costs nothing.
4. **Engine**: the rest goes to the backend, each unique text once per run.

A fuzzy entry that ``update`` matched to a changed msgid (it has a previous
msgid, ``#|``) is brought up to date sentence by sentence: sentences that did
not change keep their translation, only the changed ones go to the engine,
and the entry stays fuzzy with its previous msgid.

How the engine is fed: each target language is a *lane* that reads its
catalogs one after the other and gathers their texts into shared batches
(sent at ``batch_size`` texts or :data:`BATCH_CHARS` characters, so memory
stays flat on any site).  A catalog is written (atomically) as soon as the
texts of its entries are back, ``batch_size`` entries at a time for a large
one, so Ctrl-C or a failure keeps everything finished.  With a backend that
declares itself :attr:`~locpipe.mt.base.Backend.parallel` (Apertium: one
process group per route) the languages run at the same time (one per core),
and each has its next batch masked while the engine works on the current
one, in threads that only call the engine; reading, planning, the cache and
writing stay in the calling thread, so the catalogs written and the summary
never depend on timing.  Other backends get one call at a time.
"""

from __future__ import annotations

import itertools
import threading
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import FIRST_COMPLETED, Future, ThreadPoolExecutor, wait
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

import polib

from locpipe.catalog import read_catalog, write_catalog
from locpipe.drafts import is_stale, msgid_mark
from locpipe.errors import LocpipeError
from locpipe.mt.settings import MTSettings, parse_settings
from locpipe.project import Project
from locpipe.state import Stamps, file_digest, key
from locpipe.steps.update import stamp_name

if TYPE_CHECKING:  # the engines, the cache and the sentence splitter: imported when used
    from locpipe.mt.base import Backend, Outcome
    from locpipe.mt.cache import MTCache
    from locpipe.mt.memory import Segment, TranslationMemory

#: Texts whose outcome a run keeps in memory (units shared by articles are sent once);
#: older ones are forgotten between batches and found in the MT cache instead.
SEEN_LIMIT = 20_000
#: A batch goes to the engine once it holds ``batch_size`` texts or this many characters.
BATCH_CHARS = 150_000
#: Batches a language may have at a parallel backend at once: one in the engine,
#: the next one being prepared (masked) meanwhile.
LOOKAHEAD = 2
#: Catalogs a language may hold in memory while their texts are at the engine.
MAX_WAITING = 64
MT_COMMENT = "machine translation: "
TM_COMMENT = "translation memory: "
#: Before a sentence update replaces a translator's text, it is kept in this comment.
PREVIOUS_COMMENT = "previous translation: "


@dataclass(frozen=True)
class Failure:
    """A unit left untranslated, and why."""

    path: Path
    line: int
    msgid: str
    reason: str


@dataclass
class TranslateResult:
    """What was filled, from where, and what could not be translated."""

    translated: int = 0  # entries filled (engine, cache or memory)
    from_memory: int = 0  # of which entirely from the translation memory
    updated: int = 0  # changed fuzzy entries brought up to date sentence by sentence
    failed: list[tuple[Path, int, str]] = field(default_factory=list)  # (catalog, line, msgid)
    failures: list[Failure] = field(default_factory=list)
    catalogs: list[Path] = field(default_factory=list)
    engine_calls: int = 0  # backend.translate calls
    engine_texts: int = 0  # texts sent to the engine
    engine_chars: int = 0
    cache_hits: int = 0
    dry_run: bool = False
    #: language → [texts, characters] that go (or, with dry_run, would go) to the engine.
    per_language: dict[str, list[int]] = field(default_factory=dict)


@dataclass
class _Job:
    path: Path
    catalog: polib.POFile | None  # read-only, until its entries are planned
    source: str
    target: str
    pending: list[tuple[int, polib.POEntry]]  # (position in the catalog, entry)
    before: str | None = None  # the file's digest when read
    engine: str = ""  # the backend's description of the pair
    fp: str = ""  # protection fingerprint (part of the cache key)
    failed: int = 0  # units left untranslated so far


@dataclass
class _Plan:
    """How one entry gets its translation (the entry itself is not kept: see _Lane)."""

    index: int  # the entry's position in its catalog
    msgid: str
    linenum: int  # in the catalog as read (the summary's line numbers)
    update: bool  # a changed fuzzy entry (sentence update), else an untranslated one
    segments: list[Segment]
    parts: list[str | None]  # known translation of each segment's core
    reused: int = 0
    memory_origin: str | None = None  # an exact unit match

    @property
    def todo(self) -> list[str]:
        return [s.core for s, p in zip(self.segments, self.parts, strict=True) if p is None]


def needs_translation(entry: polib.POEntry) -> bool:
    """Untranslated, live, singular entries: the only ones MT may fill."""
    return not entry.obsolete and not entry.msgid_plural and not entry.msgstr and entry.msgid != ""


def needs_update(entry: polib.POEntry) -> bool:
    """A stale entry (see :mod:`locpipe.drafts`): a sentence update may refresh it."""
    return is_stale(entry)


@dataclass(frozen=True)
class _Pending:
    """A catalog with entries to translate (read again when its turn comes)."""

    path: Path
    name: str
    source: str
    target: str
    count: int  # entries pending when scanned


def _settings_key(sentences: bool) -> str:
    return key("nothing pending", sentences)


def _has_pending(catalog: polib.POFile, sentences: bool) -> list[polib.POEntry]:
    return [e for e in catalog if needs_translation(e) or (sentences and needs_update(e))]


def _scan(
    project: Project, languages: tuple[str, ...], sentences: bool, stamps: Stamps
) -> list[_Pending]:
    """The catalogs with something to translate.

    A catalog stamped "nothing pending" with its current bytes is not read:
    whether an entry needs the engine depends only on the catalog (and the
    ``sentences`` setting), never on the backend.
    """
    pending = []
    inputs = _settings_key(sentences)
    for domain in project.domains(languages):
        for language in domain.targets:
            path = project.catalog_path(language, domain.name)
            name = f"{language}/{domain.name}"
            if stamps.lookup(name, inputs) is not None or not path.exists():
                continue
            entries = _has_pending(project.catalog(path), sentences)
            if entries:
                pending.append(_Pending(path, name, domain.source_language, language, len(entries)))
            else:
                stamps.record(name, inputs, [path])
    return pending


def _jobs(project: Project, pending: Iterable[_Pending], sentences: bool) -> Iterator[_Job]:
    """Each pending catalog when its turn comes (only read: results go to a fresh parse)."""
    for item in pending:
        catalog = project.catalog(item.path)
        entries = [
            (index, entry)
            for index, entry in enumerate(catalog)
            if needs_translation(entry) or (sentences and needs_update(entry))
        ]
        if entries:
            yield _Job(item.path, catalog, item.source, item.target, entries)


def _memory(project: Project, pairs: set[tuple[str, str]]) -> TranslationMemory:
    """Reviewed entries of every catalog of the language pairs the jobs need.

    A catalog's reviewed entries are stamped with its digest, so an unchanged
    catalog is not parsed again to feed the memory.
    """
    from locpipe.mt.memory import TranslationMemory, reviewed

    memory = TranslationMemory()
    stamps = project.stamps("memory")
    for domain in project.domains():
        for language in domain.targets:
            if (domain.source_language, language) not in pairs:
                continue
            path = project.catalog_path(language, domain.name)
            name = f"{language}/{domain.name}"
            units = stamps.data(name, "reviewed")
            if not isinstance(units, list):
                if not path.exists():
                    continue
                catalog = project.catalog(path)
                units = [[e.msgid, e.msgstr] for e in catalog if reviewed(e)]
                stamps.record(name, "reviewed", [path], data=units)
            entries = [polib.POEntry(msgid=msgid, msgstr=msgstr) for msgid, msgstr in units]
            memory.add_catalog(entries, domain.source_language, language, project.relative(path))
    return memory


def _set_comments(entry: polib.POEntry, lines: Iterable[str]) -> None:
    kept = [
        line
        for line in entry.tcomment.splitlines()
        if not line.startswith((MT_COMMENT, TM_COMMENT))
    ]
    entry.tcomment = "\n".join([*kept, *lines])


def _whole(text: str) -> list[Segment]:
    from locpipe.mt.memory import Segment

    return [Segment("", text, "")]


def _plan(
    index: int,
    entry: polib.POEntry,
    job: _Job,
    memory: TranslationMemory | None,
    settings: MTSettings,
) -> _Plan | None:
    from locpipe.mt.memory import split_sentences

    source, target = job.source, job.target
    where = (index, entry.msgid, entry.linenum)
    if needs_translation(entry):
        if memory is not None:
            match = memory.exact(source, target, entry.msgid)
            if match is not None:
                return _Plan(
                    *where, False, _whole(entry.msgid), [match.translation], 1, match.origin
                )
        if memory is not None and settings.sentences and memory.sentences(source, target):
            segments = split_sentences(entry.msgid, source)
            if len(segments) > 1:
                parts = [memory.sentence(source, target, s.core) for s in segments]
                reused = sum(p is not None for p in parts)
                if reused:
                    return _Plan(*where, False, segments, parts, reused)
        return _Plan(*where, False, _whole(entry.msgid), [None])
    # A changed fuzzy entry: keep the translation of every sentence that did not change.
    old_source = split_sentences(entry.previous_msgid, source)
    old_target = split_sentences(entry.msgstr, target)
    if len(old_source) != len(old_target):
        return None  # cannot align: a translator handles it
    known = {s.core: t.core for s, t in zip(old_source, old_target, strict=True)}
    segments = split_sentences(entry.msgid, source)
    parts: list[str | None] = []
    for segment in segments:
        part = known.get(segment.core)
        if part is None and memory is not None:
            part = memory.sentence(source, target, segment.core)
        parts.append(part)
    reused = sum(p is not None for p in parts)
    if not reused:
        return None  # nothing to keep: the old translation is the translator's best start
    return _Plan(*where, True, segments, parts, reused)


def _assemble(plan: _Plan) -> str:
    if len(plan.segments) == 1 and not plan.segments[0].lead:
        return plan.parts[0] or ""
    pairs = zip(plan.segments, plan.parts, strict=True)
    return "".join(s.lead + (p or "") + s.trail for s, p in pairs)


def translate(
    project: Project,
    languages: tuple[str, ...] = (),
    backend_name: str | None = None,
    progress: Callable[[int], None] | None = None,
    on_total: Callable[[int], None] | None = None,
    batch_size: int = 400,
    backend: Backend | None = None,
    dry_run: bool = False,
    cache: MTCache | None = None,
    jobs: int | None = None,
) -> TranslateResult:
    """Translate every untranslated entry; each catalog is saved as soon as it is done.

    ``batch_size`` bounds the texts of one engine call (texts of several
    catalogs share a call) and the entries of a large catalog saved at a time.
    ``jobs`` is how many languages run at the same time when the backend is
    :attr:`~locpipe.mt.base.Backend.parallel` (default: one per core); other
    backends get one call at a time, from this thread.
    ``dry_run`` counts the texts and characters that would go to the engine
    (after memory and cache) per language, and sends and writes nothing.
    """
    config = project.config
    settings = parse_settings(config.mt, config.path)
    result = TranslateResult(dry_run=dry_run)
    stamps = project.stamps("translate")
    try:
        pending = _scan(project, languages, settings.sentences, stamps)
        if on_total is not None:
            on_total(sum(item.count for item in pending))
        if pending:
            _translate(project, pending, settings, result, backend_name, backend, cache,
                       progress, batch_size, dry_run, stamps, jobs)  # fmt: skip
    finally:
        if not dry_run:  # a dry run writes nothing, not even stamps
            project.save_stamps()
    return result


def _translate(
    project: Project,
    pending: list[_Pending],
    settings: MTSettings,
    result: TranslateResult,
    backend_name: str | None,
    backend: Backend | None,
    cache: MTCache | None,
    progress: Callable[[int], None] | None,
    batch_size: int,
    dry_run: bool,
    stamps: Stamps,
    jobs: int | None,
) -> None:
    from locpipe.mt.cache import MTCache

    config = project.config
    owned_backend = backend is None
    if backend is None:
        from locpipe.mt import get_backend  # the engines: only when something is translated

        backend = get_backend(
            backend_name or config.backend,
            do_not_translate=config.do_not_translate,
            options={"chains": config.apertium_chains, "mt": settings},
            glossary=config.glossary,
        )
    owned_cache = cache is None
    if cache is None:
        cache = MTCache.for_project(project.root) if settings.cache else MTCache(None)
    order = {item.path: index for index, item in enumerate(pending)}
    try:
        pairs = dict.fromkeys((item.source, item.target) for item in pending)
        for pair in pairs:
            backend.check_pair(*pair)
        # One lane per target language, the biggest first (they finish together).
        by_target: dict[str, list[_Pending]] = {}
        for item in pending:
            by_target.setdefault(item.target, []).append(item)
        groups = sorted(by_target.values(), key=lambda group: -sum(i.count for i in group))
        if not backend.parallel or dry_run:
            jobs = 1
        elif jobs is None:
            jobs = project.jobs  # -j / LOCPIPE_JOBS, default every core
        jobs = max(1, min(jobs, len(groups)))
        if not dry_run:  # the first languages' engines load while the memory is read
            for first in dict.fromkeys((i.source, i.target) for g in groups[:jobs] for i in g):
                backend.prepare(*first)
        memory = _memory(project, set(pairs)) if settings.memory else None
        context = _Context(
            project, settings, result, backend, cache, memory, stamps,
            project.stamps("update"), project.stamps("memory"), progress,
            max(1, batch_size), dry_run, max(1, SEEN_LIMIT // jobs),
        )  # fmt: skip
        lanes = [_Lane(group[0].target, group, context) for group in groups]
        if backend.parallel and not dry_run:
            _run_together(lanes, context, jobs)
        else:
            _run_in_turn(lanes, context)
    finally:
        # Languages finish in any order: report in the order of the scan, as one at a time would.
        result.failures.sort(key=lambda f: order[f.path])
        result.failed.sort(key=lambda f: order[f[0]])
        result.catalogs.sort(key=order.__getitem__)
        if owned_cache:
            cache.close()
        if owned_backend:
            backend.close()


@dataclass(eq=False)
class _Batch:
    """Texts of one language pair for one engine call, gathered from one or more catalogs."""

    source: str
    target: str
    engine: str
    fp: str
    texts: list[str] = field(default_factory=list)
    chars: int = 0
    outcomes: dict[str, Outcome] | None = None  # set when back from the engine


@dataclass(eq=False)
class _Piece:
    """Up to ``batch_size`` pending entries of one catalog, applied and saved together."""

    job: _Job
    plans: list[_Plan]
    count: int  # entries (the progress bar's unit)
    last: bool  # the catalog's last piece: the catalog is done after it
    known: dict[str, Outcome] = field(default_factory=dict)  # outcomes known when planned
    batches: list[_Batch] = field(default_factory=list)  # the engine calls it waits for

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
class _Context:
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


class _Lane:
    """One target language: its catalogs in scan order, its batches, what waits for them.

    Every method runs in the calling thread; only :func:`_call` (the engine)
    runs elsewhere.  A catalog is only read to plan its entries; while its
    texts are at the engine the lane keeps the plans (position, msgid, the
    segments), not the parsed catalog, so memory grows with the batches, not
    with the catalogs they come from.  A piece is applied, to a fresh parse of
    its catalog, as soon as the batches holding its texts are back (a
    catalog's pieces in order), and the catalog is written; each entry's
    text depends only on its own outcomes, so the bytes written never depend
    on batching or timing.
    """

    def __init__(self, target: str, items: list[_Pending], context: _Context):
        self.target = target
        self.context = context
        self._jobs = _jobs(context.project, items, context.settings.sentences)
        # (engine, source, text) → outcome, for this run (units shared by articles).
        self.seen: dict[tuple[str, str, str], Outcome] = {}  # insertion order: oldest first
        self.sending: dict[tuple[str, str, str], _Batch] = {}  # texts not back yet
        self.open: dict[str, _Batch] = {}  # source language → batch being filled
        self.full: deque[_Batch] = deque()  # ready for the engine
        self.pieces: deque[_Piece] = deque()  # planned, not applied yet, in order
        self.waiting = 0  # catalogs among self.pieces
        self.prepared: set[str] = set()
        self.exhausted = False  # every catalog read and planned
        self.queued = 0  # batches given to the engine, not finished
        self.broken = False  # an error hit this lane mid-way: it applies nothing more

    @property
    def done(self) -> bool:
        return self.exhausted and not self.full and not self.queued

    def next_batch(self) -> _Batch | None:
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

    def finish(self, batch: _Batch, outcomes: list[Outcome]) -> None:
        """A batch is back: remember and cache its outcomes, apply what is now complete."""
        from locpipe.mt.base import VERIFICATION_FAILED

        if self.broken:
            return
        batch.outcomes = dict(zip(batch.texts, outcomes, strict=True))
        for text, outcome in batch.outcomes.items():
            key = (batch.engine, batch.source, text)
            self.seen[key] = outcome
            self.sending.pop(key, None)
        self.context.cache.put_many(
            batch.engine,
            batch.source,
            batch.target,
            batch.fp,
            (
                (text, o.text, o.error)
                for text, o in batch.outcomes.items()
                if (o.text or "").strip() or (o.error or "").startswith(VERIFICATION_FAILED)
            ),
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

    def _batch_for(self, job: _Job) -> _Batch:
        batch = self.open.get(job.source)
        if batch is None:
            batch = self.open[job.source] = _Batch(job.source, job.target, job.engine, job.fp)
            if job.source not in self.prepared:  # the engine starts while batches fill
                self.prepared.add(job.source)
                self.context.backend.prepare(job.source, job.target)
        return batch

    def _plan_job(self, job: _Job) -> None:
        from locpipe.mt.base import VERIFICATION_FAILED, Outcome
        from locpipe.mt.cache import FAILED, fingerprint

        context = self.context
        backend, result, size = context.backend, context.result, context.batch_size
        job.before = file_digest(job.path)
        job.engine = backend.describe(job.source, job.target)
        job.fp = fingerprint(
            context.project.config.do_not_translate, backend.protector.glossary_for(job.target)
        )
        counts = result.per_language.setdefault(job.target, [0, 0])
        for start in range(0, len(job.pending), size):
            entries = job.pending[start : start + size]
            plans = [
                p
                for i, e in entries
                if (p := _plan(i, e, job, context.memory, context.settings)) is not None
            ]
            piece = _Piece(job, plans, len(entries), start + size >= len(job.pending))
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
                result.cache_hits += len(cached)
                for text, value in cached.items():
                    self.seen[(job.engine, job.source, text)] = piece.known[text] = (
                        Outcome(None, VERIFICATION_FAILED + " (cached)")
                        if value is FAILED
                        else Outcome(str(value))
                    )
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
                        batch.chars += chars
                        for text in misses:
                            self.sending[(job.engine, job.source, text)] = batch
                        if all(b is not batch for b in piece.batches):
                            piece.batches.append(batch)
                        if len(batch.texts) >= size or batch.chars >= BATCH_CHARS:
                            self.full.append(self.open.pop(job.source))
            self.pieces.append(piece)
            self.waiting += piece.last
        job.catalog, job.pending = None, []  # planned: only the plans wait for the engine

    def _apply_ready(self) -> None:
        """Apply every piece whose texts are back; a catalog's pieces stay in order."""
        blocked: set[int] = set()  # catalogs with an earlier piece still waiting
        ready: list[_Piece] = []
        for _ in range(len(self.pieces)):
            piece = self.pieces.popleft()
            if id(piece.job) in blocked or not piece.ready:
                blocked.add(id(piece.job))
                self.pieces.append(piece)
            else:
                ready.append(piece)
        for _, pieces in itertools.groupby(ready, key=lambda piece: id(piece.job)):
            self._apply_pieces(list(pieces))

    def _apply_pieces(self, pieces: list[_Piece]) -> None:
        """Fill one catalog's ready pieces into a fresh parse of it, and write it."""
        context, job = self.context, pieces[0].job
        if not context.dry_run:
            catalog = read_catalog(job.path)
            for piece in pieces:
                job.failed += _apply(piece, catalog, context.result)
            write_catalog(job.path, catalog)
            context.project.forget_catalog(job.path)  # the parse planned from is old now
            if pieces[-1].last:
                self._catalog_done(job, catalog)
        if pieces[-1].last:
            self.waiting -= 1
        if context.progress is not None:
            for piece in pieces:
                context.progress(piece.count)

    def _catalog_done(self, job: _Job, catalog: polib.POFile) -> None:
        context = self.context
        context.result.catalogs.append(job.path)
        name = stamp_name(job.target, job.path.stem)
        after = file_digest(job.path)
        # Filling msgstrs keeps the catalog merged with its template, and
        # machine drafts are fuzzy: its reviewed entries are the same.
        context.update_stamps.rebase(name, job.path, job.before, after)
        context.memory_stamps.rebase(name, job.path, job.before, after)
        if not job.failed and not _has_pending(catalog, context.settings.sentences):
            context.stamps.record(name, _settings_key(context.settings.sentences), [job.path])

    def _forget(self) -> None:
        """Memory stays flat: the oldest outcomes go (the MT cache remembers them)."""
        excess = len(self.seen) - self.context.seen_limit
        if excess > 0:
            for stale in list(itertools.islice(self.seen, excess)):
                del self.seen[stale]


def _count(result: TranslateResult, batch: _Batch) -> None:
    result.engine_calls += 1
    result.engine_texts += len(batch.texts)
    result.engine_chars += batch.chars


class _Stopped(Exception):
    """A batch not sent: another call failed, or the run was interrupted."""


def _call(backend: Backend, batch: _Batch, stop: threading.Event | None = None) -> list[Outcome]:
    """The engine call (in a lane's thread when languages run together).

    Once ``stop`` is set (by a failed call, at once, or by the calling thread)
    no further batch is sent; those already at the engine finish.
    """
    if stop is None:
        return backend.translate_outcomes(batch.texts, batch.source, batch.target)
    if stop.is_set():
        raise _Stopped
    try:
        return backend.translate_outcomes(batch.texts, batch.source, batch.target)
    except BaseException:
        stop.set()
        raise


def _run_in_turn(lanes: list[_Lane], context: _Context) -> None:
    """One language after the other, the engine called from this thread."""
    for lane in lanes:
        while (batch := lane.next_batch()) is not None:
            _count(context.result, batch)
            lane.finish(batch, _call(context.backend, batch))
        lane.close()


def _run_together(lanes: list[_Lane], context: _Context, jobs: int) -> None:
    """Up to ``jobs`` languages at once, each calling the engine from its own threads.

    This thread reads, plans, caches and writes; each language has up to
    :data:`LOOKAHEAD` batches at the backend, each in its own thread (the next
    one is masked while the engine translates the current one).  After a
    failed call no other batch is sent, the batches still running are waited
    for and saved, and the error goes on; Ctrl-C stops at once, keeping what
    is finished.
    """
    todo = deque(lanes)
    stop = threading.Event()
    active: list[_Lane] = []
    pools: dict[int, ThreadPoolExecutor] = {}  # id(lane) → its engine threads
    inflight: dict[Future[list[Outcome]], tuple[_Lane, _Batch]] = {}  # in submission order
    lane: _Lane | None = None  # the lane being worked on: an error leaves it half done
    try:
        while True:
            while todo and len(active) < jobs:
                lane = todo.popleft()
                active.append(lane)
                pools[id(lane)] = ThreadPoolExecutor(LOOKAHEAD, f"locpipe-{lane.target}")
            submitted = True
            while submitted:  # round robin: every language gets a batch out before any gets two
                submitted = False
                for lane in active:
                    if lane.queued < LOOKAHEAD and (batch := lane.next_batch()) is not None:
                        _count(context.result, batch)
                        future = pools[id(lane)].submit(_call, context.backend, batch, stop)
                        inflight[future] = (lane, batch)
                        lane.queued += 1
                        submitted = True
            lane = None
            finished = [each for each in active if each.done]
            for each in finished:
                active.remove(each)
                pools.pop(id(each)).shutdown()
                each.close()
            if not inflight:
                if finished:
                    continue  # the next languages start
                assert not active and not todo, "translate: a language waits for nothing"
                return
            done, _ = wait(inflight, return_when=FIRST_COMPLETED)
            for future in [f for f in inflight if f in done]:
                lane, batch = inflight.pop(future)
                lane.queued -= 1
                error = future.exception()
                if error is None:
                    lane.finish(batch, future.result())
                elif not isinstance(error, _Stopped):
                    lane = None  # the engine failed, not the lane: its other batches count
                    raise error
            lane = None
            if stop.is_set():
                raise _Stopped  # a call failed: _settle finds its error
    except BaseException as exc:
        stop.set()
        if lane is not None:
            lane.broken = True
        # Ctrl-C stops now: the batches still at the engine are lost (closing the
        # backend ends them), as a call interrupted in this thread would be.
        error = _settle(inflight, wait=not isinstance(exc, KeyboardInterrupt))
        if isinstance(exc, _Stopped) and error is not None:
            raise error from None
        raise
    finally:
        for pool in pools.values():
            pool.shutdown(wait=False, cancel_futures=True)


def _settle(
    inflight: dict[Future[list[Outcome]], tuple[_Lane, _Batch]], wait: bool
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


def _apply(piece: _Piece, catalog: polib.POFile, result: TranslateResult) -> int:
    """Fill the piece's entries of ``catalog`` from their outcomes; the number left
    untranslated."""
    from locpipe.mt.base import VERIFICATION_FAILED

    job, engine = piece.job, piece.job.engine
    failed = 0
    for plan in piece.plans:
        entry = catalog[plan.index] if plan.index < len(catalog) else None
        if entry is None or entry.msgid != plan.msgid:  # the project lock should prevent it
            raise LocpipeError(f"{job.path}: changed while it was being translated")
        reason = None
        for index, part in enumerate(plan.parts):
            if part is not None:
                continue
            outcome = piece.outcome(plan.segments[index].core)
            if outcome.text is None or not outcome.text.strip():
                reason = outcome.error or VERIFICATION_FAILED
                break
            plan.parts[index] = outcome.text
        if reason is not None:
            result.failed.append((job.path, plan.linenum, entry.msgid))
            result.failures.append(Failure(job.path, plan.linenum, entry.msgid, reason))
            failed += 1
            continue
        comments = []
        sentences = len(plan.segments)
        if plan.memory_origin is not None:
            comments.append(f"{TM_COMMENT}exact match, reviewed in {plan.memory_origin}")
        elif plan.reused:
            mark = f" [{msgid_mark(entry.msgid)}]" if plan.update else ""
            comments.append(f"{TM_COMMENT}{plan.reused} of {sentences} sentences reused{mark}")
        if plan.reused < sentences:
            comments.append(MT_COMMENT + engine)
        if plan.update and MT_COMMENT not in entry.tcomment and TM_COMMENT not in entry.tcomment:
            # A translator's text: never lost, even where a sentence is re-translated.
            old = entry.msgstr.replace("\\", "\\\\").replace("\n", "\\n")
            comments.insert(0, PREVIOUS_COMMENT + old)
        entry.msgstr = _assemble(plan)
        if "fuzzy" not in entry.flags:
            entry.flags.insert(0, "fuzzy")
        _set_comments(entry, comments)
        if plan.update:
            result.updated += 1
        else:
            result.translated += 1
            if plan.reused == sentences:
                result.from_memory += 1
    return failed


def summary_lines(result: TranslateResult, relative: Callable[[Path], str]) -> list[str]:
    """Human summary: the dry-run cost table, or what was filled and what failed."""
    lines = []
    if result.dry_run:
        lines.append("translate --dry-run: nothing sent; would go to the engine:")
        for language, (texts, chars) in sorted(result.per_language.items()):
            lines.append(f"  {language}: {texts} texts, {chars} characters")
        total = [sum(v[i] for v in result.per_language.values()) for i in (0, 1)]
        lines.append(f"  total: {total[0]} texts, {total[1]} characters")
        return lines
    lines.append(
        f"translate: {result.translated} units filled ({result.from_memory} from memory), "
        f"{result.updated} changed units updated, {result.engine_texts} texts sent to the "
        f"engine in {result.engine_calls} calls, {result.cache_hits} from the cache"
    )
    for failure in result.failures:
        lines.append(
            f"locpipe: warning: {relative(failure.path)}:{failure.line}: not translated "
            f"({failure.reason}): {failure.msgid[:60]!r}"
        )
    if result.failures:
        lines.append(f"translate: {len(result.failures)} units not translated (listed above)")
    return lines
