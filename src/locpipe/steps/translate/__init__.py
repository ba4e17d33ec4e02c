"""translate: fill untranslated entries: memory first, then the cache, then the engine.

For each untranslated entry, in this order:

1. **Translation memory, exact**: a reviewed translation of the same msgid in
   any catalog of the same language pair is copied (fuzzy, with a comment
   naming the catalog it came from).
2. **Sentence memory**: a unit of several sentences whose sentences are
   partly known (reviewed elsewhere) sends only the unknown sentences.
3. **Cache**: a text the same engine already translated with the same
   protection settings (:mod:`locpipe.mt.cache`) costs nothing.
4. **Engine**: the rest goes to the backend, each unique text once per run.

A fuzzy entry that ``update`` matched to a changed msgid (it has a previous
msgid, ``#|``) is brought up to date sentence by sentence: sentences that did
not change keep their translation, only the changed ones go to the engine,
and the entry stays fuzzy with its previous msgid.

How the engine is fed: each target language is a *lane* that reads its
catalogs one after the other and gathers their texts into shared batches
(sent at ``batch_size`` texts or :data:`.lanes.BATCH_CHARS` characters, so
memory stays flat on any site).  A catalog is written (atomically) as soon as
the texts of its entries are back, ``batch_size`` entries at a time for a
large one (at most :data:`.lanes.SAVES_PER_CATALOG` writes for a very large
one), so Ctrl-C or a failure keeps everything finished (or, in a very large
catalog, in the MT cache).  With a backend that declares itself
:attr:`~locpipe.mt.base.Backend.parallel` (Apertium: one process group per
route) the languages run at the same time (one per core),
and each has its next batch masked while the engine works on the current
one, in threads that only call the engine; reading, planning, the cache and
writing stay in the calling thread, so the catalogs written and the summary
never depend on timing.  Other backends get one call at a time.

The package, by responsibility: :mod:`~locpipe.steps.translate.pending` (what
needs translating), :mod:`~locpipe.steps.translate.memory` (the translation
memory of a run), :mod:`~locpipe.steps.translate.plan` (how each entry gets its
translation), :mod:`~locpipe.steps.translate.lanes` (batches and pieces per
language), :mod:`~locpipe.steps.translate.schedule` (engine threads),
:mod:`~locpipe.steps.translate.apply` (writing results into catalogs),
:mod:`~locpipe.steps.translate.results` (counts and summary) and
:mod:`~locpipe.steps.translate.run` (the step from start to end).
"""

from locpipe.steps.translate.apply import MT_COMMENT, PREVIOUS_COMMENT, TM_COMMENT
from locpipe.steps.translate.pending import needs_translation, needs_update
from locpipe.steps.translate.results import Failure, TranslateResult, summary_lines
from locpipe.steps.translate.run import translate

__all__ = [
    "MT_COMMENT",
    "PREVIOUS_COMMENT",
    "TM_COMMENT",
    "Failure",
    "TranslateResult",
    "needs_translation",
    "needs_update",
    "summary_lines",
    "translate",
]
