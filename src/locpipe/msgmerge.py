"""Merge an old translation catalog with a new template: ``msgmerge --previous`` semantics.

What GNU msgmerge 0.21 does, and this module copies (checked against it in tests):

* the header comes from the old catalog (``Language`` and ``Plural-Forms`` are set);
* entries follow the template's order and take its extracted comments,
  references and format flags; they keep the old msgstr, translator comments,
  ``fuzzy`` flag and ``#|`` previous strings;
* an exact msgctxt+msgid match may be an obsolete old entry: it is revived;
* a template entry without an exact match takes the translation of the most
  similar translated old entry, flagged ``fuzzy``, with ``#|`` naming the old
  msgid; that old entry is consumed (msgmerge does not keep it as obsolete);
* flags gettext does not know (Weblate's ``ignore-same``, ``read-only``,
  ``max-length:80``…; :func:`locpipe.catalog.extra_flags`) are kept from the
  old entry and the template, where msgmerge drops them;
* old entries neither matched nor used become obsolete ``#~`` (without extracted comments and
  references) when they have a
  translation and are dropped when untranslated, so no human translation is lost.

Which old entry is "most similar" is where this module departs from msgmerge
(see :class:`_FuzzyIndex`): an old msgid one word away (one word changed,
added or removed), then one with the same words reordered, then one a single
run of words away (a clause inserted, a sentence split off or joined on) is
preferred, else RapidFuzz's normalised InDel ratio (the measure msgmerge's
``fstrcmp`` approximates) must reach :data:`FUZZY_CUTOFF`.  The thresholds
were chosen on the catalogs of four projects and checked on eight others
never used to choose them (``bench/update_eval.py``, bench/UPDATE_EVAL.md).
"""

from __future__ import annotations

import copy
import re
from bisect import bisect_left, bisect_right
from collections import Counter, defaultdict
from collections.abc import Iterator
from dataclasses import dataclass

import polib
from rapidfuzz import fuzz, process

from locpipe.catalog import FORMATS, extra_flags, new_catalog
from locpipe.plurals import plural_forms

#: Minimum ``fuzz.ratio`` (0-100) for a fuzzy match.  msgmerge uses 60, which
#: on paragraph-sized entries pairs unrelated sentences of the same language
#: (two unrelated Italian paragraphs of similar length commonly score 50-65:
#: they share letters and function words).  An edited paragraph (a few words
#: changed, a sentence added, typo fixes) scores 85-99, and a short UI string
#: with one word changed scores about 80.  At 80 a fuzzy match nearly always
#: carries the translation of the entry that was edited, which is what the
#: translator then only needs to review.
FUZZY_CUTOFF = 80.0

#: The one-word-away rule (see :class:`_FuzzyIndex`): msgids of this many
#: tokens (words and punctuation marks), and the character ratio from which
#: the best of several such old msgids is taken.  On the real catalogs of the
#: bench (bench/ANALYSIS.md) it finds 631 of 678 one-word edits, 95.8% of its
#: fuzzy entries right, where the ratio alone found 499.  From 12 tokens on,
#: every one-word edit there scores at least FUZZY_CUTOFF, so longer msgids
#: are left to the ratio (indexing them would cost time and memory for nothing).
WORD_RULE_MIN_WORDS = 3
WORD_RULE_MAX_WORDS = 12
WORD_RULE_FLOOR = 75.0

#: The one-change rule (see :class:`_FuzzyIndex`): an old msgid that differs
#: from the new one by one contiguous run of tokens (a clause inserted or
#: removed, a sentence split off or joined on) is taken when the tokens kept
#: around the change are at least :data:`HUNK_MIN_KEPT` and this share of the
#: longer msgid.
HUNK_SHARE = 0.3
HUNK_MIN_KEPT = 2
_ENDS = 2  # tokens of each end an old msgid is filed under for the one-change rule
_END_LIST = 64  # an end shared by more old msgids than this is not looked up


@dataclass(frozen=True)
class FuzzyRule:
    """The thresholds of the fuzzy matcher (the defaults are the module constants)."""

    cutoff: float = FUZZY_CUTOFF
    word_min: int = WORD_RULE_MIN_WORDS
    word_max: int = WORD_RULE_MAX_WORDS
    word_floor: float = WORD_RULE_FLOOR
    hunk_share: float = HUNK_SHARE
    hunk_min: int = HUNK_MIN_KEPT
    reorder: bool = True


DEFAULT_RULE = FuzzyRule()

_WORD_RE = re.compile(r"\w+")
_TOKEN_RE = re.compile(r"\w+|[^\w\s]")
_SIGNATURE = 8  # rarest word pairs of an old entry put in the index
_SHORTLIST = 12  # candidates compared per query when the index finds some


def _key(entry: polib.POEntry) -> tuple[str | None, str]:
    return (entry.msgctxt, entry.msgid)


def _has_translation(entry: polib.POEntry) -> bool:
    if entry.msgid_plural:
        return any(entry.msgstr_plural.values())
    return bool(entry.msgstr)


def _template_flags(template_entry: polib.POEntry) -> list[str]:
    keep = []
    for flag in template_entry.flags:
        base = flag.removeprefix("no-").removeprefix("possible-").removesuffix("-format")
        known_format = flag.endswith("-format") and base in FORMATS
        if known_format or flag in ("no-wrap", "wrap") or flag.startswith("range:"):
            keep.append(flag)
    return keep + extra_flags(template_entry.flags)


def _merged_entry(
    new: polib.POEntry, old: polib.POEntry | None, fuzzy_source: bool, nplurals: int
) -> polib.POEntry:
    entry = polib.POEntry(
        msgid=new.msgid,
        msgctxt=new.msgctxt,
        msgid_plural=new.msgid_plural,
        comment=new.comment,
        occurrences=list(new.occurrences),
    )
    entry.previous_msgctxt = None
    flags = _template_flags(new)
    if old is None:
        if new.msgid_plural:
            entry.msgstr_plural = {i: "" for i in range(nplurals)}
        entry.flags = flags
        return entry
    entry.tcomment = old.tcomment
    fuzzy = "fuzzy" in old.flags or fuzzy_source
    if new.msgid_plural:
        if old.msgid_plural:
            entry.msgstr_plural = dict(old.msgstr_plural)
        else:
            entry.msgstr_plural = {i: old.msgstr for i in range(nplurals)}
            fuzzy = True
    else:
        entry.msgstr = old.msgstr if not old.msgid_plural else old.msgstr_plural.get(0, "")
        fuzzy = fuzzy or bool(old.msgid_plural)
    if fuzzy_source:
        entry.previous_msgctxt = old.msgctxt
        entry.previous_msgid = old.msgid
        entry.previous_msgid_plural = old.msgid_plural or None
    elif "fuzzy" in old.flags:
        entry.previous_msgctxt = old.previous_msgctxt
        entry.previous_msgid = old.previous_msgid
        entry.previous_msgid_plural = old.previous_msgid_plural
    # The template's flags, then those Weblate or a translator set on the old entry.
    kept = extra_flags([*flags, *old.flags])
    entry.flags = (["fuzzy"] if fuzzy else []) + [f for f in flags if f not in kept] + kept
    return entry


def _shingles(text: str) -> set[str]:
    """Pairs of consecutive words: far more telling than single words."""
    words = _WORD_RE.findall(text.lower())
    if len(words) < 2:
        return set(words)
    return {f"{a} {b}" for a, b in zip(words, words[1:], strict=False)}


def _tokens(text: str, most: int | None = None) -> tuple[str, ...]:
    """The words and punctuation marks of a msgid, lower-cased: what the word rule counts.

    With ``most``, a text with more tokens than that may give an empty tuple
    (without being tokenized): each whitespace-separated part has a token.
    """
    if most is not None and len(text.split(None, most + 1)) > most:
        return ()
    return tuple(_TOKEN_RE.findall(text.lower()))


def _without_one(words: tuple[str, ...]) -> Iterator[tuple[int, tuple[str, ...]]]:
    for i in range(len(words)):
        yield i, words[:i] + words[i + 1 :]


def _kept_around_one_change(new: tuple[str, ...], old: tuple[str, ...]) -> int:
    """Tokens kept if ``old`` became ``new`` by one contiguous change, else 0.

    The change is the middle part left when the common prefix and suffix are
    taken away; it counts when tokens were only inserted or only removed (a
    clause added or dropped, a sentence split off or joined on).  Words
    replaced are the one-word rule's and the ratio's to judge.
    """
    most = min(len(new), len(old))
    prefix = 0
    while prefix < most and new[prefix] == old[prefix]:
        prefix += 1
    suffix = 0
    while suffix < most - prefix and new[-1 - suffix] == old[-1 - suffix]:
        suffix += 1
    inserted = len(new) - prefix - suffix
    removed = len(old) - prefix - suffix
    return prefix + suffix if min(inserted, removed) == 0 else 0


class _FuzzyIndex:
    """Finds the translated old entry a new msgid was most likely edited from.

    Four rules, in order:

    1. *One word away* (for msgids of :data:`WORD_RULE_MIN_WORDS` to
       :data:`WORD_RULE_MAX_WORDS` tokens): the old msgids at a word-level
       edit distance of at most 1 (one word changed, added or removed).  The
       one with the best character ratio is taken when it is the only one or
       scores at least :data:`WORD_RULE_FLOOR`.  This catches the short UI
       strings where one changed word costs more than 20 points of ratio.
       The lookup is an index, not a scan: each old msgid is filed under its
       token tuple and under each tuple with one token deleted (SymSpell
       style), and a query looks up its own tuple and its one-deletion tuples.
    2. *Reordered*: the old msgids with the very same tokens in another order.
    3. *One change*: the old msgids that become the new one by inserting or
       removing one contiguous run of tokens, keeping at least
       :data:`HUNK_MIN_KEPT` tokens and :data:`HUNK_SHARE` of the longer
       msgid; the largest share kept wins.  Old msgids are filed under their
       first and last two tokens, so a query looks up two lists.
    4. Otherwise, the best character ratio of at least :data:`FUZZY_CUTOFF`
       among candidates shortlisted by their rarest word pairs (paragraphs),
       or among the old msgids of about the same length (short strings).
    """

    def __init__(self, candidates: list[polib.POEntry], rule: FuzzyRule = DEFAULT_RULE):
        self.candidates = candidates
        self.rule = rule
        self.texts = [c.msgid for c in candidates]
        words = [_shingles(t) for t in self.texts]
        df = Counter(w for ws in words for w in ws)
        self.index: dict[str, list[int]] = defaultdict(list)
        wordless: list[int] = []
        for i, ws in enumerate(words):
            rare = sorted(sorted(ws), key=df.__getitem__)[:_SIGNATURE]  # rarest, then by name
            for w in rare:
                self.index[w].append(i)
            if len(ws) < 3:
                wordless.append(i)
        # short candidates sorted by length: the length window is a slice
        self.short = sorted(wordless, key=lambda i: (len(self.texts[i]), i))
        self.short_lengths = [len(self.texts[i]) for i in self.short]
        # token tuple and one-deletion tuples -> (candidate, deleted position or -1)
        self.by_tokens: dict[tuple[str, ...], list[tuple[int, int]]] = defaultdict(list)
        # sorted tokens (reordered words); first and last tokens (one change)
        self.by_bag: dict[tuple[str, ...], list[int]] = defaultdict(list)
        self.by_end: dict[tuple[str, ...], list[int]] = defaultdict(list)
        self.all_tokens: list[tuple[str, ...]] = []
        for i, text in enumerate(self.texts):
            tokens = _tokens(text)
            self.all_tokens.append(tokens)
            if rule.word_min - 1 <= len(tokens) <= rule.word_max + 1:
                self.by_tokens[tokens].append((i, -1))
                for position, shorter in _without_one(tokens):
                    self.by_tokens[shorter].append((i, position))
            if len(tokens) >= rule.word_min:
                self.by_bag[tuple(sorted(tokens))].append(i)
            if len(tokens) >= rule.hunk_min:
                self.by_end[("^", *tokens[:_ENDS])].append(i)
                self.by_end[("$", *tokens[-_ENDS:])].append(i)

    def one_word_away(self, text: str) -> list[int]:
        """Candidates at a word-level edit distance of at most 1 from ``text``."""
        tokens = _tokens(text, self.rule.word_max)
        if not self.rule.word_min <= len(tokens) <= self.rule.word_max:
            return []
        # same tokens, or the old msgid has one token more
        hits = {i for i, _ in self.by_tokens.get(tokens, ())}
        for position, shorter in _without_one(tokens):
            for i, deleted in self.by_tokens.get(shorter, ()):
                if deleted in (-1, position):  # one token less, or this one changed
                    hits.add(i)
        return sorted(hits)

    def reordered(self, tokens: tuple[str, ...]) -> list[int]:
        """Candidates with the same tokens in another order."""
        if not self.rule.reorder or len(tokens) < self.rule.word_min:
            return []
        return self.by_bag.get(tuple(sorted(tokens)), [])

    def one_change(self, tokens: tuple[str, ...]) -> list[tuple[float, int]]:
        """Candidates one contiguous change away, with the share of tokens kept around it."""
        rule = self.rule
        if len(tokens) < rule.hunk_min:
            return []
        seen: set[int] = set()
        found = []
        for key in (("^", *tokens[:_ENDS]), ("$", *tokens[-_ENDS:])):
            group = self.by_end.get(key, ())
            if len(group) > _END_LIST:
                continue
            for i in group:
                if i in seen:
                    continue
                seen.add(i)
                old = self.all_tokens[i]
                kept = _kept_around_one_change(tokens, old)
                longer = max(len(tokens), len(old))
                if kept >= rule.hunk_min and kept >= rule.hunk_share * longer:
                    found.append((kept / longer, i))
        return found

    def _pick(self, entry: polib.POEntry, scored: list[tuple[float, int]]) -> polib.POEntry:
        """The best score; among equal scores the same msgctxt, then the first in old order."""
        best = max(score for score, _ in scored)
        tied = sorted(i for score, i in scored if score == best)
        same_ctx = [i for i in tied if self.candidates[i].msgctxt == entry.msgctxt]
        return self.candidates[(same_ctx or tied)[0]]

    def best(self, entry: polib.POEntry) -> polib.POEntry | None:
        text = entry.msgid
        near = self.one_word_away(text)
        if near:
            scored = [(fuzz.ratio(text, self.texts[i]), i) for i in near]
            if len(near) == 1 or max(scored)[0] >= self.rule.word_floor:
                return self._pick(entry, scored)
        tokens = _tokens(text)
        same = self.reordered(tokens)
        if same:
            return self._pick(entry, [(fuzz.ratio(text, self.texts[i]), i) for i in same])
        changed = self.one_change(tokens)
        if changed:
            best_share = max(share for share, _ in changed)
            tied = [i for share, i in changed if share == best_share]
            return self._pick(entry, [(fuzz.ratio(text, self.texts[i]), i) for i in tied])
        words = _shingles(text)
        if len(words) >= 3:
            hits: Counter[int] = Counter()
            for w in words:
                hits.update(self.index.get(w, ()))
            n = len(text)
            cutoff = self.rule.cutoff
            low = n * cutoff / (200 - cutoff)
            high = n * (200 - cutoff) / cutoff
            pool = [i for i, _ in hits.most_common(_SHORTLIST) if low <= len(self.texts[i]) <= high]
        else:  # short strings: compare with every short candidate of about the same length
            pool = self._short_window(len(text))
        if not pool:
            return None
        found = process.extract(
            text,
            [self.texts[i] for i in pool],
            scorer=fuzz.ratio,
            score_cutoff=self.rule.cutoff,
            limit=None,
        )
        if not found:
            return None
        return self._pick(entry, [(score, pool[k]) for _, score, k in found])

    def _short_window(self, n: int) -> list[int]:
        """Short candidates whose length allows a ratio of :data:`FUZZY_CUTOFF`."""
        cutoff = self.rule.cutoff
        low = n * cutoff / (200 - cutoff)
        high = n * (200 - cutoff) / cutoff
        start = bisect_left(self.short_lengths, low)
        end = bisect_right(self.short_lengths, high)
        return self.short[start:end]


def merge(
    old: polib.POFile | None,
    template: polib.POFile,
    language: str,
    rule: FuzzyRule = DEFAULT_RULE,
) -> polib.POFile:
    """The catalog for ``language`` updated to ``template`` (see the module docstring)."""
    result = new_catalog(language) if old is None else polib.POFile(wrapwidth=79)
    if old is not None:
        result.header = old.header
        result.metadata = dict(old.metadata)
        result.metadata_is_fuzzy = old.metadata_is_fuzzy
        result.metadata["Language"] = language
        result.metadata["Plural-Forms"] = plural_forms(language)
    forms = re.search(r"nplurals=(\d+)", result.metadata["Plural-Forms"])
    assert forms is not None  # set from plural_forms(), which always names nplurals
    nplurals = int(forms.group(1))
    old_entries = [] if old is None else [e for e in old if not (e.msgid == "" and not e.msgctxt)]
    live = {_key(e): e for e in old_entries if not e.obsolete}
    dead = {_key(e): e for e in old_entries if e.obsolete}
    used: set[int] = set()
    pending: list[tuple[int, polib.POEntry]] = []
    merged: list[polib.POEntry | None] = []
    for new in template:
        if new.obsolete or (new.msgid == "" and new.msgctxt is None):
            continue
        match = live.get(_key(new)) or dead.get(_key(new))
        if match is not None:
            used.add(id(match))
            merged.append(_merged_entry(new, match, False, nplurals))
        else:
            pending.append((len(merged), new))
            merged.append(None)
    if pending:
        translated = [e for e in old_entries if not e.obsolete and _has_translation(e)]
        index = _FuzzyIndex(translated, rule)
        for position, new in pending:
            source = index.best(new) if index.candidates else None
            if source is not None:
                used.add(id(source))
            merged[position] = _merged_entry(new, source, source is not None, nplurals)
    for entry in merged:
        assert entry is not None  # every pending position was filled above
        result.append(entry)
    for entry in old_entries:
        if id(entry) in used or not _has_translation(entry):
            continue
        gone = copy.deepcopy(entry)
        if not gone.obsolete:  # msgmerge drops extracted comments and references
            gone.obsolete = True
            gone.comment = ""
            gone.occurrences = []
        result.append(gone)
    return result
