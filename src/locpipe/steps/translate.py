"""translate: fill untranslated entries: memory first, then the cache, then the engine.

For each untranslated entry, in this order:

1. **Translation memory, exact**: a reviewed translation of the same msgid in
   any catalog of the same language pair is copied (fuzzy, with a comment
   naming the catalog it came from).
2. **Sentence memory**: a unit of several sentences whose sentences are
   partly known (reviewed elsewhere) sends only the unknown sentences.
3. **Cache**: a text the same engine already translated with the same
   protection settings (:mod:`locpipe.mt.cache`) costs nothing.
4. **Engine**: the rest goes to the backend, one call per batch, each unique
   text once per run.

A fuzzy entry that ``update`` matched to a changed msgid (it has a previous
msgid, ``#|``) is brought up to date sentence by sentence: sentences that did
not change keep their translation, only the changed ones go to the engine,
and the entry stays fuzzy with its previous msgid.  Entries are saved batch
by batch, so Ctrl-C or a network failure keeps everything finished.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

import polib

from locpipe.catalog import read_catalog, write_catalog
from locpipe.drafts import is_stale, msgid_mark
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
    catalog: polib.POFile
    source: str
    target: str
    pending: list[polib.POEntry]


@dataclass
class _Plan:
    """How one entry gets its translation."""

    entry: polib.POEntry
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


def _jobs(project: Project, pending: list[_Pending], sentences: bool) -> Iterator[_Job]:
    """Read each pending catalog when its turn comes (one held at a time)."""
    for item in pending:
        project.forget_catalog(item.path)  # changed in place: never the shared object
        catalog = read_catalog(item.path)
        entries = _has_pending(catalog, sentences)
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
    entry: polib.POEntry,
    job: _Job,
    memory: TranslationMemory | None,
    settings: MTSettings,
) -> _Plan | None:
    from locpipe.mt.memory import split_sentences

    source, target = job.source, job.target
    if needs_translation(entry):
        if memory is not None:
            match = memory.exact(source, target, entry.msgid)
            if match is not None:
                return _Plan(
                    entry, False, _whole(entry.msgid), [match.translation], 1, match.origin
                )
        if memory is not None and settings.sentences and memory.sentences(source, target):
            segments = split_sentences(entry.msgid, source)
            if len(segments) > 1:
                parts = [memory.sentence(source, target, s.core) for s in segments]
                reused = sum(p is not None for p in parts)
                if reused:
                    return _Plan(entry, False, segments, parts, reused)
        return _Plan(entry, False, _whole(entry.msgid), [None])
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
    return _Plan(entry, True, segments, parts, reused)


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
    batch_size: int = 200,
    backend: Backend | None = None,
    dry_run: bool = False,
    cache: MTCache | None = None,
) -> TranslateResult:
    """Translate every untranslated entry; each batch is saved as soon as it is done.

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
                       progress, batch_size, dry_run, stamps)  # fmt: skip
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
) -> None:
    from locpipe.mt.base import VERIFICATION_FAILED, Outcome
    from locpipe.mt.cache import FAILED, MTCache, fingerprint

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
    update_stamps = project.stamps("update")
    memory_stamps = project.stamps("memory")
    try:
        pairs = dict.fromkeys((item.source, item.target) for item in pending)
        for pair in pairs:
            backend.check_pair(*pair)
        memory = _memory(project, set(pairs)) if settings.memory else None
        # (engine, source, target, text) → outcome, for this run (units shared by articles).
        seen: dict[tuple[str, str, str, str], Outcome] = {}  # insertion order: oldest first
        for job in _jobs(project, pending, settings.sentences):
            before = file_digest(job.path)
            failures = len(result.failures)
            engine = backend.describe(job.source, job.target)
            fp = fingerprint(config.do_not_translate, backend.protector.glossary_for(job.target))
            counts = result.per_language.setdefault(job.target, [0, 0])
            for start in range(0, len(job.pending), batch_size):
                batch = job.pending[start : start + batch_size]
                plans = [p for e in batch if (p := _plan(e, job, memory, settings)) is not None]
                wanted = list(
                    dict.fromkeys(
                        t
                        for p in plans
                        for t in p.todo
                        if (engine, job.source, job.target, t) not in seen
                    )
                )
                if wanted:
                    cached = cache.get_many(engine, job.source, job.target, fp, wanted)
                    result.cache_hits += len(cached)
                    for text, value in cached.items():
                        seen[(engine, job.source, job.target, text)] = (
                            Outcome(None, VERIFICATION_FAILED + " (cached)")
                            if value is FAILED
                            else Outcome(str(value))
                        )
                    misses = [t for t in wanted if t not in cached]
                    if misses:
                        counts[0] += len(misses)
                        counts[1] += sum(len(t) for t in misses)
                        if dry_run:
                            for text in misses:
                                seen[(engine, job.source, job.target, text)] = Outcome(text)
                        else:
                            result.engine_calls += 1
                            result.engine_texts += len(misses)
                            result.engine_chars += sum(len(t) for t in misses)
                            outcomes = backend.translate_outcomes(misses, job.source, job.target)
                            for text, outcome in zip(misses, outcomes, strict=True):
                                seen[(engine, job.source, job.target, text)] = outcome
                            cache.put_many(
                                engine,
                                job.source,
                                job.target,
                                fp,
                                (
                                    (text, o.text, o.error)
                                    for text, o in zip(misses, outcomes, strict=True)
                                    if (o.text or "").strip()
                                    or (o.error or "").startswith(VERIFICATION_FAILED)
                                ),
                            )
                if not dry_run:
                    _apply(plans, job, engine, seen, result)
                    write_catalog(job.path, job.catalog)
                if len(seen) > SEEN_LIMIT:  # memory stays flat: the cache remembers the rest
                    for stale in list(itertools.islice(seen, len(seen) - SEEN_LIMIT)):
                        del seen[stale]
                if progress is not None:
                    progress(len(batch))
            if not dry_run:
                result.catalogs.append(job.path)
                name = stamp_name(job.target, job.path.stem)
                after = file_digest(job.path)
                # Filling msgstrs keeps the catalog merged with its template, and
                # machine drafts are fuzzy: its reviewed entries are the same.
                update_stamps.rebase(name, job.path, before, after)
                memory_stamps.rebase(name, job.path, before, after)
                if len(result.failures) == failures and not _has_pending(
                    job.catalog, settings.sentences
                ):
                    stamps.record(name, _settings_key(settings.sentences), [job.path])
    finally:
        if owned_cache:
            cache.close()
        if owned_backend:
            backend.close()


def _apply(
    plans: list[_Plan],
    job: _Job,
    engine: str,
    seen: dict[tuple[str, str, str, str], Outcome],
    result: TranslateResult,
) -> None:
    from locpipe.mt.base import VERIFICATION_FAILED

    for plan in plans:
        entry = plan.entry
        reason = None
        for index, part in enumerate(plan.parts):
            if part is not None:
                continue
            outcome = seen[(engine, job.source, job.target, plan.segments[index].core)]
            if outcome.text is None or not outcome.text.strip():
                reason = outcome.error or VERIFICATION_FAILED
                break
            plan.parts[index] = outcome.text
        if reason is not None:
            result.failed.append((job.path, entry.linenum, entry.msgid))
            result.failures.append(Failure(job.path, entry.linenum, entry.msgid, reason))
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
