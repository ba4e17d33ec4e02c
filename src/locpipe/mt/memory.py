"""Translation memory: reviewed translations reused before any engine call.

* **Units**: every reviewed (translated, not fuzzy) entry of every catalog of
  a language pair, live or obsolete, is an exact match for the same msgid in
  any other catalog of that pair.
* **Sentences**: units are segmented the way CAT tools do (SRX-style rules, by
  `pysbd <https://github.com/nipunsadvilkar/pySBD>`_); a reviewed unit whose
  source and translation have the same number of sentences gives one memory
  entry per sentence pair, and a one-sentence unit is a sentence too.  A
  sentence whose inline tags do not balance is never cut out of its unit.
"""

from __future__ import annotations

import functools
import os
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

import polib

from locpipe.errors import LocpipeError
from locpipe.units import TAG_RE, VERBATIM_COMMENT, tags_well_nested

if TYPE_CHECKING:  # pysbd takes ~30 ms to import: only when a text has several sentences
    import pysbd

_CLOSING = re.compile(r"(?:\s*</[a-z]+[0-9]*>)+")


@functools.lru_cache(maxsize=32)
def _segmenter(language: str) -> pysbd.Segmenter:
    """pysbd's segmenter for ``language``; English rules for a language pysbd has none for."""
    import pysbd

    code = language.split("_")[0].lower()
    known = code in pysbd.languages.LANGUAGE_CODES
    return pysbd.Segmenter(language=code if known else "en", clean=False)


@dataclass(frozen=True)
class Segment:
    """A sentence of a unit: leading whitespace, the sentence, trailing whitespace."""

    lead: str
    core: str
    trail: str


def split_sentences(text: str, language: str) -> list[Segment]:
    """Cut ``text`` into sentences; ``"".join(lead+core+trail)`` is ``text``.

    Returns one segment (the whole text) when pysbd finds one sentence, when
    its segments do not cover the text exactly, or when a sentence's inline
    tags do not balance (``<a1>One. Two.</a1>``).
    """
    return list(_split(text, language))


_MAYBE_END = re.compile(r"[.!?…。！？]\W*\s")


@functools.lru_cache(maxsize=4096)
def _split(text: str, language: str) -> tuple[Segment, ...]:
    whole = (_segment(text),)
    if not text.strip() or not _MAYBE_END.search(text):
        return whole  # one sentence: no need to ask pysbd (slow)
    try:
        pieces = _segmenter(language).segment(text)
    except Exception:  # noqa: BLE001 - a segmenter bug must not stop a translation run
        return whole
    if len(pieces) < 2 or "".join(pieces) != text:
        return whole
    # A closing tag right after a sentence end belongs to that sentence.
    bounds: list[int] = []
    offset = 0
    for piece in pieces[:-1]:
        offset += len(piece)
        closing = _CLOSING.match(text, offset)
        bound = closing.end() if closing else offset
        if bound < len(text) and (not bounds or bound > bounds[-1]):
            bounds.append(bound)
    edges = [0, *bounds, len(text)]
    segments = tuple(_segment(text[a:b]) for a, b in zip(edges, edges[1:], strict=False))
    for segment in segments:
        if not segment.core or not tags_well_nested(TAG_RE.findall(segment.core)):
            return whole
    return segments


def _segment(piece: str) -> Segment:
    core = piece.strip()
    if not core:
        return Segment(piece, "", "")
    start = piece.index(core)
    return Segment(piece[:start], core, piece[start + len(core) :])


@dataclass(frozen=True)
class Match:
    """A reviewed translation and the catalog it came from."""

    translation: str
    origin: str


@dataclass
class TranslationMemory:
    """Reviewed units and sentences per (source, target) language pair."""

    units: dict[tuple[str, str], dict[str, Match]] = field(default_factory=dict)
    _sentences: dict[tuple[str, str], dict[str, str]] = field(default_factory=dict)

    def add_catalog(
        self, catalog: Iterable[polib.POEntry], source: str, target: str, origin: str
    ) -> int:
        """Add the reviewed entries of one catalog; returns how many were added."""
        units = self.units.setdefault((source, target), {})
        self._sentences.pop((source, target), None)  # rebuilt on demand
        added = 0
        for entry in catalog:
            if reviewed(entry):
                added += 1
                units.setdefault(entry.msgid, Match(entry.msgstr, origin))
        return added

    def exact(self, source: str, target: str, msgid: str) -> Match | None:
        return self.units.get((source, target), {}).get(msgid)

    def sentences(self, source: str, target: str) -> dict[str, str]:
        """Sentence memory of a pair (segmenting the reviewed units once, on first use)."""
        key = (source, target)
        if key not in self._sentences:
            table: dict[str, str] = {}
            for msgid, match in self.units.get(key, {}).items():
                src = split_sentences(msgid, source)
                tgt = split_sentences(match.translation, target)
                if len(src) == len(tgt):
                    for s, t in zip(src, tgt, strict=True):
                        if s.core and t.core:
                            table.setdefault(s.core, t.core)
            self._sentences[key] = table
        return self._sentences[key]

    def sentence(self, source: str, target: str, core: str) -> str | None:
        return self.sentences(source, target).get(core)

    def pairs(self) -> Iterator[tuple[str, str, str, str, str]]:
        """(source, target, msgid, translation, origin) of every unit."""
        for (source, target), units in sorted(self.units.items()):
            for msgid, match in units.items():
                yield source, target, msgid, match.translation, match.origin

    def __len__(self) -> int:
        return sum(len(units) for units in self.units.values())


def reviewed(entry: polib.POEntry) -> bool:
    """A human-reviewed translation: translated, not fuzzy, singular (live or obsolete),
    not a code unit that ``translate`` copied from its source."""
    return (
        bool(entry.msgid)
        and not entry.msgid_plural
        and bool(entry.msgstr)
        and "fuzzy" not in entry.flags
        and VERBATIM_COMMENT not in entry.tcomment
    )


#: The catalog of each target language holding the reviewed translations of
#: deleted articles (``locpipe prune`` moves them there): ``locales/<lang>/memory.po``.
KEPT_MEMORY = "memory.po"


def kept_memory_path(locales: Path, target: str) -> Path:
    """Where ``target``'s kept memory is (outside ``LC_MESSAGES``: not a domain)."""
    return locales / target / KEPT_MEMORY


def kept_memory_file(locales: Path, target: str) -> Path | None:
    """``target``'s kept memory when there is one; a symlink there is an error
    (locpipe reads no catalog through a link it did not make)."""
    path = kept_memory_path(locales, target)
    if os.path.islink(path):
        raise LocpipeError("a symlink; the kept translation memory must be a regular file", path)
    return path if path.exists() else None


def keep_reviewed(kept: polib.POFile, catalog: polib.POFile, origin: str) -> int:
    """Add ``catalog``'s reviewed entries to the ``kept`` memory catalog, in its order;
    a msgid already kept gets the newer translation.  Returns how many were added."""
    index = {entry.msgid: entry for entry in kept if not entry.obsolete}
    added = 0
    for entry in catalog:
        if not reviewed(entry):
            continue
        added += 1
        old = index.get(entry.msgid)
        if old is not None:
            old.msgstr = entry.msgstr
            old.tcomment = f"kept from {origin}"
            continue
        new = polib.POEntry(msgid=entry.msgid, msgstr=entry.msgstr, tcomment=f"kept from {origin}")
        kept.append(new)
        index[entry.msgid] = new
    return added
