"""PO catalogs: read, write, compile to .mo, count; the public API of the ``po_*`` modules.

polib objects (``polib.POFile``/``polib.POEntry``) are the in-memory model.
The work is split by responsibility: :mod:`locpipe.po_parse` reads PO text,
:mod:`locpipe.po_format` writes it byte for byte as GNU ``msgcat`` does (with
the line breaking of :mod:`locpipe.po_linebreak`), :mod:`locpipe.po_flags`
splits and sorts ``#,`` flags, :mod:`locpipe.po_header` builds and checks
headers.  This module does the file I/O and re-exports their public names,
so ``from locpipe.catalog import …`` is the one import the rest of locpipe needs.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import polib

from locpipe.errors import LocpipeError
from locpipe.fsio import atomic_write_bytes, atomic_write_text
from locpipe.po_flags import FORMATS, extra_flags, split_flags
from locpipe.po_format import PAGE_WIDTH, format_catalog, header_text
from locpipe.po_header import (
    check_header,
    new_catalog,
    new_header,
    new_template,
    plural_function,
)
from locpipe.po_parse import parse_catalog

__all__ = [
    "FORMATS",
    "PAGE_WIDTH",
    "CatalogStats",
    "check_header",
    "extra_flags",
    "format_catalog",
    "header_text",
    "mo_bytes",
    "new_catalog",
    "new_header",
    "new_template",
    "parse_catalog",
    "plural_function",
    "read_catalog",
    "split_flags",
    "stats",
    "write_catalog",
    "write_mo",
]


def read_catalog(path: str | Path, language: str | None = None) -> polib.POFile:
    """Read a .po/.pot file (see :func:`parse_catalog`) and check its header.

    The header of a catalog for a language (``language``, or the ``<lang>`` of
    a ``<lang>/LC_MESSAGES/<domain>.po`` path) must not name another language
    and its ``Plural-Forms`` must be valid (:func:`check_header`).
    """
    path = Path(path)
    try:
        data = path.read_bytes()
    except FileNotFoundError as exc:
        raise LocpipeError("catalog not found", path) from exc
    except OSError as exc:
        raise LocpipeError(f"cannot read: {exc.strerror or exc}", path) from exc
    po = parse_catalog(data, path)
    if language is None and path.suffix == ".po" and path.parent.name == "LC_MESSAGES":
        language = path.parent.parent.name
    if language is not None:
        check_header(po, language, path, data)
    return po


def write_catalog(path: str | Path, po: polib.POFile) -> bool:
    """Format and write atomically; False when the file already had these bytes."""
    return atomic_write_text(path, format_catalog(po))


def mo_bytes(po: polib.POFile, include_fuzzy: bool = False) -> bytes:
    """The compiled ``.mo`` of a catalog.

    Fuzzy entries are left out unless ``include_fuzzy``; untranslated and
    obsolete entries are always left out; the header is kept.
    """
    out = polib.POFile(wrapwidth=PAGE_WIDTH, encoding="utf-8")
    out.metadata = dict(po.metadata)
    for entry in po:
        if entry.obsolete or (entry.fuzzy and not include_fuzzy):
            continue
        if entry.msgid_plural:
            done = bool(entry.msgstr_plural) and all(entry.msgstr_plural.values())
        else:
            done = bool(entry.msgstr)
        if done:
            copy = polib.POEntry(
                msgid=entry.msgid,
                msgctxt=entry.msgctxt,
                msgstr=entry.msgstr,
                msgid_plural=entry.msgid_plural,
                msgstr_plural=dict(entry.msgstr_plural),
            )
            out.append(copy)
    return out.to_binary()


def write_mo(po: polib.POFile, path: str | Path, include_fuzzy: bool = False) -> bool:
    """Compile to a .mo file (:func:`mo_bytes`; atomic, no write when unchanged)."""
    return atomic_write_bytes(path, mo_bytes(po, include_fuzzy))


@dataclass(frozen=True)
class CatalogStats:
    """Counts over live entries (no header, no obsolete entries)."""

    total: int
    translated: int
    fuzzy: int
    untranslated: int

    @property
    def percent_complete(self) -> float:
        return 100.0 if self.total == 0 else self.translated * 100.0 / self.total


def _has_translation(entry: polib.POEntry) -> bool:
    if entry.msgid_plural:
        return bool(entry.msgstr_plural) and all(entry.msgstr_plural.values())
    return bool(entry.msgstr)


def stats(po: polib.POFile) -> CatalogStats:
    """Translated (non-fuzzy, non-empty), fuzzy and untranslated counts."""
    total = translated = fuzzy = 0
    for entry in po:
        if entry.obsolete or (entry.msgid == "" and entry.msgctxt is None):
            continue
        total += 1
        if "fuzzy" in entry.flags:
            fuzzy += 1
        elif _has_translation(entry):
            translated += 1
    return CatalogStats(total, translated, fuzzy, total - translated - fuzzy)
