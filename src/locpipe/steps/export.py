"""export: what a translator should work on, as PO or XLIFF 1.2, ready to be merged back.

The file says where it comes from, so that ``locpipe merge`` can match it back
and refuse a file meant for another project or language:

- PO: header ``Language``, ``X-Locpipe-Project`` (the project's identity),
  ``X-Locpipe-Domain`` (the article slug or ``ui``) and
  ``X-Locpipe-Source-Language``.  When the export spans several domains the
  header says ``X-Locpipe-Domain: *`` and each entry's msgctxt carries its
  domain: ``slug`` or ``slug|original context`` (a slug cannot hold ``|``).
- XLIFF: one ``<file original="slug">`` per domain with ``target-language``
  and ``product-name``; inline tags are ``<g>``/``<x/>`` elements that CAT
  tools protect, not text (see :mod:`locpipe.xliff`).

Plural entries travel too: in PO as they are (``msgid_plural``, ``msgstr[n]``),
in XLIFF as translate-toolkit's ``po2xliff`` writes them, a ``<group
restype="x-gettext-plurals">`` with one trans-unit per form (see :mod:`locpipe.xliff`).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import polib

from locpipe.catalog import format_catalog, new_catalog, read_catalog
from locpipe.errors import LocpipeError
from locpipe.fsio import atomic_write_bytes, atomic_write_text
from locpipe.project import Domain, Project
from locpipe.units import protected_notes
from locpipe.xliff import XFile, XUnit, dump_xliff

PROJECT_HEADER = "X-Locpipe-Project"
DOMAIN_HEADER = "X-Locpipe-Domain"
SOURCE_HEADER = "X-Locpipe-Source-Language"
ALL_DOMAINS = "*"
CTXT_SEP = "|"
PO_SUFFIXES = (".po", ".pot")
XLIFF_SUFFIXES = (".xlf", ".xliff")


def project_identity(project: Project) -> str:
    """What names a project in exported files: the site's name, else its folder's name."""
    return (project.config.site.get("name") or project.root.name).strip()


def file_format(path: Path) -> str:
    """``po`` or ``xliff`` from the file name; anything else is an error."""
    suffix = path.suffix.lower()
    if suffix in PO_SUFFIXES:
        return "po"
    if suffix in XLIFF_SUFFIXES:
        return "xliff"
    raise LocpipeError("unknown format: name the file .po, .xlf or .xliff", path)


def has_text(entry: polib.POEntry) -> bool:
    """Whether an entry has a translation: its msgstr, or any of its plural forms."""
    if entry.msgid_plural:
        return any(entry.msgstr_plural.values())
    return bool(entry.msgstr)


def plural_list(entry: polib.POEntry) -> list[str]:
    """The ``msgstr[n]`` forms of a plural entry, in order."""
    return [entry.msgstr_plural[i] for i in sorted(entry.msgstr_plural)]


def entry_state(entry: polib.POEntry) -> str:
    """``untranslated``, ``fuzzy`` (a draft: machine or msgmerge) or ``translated`` (reviewed)."""
    if not has_text(entry):
        return "untranslated"
    return "fuzzy" if "fuzzy" in entry.flags else "translated"


def domains_for(project: Project, language: str, article: str | None) -> list[Domain]:
    """The domains that have ``language`` as a target, optionally only one article (or ui)."""
    domains = [d for d in project.domains((language,)) if language in d.targets]
    if article is None:
        return domains
    chosen = [d for d in domains if d.name == article]
    if not chosen:
        known = {d.name for d in project.domains()}
        if article in known:
            raise LocpipeError(f"--article {article}: {language} is its source language")
        raise LocpipeError(
            f"--article {article}: no such article (known: {', '.join(sorted(known))})"
        )
    return chosen


def wanted(entry: polib.POEntry) -> bool:
    """Live, non-header entries (singular or plural)."""
    return not entry.obsolete and entry.msgid != ""


@dataclass
class ExportResult:
    path: Path
    format: str
    entries: int = 0
    domains: list[str] = field(default_factory=list)


def _load(project: Project, language: str, domains: list[Domain], only: tuple[str, ...]):
    for domain in domains:
        path = project.catalog_path(language, domain.name)
        if not path.exists():
            raise LocpipeError("catalog missing; run `locpipe update` first", path)
        catalog = read_catalog(path)
        entries = [e for e in catalog if wanted(e) and entry_state(e) in only]
        yield domain, entries


def _po_entry(entry: polib.POEntry, msgctxt: str | None) -> polib.POEntry:
    copy = polib.POEntry(
        msgid=entry.msgid,
        msgstr=entry.msgstr,
        msgid_plural=entry.msgid_plural,
        msgstr_plural=dict(entry.msgstr_plural),
        msgctxt=msgctxt,
        comment=entry.comment,
        tcomment=entry.tcomment,
        occurrences=list(entry.occurrences),
        flags=list(entry.flags),
    )
    copy.previous_msgid = entry.previous_msgid
    copy.previous_msgctxt = entry.previous_msgctxt
    copy.previous_msgid_plural = entry.previous_msgid_plural
    return copy


def po_context(domain: str, msgctxt: str | None, several: bool) -> str | None:
    """The msgctxt an exported entry carries."""
    if not several:
        return msgctxt
    return domain if msgctxt is None else f"{domain}{CTXT_SEP}{msgctxt}"


def export(
    project: Project,
    language: str,
    out: Path,
    article: str | None,
    only: tuple[str, ...],
) -> ExportResult:
    """Write the entries of ``language`` in the ``only`` states (``untranslated``,
    ``fuzzy``, ``translated``) to ``out`` (.po or .xlf)."""
    fmt = file_format(out)
    domains = domains_for(project, language, article)
    if not domains:
        raise LocpipeError(f"--lang {language}: no catalog has it as a target language")
    identity = project_identity(project)
    result = ExportResult(out, fmt)
    loaded = list(_load(project, language, domains, only))
    result.domains = [d.name for d, entries in loaded if entries]
    result.entries = sum(len(entries) for _, entries in loaded)
    if fmt == "po":
        several = len(domains) > 1
        po = new_catalog(language, project=identity)
        po.metadata[PROJECT_HEADER] = identity
        po.metadata[DOMAIN_HEADER] = ALL_DOMAINS if several else domains[0].name
        po.metadata[SOURCE_HEADER] = (
            domains[0].source_language
            if len({d.source_language for d in domains}) == 1
            else ALL_DOMAINS
        )
        for domain, entries in loaded:
            for entry in entries:
                po.append(_po_entry(entry, po_context(domain.name, entry.msgctxt, several)))
        atomic_write_text(out, format_catalog(po))
        return result
    files = []
    for domain, entries in loaded:
        units = []
        for entry in entries:
            notes = [("developer", entry.comment)] if entry.comment else []
            if entry.previous_msgid is not None:
                notes.append(("locpipe", f"previous source: {entry.previous_msgid}"))
            if entry.tcomment:
                notes.append(("translator", entry.tcomment))
            units.append(
                XUnit(
                    msgid=entry.msgid,
                    msgctxt=entry.msgctxt,
                    target=entry.msgstr,
                    msgid_plural=entry.msgid_plural or None,
                    targets=plural_list(entry),
                    state=entry_state(entry),
                    notes=notes,
                    locations=list(dict.fromkeys(f for f, _ in entry.occurrences)),
                    hidden=protected_notes(entry.comment),
                )
            )
        files.append(XFile(domain.name, domain.source_language, language, identity, units))
    atomic_write_bytes(out, dump_xliff(files))
    return result
