"""What a reviewer needs to see around a draft: pure functions over a catalog.

- the units before and after it in the article (catalogs keep document order);
- its element and its place ("td, unit 12 of 43");
- for a table cell, the column's header (the header cells are the ``th``
  units before it; the column is counted from the cells since them, so it is
  a guess when a row has empty cells, and says so);
- a word diff between the source a fuzzy match was made from (``#|``) and
  the new source;
- lines wrapped at word boundaries with a hanging indent;
- colours (ANSI) only when asked for: the command decides from the terminal
  and ``NO_COLOR``.
"""

from __future__ import annotations

import difflib
import re
import textwrap
from dataclasses import dataclass

import polib

_WORDS = re.compile(r"\S+|\s+")
#: What separates the draft from the notes in the file given to $EDITOR.
SCISSORS = "# ------------------------ >8 ------------------------"


@dataclass(frozen=True)
class Style:
    """ANSI colours, or plain text."""

    color: bool = False

    def _wrap(self, code: str, text: str) -> str:
        return f"\x1b[{code}m{text}\x1b[0m" if self.color and text else text

    def label(self, text: str) -> str:
        return self._wrap("1", text)

    def dim(self, text: str) -> str:
        return self._wrap("2", text)

    def removed(self, text: str) -> str:
        return self._wrap("31", text) if self.color else f"[-{text}-]"

    def added(self, text: str) -> str:
        return self._wrap("32", text) if self.color else f"{{+{text}+}}"

    def warn(self, text: str) -> str:
        return self._wrap("33", text)


@dataclass(frozen=True)
class Surroundings:
    """A draft's neighbours and place in its catalog."""

    position: int  # 1-based among the live entries
    total: int
    element: str
    before: polib.POEntry | None
    after: polib.POEntry | None
    header: str = ""  # a table cell's column header
    header_guessed: bool = False


def _live(catalog: polib.POFile) -> list[polib.POEntry]:
    return [e for e in catalog if not e.obsolete and e.msgid != ""]


def _element(entry: polib.POEntry) -> str:
    first = (entry.comment or "").split("\n")[0]
    return first.split(", ")[0].split(" > ")[0].strip()


def surroundings(catalog: polib.POFile, entry: polib.POEntry) -> Surroundings:
    """Where ``entry`` stands in ``catalog``, and what stands around it."""
    live = _live(catalog)
    index = next((i for i, e in enumerate(live) if e is entry), -1)
    if index < 0:
        return Surroundings(0, len(live), _element(entry), None, None)
    before = live[index - 1] if index > 0 else None
    after = live[index + 1] if index + 1 < len(live) else None
    header, guessed = _column_header(live, index)
    return Surroundings(index + 1, len(live), _element(entry), before, after, header, guessed)


def _column_header(live: list[polib.POEntry], index: int) -> tuple[str, bool]:
    """The header of a ``td`` unit's column: (text, guessed), or ("", False)."""
    if _element(live[index]) != "td":
        return "", False
    cells = 0
    i = index - 1
    while i >= 0 and _element(live[i]) == "td":
        cells += 1
        i -= 1
    headers: list[str] = []
    while i >= 0 and _element(live[i]) == "th":
        headers.insert(0, live[i].msgid)
        i -= 1
    if not headers:
        return "", False
    column = cells % len(headers)
    return headers[column], True


def word_diff(old: str, new: str, style: Style) -> str:
    """``new`` with the words ``old`` had and it lacks, and the words it adds, marked."""
    a, b = _WORDS.findall(old), _WORDS.findall(new)
    out = []
    for op, i1, i2, j1, j2 in difflib.SequenceMatcher(None, a, b, autojunk=False).get_opcodes():
        if op == "equal":
            out.append("".join(b[j1:j2]))
            continue
        if i2 > i1:
            out.append(style.removed("".join(a[i1:i2])))
        if j2 > j1:
            out.append(style.added("".join(b[j1:j2])))
    return "".join(out)


def wrapped(label: str, text: str, width: int) -> list[str]:
    """``label`` then ``text`` wrapped at word boundaries, later lines indented under it."""
    indent = " " * len(label)
    lines: list[str] = []
    for paragraph in text.split("\n") or [""]:
        lines += textwrap.wrap(
            paragraph,
            width=max(width, len(label) + 20),
            initial_indent=label if not lines else indent,
            subsequent_indent=indent,
            break_long_words=False,
            break_on_hyphens=False,
            replace_whitespace=False,
            drop_whitespace=True,
        ) or [label if not lines else indent]
    return lines


def editor_text(draft: str, notes: list[str]) -> str:
    """The file given to $EDITOR: the draft, then the notes below a scissors line."""
    if not notes:
        return draft + "\n"
    below = "\n".join(f"# {line}" for line in notes)
    return (
        f"{draft}\n\n{SCISSORS}\n# Everything below this line is ignored; "
        f"the translation is what stands above it.\n{below}\n"
    )


def from_editor(text: str) -> str:
    """The translation in a file written by :func:`editor_text` (notes dropped)."""
    if SCISSORS in text:
        text = text[: text.index(SCISSORS)]
    return text.strip("\r\n")
