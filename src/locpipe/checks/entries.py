"""Checks of whole entries and catalogs: plural forms, obsolete reviewed work."""

from __future__ import annotations

import re
from collections.abc import Iterator

import polib

from locpipe.checks.base import ERROR, WARNING, QAContext, catalog_check, entry_check

_NPLURALS_RE = re.compile(r"nplurals\s*=\s*(\d+)")


def nplurals_of(po: polib.POFile) -> int | None:
    """The ``nplurals`` of a catalog's ``Plural-Forms`` header (None without one)."""
    match = _NPLURALS_RE.search(po.metadata.get("Plural-Forms", ""))
    return int(match.group(1)) if match else None


@entry_check("plurals", ERROR, "the number of plural forms is wrong for the language")
def plurals(entry: polib.POEntry, ctx: QAContext) -> list[str]:
    nplurals = ctx.nplurals
    if not entry.msgid_plural or nplurals is None:
        return []
    forms = entry.msgstr_plural
    if not any(forms.values()):
        return []
    if sorted(forms) != list(range(nplurals)):
        return [f"{len(forms)} plural forms (msgstr[n]); the language has nplurals={nplurals}"]
    empty = [f"msgstr[{i}]" for i in sorted(forms) if not forms[i]]
    return [f"empty plural forms: {', '.join(empty)}"] if empty else []


@catalog_check(
    "obsolete-only", WARNING, "an obsolete entry holds the only copy of a reviewed translation"
)
def obsolete_only(po: polib.POFile, ctx: QAContext) -> Iterator[tuple[polib.POEntry, str]]:
    live_translations = set()
    for entry in po:
        if not entry.obsolete:
            live_translations.add(entry.msgstr)
            live_translations.update(entry.msgstr_plural.values())
    for entry in po:
        if not entry.obsolete or "fuzzy" in entry.flags or not entry.msgstr:
            continue
        if entry.msgstr not in live_translations:
            yield (
                entry,
                "obsolete entry holds the only copy of a reviewed translation; "
                "reuse it or delete it",
            )
