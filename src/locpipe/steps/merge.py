"""merge: a translator's PO or XLIFF file back into the catalogs (``locpipe merge``).

- The file must come from ``locpipe export`` of this project and be for the
  language asked (``--lang``) or, without it, a target language of its
  domains; otherwise it is refused as a whole (:class:`LocpipeError`, exit 2).
- Entries are matched by domain, msgctxt and msgid (an XLIFF unit whose
  source a tool changed is also found by its id).
- Only the translator's *reviewed* translations count: in PO not fuzzy, in
  XLIFF ``approved="yes"`` or a ``translated``/``signed-off``/``final`` state.
- A reviewed translation fills an empty entry or a draft (fuzzy, machine
  translation) and makes it reviewed (see :func:`locpipe.steps.review.mark_reviewed`).
  Where the catalog already holds a different reviewed translation, that is
  a conflict: ours is kept unless ``prefer="theirs"``.
- An entry whose source is no longer in the catalog is *stale*: its
  translation is kept as an obsolete entry (``#~``), where ``locpipe update``
  finds it again if the source comes back.  Stale means the catalog had that
  source: as an obsolete entry, or as the previous msgid (``#|``) of an entry
  ``update`` matched to the changed source.
- A reviewed entry whose source the catalog does not have at all (never
  exported from this project, or removed from the article and not kept by
  ``update``) is *unknown*: refused and not stored, only counted (the first
  few named), so a file of any size cannot grow a catalog.  Entries the
  translator did not finish are never stored either: counted as not reviewed.
- Every error-level check (:mod:`locpipe.qa`: tags, placeholders, numbers,
  URLs, e-mails, do-not-translate terms, invisible characters, plurals) must
  pass: a translation that fails one is refused and the entry left as it was
  (a draft or untranslated); warnings are listed with the merged entry.
- A translation with broken inline tags or placeholders is *refused* and
  named by ``file:line`` (and the XLIFF unit id).  XLIFF inline elements
  (``<g>``, ``<x/>``, ``<bx/>``, ``<ex/>``, ``<ph>``…) come back as compact
  tags (:mod:`locpipe.xliff`) before the checks; one whose id is not among the
  source's is refused too.
- Flags are kept: the catalog's own (Weblate's ``ignore-same``, ``read-only``…)
  stay on every entry, and the flags gettext does not know that the
  translator's PO file has on a merged entry are added to it, except
  ``locpipe-ignore`` (a translator's file cannot silence the checks that
  judge it).
- Catalogs are written only when something changed, so merging the same file
  twice leaves them byte for byte as they were.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

import polib

from locpipe.catalog import extra_flags, read_catalog, write_catalog
from locpipe.config import normalize_language
from locpipe.errors import LocpipeError
from locpipe.project import Project
from locpipe.qa import IGNORE_MARK, nplurals_of
from locpipe.steps.export import (
    ALL_DOMAINS,
    CTXT_SEP,
    DOMAIN_HEADER,
    PROJECT_HEADER,
    file_format,
    has_text,
    plural_list,
    project_identity,
    wanted,
)
from locpipe.steps.review import failed_checks, mark_reviewed, reasons, without_draft_comments
from locpipe.xliff import load_xliff, unit_id

#: Unknown entries named in the report (the others are only counted).
UNKNOWN_SHOWN = 5
#: Last-Translator values that name nobody.
_NOBODY = ("", "FULL NAME <EMAIL@ADDRESS>", "locpipe <locpipe@localhost>")


@dataclass
class Incoming:
    """One translation from the translator's file."""

    domain: str
    msgctxt: str | None
    msgid: str
    msgstr: str
    reviewed: bool
    where: str  # file:line, and the unit id for XLIFF
    id: str = ""
    problem: str = ""  # why the translation cannot be read (XLIFF inline tags)
    flags: tuple[str, ...] = ()  # flags gettext does not know (Weblate's, PO files only)
    #: A plural entry's msgid_plural and forms (``msgstr[n]`` in order); None for a singular.
    msgid_plural: str | None = None
    forms: list[str] | None = None


@dataclass
class Item:
    """A listed outcome: a conflict, a stale or a refused entry."""

    where: str
    domain: str
    msgid: str
    detail: str


@dataclass
class MergeResult:
    language: str = ""
    merged: int = 0
    unchanged: int = 0
    not_reviewed: int = 0
    conflicts: list[Item] = field(default_factory=list)
    stale: list[Item] = field(default_factory=list)
    refused: list[Item] = field(default_factory=list)
    #: Entries of the file the catalog never had (live, obsolete or ``#|``): refused,
    #: not stored; counted, the first :data:`UNKNOWN_SHOWN` kept to name them.
    unknown: int = 0
    unknown_examples: list[Item] = field(default_factory=list)
    #: Merged translations that fail a warning-level check (shown, not blocking).
    warnings: list[Item] = field(default_factory=list)
    written: list[Path] = field(default_factory=list)
    would_write: list[Path] = field(default_factory=list)


@dataclass
class _Transfer:
    language: str
    project: str
    translator: str
    entries: list[Incoming]


def _read_po(path: Path, shown: str) -> _Transfer:
    po = read_catalog(path)
    meta = po.metadata
    if PROJECT_HEADER not in meta or DOMAIN_HEADER not in meta:
        raise LocpipeError(
            f"not a file from `locpipe export` (no {PROJECT_HEADER}/{DOMAIN_HEADER} header)", path
        )
    domain = meta[DOMAIN_HEADER].strip()
    entries = []
    for entry in po:
        if not wanted(entry):
            continue
        ctxt: str | None = entry.msgctxt
        name = domain
        if domain == ALL_DOMAINS:
            if not ctxt:
                raise LocpipeError(
                    "entry without the msgctxt naming its article", path, entry.linenum
                )
            name, _, rest = ctxt.partition(CTXT_SEP)
            ctxt = rest if CTXT_SEP in entry.msgctxt else None
        plural = bool(entry.msgid_plural)
        entries.append(
            Incoming(
                name,
                ctxt,
                entry.msgid,
                entry.msgstr,
                has_text(entry) and "fuzzy" not in entry.flags,
                f"{shown}:{entry.linenum}",
                flags=tuple(f for f in extra_flags(entry.flags) if not f.startswith(IGNORE_MARK)),
                msgid_plural=entry.msgid_plural if plural else None,
                forms=plural_list(entry) if plural else None,
            )
        )
    return _Transfer(
        meta.get("Language", "").strip(),
        meta[PROJECT_HEADER].strip(),
        meta.get("Last-Translator", "").strip(),
        entries,
    )


def _read_xliff(path: Path, shown: str) -> _Transfer:
    files = load_xliff(path)
    if not files:
        raise LocpipeError("no <file> element", path)
    languages = {f.target_language for f in files}
    products = {f.product for f in files}
    if len(languages) != 1 or len(products) != 1:
        raise LocpipeError("the <file> elements disagree on target-language or product-name", path)
    entries = [
        Incoming(
            f.domain,
            u.msgctxt,
            u.msgid,
            u.target,
            u.reviewed,
            f"{shown}:{u.line} (unit {u.id})" if u.id else f"{shown}:{u.line}",
            u.id,
            u.problem,
            msgid_plural=u.msgid_plural,
            forms=list(u.targets) if u.msgid_plural is not None else None,
        )
        for f in files
        for u in f.units
    ]
    return _Transfer(languages.pop(), products.pop(), "", entries)


def _short(text: str, width: int = 60) -> str:
    return text if len(text) <= width else text[: width - 1] + "…"


def merge_file(
    project: Project,
    path: Path,
    language: str | None = None,
    prefer: str = "ours",
    dry_run: bool = False,
) -> MergeResult:
    """Merge the translator's file at ``path``; see the module docstring."""
    shown = str(path)
    transfer = _read_po(path, shown) if file_format(path) == "po" else _read_xliff(path, shown)
    identity = project_identity(project)
    if transfer.project != identity:
        raise LocpipeError(
            f"this file is for project {transfer.project or '(none)'!r}, "
            f"not this one ({identity!r})",
            path,
        )
    if not transfer.language:
        raise LocpipeError("the file does not say its language", path)
    theirs = normalize_language(transfer.language, path)
    if language is not None and theirs != language:
        raise LocpipeError(f"this file is for language {theirs!r}, not {language!r}", path)
    targets = {d.name: d for d in project.domains((theirs,)) if theirs in d.targets}
    by_domain: dict[str, list[Incoming]] = {}
    for incoming in transfer.entries:
        if incoming.domain not in targets:
            raise LocpipeError(
                f"{incoming.where}: article {incoming.domain!r} has no {theirs} catalog "
                "in this project",
            )
        by_domain.setdefault(incoming.domain, []).append(incoming)

    result = MergeResult(language=theirs)
    for domain, incoming_entries in by_domain.items():
        catalog_path = project.catalog_path(theirs, domain)
        if not catalog_path.exists():
            raise LocpipeError("catalog missing; run `locpipe update` first", catalog_path)
        catalog = read_catalog(catalog_path)
        if _merge_catalog(project, theirs, domain, catalog, incoming_entries, prefer, result):
            if transfer.translator not in _NOBODY:
                catalog.metadata["Last-Translator"] = transfer.translator
            if dry_run:
                result.would_write.append(catalog_path)
            elif write_catalog(catalog_path, catalog):
                result.written.append(catalog_path)
    return result


def _text(entry: polib.POEntry) -> str:
    """An entry's translation as one string (plural forms joined by `` | ``), to compare
    and to show."""
    return " | ".join(plural_list(entry)) if entry.msgid_plural else entry.msgstr


def _probe(entry: polib.POEntry | None, incoming: Incoming) -> polib.POEntry:
    """The translator's text as a catalog entry, to be checked (with the catalog's own
    ``# locpipe-ignore`` comment and flags, if the catalog has the entry)."""
    probe = polib.POEntry(
        msgid=entry.msgid if entry is not None else incoming.msgid,
        msgctxt=incoming.msgctxt,
        msgstr=incoming.msgstr if incoming.forms is None else "",
    )
    if incoming.forms is not None:
        probe.msgid_plural = (entry.msgid_plural if entry else incoming.msgid_plural) or ""
        probe.msgstr_plural = dict(enumerate(incoming.forms))
    if entry is not None:  # the translator's text is a human's: no draft comments
        probe.tcomment = without_draft_comments(entry.tcomment)
        probe.flags = list(entry.flags)
    return probe


def _previous_keys(live: Iterable[polib.POEntry]) -> set[tuple[str | None, str]]:
    """(msgctxt, msgid) of the sources ``update`` replaced: the ``#|`` lines of live entries.

    A translator's file exported before the source changed has these.
    """
    keys: set[tuple[str | None, str]] = set()
    for entry in live:
        if entry.previous_msgid:
            keys.add((entry.msgctxt, entry.previous_msgid))
            keys.add((entry.previous_msgctxt, entry.previous_msgid))
    return keys


def _merge_catalog(
    project: Project,
    language: str,
    domain: str,
    catalog: polib.POFile,
    incoming_entries: list[Incoming],
    prefer: str,
    result: MergeResult,
) -> bool:
    """Merge one domain's entries into its catalog in memory; whether anything changed."""
    live: dict[tuple[str | None, str], polib.POEntry] = {}
    dead: dict[tuple[str | None, str], polib.POEntry] = {}
    entry: polib.POEntry | None
    for entry in catalog:
        if entry.msgid == "" and entry.msgctxt is None:
            continue
        (dead if entry.obsolete else live)[(entry.msgctxt, entry.msgid)] = entry
    by_id = {unit_id(c, m): e for (c, m), e in live.items()}
    previous = _previous_keys(live.values())
    changed = False
    for incoming in incoming_entries:
        if not incoming.reviewed:  # never stored, known or not
            result.not_reviewed += 1
            continue
        key = (incoming.msgctxt, incoming.msgid)
        entry = live.get(key) or (by_id.get(incoming.id) if incoming.id else None)
        if entry is None and key not in dead and key not in previous:
            result.unknown += 1  # not in this catalog: not stored, however many
            if len(result.unknown_examples) < UNKNOWN_SHOWN:
                result.unknown_examples.append(
                    Item(incoming.where, domain, incoming.msgid, "not in this catalog")
                )
            continue
        if incoming.problem:
            result.refused.append(Item(incoming.where, domain, incoming.msgid, incoming.problem))
            continue
        ours_plural = entry is not None and bool(entry.msgid_plural)
        if entry is not None and ours_plural != (incoming.forms is not None):
            kind = "plural" if ours_plural else "singular"
            result.refused.append(
                Item(incoming.where, domain, incoming.msgid, f"the catalog's entry is {kind}")
            )
            continue
        probe = _probe(entry, incoming)
        found = failed_checks(probe, project, language, domain, nplurals_of(catalog))
        blocking = [f for f in found if f.blocking]
        if blocking:
            result.refused.append(Item(incoming.where, domain, incoming.msgid, reasons(blocking)))
            continue
        if entry is None:
            old = dead.get(key)
            if old is None:
                gone = probe
                gone.tcomment, gone.flags = "", []
                gone.obsolete = True
                catalog.append(gone)
                dead[key] = gone
                changed = True
                detail = "source no longer in the article; kept as obsolete"
            elif _text(old) == _text(probe):
                detail = "source no longer in the article; already kept as obsolete"
            elif prefer == "theirs" and bool(old.msgid_plural) == bool(probe.msgid_plural):
                old.msgstr, old.msgstr_plural = probe.msgstr, dict(probe.msgstr_plural)
                changed = True
                detail = "source no longer in the article; obsolete entry updated"
            else:
                detail = "source no longer in the article; a different obsolete translation kept"
            result.stale.append(Item(incoming.where, domain, incoming.msgid, detail))
            continue
        ours_reviewed = has_text(entry) and "fuzzy" not in entry.flags
        if ours_reviewed and _text(entry) == _text(probe):
            result.unchanged += 1
            continue
        if ours_reviewed:
            taken = prefer == "theirs"
            result.conflicts.append(
                Item(
                    incoming.where,
                    domain,
                    entry.msgid,
                    f"ours {_short(_text(entry))!r}, theirs {_short(_text(probe))!r} "
                    f"({'theirs taken' if taken else 'ours kept'})",
                )
            )
            if not taken:
                continue
        mark_reviewed(entry, incoming.msgstr, incoming.forms)
        entry.flags += [f for f in incoming.flags if f not in entry.flags]
        result.merged += 1
        if found:
            result.warnings.append(Item(incoming.where, domain, incoming.msgid, reasons(found)))
        changed = True
    return changed
