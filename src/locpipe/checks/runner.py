"""Running the checks of :data:`locpipe.checks.REGISTRY` on entries and catalogs.

:func:`check_entry` and :func:`check_catalog` are pure functions over polib
objects; they return :class:`~locpipe.checks.base.Finding` objects.  Fuzzy
(machine-draft) translations are checked too, since a build publishes them.

A translator silences checks for one entry with a translator comment
``# locpipe-ignore: numbers, urls`` (kept by every catalog writer, Poedit's
"comment" field) or with a flag ``#, locpipe-ignore:numbers``.  locpipe keeps
the flag (as every flag gettext does not know), but GNU gettext tools
(``msgcat``, ``msgmerge``) drop it: the comment is the form every tool keeps.
"""

from __future__ import annotations

import re
from dataclasses import replace

import polib

from locpipe.checks import CHECKS
from locpipe.checks.base import CATALOG, ENTRY, TEXT, Check, Finding, QAContext
from locpipe.checks.entries import nplurals_of
from locpipe.units import is_verbatim_element

IGNORE_MARK = "locpipe-ignore"
#: Weblate's ``ignore-<check>`` flags, set in Weblate on a string, and the locpipe
#: warning of the same meaning each silences.  Error-level checks gate the build:
#: only ``locpipe-ignore`` silences them.
WEBLATE_IGNORES = {
    "ignore-same": "unchanged",
    "ignore-double-space": "doublespace",
    "ignore-duplicate": "doublewords",
    "ignore-begin-space": "whitespace",
    "ignore-end-space": "whitespace",
    "ignore-end-stop": "punctuation",
    "ignore-end-colon": "punctuation",
    "ignore-end-question": "punctuation",
    "ignore-end-exclamation": "punctuation",
    "ignore-end-ellipsis": "punctuation",
}
#: The translator comment ``translate`` writes on a machine draft
#: (:data:`locpipe.steps.translate.MT_COMMENT`).
MACHINE_MARK = "machine translation:"


def ignored_checks(entry: polib.POEntry) -> set[str]:
    """Checks silenced on an entry: ``# locpipe-ignore: a, b`` or ``#, locpipe-ignore:a``,
    or Weblate's flag for the same warning (:data:`WEBLATE_IGNORES`: ``ignore-same``).

    ``all`` silences every check.
    """
    names: set[str] = set()
    for flag in entry.flags:
        flag = flag.strip()
        if flag in WEBLATE_IGNORES:
            names.add(WEBLATE_IGNORES[flag])
        if flag.startswith(IGNORE_MARK + ":"):
            names.update(n for n in re.split(r"[\s,]+", flag[len(IGNORE_MARK) + 1 :]) if n)
    for line in (entry.tcomment or "").splitlines():
        line = line.strip()
        if line.startswith(IGNORE_MARK):
            rest = line[len(IGNORE_MARK) :].lstrip(" :")
            names.update(n for n in re.split(r"[\s,]+", rest) if n)
    return names


def _silenced(entry: polib.POEntry) -> set[str]:
    """The checks that do not run on ``entry`` (``all`` expanded; never the unsilenceable)."""
    ignored = ignored_checks(entry)
    if "all" in ignored:
        ignored = set(CHECKS)
    return {name for name in ignored if name not in CHECKS or CHECKS[name].silenceable}


def _finding(check: Check, message: str, entry: polib.POEntry) -> Finding:
    first = entry.msgstr or next((v for v in entry.msgstr_plural.values() if v), "")
    return Finding(
        check.name,
        check.severity,
        message,
        entry.linenum,
        entry.msgid,
        first,
        entry.msgctxt,
        "fuzzy" in entry.flags,
    )


def _pairs(entry: polib.POEntry, nplurals: int | None) -> list[tuple[str, str]]:
    """(source, translation) pairs to compare: one per non-empty translation."""
    if not entry.msgid_plural:
        return [(entry.msgid, entry.msgstr)] if entry.msgstr else []
    pairs = []
    for index in sorted(entry.msgstr_plural):
        value = entry.msgstr_plural[index]
        if value:
            source = entry.msgid if index == 0 and nplurals != 1 else entry.msgid_plural
            pairs.append((source, value))
    return pairs


def check_entry(entry: polib.POEntry, ctx: QAContext) -> list[Finding]:
    """Findings for one live entry with a translation (fuzzy ones included)."""
    if entry.obsolete or (entry.msgid == "" and entry.msgctxt is None):
        return []
    ignored = _silenced(entry)
    checks = [c for c in CHECKS.values() if c.name not in ignored]
    findings: list[Finding] = []
    for check in checks:
        if check.kind == ENTRY:
            findings.extend(_finding(check, message, entry) for message in check.func(entry, ctx))
    if is_verbatim_element(entry.comment):
        ctx = replace(ctx, verbatim=True)
    if any(line.startswith(MACHINE_MARK) for line in (entry.tcomment or "").splitlines()):
        ctx = replace(ctx, machine=True)
    for source, target in _pairs(entry, ctx.nplurals):
        for check in checks:
            if check.kind != TEXT:
                continue
            for message in check.func(source, target, ctx):
                if not any(f.check == check.name and f.message == message for f in findings):
                    findings.append(_finding(check, message, entry))
    return findings


def check_catalog(po: polib.POFile, ctx: QAContext) -> list[Finding]:
    """Findings for a whole catalog, in file order.

    ``ctx.nplurals`` defaults to the catalog's ``Plural-Forms`` header.
    """
    if ctx.nplurals is None:
        ctx = QAContext(
            language=ctx.language,
            domain=ctx.domain,
            do_not_translate=ctx.do_not_translate,
            glossary=ctx.glossary,
            nplurals=nplurals_of(po),
            ui_length_ratio=ctx.ui_length_ratio,
            french_spacing=ctx.french_spacing,
        )
    findings: list[Finding] = []
    for entry in po:
        if not entry.obsolete:
            findings.extend(check_entry(entry, ctx))
    for check in CHECKS.values():
        if check.kind == CATALOG:
            findings.extend(
                _finding(check, message, entry)
                for entry, message in check.func(po, ctx)
                if check.name not in _silenced(entry)
            )
    order = list(CHECKS)
    findings.sort(key=lambda f: (f.line or 0, order.index(f.check)))
    return findings
