"""The update evaluation set: real catalogs of several projects, edited in several ways.

Each project's French catalogs (from its wheel on PyPI) are one input, kept
apart from the others.  The projects are split in two groups *before* any
threshold is looked at:

* ``TUNING``: the four projects the bench's update case has always used
  (Django, Sphinx, Wagtail, Weblate); thresholds are chosen on these;
* ``HELD_OUT``: projects never used to choose anything (CKAN, django-allauth,
  django CMS, django-oscar, Indico, Mailman, pretalx, WTForms); figures are
  reported on these.

An edit script (:func:`edit_script`) applies one kind of edit
(:mod:`locbench.edit_kinds`) to 10% of the strings, deletes 5% and adds 5%,
and keeps the truth: which old entries each new string may rightly take its
translation from.
"""

from __future__ import annotations

import random
import re
import subprocess
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

import polib

from locbench.common import WORK, log
from locbench.edit_kinds import GENERATORS, split_parts

TUNING = ["django", "sphinx", "wagtail", "weblate"]
HELD_OUT = [
    "ckan",
    "django-allauth",
    "django-cms",
    "django-oscar",
    "indico",
    "mailman",
    "pretalx",
    "wtforms",
]
_FRENCH = re.compile(r"/fr(_FR)?/LC_MESSAGES/[^/]+\.po$")
Key = tuple[str | None, str]


def _key(entry: polib.POEntry) -> Key:
    return (entry.msgctxt or None, entry.msgid)


def project_catalog(python: Path, project: str) -> polib.POFile:
    """One project's French catalogs joined (first occurrence of a key wins); cached."""
    cached = WORK / "evalset" / f"{project}-fr.po"
    if cached.exists():
        return polib.pofile(str(cached), wrapwidth=79)
    wheels = WORK / "downloads" / "evalwheels"
    wheels.mkdir(parents=True, exist_ok=True)
    stem = project.replace("-", "_").lower()
    found = [w for w in wheels.glob("*.whl") if w.name.lower().startswith(stem + "-")]
    if not found:
        log(f"pip download {project}")
        subprocess.run(
            [python, "-m", "pip", "download", "-q", "--no-deps", "--only-binary", ":all:",
             "-d", wheels, project],
            check=True, capture_output=True,
        )  # fmt: skip
        found = [w for w in wheels.glob("*.whl") if w.name.lower().startswith(stem + "-")]
    po = polib.POFile(wrapwidth=79)
    po.metadata = {"Content-Type": "text/plain; charset=UTF-8", "Language": "fr"}
    seen: set[Key] = set()
    with zipfile.ZipFile(sorted(found)[-1]) as archive:
        for name in sorted(archive.namelist()):
            if not _FRENCH.search(name):
                continue
            for entry in polib.pofile(archive.read(name).decode("utf-8"), wrapwidth=79):
                usable = entry.msgid and not entry.obsolete and entry.translated()
                if usable and _key(entry) not in seen:
                    seen.add(_key(entry))
                    entry.flags = [f for f in entry.flags if f != "fuzzy"]
                    entry.previous_msgid = entry.previous_msgctxt = None
                    po.append(entry)
    cached.parent.mkdir(parents=True, exist_ok=True)
    po.save(str(cached))
    return po


@dataclass
class Truth:
    """An old catalog, its new template, and which old entries each new string comes from."""

    old: polib.POFile
    template: polib.POFile
    sources: dict[Key, list[polib.POEntry]] = field(default_factory=dict)
    added: set[Key] = field(default_factory=set)
    unchanged: dict[Key, polib.POEntry] = field(default_factory=dict)


def _clone(entry: polib.POEntry, msgid: str | None = None) -> polib.POEntry:
    return polib.POEntry(
        msgid=entry.msgid if msgid is None else msgid,
        msgctxt=entry.msgctxt,
        msgid_plural=entry.msgid_plural,
        msgstr="",
        msgstr_plural={k: "" for k in entry.msgstr_plural},
        comment=entry.comment,
        occurrences=list(entry.occurrences),
        flags=[f for f in entry.flags if f != "fuzzy"],
    )


def _catalog() -> polib.POFile:
    po = polib.POFile(wrapwidth=79)
    po.metadata = {"Content-Type": "text/plain; charset=UTF-8", "Language": "fr"}
    return po


def edit_script(entries: list[polib.POEntry], kind: str, seed: int, edit: float = 0.10) -> Truth:
    """Old catalog and template: ``edit`` of the strings edited by ``kind``; 5% added, 5% gone."""
    rng = random.Random(f"{kind}:{seed}")
    entries = [e for e in entries if e.msgid and not e.msgid_plural]
    vocabulary = sorted({w for e in entries for w in re.findall(r"[^\W\d_]{3,}", e.msgid)})
    n = len(entries)
    order = list(range(n))
    rng.shuffle(order)
    added = set(order[: n // 20])
    deleted = set(order[n // 20 : n // 10])
    rest = order[n // 10 :]
    truth = Truth(_catalog(), _catalog())
    taken = {_key(e) for e in entries}
    budget = int(n * edit)
    candidates = [i for i in rest if _edit_applies(entries, i, kind)]
    chosen = set(candidates[:budget])
    skip_next: set[int] = set()

    def new_string(entry: polib.POEntry, msgid: str, sources: list[polib.POEntry]) -> bool:
        key = (entry.msgctxt or None, msgid)
        if key in taken:
            return False
        taken.add(key)
        truth.template.append(_clone(entry, msgid))
        truth.sources[key] = sources
        return True

    for i, entry in enumerate(entries):
        if i in skip_next:
            continue
        if i not in added:
            truth.old.append(entry)
        if i in deleted:
            continue
        if i in chosen and _apply(entries, i, kind, rng, vocabulary, new_string, truth):
            if kind == "join":
                skip_next.add(i + 1)
            continue
        truth.template.append(_clone(entry))
        if i in added:
            truth.added.add(_key(entry))
        else:
            truth.unchanged[_key(entry)] = entry
    return truth


def _edit_applies(entries: list[polib.POEntry], i: int, kind: str) -> bool:
    text = entries[i].msgid
    if kind == "split":
        return split_parts(text) is not None
    if kind == "join":
        nxt = entries[i + 1] if i + 1 < len(entries) else None
        return nxt is not None and not nxt.msgid_plural and len(text.split()) >= 2
    return len(text.split()) >= 3 or kind == "placeholder"


def _apply(entries, i, kind, rng, vocabulary, new_string, truth) -> bool:  # noqa: ANN001
    entry = entries[i]
    if kind == "split":
        first, second = split_parts(entry.msgid)  # type: ignore[misc]
        made = new_string(entry, first, [entry])
        return new_string(entry, second, [entry]) or made
    if kind == "join":
        nxt = entries[i + 1]
        if not new_string(entry, f"{entry.msgid} {nxt.msgid}", [entry, nxt]):
            return False
        truth.old.append(nxt)  # kept in the old catalog even if chosen to be added
        return True
    for _ in range(5):
        text = GENERATORS[kind](entry.msgid, rng, vocabulary)
        if text is not None and text != entry.msgid and new_string(entry, text, [entry]):
            return True
    return False


@dataclass
class Score:
    """How a merged catalog treated the new strings."""

    edited: int = 0  # new strings that came from old ones
    fuzzy: int = 0  # edited strings given a fuzzy translation
    right: int = 0  # edited strings given the translation of one of their sources
    added_matched: int = 0  # added strings given a translation (always wrong)
    unchanged_lost: int = 0

    def __iadd__(self, other: Score) -> Score:
        for name in ("edited", "fuzzy", "right", "added_matched", "unchanged_lost"):
            setattr(self, name, getattr(self, name) + getattr(other, name))
        return self

    @property
    def precision(self) -> float:
        """Of the edited strings given a fuzzy translation, the share given the right one."""
        return self.right / self.fuzzy if self.fuzzy else float("nan")

    @property
    def recall(self) -> float:
        return self.right / self.edited if self.edited else float("nan")


def score(merged: polib.POFile, truth: Truth) -> Score:
    """Compare a merged catalog (any tool's output) with the truth."""
    by_key = {_key(e): e for e in merged if not e.obsolete}
    result = Score(edited=len(truth.sources))
    for key, sources in truth.sources.items():
        entry = by_key.get(key)
        if entry is None or not entry.msgstr or "fuzzy" not in entry.flags:
            continue
        result.fuzzy += 1
        if any(entry.msgstr == s.msgstr for s in sources):
            result.right += 1
    for key in truth.added:
        entry = by_key.get(key)
        if entry is not None and entry.msgstr:
            result.added_matched += 1
    for key, source in truth.unchanged.items():
        entry = by_key.get(key)
        if entry is None or entry.msgstr != source.msgstr:
            result.unchanged_lost += 1
    return result
