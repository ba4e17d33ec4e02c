"""update: merge each template into its catalogs, the way msgmerge does."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from locpipe.catalog import read_catalog, write_catalog
from locpipe.errors import LocpipeError
from locpipe.merge import merge
from locpipe.project import Project


@dataclass
class UpdateResult:
    """Catalogs created, changed, or already up to date."""

    created: list[Path] = field(default_factory=list)
    updated: list[Path] = field(default_factory=list)
    unchanged: list[Path] = field(default_factory=list)


def update(project: Project, languages: tuple[str, ...] = ()) -> UpdateResult:
    """Create missing catalogs and merge every template into its catalogs.

    Every template and catalog is read (and validated) before the first write,
    so bad input anywhere stops the update with nothing changed.
    """
    result = UpdateResult()
    merged_catalogs = []
    for domain in project.domains(languages):
        template_path = project.template_path(domain.name)
        if not template_path.exists():
            raise LocpipeError("template missing; run `locpipe extract` first", template_path)
        template = read_catalog(template_path)
        for language in domain.targets:
            path = project.catalog_path(language, domain.name)
            old = read_catalog(path, language) if path.exists() else None
            merged_catalogs.append((path, old is not None, merge(old, template, language)))
    for path, existed, merged in merged_catalogs:
        if write_catalog(path, merged):
            (result.updated if existed else result.created).append(path)
        else:
            result.unchanged.append(path)
    return result
