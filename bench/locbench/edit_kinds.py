"""Edit generators for the update evaluation: the ways a source string changes.

Each generator takes one msgid and returns the edited msgid, or None when the
edit does not apply to that string.  They model what authors do to strings
between two releases:

* ``word``: one word replaced by another word of the catalog;
* ``punct_case``: punctuation or letter case changed (final stop added or
  removed, a colon for a dash, the first letter's case, "..." for "…");
* ``clause``: a short clause inserted at a word boundary;
* ``reorder``: two neighbouring words swapped;
* ``placeholder``: a named placeholder renamed (``%(name)s``, ``{name}``);
* ``split``: a string of several sentences cut to its first or last part
  (the other part becomes a new string: see :func:`split_parts`);
* ``join``: two strings joined into one (see :mod:`locbench.evalset`).
"""

from __future__ import annotations

import random
import re
from collections.abc import Callable

from locbench.edits import _WORD
from locbench.edits import one_word_edit as word

Generator = Callable[[str, random.Random, list[str]], str | None]

_PLACEHOLDER = re.compile(r"%\((\w+)\)[sdif]|\{(\w+)\}")
_SENTENCE_END = re.compile(r"(?<=[.!?])\s+(?=[A-Z])")
_CLAUSES = [
    "if needed",
    "for now",
    "in this case",
    "when possible",
    "by default",
    "at least once",
    "on this page",
    "for each user",
]


def punct_case(text: str, rng: random.Random, vocabulary: list[str]) -> str | None:
    """Punctuation or case changed, the words kept."""
    if len(text.split()) < 2:
        return None
    choices: list[Callable[[str], str | None]] = [
        lambda t: t[:-1] if t.endswith(".") and not t.endswith("..") else t + ".",
        lambda t: t.replace(": ", " - ", 1) if ": " in t else None,
        lambda t: (t[0].swapcase() + t[1:]) if t[0].isalpha() else None,
        lambda t: (
            t.replace("...", "…") if "..." in t else (t.replace("…", "...") if "…" in t else None)
        ),
        lambda t: t.replace(", ", " ", 1) if ", " in t else None,
        lambda t: t.rstrip(".!") + "!" if t[-1:] in ".!" or t[-1:].isalpha() else None,
    ]
    rng.shuffle(choices)
    for change in choices:
        new = change(text)
        if new and new != text:
            return new
    return None


def clause(text: str, rng: random.Random, vocabulary: list[str]) -> str | None:
    """A short clause inserted between two words (after a comma where there is one)."""
    spaces = [m.start() for m in re.finditer(r" ", text)]
    if len(spaces) < 2:
        return None
    at = rng.choice(spaces)
    insert = rng.choice(_CLAUSES)
    return f"{text[:at]}, {insert},{text[at:]}"


def reorder(text: str, rng: random.Random, vocabulary: list[str]) -> str | None:
    """Two neighbouring plain words swapped."""
    words = list(_WORD.finditer(text))
    pairs = [
        (a, b)
        for a, b in zip(words, words[1:], strict=False)
        if text[a.end() : b.start()] == " " and a.group().lower() != b.group().lower()
    ]
    if len(text.split()) < 3 or not pairs:
        return None
    a, b = rng.choice(pairs)
    return text[: a.start()] + b.group() + " " + a.group() + text[b.end() :]


def placeholder(text: str, rng: random.Random, vocabulary: list[str]) -> str | None:
    """A named placeholder renamed (the edit a refactoring makes)."""
    found = list(_PLACEHOLDER.finditer(text))
    if not found:
        return None
    match = rng.choice(found)
    name = match.group(1) or match.group(2)
    new_name = rng.choice([w.lower() for w in vocabulary if w.lower() != name] or ["value"])
    start, end = match.span(1) if match.group(1) else match.span(2)
    return text[:start] + new_name + text[end:]


def split_parts(text: str) -> tuple[str, str] | None:
    """A string of several sentences cut in two at a sentence end (None if one sentence)."""
    cuts = [m for m in _SENTENCE_END.finditer(text)]
    if not cuts:
        return None
    cut = cuts[len(cuts) // 2]
    first, second = text[: cut.start()], text[cut.end() :]
    if len(first.split()) < 3 or len(second.split()) < 3:
        return None
    return first, second


GENERATORS: dict[str, Generator] = {
    "word": word,
    "punct_case": punct_case,
    "clause": clause,
    "reorder": reorder,
    "placeholder": placeholder,
}
#: Kinds handled by the edit script itself (they change the number of strings).
STRUCTURAL = ("split", "join")
KINDS = (*GENERATORS, *STRUCTURAL)
