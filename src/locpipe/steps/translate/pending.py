"""What needs translating: the catalogs with pending entries, found without reading
the ones whose stamps say there is nothing to do, and each one read when its turn comes."""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import polib

from locpipe.drafts import is_stale
from locpipe.mt.settings import MTSettings
from locpipe.project import Project
from locpipe.stamps import Stamps, file_digest, key
from locpipe.steps.translate.memory import reviewed_units

if TYPE_CHECKING:
    pass


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
class Pending:
    """A catalog with entries to translate (read again when its turn comes)."""

    path: Path
    name: str
    source: str
    target: str
    count: int  # entries pending when scanned


@dataclass
class Job:
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


@functools.cache
def settings_key(sentences: bool) -> str:
    return key("nothing pending", sentences)


def idle_key(sentences: bool, memory: str) -> str:
    """Inputs of a catalog whose only pending entries are stale ones that no sentence
    update could refresh with the memory ``memory`` (see :func:`memory_key`)."""
    return key("nothing to update", sentences, memory)


def memory_key(project: Project, source: str, target: str, settings: MTSettings) -> str:
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


def has_pending(catalog: polib.POFile, sentences: bool) -> list[polib.POEntry]:
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
    (``memory_keys``: the pairs' :func:`memory_key`, worked out when first needed)."""
    if stamps.lookup(name, settings_key(settings.sentences)) is not None:
        return True
    if name not in stamps.records:
        return False  # never stamped: no need to work out its memory's key
    if pair not in memory_keys:
        memory_keys[pair] = memory_key(project, *pair, settings)
    return stamps.lookup(name, idle_key(settings.sentences, memory_keys[pair])) is not None


def scan(
    project: Project,
    languages: tuple[str, ...],
    settings: MTSettings,
    stamps: Stamps,
    found: Callable[[str, str], None] | None = None,
    reviewed: dict[str, list[list[str]]] | None = None,
) -> list[Pending]:
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
                reviewed[name] = reviewed_units(catalog)
            entries = has_pending(catalog, settings.sentences)
            if not entries:
                stamps.record(name, settings_key(settings.sentences), [path])
                continue
            if found is not None and any(needs_translation(e) for e in entries):
                found(*pair)
            pending.append(Pending(path, name, *pair, len(entries)))
    return pending


def read_jobs(project: Project, pending: Iterable[Pending], sentences: bool) -> Iterator[Job]:
    """Each pending catalog when its turn comes (only read: results go to a fresh parse)."""
    for item in pending:
        catalog = project.catalog(item.path)
        entries = [
            (index, entry)
            for index, entry in enumerate(catalog)
            if needs_translation(entry) or (sentences and needs_update(entry))
        ]
        if entries:
            yield Job(item.path, catalog, item.source, item.target, entries)
