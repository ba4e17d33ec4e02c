"""Writing outcomes into a catalog: msgstr (or plural forms), the fuzzy flag and the
comments naming where each draft came from."""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING

import polib

from locpipe.drafts import msgid_mark
from locpipe.errors import LocpipeError
from locpipe.steps.translate.plan import assemble
from locpipe.steps.translate.results import Failure, TranslateResult
from locpipe.units import VERBATIM_COMMENT

if TYPE_CHECKING:
    from locpipe.steps.translate.lanes import Piece


MT_COMMENT = "machine translation: "
TM_COMMENT = "translation memory: "
#: Before a sentence update replaces a translator's text, it is kept in this comment.
PREVIOUS_COMMENT = "previous translation: "


def apply_piece(piece: Piece, catalog: polib.POFile, result: TranslateResult) -> int:
    """Fill the piece's entries of ``catalog`` from their outcomes; the number left
    untranslated."""
    from locpipe.mt.base import VERIFICATION_FAILED

    job, engine = piece.job, piece.job.engine
    failed = 0
    for plan in piece.plans:
        entry = catalog[plan.index] if plan.index < len(catalog) else None
        if entry is None or entry.msgid != plan.msgid:  # the project lock should prevent it
            raise LocpipeError(f"{job.path}: changed while it was being translated")
        if plan.verbatim:
            # Code: the source is its own translation, by rule, not a draft to review.
            entry.msgstr = entry.msgid
            if "fuzzy" in entry.flags:
                entry.flags.remove("fuzzy")
            _set_comments(entry, [VERBATIM_COMMENT])
            result.verbatim += 1
            result.translated += 1
            continue
        reason = None
        for index, part in enumerate(plan.parts):
            if part is not None:
                continue
            outcome = piece.outcome(plan.segments[index].core)
            if outcome.text is None or not outcome.text.strip():
                reason = outcome.error or VERIFICATION_FAILED
                break
            plan.parts[index] = outcome.text
        if reason is not None:
            result.failed.append((job.path, plan.linenum, entry.msgid))
            result.failures.append(Failure(job.path, plan.linenum, entry.msgid, reason))
            failed += 1
            continue
        comments = []
        sentences = len(plan.segments)
        if plan.memory_origin is not None:
            comments.append(f"{TM_COMMENT}exact match, reviewed in {plan.memory_origin}")
        elif plan.reused:
            mark = f" [{msgid_mark(entry.msgid)}]" if plan.update else ""
            comments.append(f"{TM_COMMENT}{plan.reused} of {sentences} sentences reused{mark}")
        if plan.reused < sentences:
            comments.append(MT_COMMENT + engine)
        if plan.update and MT_COMMENT not in entry.tcomment and TM_COMMENT not in entry.tcomment:
            # A translator's text: never lost, even where a sentence is re-translated.
            old = entry.msgstr.replace("\\", "\\\\").replace("\n", "\\n")
            comments.insert(0, PREVIOUS_COMMENT + old)
        if plan.plural:
            entry.msgstr_plural = _plural_forms(catalog, entry, *plan.parts)
        else:
            entry.msgstr = assemble(plan)
        if "fuzzy" not in entry.flags:
            entry.flags.insert(0, "fuzzy")
        _set_comments(entry, comments)
        if plan.update:
            result.updated += 1
        else:
            result.translated += 1
            if plan.reused == sentences:
                result.from_memory += 1
    return failed


def _set_comments(entry: polib.POEntry, lines: Iterable[str]) -> None:
    kept = [
        line
        for line in entry.tcomment.splitlines()
        if not line.startswith((MT_COMMENT, TM_COMMENT, VERBATIM_COMMENT))
    ]
    entry.tcomment = "\n".join([*kept, *lines])


def _plural_forms(
    catalog: polib.POFile, entry: polib.POEntry, singular: str | None, plural: str | None
) -> dict[int, str]:
    """The msgstr[n] of a drafted plural entry: the singular's translation for form 0
    and the plural's for the others (a language with one form takes the plural's)."""
    from locpipe.qa import nplurals_of

    count = nplurals_of(catalog) or max(len(entry.msgstr_plural), 2)
    if count == 1:
        return {0: plural or ""}
    return {i: (singular if i == 0 else plural) or "" for i in range(count)}
