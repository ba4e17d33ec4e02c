"""update: merge each template into its catalogs, the way msgmerge does."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from locpipe.errors import LocpipeError
from locpipe.parallel import first_error, run_each
from locpipe.project import Project
from locpipe.stamps import file_digest, key
from locpipe.strays import StrayCatalog, orphan_catalogs, unconfigured_catalogs


@dataclass
class UpdateResult:
    """Catalogs created, changed, or already up to date."""

    created: list[Path] = field(default_factory=list)
    updated: list[Path] = field(default_factory=list)
    unchanged: list[Path] = field(default_factory=list)
    #: Catalogs whose article is gone: kept until ``locpipe prune``.
    orphans: list[StrayCatalog] = field(default_factory=list)
    #: Catalogs of languages not in ``languages``: ignored.
    unconfigured: list[StrayCatalog] = field(default_factory=list)


def stamp_name(language: str, domain: str) -> str:
    """The name of a catalog's stamp in the ``update`` table (also rebased by translate)."""
    return f"{language}/{domain}"


@dataclass(frozen=True)
class _Merged:
    """A catalog a worker merged: its temp file (None: unchanged) and whether it existed."""

    path: Path
    tmp: Path | None
    existed: bool


def _merge_domain(project: Project, template_path: Path, targets: list[tuple[Path, str]]):
    """Merge one template into its stale catalogs; prepare each write (a temp file)."""
    from locpipe.catalog import format_catalog
    from locpipe.fsio import prepare_write
    from locpipe.msgmerge import merge

    template = project.catalog(template_path)
    merged = []
    for path, language in targets:
        existed = path.exists()
        old = project.catalog(path, language) if existed else None
        text = format_catalog(merge(old, template, language))
        merged.append(_Merged(path, prepare_write(path, text.encode("utf-8")), existed))
    return merged


def update(project: Project, languages: tuple[str, ...] = ()) -> UpdateResult:
    """Create missing catalogs and merge every template into its catalogs.

    A catalog stamped as merged with a template of the same digest, and
    still holding the bytes it had then, is skipped: merging it again would
    change nothing.  The others are merged on every core, one template at a
    time per worker (:mod:`locpipe.parallel`), into temp files renamed into
    place only once every template and catalog parsed: bad input anywhere
    stops the update with nothing changed.
    """
    from locpipe.fsio import commit_or_discard

    result = UpdateResult()
    stamps = project.stamps("update")
    todo: list[tuple[Path, list[tuple[Path, str]]]] = []
    inputs: dict[Path, tuple[str, str]] = {}  # catalog → (stamp name, inputs)
    for domain in project.domains(languages):
        template_path = project.template_path(domain.name)
        template_digest = file_digest(template_path)
        if template_digest is None:
            raise LocpipeError("template missing; run `locpipe extract` first", template_path)
        stale = []
        for language in domain.targets:
            path = project.catalog_path(language, domain.name)
            name, digest = stamp_name(language, domain.name), key(template_digest, language)
            if stamps.lookup(name, digest) is None:
                stale.append((path, language))
                inputs[path] = (name, digest)
            else:
                result.unchanged.append(path)
        if stale:
            todo.append((template_path, stale))
    if todo:  # the catalog writer and RapidFuzz: imported once, before the workers fork
        import locpipe.catalog  # noqa: F401
        import locpipe.msgmerge  # noqa: F401
    outcomes = run_each(lambda item: _merge_domain(project, *item), todo, project.jobs)
    merged = [m for done in outcomes for m in done.value or []]
    writes = [(m.tmp, m.path) for m in merged if m.tmp is not None]
    commit_or_discard(writes, first_error(outcomes))
    try:
        for m in merged:
            if m.tmp is None:
                result.unchanged.append(m.path)
            else:
                (result.updated if m.existed else result.created).append(m.path)
            stamps.record(*inputs[m.path], [m.path])
    finally:
        project.save_stamps()
    result.orphans = orphan_catalogs(project, languages)
    result.unconfigured = unconfigured_catalogs(project)
    return result
