"""prune: remove the catalogs of deleted articles, keeping their reviewed translations.

Each orphaned catalog (:func:`locpipe.strays.orphan_catalogs`) is read and
checked first; its reviewed entries go into its language's kept memory
(``locales/<lang>/memory.po``, which ``translate`` and ``tm export`` read),
written atomically; only then are the catalog and its ``.mo`` removed.  Bad
input anywhere stops the command before anything is written or removed.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

import polib

from locpipe.errors import LocpipeError
from locpipe.project import Project
from locpipe.strays import StrayCatalog, orphan_catalogs


@dataclass(frozen=True)
class Pruned:
    """One orphaned catalog: how many reviewed entries it gave, and where they went."""

    catalog: StrayCatalog
    reviewed: int
    memory: Path
    mo: Path | None  # its compiled catalog, removed with it


@dataclass
class PruneResult:
    """The orphans pruned (or that would be, with ``dry_run``)."""

    pruned: list[Pruned] = field(default_factory=list)
    dry_run: bool = False


def prune(project: Project, languages: tuple[str, ...] = (), dry_run: bool = False) -> PruneResult:
    """Move the reviewed entries of every orphaned catalog into the kept memory, then
    remove the catalogs (nothing is written or removed with ``dry_run``)."""
    from locpipe.catalog import format_catalog, new_catalog
    from locpipe.fsio import commit_writes, discard_writes, prepare_write
    from locpipe.mt.memory import keep_reviewed, kept_memory_file, kept_memory_path

    result = PruneResult(dry_run=dry_run)
    memories: dict[str, polib.POFile] = {}
    for orphan in orphan_catalogs(project, languages):
        if os.path.islink(orphan.path):
            raise LocpipeError(
                "a symlink, not a catalog of this project; prune reads and removes only "
                "regular files (remove the link yourself)",
                orphan.path,
            )
        catalog = project.catalog(orphan.path, orphan.language)  # checked: untrusted
        memory_path = kept_memory_path(project.paths.locales, orphan.language)
        kept = memories.get(orphan.language)
        if kept is None:
            existing = kept_memory_file(project.paths.locales, orphan.language)
            kept = (
                project.catalog(existing, orphan.language)
                if existing is not None
                else new_catalog(orphan.language)
            )
            project.forget_catalog(memory_path)  # changed in place below
            memories[orphan.language] = kept
        count = keep_reviewed(kept, catalog, project.relative(orphan.path))
        mo = orphan.path.with_suffix(".mo")
        result.pruned.append(
            Pruned(orphan, count, memory_path, mo if os.path.lexists(mo) else None)
        )
    if dry_run:
        return result
    project.guard_writes([kept_memory_path(project.paths.locales, lang) for lang in memories])
    writes: list[tuple[Path, Path]] = []
    try:
        for language, kept in memories.items():
            if not any(i.reviewed for i in result.pruned if i.catalog.language == language):
                continue  # nothing to keep: no empty memory file
            path = kept_memory_path(project.paths.locales, language)
            tmp = prepare_write(path, format_catalog(kept).encode("utf-8"))
            if tmp is not None:
                writes.append((tmp, path))
    except BaseException:
        discard_writes(writes)
        raise
    commit_writes(writes)
    for item in result.pruned:  # the translations are safe in the memory now
        for stale in (item.catalog.path, item.mo):
            if stale is not None:
                try:
                    os.unlink(stale)  # a link itself, never what it points to
                except FileNotFoundError:
                    pass
                except OSError as exc:
                    raise LocpipeError(f"cannot remove: {exc.strerror}", stale) from None
    return result
