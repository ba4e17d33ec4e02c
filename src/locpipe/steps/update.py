"""update: merge each template into its catalogs, the way msgmerge does."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from locpipe.errors import LocpipeError
from locpipe.project import Project
from locpipe.state import file_digest, key


@dataclass
class UpdateResult:
    """Catalogs created, changed, or already up to date."""

    created: list[Path] = field(default_factory=list)
    updated: list[Path] = field(default_factory=list)
    unchanged: list[Path] = field(default_factory=list)


def stamp_name(language: str, domain: str) -> str:
    """The name of a catalog's stamp in the ``update`` table (also rebased by translate)."""
    return f"{language}/{domain}"


def update(project: Project, languages: tuple[str, ...] = ()) -> UpdateResult:
    """Create missing catalogs and merge every template into its catalogs.

    Every template and catalog is read (and validated) before the first write,
    so bad input anywhere stops the update with nothing changed.  A catalog
    stamped as merged with a template of the same digest, and still holding
    the bytes it had then, is skipped: merging it again would change nothing.
    Catalogs are merged and written one at a time (memory stays flat).
    """
    result = UpdateResult()
    stamps = project.stamps("update")
    todo: list[tuple[Path, Path, str, str, str]] = []
    for domain in project.domains(languages):
        template_path = project.template_path(domain.name)
        template_digest = file_digest(template_path)
        if template_digest is None:
            raise LocpipeError("template missing; run `locpipe extract` first", template_path)
        inputs_of = {language: key(template_digest, language) for language in domain.targets}
        stale = [
            language
            for language in domain.targets
            if stamps.lookup(stamp_name(language, domain.name), inputs_of[language]) is None
        ]
        for language in domain.targets:
            if language not in stale:
                result.unchanged.append(project.catalog_path(language, domain.name))
        if not stale:
            continue
        project.catalog(template_path)  # validated before any write
        for language in stale:
            path = project.catalog_path(language, domain.name)
            if path.exists():
                project.catalog(path, language)
            todo.append((template_path, path, language, domain.name, inputs_of[language]))
    if todo:  # the catalog writer and RapidFuzz: imported when something is merged
        from locpipe.catalog import write_catalog
        from locpipe.merge import merge
    try:
        for template_path, path, language, domain_name, inputs in todo:
            existed = path.exists()
            old = project.catalog(path, language) if existed else None
            merged = merge(old, project.catalog(template_path), language)
            if write_catalog(path, merged):
                (result.updated if existed else result.created).append(path)
            else:
                result.unchanged.append(path)
            stamps.record(stamp_name(language, domain_name), inputs, [path])
    finally:
        project.save_stamps()
    return result
