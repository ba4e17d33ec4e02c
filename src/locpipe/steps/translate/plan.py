"""How one entry gets its translation: memory (exact or sentence by sentence), a
sentence update of a changed entry, a verbatim copy of code, or the engine."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

import polib

from locpipe.mt.settings import MTSettings
from locpipe.steps.translate.pending import Job, needs_translation

if TYPE_CHECKING:
    from locpipe.mt.base import Backend
    from locpipe.mt.memory import Segment, TranslationMemory


@dataclass
class Plan:
    """How one entry gets its translation (the entry itself is not kept: see Lane)."""

    index: int  # the entry's position in its catalog
    msgid: str
    linenum: int  # in the catalog as read (the summary's line numbers)
    update: bool  # a changed fuzzy entry (sentence update), else an untranslated one
    segments: list[Segment]
    parts: list[str | None]  # known translation of each segment's core
    reused: int = 0
    memory_origin: str | None = None  # an exact unit match
    verbatim: bool = False  # all code: copied from the source
    plural: bool = False  # segments: the msgid and the msgid_plural (see apply._plural_forms)

    @property
    def todo(self) -> list[str]:
        return [s.core for s, p in zip(self.segments, self.parts, strict=True) if p is None]


def _whole(text: str) -> list[Segment]:
    from locpipe.mt.memory import Segment

    return [Segment("", text, "")]


def plan_entry(
    index: int,
    entry: polib.POEntry,
    job: Job,
    memory: TranslationMemory | None,
    settings: MTSettings,
) -> Plan | None:
    from locpipe.mt.memory import split_sentences

    source, target = job.source, job.target
    where = (index, entry.msgid, entry.linenum or 0)  # parsed entries always have a line
    if entry.msgid_plural:
        if not needs_translation(entry):
            return None  # a translator's forms: never touched
        segments = _whole(entry.msgid) + _whole(entry.msgid_plural)
        plan = Plan(*where, False, segments, [None, None])
        plan.plural = True
        return plan
    if needs_translation(entry):
        if memory is not None:
            match = memory.exact(source, target, entry.msgid)
            if match is not None:
                return Plan(
                    *where, False, _whole(entry.msgid), [match.translation], 1, match.origin
                )
        if memory is not None and settings.sentences and memory.sentences(source, target):
            segments = split_sentences(entry.msgid, source)
            if len(segments) > 1:
                known_parts = [memory.sentence(source, target, s.core) for s in segments]
                reused = sum(p is not None for p in known_parts)
                if reused:
                    return Plan(*where, False, segments, known_parts, reused)
        return Plan(*where, False, _whole(entry.msgid), [None])
    # A changed fuzzy entry: keep the translation of every sentence that did not change.
    old_source = split_sentences(entry.previous_msgid or "", source)
    old_target = split_sentences(entry.msgstr, target)
    if len(old_source) != len(old_target):
        return None  # cannot align: a translator handles it
    known = {s.core: t.core for s, t in zip(old_source, old_target, strict=True)}
    segments = split_sentences(entry.msgid, source)
    parts: list[str | None] = []
    for segment in segments:
        part = known.get(segment.core)
        if part is None and memory is not None:
            part = memory.sentence(source, target, segment.core)
        parts.append(part)
    reused = sum(p is not None for p in parts)
    if not reused:
        return None  # nothing to keep: the old translation is the translator's best start
    return Plan(*where, True, segments, parts, reused)


def verbatim_plan(index: int, entry: polib.POEntry, target: str, backend: Backend) -> Plan | None:
    """The plan of an untranslated unit that is all code, else None.

    Verbatim: the walker found it filling a ``<code>``/``<kbd>``/``<samp>``/
    ``<var>``/``<abbr>`` (extracted comment ``td > code``), or nothing in it is
    language (:func:`~locpipe.mt.protect.is_verbatim`).  It is copied, never
    sent to an engine (which turned ``/etc/passwd`` into ``/Etc/passwd``).
    """
    from locpipe.mt.protect import is_verbatim, may_be_verbatim
    from locpipe.units import is_verbatim_element

    if not needs_translation(entry) or entry.msgid_plural:
        return None
    if not is_verbatim_element(entry.comment) and not (
        may_be_verbatim(entry.msgid, backend.protector.terms)
        and is_verbatim(backend.protector.mask(entry.msgid, target))
    ):
        return None
    plan = Plan(
        index, entry.msgid, entry.linenum or 0, False, _whole(entry.msgid), [entry.msgid], 1
    )
    plan.verbatim = True
    return plan


def assemble(plan: Plan) -> str:
    if len(plan.segments) == 1 and not plan.segments[0].lead:
        return plan.parts[0] or ""
    pairs = zip(plan.segments, plan.parts, strict=True)
    return "".join(s.lead + (p or "") + s.trail for s, p in pairs)
