"""The translation memory of a run: reviewed entries of the language pairs it needs,
stamped per catalog so an unchanged catalog is not parsed again."""

from __future__ import annotations

from typing import TYPE_CHECKING

import polib

from locpipe.project import Project

if TYPE_CHECKING:
    from locpipe.mt.memory import TranslationMemory


def build_memory(
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
                    units = reviewed_units(project.catalog(path))
                stamps.record(name, "reviewed", [path], data=units)
            entries = [polib.POEntry(msgid=msgid, msgstr=msgstr) for msgid, msgstr in units]
            memory.add_catalog(entries, domain.source_language, language, project.relative(path))
    for source, target in sorted(pairs):  # what `locpipe prune` kept of deleted articles
        kept = kept_memory_file(project.paths.locales, target)
        if kept is not None:
            memory.add_catalog(
                project.catalog(kept, target), source, target, project.relative(kept)
            )
    reviewed.clear()  # the memory has them now
    return memory


def reviewed_units(catalog: polib.POFile) -> list[list[str]]:
    """The reviewed [msgid, msgstr] of a catalog (what :func:`build_memory` stamps)."""
    from locpipe.mt.memory import reviewed

    return [[e.msgid, e.msgstr] for e in catalog if reviewed(e)]
