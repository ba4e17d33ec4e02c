"""The edit script for the update benchmark, and scoring a merged catalog against it.

From a full list of translated entries: 5% are *added* (held out of the old
catalog, present in the new template), 5% *deleted* (in the old catalog, not
in the template), 10% *edited* by one word (only entries of 3 words or more:
a one-word msgid changed by one word is a different message).  The truth
(which new msgid was edited from which old entry) is kept for scoring.
"""

from __future__ import annotations

import random
import re
from dataclasses import dataclass, field

import polib

Key = tuple[str | None, str]
_WORD = re.compile(r"(?<![%(<{\w&/.-])[^\W\d_]{3,}(?![\w)>}/.-])")


@dataclass
class EditedSet:
    """Old catalog, new template, and the truth."""

    old: polib.POFile
    template: polib.POFile
    edited: dict[Key, polib.POEntry] = field(default_factory=dict)  # new key → old entry
    added: set[Key] = field(default_factory=set)
    deleted: set[Key] = field(default_factory=set)
    unchanged: dict[Key, polib.POEntry] = field(default_factory=dict)


def _key(entry: polib.POEntry) -> Key:
    return (entry.msgctxt or None, entry.msgid)


def _clone(entry: polib.POEntry, **changes) -> polib.POEntry:
    fields = dict(
        msgid=entry.msgid,
        msgctxt=entry.msgctxt,
        msgid_plural=entry.msgid_plural,
        msgstr=entry.msgstr,
        msgstr_plural=dict(entry.msgstr_plural),
        comment=entry.comment,
        occurrences=list(entry.occurrences),
        flags=[f for f in entry.flags if f != "fuzzy"],
    )
    fields.update(changes)
    return polib.POEntry(**fields)


def one_word_edit(text: str, rng: random.Random, vocabulary: list[str]) -> str | None:
    """``text`` with one plain word replaced by another word (None if no word fits)."""
    words = list(_WORD.finditer(text))
    if len(text.split()) < 3 or not words:
        return None
    match = rng.choice(words)
    for _ in range(10):
        new = rng.choice(vocabulary)
        if new.lower() != match.group().lower():
            if match.group()[0].isupper():
                new = new.capitalize()
            return text[: match.start()] + new + text[match.end() :]
    return None


def apply_edits(
    entries: list[polib.POEntry],
    seed: int = 11,
    edit: float = 0.10,
    delete: float = 0.05,
    add: float = 0.05,
    header: polib.POFile | None = None,
) -> EditedSet:
    """Build old catalog + template from translated ``entries`` (see module docstring)."""
    rng = random.Random(seed)
    entries = [e for e in entries if e.msgid and not e.obsolete and e.translated()]
    vocabulary = sorted({w.group() for e in entries for w in _WORD.finditer(e.msgid)})
    n = len(entries)
    order = list(range(n))
    rng.shuffle(order)
    added = set(order[: int(n * add)])
    deleted = set(order[int(n * add) : int(n * add) + int(n * delete)])
    editable = [
        i
        for i in order[int(n * add) + int(n * delete) :]
        if not entries[i].msgid_plural and len(entries[i].msgid.split()) >= 3
    ]
    edited = set(editable[: int(n * edit)])
    old = polib.POFile(wrapwidth=79)
    template = polib.POFile(wrapwidth=79)
    for po in (old, template):
        po.metadata = dict(header.metadata) if header is not None else {}
        po.metadata.setdefault("Content-Type", "text/plain; charset=UTF-8")
        po.metadata.setdefault("Language", "fr")
    result = EditedSet(old, template)
    taken = {_key(e) for e in entries}
    for i, entry in enumerate(entries):
        if i not in added:
            old.append(_clone(entry))
        if i in deleted:
            result.deleted.add(_key(entry))
            continue
        blank = {"msgstr": "", "msgstr_plural": {k: "" for k in entry.msgstr_plural}}
        if i in edited:
            for _ in range(5):
                text = one_word_edit(entry.msgid, rng, vocabulary)
                if text is not None and (entry.msgctxt or None, text) not in taken:
                    break
            else:
                text = None
            if text is not None:
                taken.add((entry.msgctxt or None, text))
                new = _clone(entry, msgid=text, **blank)
                template.append(new)
                result.edited[_key(new)] = entry
                continue
        new = _clone(entry, **blank)
        template.append(new)
        if i in added:
            result.added.add(_key(new))
        else:
            result.unchanged[_key(new)] = entry
    return result


def _msgstr(entry: polib.POEntry) -> str:
    if entry.msgid_plural:
        return entry.msgstr_plural.get(0, "") if entry.msgstr_plural else ""
    return entry.msgstr


@dataclass
class Score:
    """Correctness of one merged catalog against the edit script's truth."""

    edited: int = 0
    fuzzy: int = 0  # edited entries marked fuzzy (with a translation)
    right: int = 0  # … whose translation is that of the entry they were edited from
    added: int = 0
    added_matched: int = 0  # new entries wrongly given a translation
    unchanged_lost: int = 0  # unchanged entries that lost their translation

    @property
    def precision(self) -> float:
        return self.right / self.fuzzy if self.fuzzy else float("nan")


def score(merged: polib.POFile, truth: EditedSet) -> Score:
    """Compare a merged catalog (any tool's output) with the truth."""
    by_key = {_key(e): e for e in merged if not e.obsolete}
    result = Score(edited=len(truth.edited), added=len(truth.added))
    for key, source in truth.edited.items():
        entry = by_key.get(key)
        if entry is None or not _msgstr(entry):
            continue
        if "fuzzy" in entry.flags:
            result.fuzzy += 1
            if _msgstr(entry) == _msgstr(source):
                result.right += 1
    for key in truth.added:
        entry = by_key.get(key)
        if entry is not None and _msgstr(entry):
            result.added_matched += 1
    for key, source in truth.unchanged.items():
        entry = by_key.get(key)
        if entry is None or _msgstr(entry) != _msgstr(source):
            result.unchanged_lost += 1
    return result
