"""The translate step from start to end: scan, make the engine, build the memory,
run the lanes, stamp what is left idle."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from locpipe.mt.settings import MTSettings, parse_settings
from locpipe.project import Project
from locpipe.stamps import Stamps
from locpipe.steps.translate.lanes import SEEN_LIMIT, Context, Lane
from locpipe.steps.translate.memory import build_memory
from locpipe.steps.translate.pending import Pending, idle_key, memory_key, scan
from locpipe.steps.translate.results import TranslateResult
from locpipe.steps.translate.schedule import run_in_turn, run_together

if TYPE_CHECKING:
    from locpipe.mt.base import Backend
    from locpipe.mt.cache import MTCache


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
    engine = Engine(project, settings, backend_name, backend, dry_run, jobs)
    try:
        reviewed: dict[str, list[list[str]]] | None = {} if settings.memory else None
        pending = scan(project, languages, settings, stamps, engine.found, reviewed)
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


class Engine:
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
    pending: list[Pending],
    settings: MTSettings,
    result: TranslateResult,
    engine: Engine,
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
        by_target: dict[str, list[Pending]] = {}
        for item in pending:
            by_target.setdefault(item.target, []).append(item)
        groups = sorted(by_target.values(), key=lambda group: -sum(i.count for i in group))
        jobs = 1 if not backend.parallel or dry_run else max(1, min(engine.jobs, len(groups)))
        memory = build_memory(project, set(pairs), reviewed) if settings.memory else None
        context = Context(
            project, settings, result, backend, cache, memory, stamps,
            project.stamps("update"), project.stamps("memory"), progress,
            max(1, batch_size), dry_run, max(1, SEEN_LIMIT // jobs),
        )  # fmt: skip
        lanes = [Lane(group[0].target, group, context) for group in groups]
        if backend.parallel and not dry_run:
            run_together(lanes, context, jobs)
        else:
            run_in_turn(lanes, context)
        _stamp_idle(context)
    finally:
        # Languages finish in any order: report in the order of the scan, as one at a time would.
        result.failures.sort(key=lambda f: order[f.path])
        result.failed.sort(key=lambda f: order[f[0]])
        result.catalogs.sort(key=order.__getitem__)
        if owned_cache:
            cache.close()


def _stamp_idle(context: Context) -> None:
    """Stamp the catalogs left with stale entries no sentence update could refresh.

    Their stamps name the bytes of the memory's catalogs as written now: the
    memory is the one they were planned with (translate adds no reviewed
    entry), and a change to any of them makes the next run plan them again.
    """
    keys: dict[tuple[str, str], str] = {}
    for name, path, pair in context.idle:
        if pair not in keys:
            keys[pair] = memory_key(context.project, *pair, context.settings)
        context.stamps.record(name, idle_key(context.settings.sentences, keys[pair]), [path])
