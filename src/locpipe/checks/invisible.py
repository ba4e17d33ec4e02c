"""The ``invisible`` check: characters a reader does not see, and what build leaves out.

Not silenceable: a catalog is untrusted, and a ``locpipe-ignore`` comment
could come from the hand that hid the characters.
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter

import polib

from locpipe.checks.base import ERROR, QAContext, check

#: Characters a reader does not see that change or hide what is shown: C0 controls
#: but tab and line feed, DEL, C1 controls, bidi embeddings, overrides and isolates
#: (the "Trojan Source" set), zero-width characters, the BOM, invisible operators,
#: interlinear annotations and the tag characters (used to smuggle hidden text).
#: The bidi marks (U+200E, U+200F, U+061C) are ordinary in right-to-left text: not here.
_INVISIBLE_RE = re.compile(
    "[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069"
    "\u200b-\u200d\u2060-\u2064\ufeff\u180e\ufff9-\ufffb\U000e0000-\U000e007f]"
)
#: Joiners that scripts need between their letters (Persian ZWNJ, Indic conjuncts,
#: emoji sequences): allowed between two non-ASCII, non-space characters.
_JOINERS = "\u200c\u200d"


def _joins(text: str, index: int) -> bool:
    """Whether the joiner at ``index`` stands between two non-ASCII, non-space characters."""
    before, after = text[index - 1 : index], text[index + 1 : index + 2]
    return all(c and c > "\x7f" and not c.isspace() for c in (before, after))


def invisible_in(text: str) -> Counter[str]:
    """The invisible characters of ``text`` (see ``_INVISIBLE_RE``), counted."""
    found: Counter[str] = Counter()
    for match in _INVISIBLE_RE.finditer(text):
        char = match.group()
        if char not in _JOINERS or not _joins(text, match.start()):
            found[char] += 1
    return found


def extra_invisible(source: str, target: str) -> Counter[str]:
    """Invisible characters of ``target`` beyond those of ``source`` (counted per character)."""
    if _INVISIBLE_RE.search(target) is None:
        return Counter()  # the common case: nothing to count
    return invisible_in(target) - invisible_in(source)


def describe_char(char: str) -> str:
    """``U+202E RIGHT-TO-LEFT OVERRIDE``: a character by its code point and name."""
    code = ord(char)
    name = unicodedata.name(char, "")
    if not name and (code < 0x20 or code == 0x7F):  # named by its control picture (␛)
        picture = chr(0x2421 if code == 0x7F else 0x2400 + code)
        name = unicodedata.name(picture).removeprefix("SYMBOL FOR ")
    return f"U+{code:04X} {name or 'CONTROL CHARACTER'}"


@check(
    "invisible",
    ERROR,
    "control, bidi or zero-width characters that the source does not have",
    silenceable=False,
)
def invisible(source: str, target: str, ctx: QAContext) -> list[str]:
    extra = extra_invisible(source, target)
    if not extra:
        return []
    shown = ", ".join(
        describe_char(char) + (f" ×{count}" if count > 1 else "") for char, count in extra.items()
    )
    return [f"invisible characters not in the source: {shown}"]


def _hides_characters(entry: polib.POEntry) -> bool:
    """Whether a live entry's translation has invisible characters its source does not."""
    if entry.obsolete:
        return False
    if not entry.msgid_plural:
        return bool(extra_invisible(entry.msgid, entry.msgstr))
    sources = f"{entry.msgid}\n{entry.msgid_plural}"
    return any(extra_invisible(sources, t) for t in entry.msgstr_plural.values())


def publishable(catalog: polib.POFile) -> polib.POFile:
    """``catalog`` without the translations that fail the ``invisible`` check.

    What a build publishes (pages and ``.mo`` files): such an entry shows its
    source text, as an untranslated one does.  ``locpipe-ignore`` does not
    apply (the check is not silenceable).  The catalog itself when nothing is
    dropped (the usual case, no copy); else a copy, the catalog left as it was.
    """
    if not any(_hides_characters(entry) for entry in catalog):
        return catalog
    clean = polib.POFile(wrapwidth=catalog.wrapwidth, encoding=catalog.encoding)
    clean.header = catalog.header
    clean.metadata = dict(catalog.metadata)
    clean.metadata_is_fuzzy = catalog.metadata_is_fuzzy
    clean.fpath = catalog.fpath
    for entry in catalog:
        if _hides_characters(entry):
            dropped = polib.POEntry(
                msgid=entry.msgid,
                msgctxt=entry.msgctxt,
                msgid_plural=entry.msgid_plural,
                msgstr="",
                msgstr_plural={i: "" for i in entry.msgstr_plural},
                flags=list(entry.flags),
                linenum=entry.linenum,
            )
            clean.append(dropped)
        else:
            clean.append(entry)
    return clean
