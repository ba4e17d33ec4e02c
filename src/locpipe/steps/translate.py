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
one (at most :data:`SAVES_PER_CATALOG` writes for a very large one), so
Ctrl-C or a failure keeps everything finished (or, in a very large catalog,
in the MT cache).  With a backend that
declares itself :attr:`~locpipe.mt.base.Backend.parallel` (Apertium: one
process group per route) the languages run at the same time (one per core),
and each has its next batch masked while the engine works on the current
one, in threads that only call the engine; reading, planning, the cache and
writing stay in the calling thread, so the catalogs written and the summary
never depend on timing.  Other backends get one call at a time.
"""

from __future__ import annotations

import functools
import itertools
import threading
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

import polib

from locpipe.drafts import is_stale, msgid_mark
from locpipe.errors import LocpipeError
from locpipe.mt.settings import MTSettings, parse_settings
from locpipe.project import Project
from locpipe.state import Stamps, file_digest, key
from locpipe.steps.update import stamp_name
from locpipe.units import VERBATIM_COMMENT

if TYPE_CHECKING:  # the engines, the cache, the sentence splitter, the threads: when used
    from concurrent.futures import Future, ThreadPoolExecutor

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
#: A language's first batch for a parallel backend holds ``batch_size // FIRST_BATCH``
#: texts: the engine starts on it while the next, full one is planned.
FIRST_BATCH = 4
#: Catalogs a language may hold in memory while their texts are at the engine.
MAX_WAITING = 64
#: Failures listed per catalog in the summary (then only their number).
FIRST_REASONS = 5
#: A catalog is written after each batch of its entries, so an interrupted run keeps
#: every finished batch; but each write formats all of it, which made one of 100,000
#: units quadratic (274 s with the pseudo backend).  So a catalog with more pending
#: entries than LARGE_CATALOG is written at most SAVES_PER_CATALOG times (the MT
#: cache keeps the results in between: an interrupted run pays nothing twice).
LARGE_CATALOG = 4_000
SAVES_PER_CATALOG = 4
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
    verbatim: int = 0  # of which code units copied from the source (no engine, no memory)
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
    title: str = ""  # the article's title (context for engines that want it)
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
    verbatim: bool = False  # all code: copied from the source
    plural: bool = False  # segments: the msgid and the msgid_plural (see _plural_forms)

    @property
    def todo(self) -> list[str]:
        return [s.core for s, p in zip(self.segments, self.parts, strict=True) if p is None]


def needs_translation(entry: polib.POEntry) -> bool:
    """Untranslated live entries: the only ones MT may fill (a plural entry none of
    whose forms is translated counts)."""
    if entry.obsolete or entry.msgid == "":
        return False
    if entry.msgid_plural:
        return not any(entry.msgstr_plural.values())
    return not entry.msgstr


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


@functools.cache
def _settings_key(sentences: bool) -> str:
    return key("nothing pending", sentences)


def _idle_key(sentences: bool, memory: str) -> str:
    """Inputs of a catalog whose only pending entries are stale ones that no sentence
    update could refresh with the memory ``memory`` (see :func:`_memory_key`)."""
    return key("nothing to update", sentences, memory)


def _memory_key(project: Project, source: str, target: str, settings: MTSettings) -> str:
    """The bytes of every catalog the source→target memory is read from ("": no memory)."""
    if not settings.memory:
        return ""
    from locpipe.mt.memory import kept_memory_path

    digests = [
        file_digest(project.catalog_path(target, domain.name))
        for domain in project.domains()
        if domain.source_language == source and target in domain.targets
    ]
    digests.append(file_digest(kept_memory_path(project.paths.locales, target)))
    return key(source, target, digests)


def _has_pending(catalog: polib.POFile, sentences: bool) -> list[polib.POEntry]:
    return [e for e in catalog if needs_translation(e) or (sentences and needs_update(e))]


def _stamped(
    project: Project,
    stamps: Stamps,
    name: str,
    pair: tuple[str, str],
    settings: MTSettings,
    memory_keys: dict[tuple[str, str], str],
) -> bool:
    """Whether the stamp of catalog ``name`` says there is nothing to do in it
    (``memory_keys``: the pairs' :func:`_memory_key`, worked out when first needed)."""
    if stamps.lookup(name, _settings_key(settings.sentences)) is not None:
        return True
    if name not in stamps.records:
        return False  # never stamped: no need to work out its memory's key
    if pair not in memory_keys:
        memory_keys[pair] = _memory_key(project, *pair, settings)
    return stamps.lookup(name, _idle_key(settings.sentences, memory_keys[pair])) is not None


def _scan(
    project: Project,
    languages: tuple[str, ...],
    settings: MTSettings,
    stamps: Stamps,
    found: Callable[[str, str], None] | None = None,
    reviewed: dict[str, list[list[str]]] | None = None,
) -> list[_Pending]:
    """The catalogs with something to translate.

    A catalog stamped "nothing pending" with its current bytes is not read:
    whether an entry needs the engine depends only on the catalog (and the
    ``sentences`` setting), never on the backend.  Nor is one whose only
    pending entries are stale ones that no sentence update could refresh,
    while the catalogs of its memory keep their bytes.  ``found(source,
    target)`` hears of each catalog with untranslated entries as soon as it
    is read (its engine can start loading).  ``reviewed`` gets the reviewed
    units of every catalog read, so the memory does not read it again.
    """
    pending = []
    memory_keys: dict[tuple[str, str], str] = {}
    for domain in project.domains(languages):
        for language in domain.targets:
            path = project.catalog_path(language, domain.name)
            name = f"{language}/{domain.name}"
            pair = (domain.source_language, language)
            if _stamped(project, stamps, name, pair, settings, memory_keys) or not path.exists():
                continue
            catalog = project.catalog(path)
            if reviewed is not None:
                reviewed[name] = _reviewed_units(catalog)
            entries = _has_pending(catalog, settings.sentences)
            if not entries:
                stamps.record(name, _settings_key(settings.sentences), [path])
                continue
            if found is not None and any(needs_translation(e) for e in entries):
                found(*pair)
            pending.append(_Pending(path, name, *pair, len(entries)))
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


def _memory(
    project: Project, pairs: set[tuple[str, str]], reviewed: dict[str, list[list[str]]]
) -> TranslationMemory:
    """Reviewed entries of every catalog of the language pairs the jobs need.

    A catalog's reviewed entries are stamped with its digest, so an unchanged
    catalog is not parsed again to feed the memory; nor is one the scan read
    (``reviewed``: stamp name → its units).
    """
    from locpipe.mt.memory import TranslationMemory, kept_memory_file

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
                units = reviewed.pop(name, None)
                if units is None:
                    units = _reviewed_units(project.catalog(path))
                stamps.record(name, "reviewed", [path], data=units)
            entries = [polib.POEntry(msgid=msgid, msgstr=msgstr) for msgid, msgstr in units]
            memory.add_catalog(entries, domain.source_language, language, project.relative(path))
    for source, target in sorted(pairs):  # what `locpipe prune` kept of deleted articles
        path = kept_memory_file(project.paths.locales, target)
        if path is not None:
            memory.add_catalog(
                project.catalog(path, target), source, target, project.relative(path)
            )
    reviewed.clear()  # the memory has them now
    return memory


def _reviewed_units(catalog: polib.POFile) -> list[list[str]]:
    """The reviewed [msgid, msgstr] of a catalog (what :func:`_memory` stamps)."""
    from locpipe.mt.memory import reviewed

    return [[e.msgid, e.msgstr] for e in catalog if reviewed(e)]


def _set_comments(entry: polib.POEntry, lines: Iterable[str]) -> None:
    kept = [
        line
        for line in entry.tcomment.splitlines()
        if not line.startswith((MT_COMMENT, TM_COMMENT, VERBATIM_COMMENT))
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
    if entry.msgid_plural:
        if not needs_translation(entry):
            return None  # a translator's forms: never touched
        segments = _whole(entry.msgid) + _whole(entry.msgid_plural)
        plan = _Plan(*where, False, segments, [None, None])
        plan.plural = True
        return plan
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


def _verbatim_plan(index: int, entry: polib.POEntry, target: str, backend: Backend) -> _Plan | None:
    """The plan of an untranslated unit that is all code, else None.

    Verbatim: the walker found it filling a ``<code>``/``<kbd>``/``<samp>``/
    ``<var>``/``<abbr>`` (extracted comment ``td > code``), or nothing in it is
    language (:func:`~locpipe.mt.protect.is_verbatim`).  It is copied, never
    sent to an engine (which turned ``/etc/passwd`` into ``/Etc/passwd``).
    """
    from locpipe.mt.protect import is_verbatim, may_be_verbatim
    from locpipe.units import is_verbatim_element

    if not needs_translation(entry) or entry.msgid_plural:
        return None
    if not is_verbatim_element(entry.comment) and not (
        may_be_verbatim(entry.msgid, backend.protector.terms)
        and is_verbatim(backend.protector.mask(entry.msgid, target))
    ):
        return None
    plan = _Plan(index, entry.msgid, entry.linenum, False, _whole(entry.msgid), [entry.msgid], 1)
    plan.verbatim = True
    return plan


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
    engine = _Engine(project, settings, backend_name, backend, dry_run, jobs)
    try:
        reviewed: dict[str, list[list[str]]] | None = {} if settings.memory else None
        pending = _scan(project, languages, settings, stamps, engine.found, reviewed)
        if on_total is not None:
            on_total(sum(item.count for item in pending))
        if pending:
            _translate(project, pending, settings, result, engine, cache, progress, batch_size,
                       dry_run, stamps, reviewed or {})  # fmt: skip
    finally:
        try:
            engine.close()
        finally:
            if not dry_run:  # a dry run writes nothing, not even stamps
                project.save_stamps()
    return result


class _Engine:
    """The backend, made when the scan first finds untranslated entries.

    The engines of the first languages found (as many as run at once) start
    there and then, loading their data while the scan goes on and the memory
    and the first batches are prepared.  Nothing is imported or started when
    nothing is missing, and no engine starts for a dry run.
    """

    def __init__(
        self,
        project: Project,
        settings: MTSettings,
        name: str | None,
        backend: Backend | None,
        dry_run: bool,
        jobs: int | None,
    ):
        self.project = project
        self.settings = settings
        self.name = name
        self.backend = backend
        self.owned = backend is None
        self.dry_run = dry_run
        self.jobs = jobs if jobs is not None else project.jobs  # -j / LOCPIPE_JOBS
        self.prepared: set[tuple[str, str]] = set()

    def get(self) -> Backend:
        """The backend (made on first use)."""
        if self.backend is None:
            from locpipe.mt import get_backend  # the engines: only when something is translated

            config = self.project.config
            self.backend = get_backend(
                self.name or config.backend,
                do_not_translate=config.do_not_translate,
                options={"chains": config.apertium_chains, "mt": self.settings},
                glossary=config.glossary,
            )
        return self.backend

    def found(self, source: str, target: str) -> None:
        """``source→target`` has untranslated entries: start its engine now, if its
        language is among the first ones to run."""
        if self.dry_run or (source, target) in self.prepared:
            return
        backend = self.get()
        targets = {t for _, t in self.prepared}
        if target in targets or len(targets) < (self.jobs if backend.parallel else 1):
            self.prepared.add((source, target))
            backend.prepare(source, target)

    def close(self) -> None:
        """Stop the engines of a backend made here."""
        if self.owned and self.backend is not None:
            self.backend.close()


def _translate(
    project: Project,
    pending: list[_Pending],
    settings: MTSettings,
    result: TranslateResult,
    engine: _Engine,
    cache: MTCache | None,
    progress: Callable[[int], None] | None,
    batch_size: int,
    dry_run: bool,
    stamps: Stamps,
    reviewed: dict[str, list[list[str]]],
) -> None:
    from locpipe.mt.cache import MTCache

    backend = engine.get()
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
        jobs = 1 if not backend.parallel or dry_run else max(1, min(engine.jobs, len(groups)))
        memory = _memory(project, set(pairs), reviewed) if settings.memory else None
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
        _stamp_idle(context)
    finally:
        # Languages finish in any order: report in the order of the scan, as one at a time would.
        result.failures.sort(key=lambda f: order[f.path])
        result.failed.sort(key=lambda f: order[f[0]])
        result.catalogs.sort(key=order.__getitem__)
        if owned_cache:
            cache.close()


def _stamp_idle(context: _Context) -> None:
    """Stamp the catalogs left with stale entries no sentence update could refresh.

    Their stamps name the bytes of the memory's catalogs as written now: the
    memory is the one they were planned with (translate adds no reviewed
    entry), and a change to any of them makes the next run plan them again.
    """
    keys: dict[tuple[str, str], str] = {}
    for name, path, pair in context.idle:
        if pair not in keys:
            keys[pair] = _memory_key(context.project, *pair, context.settings)
        context.stamps.record(name, _idle_key(context.settings.sentences, keys[pair]), [path])


@dataclass(eq=False)
class _Batch:
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
class _Piece:
    """Pending entries of one catalog, applied and saved together: ``batch_size`` of
    them, or a multiple for a very large catalog (see :data:`LARGE_CATALOG`)."""

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
    #: (stamp name, path, (source, target)) of catalogs left with stale entries only.
    idle: list[tuple[str, Path, tuple[str, str]]] = field(default_factory=list)


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
        size = context.batch_size
        self.limit = max(1, size // FIRST_BATCH) if context.backend.parallel else size

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

    def _batch_for(self, job: _Job) -> _Batch:
        batch = self.open.get(job.source)
        if batch is None:
            batch = self.open[job.source] = _Batch(job.source, job.target, job.engine, job.fp)
            if job.source not in self.prepared:  # the engine starts while batches fill
                self.prepared.add(job.source)
                self.context.backend.prepare(job.source, job.target)
        return batch

    def _plan_job(self, job: _Job) -> None:
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
                    p := _verbatim_plan(i, e, job.target, backend)
                    or _plan(i, e, job, context.memory, context.settings)
                )
                is not None
            ]
            if piece is None or start % stride == 0:
                piece = _Piece(job, [], 0, False)
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
        """Fill one catalog's ready pieces into its parse (the one planned from, while
        the project still holds it), and write it."""
        context, job = self.context, pieces[0].job
        if not context.dry_run:
            from locpipe.catalog import write_catalog

            project = context.project
            catalog = project.catalog(job.path)
            project.forget_catalog(job.path)  # changed in place: no longer what was read
            for piece in pieces:
                job.failed += _apply(piece, catalog, context.result)
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

    def _catalog_done(self, job: _Job, catalog: polib.POFile) -> None:
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
        left = _has_pending(catalog, context.settings.sentences)
        if not left:
            context.stamps.record(name, _settings_key(context.settings.sentences), [job.path])
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


def _count(result: TranslateResult, batch: _Batch) -> None:
    result.engine_calls += 1
    result.engine_texts += len(batch.texts)
    result.engine_chars += batch.chars


class _Stopped(Exception):
    """A batch not sent: another call failed, or the run was interrupted."""


class _Stop(threading.Event):
    """Set once no further batch may be sent; ``interrupted`` when by Ctrl-C in a call."""

    interrupted = False


def _outcomes(backend: Backend, batch: _Batch) -> list[Outcome]:
    """The engine's outcomes for a batch (with the article titles when it wants them)."""
    if backend.wants_titles:
        return backend.translate_outcomes(  # type: ignore[call-arg]
            batch.texts, batch.source, batch.target, titles=batch.titles
        )
    return backend.translate_outcomes(batch.texts, batch.source, batch.target)


def _call(backend: Backend, batch: _Batch, stop: _Stop | None = None) -> list[Outcome]:
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
    one is masked while the engine translates the current one).  When a batch
    comes back, the next ones are planned and sent before its catalogs are
    written, so the engine never waits for the writing.  After a failed call
    no other batch is sent, the batches still running are waited for and
    saved, and the error goes on; Ctrl-C stops at once, keeping what is
    finished.
    """
    _Together(lanes, context, jobs).run()


class _Together:
    """The languages of :func:`_run_together`, their engine threads and batches."""

    def __init__(self, lanes: list[_Lane], context: _Context, jobs: int):
        self.todo = deque(lanes)
        self.context = context
        self.jobs = jobs
        self.stop = _Stop()
        self.active: list[_Lane] = []
        self.pools: dict[int, ThreadPoolExecutor] = {}  # id(lane) → its engine threads
        #: Batches at the engine, or back and not applied yet; in submission order.
        self.inflight: dict[Future[list[Outcome]], tuple[_Lane, _Batch]] = {}
        self.back: list[Future[list[Outcome]]] = []  # back, applied after the next ones went out
        self.lane: _Lane | None = None  # the lane being worked on: an error leaves it half done

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
                    _count(self.context.result, batch)
                    pool = self.pools[id(lane)]
                    future = pool.submit(_call, self.context.backend, batch, self.stop)
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
        if plan.verbatim:
            # Code: the source is its own translation, by rule, not a draft to review.
            entry.msgstr = entry.msgid
            if "fuzzy" in entry.flags:
                entry.flags.remove("fuzzy")
            _set_comments(entry, [VERBATIM_COMMENT])
            result.verbatim += 1
            result.translated += 1
            continue
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
        if plan.plural:
            entry.msgstr_plural = _plural_forms(catalog, entry, *plan.parts)
        else:
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


def _plural_forms(
    catalog: polib.POFile, entry: polib.POEntry, singular: str | None, plural: str | None
) -> dict[int, str]:
    """The msgstr[n] of a drafted plural entry: the singular's translation for form 0
    and the plural's for the others (a language with one form takes the plural's)."""
    from locpipe.qa import nplurals_of

    count = nplurals_of(catalog) or max(len(entry.msgstr_plural), 2)
    if count == 1:
        return {0: plural or ""}
    return {i: (singular if i == 0 else plural) or "" for i in range(count)}


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
        + (f"; {result.verbatim} code units copied as they are" if result.verbatim else "")
    )
    by_catalog: dict[Path, list[Failure]] = {}
    for failure in result.failures:
        by_catalog.setdefault(failure.path, []).append(failure)
    for path, failures in by_catalog.items():
        lines.append(f"locpipe: warning: {relative(path)}: {len(failures)} units not translated")
        for failure in failures[:FIRST_REASONS]:
            lines.append(
                f"locpipe: warning: {relative(failure.path)}:{failure.line}: not translated "
                f"({failure.reason}): {failure.msgid[:60]!r}"
            )
        if len(failures) > FIRST_REASONS:
            lines.append(f"locpipe: warning:   ... and {len(failures) - FIRST_REASONS} more")
    if result.failures:
        lines.append(
            f"translate: {len(result.failures)} units not translated in {len(by_catalog)} "
            "catalogs (listed above); they are not cached: the next run sends them again"
        )
    return lines
