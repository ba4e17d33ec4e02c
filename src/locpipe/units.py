"""Units and the inline-markup codec.

A unit's msgid is plain text in which each inline element of the source shows
as a compact tag: ``<strong>``/``</strong>``, ``<a1>``/``</a1>`` (numbered when
the same tag name stands for different source tags in one unit), ``<br/>``
(void).  Their attributes (href, src, class...) stay in the source and come
back on build.  A literal ``<`` that would read as a tag is written ``&lt;``
and a literal ``&lt;``/``&amp;`` as ``&amp;lt;``/``&amp;amp;``, so every
match of :data:`TAG_RE` in a msgid is a tag.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

#: A compact inline tag: ``<b>``, ``</a2>``, ``<br/>``.
TAG_RE = re.compile(r"</?[a-z]+[0-9]*/?>")

_ESCAPE_RE = re.compile(r"<(?=[A-Za-z/])|&(?=lt;|amp;)")
_UNESCAPE_RE = re.compile(r"&(lt|amp);")
_LETTER_RE = re.compile(r"[^\W\d_]")

#: Inline elements whose content is never translated (code, abbreviations,
#: keys): MT masks it whole, and QA expects it unchanged.
VERBATIM_ELEMENTS = ("code", "abbr", "kbd", "samp", "var")
_SPACES_RE = re.compile(" {2,}")
#: The translator comment of a code unit that ``translate`` copied from its source.
VERBATIM_COMMENT = "verbatim: copied from the source, never machine-translated"
#: Joins a unit's element and the verbatim element that fills it: ``td > code``.
VERBATIM_JOIN = " > "


#: An extracted-comment line naming what a kept-whole element hides:
#: ``protected: <span/> = Dockerfile``.
PROTECTED_NOTE = "protected: "


def protected_notes(comment: str) -> dict[str, str]:
    """The compact tag → hidden text of an entry's ``protected:`` comment lines."""
    notes = {}
    for line in comment.splitlines():
        if line.startswith(PROTECTED_NOTE):
            tag, _, text = line[len(PROTECTED_NOTE) :].partition(" = ")
            notes[tag] = text
    return notes


def element_lines(comment: str) -> list[str]:
    """The lines of an extracted comment that name elements (not the protected notes)."""
    return [line for line in comment.splitlines() if not line.startswith(PROTECTED_NOTE)]


def is_verbatim_element(comment: str) -> bool:
    """Whether an entry's extracted comment says the unit is code in every
    occurrence: each of its elements (joined by ", ") reads ``td > code``."""
    parts = [part.strip() for line in element_lines(comment) for part in line.split(", ")]
    return bool(parts) and all(
        VERBATIM_JOIN in part and part.rpartition(VERBATIM_JOIN)[2] in VERBATIM_ELEMENTS
        for part in parts
    )


def escape_text(text: str) -> str:
    """Escape literal text for a msgid so that it cannot read as a tag."""
    return _ESCAPE_RE.sub(lambda m: "&lt;" if m.group() == "<" else "&amp;", text)


def unescape_text(text: str) -> str:
    """Inverse of :func:`escape_text` for a run of msgstr text between tags."""
    return _UNESCAPE_RE.sub(lambda m: "<" if m.group(1) == "lt" else "&", text)


def collapse_space(text: str) -> str:
    """Collapse ASCII whitespace runs to one space; a no-break space is kept.

    (By str methods: the walker calls it for every unit, and most texts
    have no run to collapse.)
    """
    if "\n" in text:
        text = text.replace("\n", " ")
    if "\t" in text:
        text = text.replace("\t", " ")
    if "\r" in text:
        text = text.replace("\r", " ")
    if "\f" in text:
        text = text.replace("\f", " ")
    return _SPACES_RE.sub(" ", text) if "  " in text else text


def tags_in(text: str) -> list[str]:
    """The compact tags of a msgid or msgstr, in order."""
    return TAG_RE.findall(text)


def tags_well_nested(tags: list[str] | tuple[str, ...]) -> bool:
    """True when every ``<x>`` is closed by ``</x>`` in stack order (void tags aside)."""
    stack: list[str] = []
    for tag in tags:
        if tag.endswith("/>"):
            continue
        if tag.startswith("</"):
            if not stack or stack.pop() != tag[2:-1]:
                return False
        else:
            stack.append(tag[1:-1])
    return not stack


def plain_text(text: str) -> str:
    """A msgid without its tags, unescaped: what a reader sees."""
    return unescape_text(TAG_RE.sub(" ", text))


def is_translatable(text: str) -> bool:
    """True when the unit has a letter: not only space, numbers or punctuation.

    That is ``has_letter(plain_text(text))``, answered at once when a letter
    comes before any tag or escape (the plain text only loses the tags and
    turns ``&lt;``/``&amp;`` into ``<``/``&``: a letter before the first ``<``
    and ``&`` stays a letter, and a text without letters has none to keep).
    """
    letter = _LETTER_RE.search(text)
    if letter is None:
        return False
    at = letter.start()
    if text.find("<", 0, at) < 0 and text.find("&", 0, at) < 0:
        return True
    return has_letter(plain_text(text))


def has_letter(text: str) -> bool:
    """True when ``text`` holds a letter (of any script)."""
    return bool(_LETTER_RE.search(text))


@dataclass(frozen=True)
class Placeholder:
    """Source markup behind one compact tag name.

    ``kind`` is "pair" (``<b>``…``</b>``), "void" (``<br/>``, or an element
    kept whole such as ``<span translate="no">``), "open" or "close" (a lone
    start or end tag whose partner lies outside the unit).
    """

    kind: str
    start: int  # span of the source start tag (of the lone tag for "close")
    end: int
    close_start: int = -1  # span of the source end tag, for "pair"
    close_end: int = -1

    def token(self, name: str) -> tuple[str, ...]:
        """The compact tag(s) this placeholder shows as in a msgid."""
        if self.kind == "pair":
            return (f"<{name}>", f"</{name}>")
        return ({"void": f"<{name}/>", "open": f"<{name}>", "close": f"</{name}>"}[self.kind],)


@dataclass
class Unit:
    """One translatable unit and where it sits in the source text."""

    msgid: str
    element: str  # extracted comment: "p", "h2", "img[alt]", "meta[description]"
    start: int  # span in the source text that a translation replaces
    end: int
    line: int  # 1-based line of the span start
    is_attribute: bool = False
    quote: str = '"'  # for attributes: the source quote ('' when unquoted)
    placeholders: dict[str, Placeholder] = field(default_factory=dict)


def translation_pieces(msgstr: str, unit: Unit) -> list[tuple[str, Placeholder | None]] | None:
    """A translation split at the unit's own tags, for a format to render.

    ``(text, None)``: literal compact text, still escaped (a tag-like token the
    unit does not have is text too); ``(which, placeholder)``: one of the unit's
    tags, ``which`` being "open" or "close" for a pair, else "void".  None when
    the paired tags do not nest.
    """
    pieces: list[tuple[str, Placeholder | None]] = []
    open_names: list[str] = []
    pos = 0
    for match in TAG_RE.finditer(msgstr):
        if match.start() > pos:
            pieces.append((msgstr[pos : match.start()], None))
        pos = match.end()
        token = match.group()
        closing, void = token.startswith("</"), token.endswith("/>")
        name = token.strip("</>")
        ph = unit.placeholders.get(name)
        if (
            ph is None
            or (ph.kind == "pair" and void)
            or (ph.kind != "pair" and token not in ph.token(name))
        ):
            pieces.append((token, None))
        elif ph.kind != "pair":
            pieces.append(("void", ph))
        elif closing:
            if not open_names or open_names[-1] != name:
                return None
            open_names.pop()
            pieces.append(("close", ph))
        else:
            open_names.append(name)
            pieces.append(("open", ph))
    if open_names:
        return None
    if pos < len(msgstr):
        pieces.append((msgstr[pos:], None))
    return pieces
