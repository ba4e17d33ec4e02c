"""translate: fill untranslated entries through a machine-translation backend."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import polib

from locpipe.catalog import read_catalog, write_catalog
from locpipe.mt import get_backend
from locpipe.mt.base import Backend
from locpipe.project import Project

MT_COMMENT = "machine translation: "


@dataclass
class TranslateResult:
    """What the engine filled, and what it could not translate safely."""

    translated: int = 0
    failed: list[tuple[Path, int, str]] = field(default_factory=list)  # (catalog, line, msgid)
    catalogs: list[Path] = field(default_factory=list)
    engine_calls: int = 0


@dataclass
class _Job:
    path: Path
    catalog: polib.POFile
    source: str
    target: str
    pending: list[polib.POEntry]


def needs_translation(entry: polib.POEntry) -> bool:
    """Untranslated, live, singular entries: the only ones MT may fill."""
    return not entry.obsolete and not entry.msgid_plural and not entry.msgstr and entry.msgid != ""


def _jobs(project: Project, languages: tuple[str, ...]) -> list[_Job]:
    jobs = []
    for domain in project.domains(languages):
        for language in domain.targets:
            path = project.catalog_path(language, domain.name)
            if not path.exists():
                continue
            catalog = read_catalog(path)
            pending = [e for e in catalog if needs_translation(e)]
            if pending:
                jobs.append(_Job(path, catalog, domain.source_language, language, pending))
    return jobs


def _add_comment(entry: polib.POEntry, text: str) -> None:
    lines = [line for line in entry.tcomment.splitlines() if not line.startswith(MT_COMMENT)]
    entry.tcomment = "\n".join([*lines, text])


def translate(
    project: Project,
    languages: tuple[str, ...] = (),
    backend_name: str | None = None,
    progress: Callable[[int], None] | None = None,
    on_total: Callable[[int], None] | None = None,
    batch_size: int = 200,
    backend: Backend | None = None,
) -> TranslateResult:
    """Translate every untranslated entry; each batch is saved as soon as it is done."""
    result = TranslateResult()
    jobs = _jobs(project, languages)
    if on_total is not None:
        on_total(sum(len(job.pending) for job in jobs))
    if not jobs:
        return result
    owned = backend is None
    if backend is None:
        backend = get_backend(
            backend_name or project.config.backend,
            do_not_translate=project.config.do_not_translate,
            options={"chains": project.config.apertium_chains},
        )
    try:
        for pair in dict.fromkeys((job.source, job.target) for job in jobs):
            backend.check_pair(*pair)
        memory: dict[tuple[str, str, str], str | None] = {}
        for job in jobs:
            comment = MT_COMMENT + backend.describe(job.source, job.target)
            for start in range(0, len(job.pending), batch_size):
                batch = job.pending[start : start + batch_size]
                todo = list(
                    dict.fromkeys(
                        e.msgid for e in batch if (job.source, job.target, e.msgid) not in memory
                    )
                )
                if todo:
                    result.engine_calls += 1
                    for msgid, text in zip(
                        todo, backend.translate(todo, job.source, job.target), strict=True
                    ):
                        memory[(job.source, job.target, msgid)] = text
                for entry in batch:
                    text = memory[(job.source, job.target, entry.msgid)]
                    if text is None or not text.strip():
                        result.failed.append((job.path, entry.linenum, entry.msgid))
                        continue
                    entry.msgstr = text
                    if "fuzzy" not in entry.flags:
                        entry.flags.insert(0, "fuzzy")
                    _add_comment(entry, comment)
                    result.translated += 1
                write_catalog(job.path, job.catalog)
                if progress is not None:
                    progress(len(batch))
            result.catalogs.append(job.path)
    finally:
        if owned:
            backend.close()
    return result
