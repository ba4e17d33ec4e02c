"""The ``moved`` check: a machine draft moved a protected element away from its word."""

from __future__ import annotations

import re

from locpipe.checks.base import WARNING, QAContext, check

#: Void tags that are markup, not hidden text (the ``moved`` check leaves them).
_NOT_PROTECTED = {"br", "img", "wbr", "hr", "input"}
_MOVED_NAME_RE = re.compile(r"<([a-z]+)")
_PAIRED_TAG_RE = re.compile(r"</?[a-z]+\d*>")
_MOVED_TOKEN_RE = re.compile(r"<[a-z]+\d*/>|\w+’?|[^\w\s]")
#: Articles, determiners and prepositions (Italian, French, Spanish, Portuguese, English,
#: German), lower case; a protected element after one of these is its object.  One list
#: for every language: a check context knows the target language, not the source's.
_FUNCTION_TEXT = """
    il lo la i gli le un uno una un’ l’ di del dello della dei degli delle d’ a al allo alla
    ai agli alle da dal dallo dalla dai dagli dalle in nel nello nella nei negli nelle su sul
    sullo sulla sui sugli sulle con col per tra fra come ogni questo questa quel quella
    les une des du de au aux à en par pour sur sous avec dans chez vers entre ce cet cette
    ces chaque son sa ses leur leurs notre votre comme
    el los las unos unas al por para sobre bajo hacia desde entre cada este esta ese esa su
    sus como o os um uma do dos das no na nos nas pelo pela em
    the a an of to at for with by from on into onto as each every this that these those its
    their our your via like
    der die das dem den des ein eine einem einen einer eines im am vom zum zur mit von für
"""
_FUNCTION_WORDS = frozenset(_FUNCTION_TEXT.split())


@check(
    "moved",
    WARNING,
    "machine draft: a protected element (<span/>) was moved away from its word",
)
def moved(source: str, target: str, ctx: QAContext) -> list[str]:
    """A machine draft's protected element (a void tag standing for a kept-whole element,
    ``<span/>``; not ``<br/>``/``<img/>``) that followed an article or preposition in the
    source ("del <span/>": the element is its object) and, in the draft, is separated
    from an article or preposition by exactly one other word ("du crée <span/>"): the
    engine moved it, as a blank, past a word it reordered, leaving the article dangling.
    A human-reviewed translation is never flagged (``ctx.machine``)."""
    if not ctx.machine or "/>" not in source:
        return []
    src, tgt = _moved_tokens(source), _moved_tokens(target)
    found = []
    for tag in dict.fromkeys(t for t in src if t.endswith("/>")):
        named = _MOVED_NAME_RE.match(tag)
        if named is None or named.group(1) in _NOT_PROTECTED or src.count(tag) != 1:
            continue
        if tgt.count(tag) != 1:
            continue  # missing or repeated: the tags check says so
        was, now = _word_before(src, tag), _word_before(tgt, tag)
        if was not in _FUNCTION_WORDS or now is None or now in _FUNCTION_WORDS:
            continue
        index = tgt.index(tag)
        if index >= 2 and tgt[index - 2] in _FUNCTION_WORDS:
            found.append(f"{tgt[index - 2]} {now} {tag} (in the source: {was} {tag})")
    return [f"protected element moved past a word: {'; '.join(found)}"] if found else []


def _moved_tokens(text: str) -> list[str]:
    """Words (lower case, elided ``l’`` kept whole), void tags and punctuation marks; the
    paired inline tags (``<strong>``) dropped: they sit inside words' phrases."""
    text = _PAIRED_TAG_RE.sub("", text).replace("'", "’")
    return [t.lower() for t in _MOVED_TOKEN_RE.findall(text)]


def _word_before(tokens: list[str], tag: str) -> str | None:
    """The word right before ``tag``; None at the start or after punctuation or a tag."""
    index = tokens.index(tag)
    before = tokens[index - 1] if index else ""
    return before if before[:1].isalnum() or before[:1] == "_" else None
