"""What kind of translation a catalog entry holds, for the steps that must tell.

A *stale* entry is one ``update`` matched to a changed source (fuzzy, with the
previous msgid ``#|``): its msgstr translates the old text.  ``translate``
refreshes it sentence by sentence and marks it; until then (or until a
reviewer clears fuzzy) ``build`` does not publish it.
"""

from __future__ import annotations

import hashlib

import polib


def msgid_mark(msgid: str) -> str:
    """A short mark of a msgid, left in a comment by a sentence update."""
    return hashlib.sha256(msgid.encode("utf-8")).hexdigest()[:8]


def is_stale(entry: polib.POEntry) -> bool:
    """Fuzzy, matched to a changed msgid, and not refreshed for the current one."""
    return (
        not entry.obsolete
        and not entry.msgid_plural
        and "fuzzy" in entry.flags
        and bool(entry.msgstr)
        and bool(entry.previous_msgid)
        and entry.previous_msgid != entry.msgid
        and f"[{msgid_mark(entry.msgid)}]" not in entry.tcomment
    )
