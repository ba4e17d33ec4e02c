"""The Markdown walker and splicer behind :mod:`locpipe.formats.markdown`:
CommonMark with GFM tables and strikethrough, YAML front matter.

markdown-it-py parses the file; its block tokens carry their lines, so each
paragraph, heading and table cell is found back in the source text and
becomes a unit whose span is the source of its inline content (list items
and block quotes are the paragraphs inside them).  Inline markup is compact
tags (:mod:`locpipe.formats.mdinline`), the alt text of an image is its own
unit (``img[alt]``), and the front matter's ``title`` and ``description``
are units too (:mod:`locpipe.formats.frontmatter`).  Never units: code
fences, indented code, the content of code spans, HTML blocks (kept as they
are), reference link definitions, link destinations and titles.

:func:`reassemble_markdown` replaces exactly those spans, so with
identity translations the file comes back byte for byte; a translation is
written back on one line (a paragraph's line breaks are soft) and escaped so
that it reads as the text it is, never as new markup.  A translation that
would not keep the source's links, images, code and emphasis when read again
is not used (``rejected``), as in HTML.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from collections.abc import Callable
from pathlib import Path

from locpipe.errors import LocpipeError

# The Document of every format (``locpipe.formats.base`` once the format seam lands).
from locpipe.formats.base import Document, Translate
from locpipe.formats.frontmatter import ELEMENTS as FRONT_MATTER_ELEMENTS
from locpipe.formats.frontmatter import read_front_matter, render_scalar
from locpipe.formats.mdinline import (
    COUNTED,
    counts,
    delimited,
    inline_unit,
    parser,
    render_inline,
)
from locpipe.formats.splice import splice_translations
from locpipe.units import Placeholder, Unit

_BREAK_RE = re.compile(r"\r\n|\r|\n")
#: Units that start a line of their own: a translation must not start a block there.
_LINE_START_ELEMENTS = frozenset(["p", "li", "blockquote"])
_TABLE_ELEMENTS = frozenset(["th", "td"])
_CLOSING_HASHES_RE = re.compile(r"(?:^|(?<=[ \t]))#+[ \t]*$")


class _Source:
    """The source text by lines, as markdown-it reads it (line breaks made ``\\n``)."""

    def __init__(self, text: str, blank_lines: int = 0):
        self.starts = [0, *(m.end() for m in _BREAK_RE.finditer(text))]
        normal = _BREAK_RE.sub("\n", text).replace("\0", "\ufffd")
        self.lines = normal.split("\n")
        self.parsed = "\n" * blank_lines + "\n".join(self.lines[blank_lines:])

    def offset(self, line: int, column: int) -> int:
        """The offset in the original text of ``column`` on ``line`` (both 0-based)."""
        return self.starts[line] + column

    def line_of(self, offset: int) -> int:
        """The 1-based line of an offset."""
        return bisect_right(self.starts, offset)


def _content_map(source: _Source, content: str, first_line: int, hint: int = 0) -> list[int]:
    """The source offset of each character of a block's inline content."""
    lines = content.split("\n")
    found: list[int] = []
    while not source.lines[first_line].strip() and content.strip():
        first_line += 1  # a line of Unicode spaces (no-break...) that the block's strip took
    for k, piece in enumerate(lines):
        line = source.lines[first_line + k]
        core = piece.lstrip(" \t")
        lead = len(piece) - len(core)
        last = k == len(lines) - 1
        trimmed = line.rstrip() if last else line
        if trimmed.endswith(core) and len(trimmed) - len(core) >= hint:
            column = len(trimmed) - len(core)
        else:
            column = line.find(core, hint if k == 0 else 0)
        if column < 0:
            raise ValueError(first_line + k)
        base = source.offset(first_line + k, 0)
        found.extend(base + max(column - lead + j, 0) for j in range(lead))
        found.extend(range(base + column, base + column + len(core)))
        if not last:
            found.append(source.offset(first_line + k, len(line)))
    return found


def _cells(line: str) -> list[tuple[str, list[int]]]:
    """A table row's cells (``\\|`` unescaped, as markdown-it splits them) with the
    column of each character."""
    base = len(line) - len(line.lstrip(" \t"))
    row = line[base:]
    base += len(row) - len(row.lstrip())
    row = row.strip()
    cells: list[tuple[list[str], list[int]]] = [([], [])]
    escaped = False
    for i, ch in enumerate(row):
        chars, columns = cells[-1]
        if ch == "|" and not escaped:
            cells.append(([], []))
            continue
        if ch == "|":  # an escaped pipe: the backslash goes
            chars.pop()
            columns.pop()
        chars.append(ch)
        columns.append(base + i)
        escaped = ch == "\\"
    joined = [("".join(chars), columns) for chars, columns in cells]
    if joined and not joined[0][0]:
        joined.pop(0)
    if joined and not joined[-1][0]:
        joined.pop()
    return joined


def _cell_map(source: _Source, content: str, line: int, index: int) -> list[int]:
    cells = _cells(source.lines[line])
    text, columns = cells[index]
    at = text.find(content)
    if at < 0:
        raise ValueError(line)
    return [source.offset(line, c) for c in columns[at : at + len(content)]]


def _mappers(found: list[int], content: str) -> tuple[Callable[[int], int], Callable[[int], int]]:
    """Content offset → source offset, for a span's start and for its end."""

    def start(i: int) -> int:
        return found[i] if i < len(found) else found[-1] + 1

    def end(i: int) -> int:
        if i == 0:
            return found[0]
        return found[i] if content[i - 1] == "\n" else found[i - 1] + 1

    return start, end


def walk_markdown(text: str, path: Path) -> Document:
    """Segment a Markdown source into units, in document order."""
    matter = read_front_matter(text, path)
    source = _Source(text, matter.lines if matter else 0)
    units: list[Unit] = list(matter.units) if matter else []
    containers: list[str] = []
    cell = 0
    tokens = parser().parse(source.parsed)
    for i, token in enumerate(tokens):
        kind = token.type
        if kind in ("blockquote_open", "list_item_open"):
            containers.append(kind)
        elif kind in ("blockquote_close", "list_item_close"):
            containers.pop()
        elif kind == "tr_open":
            cell = -1
        elif kind in ("th_open", "td_open"):
            cell += 1
        if kind != "inline" or not token.content or token.map is None:
            continue
        parent = tokens[i - 1]
        line = token.map[0]
        try:
            if parent.type in ("th_open", "td_open"):
                element = parent.tag
                found = _cell_map(source, token.content, line, cell)
            elif parent.type == "heading_open":
                element = parent.tag
                hint = 0
                if parent.markup.startswith("#"):
                    hint = source.lines[line].find("#") + len(parent.markup)
                found = _content_map(source, token.content, line, hint)
            else:
                element = {"list_item_open": "li", "blockquote_open": "blockquote"}.get(
                    containers[-1] if containers else "", "p"
                )
                found = _content_map(source, token.content, line)
            start, end = _mappers(found, token.content)
            units.extend(inline_unit(token.children or [], token.content, element, start, end))
        except (ValueError, IndexError, KeyError):
            raise LocpipeError(
                "cannot find where this text sits in the source, so a translation could "
                "not be spliced in reliably; please report it",
                path,
                line + 1,
            ) from None
    for unit in units:
        unit.line = source.line_of(unit.start)
    units.sort(key=lambda u: (u.start, -u.end))
    meta = matter.meta if matter else {}
    return Document(units, matter.lang if matter else None, (0, len(text)), meta)


# -- reassembly ---------------------------------------------------------------


def _full_references(
    markup: Callable[[Placeholder, str], str], text: str
) -> Callable[[Placeholder, str], str]:
    """``markup``, writing a shortcut or collapsed reference link (``[label]``,
    ``[label][]``) in full: its text is its label, which a translation changes."""

    def full(ph: Placeholder, which: str) -> str:
        source = markup(ph, which)
        if which == "close" and source in ("]", "][]") and text[ph.start : ph.end] == "[":
            return "][" + text[ph.end : ph.close_start] + "]"
        return source

    return full


def _render(unit: Unit, msgstr: str, text: str, markup: Callable[[Placeholder, str], str]):
    """The Markdown (or YAML scalar) that a translation puts in the unit's span; None
    when it cannot be used."""
    source = text[unit.start : unit.end]
    if unit.element in FRONT_MATTER_ELEMENTS and not unit.placeholders:
        return render_scalar(msgstr, source)
    markup = _full_references(markup, text)
    line_start = unit.element in _LINE_START_ELEMENTS
    table = unit.element in _TABLE_ELEMENTS
    rendered = render_inline(msgstr, unit, markup, line_start, table)
    if rendered is None:
        return None
    expected, got = counts(source), counts(rendered)
    if got != expected:  # emphasis that cannot read as such here: as HTML tags
        rendered = render_inline(msgstr, unit, markup, line_start, table, html_pairs=True)
        if rendered is None:
            return None
        got = counts(rendered)
        html = expected.get("html_inline", 0) + 2 * delimited(expected)
        same = all(got.get(k, 0) == expected.get(k, 0) for k in COUNTED if k != "html_inline")
        if not same or delimited(got) or got.get("html_inline", 0) != html:
            return None
    if unit.element[:1] == "h" and unit.element[1:].isdigit():
        found = _CLOSING_HASHES_RE.search(rendered)
        if found:
            rendered = rendered[: found.start()] + "\\" + rendered[found.start() :]
    return rendered


def reassemble_markdown(
    text: str,
    units: list[Unit],
    translate: Translate,
    span: tuple[int, int] | None = None,
    rejected: list[Unit] | None = None,
) -> str:
    """The source (or its ``span``) with each unit's translation spliced in."""
    lo, hi = span if span is not None else (0, len(text))
    chosen = [u for u in units if lo <= u.start and u.end <= hi]
    inner: dict[int, tuple[int, str]] = {}  # alt texts: inside an image's markup

    def plain(ph: Placeholder, which: str) -> str:
        return text[ph.close_start : ph.close_end] if which == "close" else text[ph.start : ph.end]

    for unit in chosen:
        if unit.is_attribute:
            target = translate(unit)
            if target is not None and target != unit.msgid:
                rendered = _render(unit, target, text, plain)
                if rendered is None:
                    if rejected is not None:
                        rejected.append(unit)
                    continue
                inner[unit.start] = (unit.end, rendered)
    return splice_translations(
        text,
        (lo, hi),
        chosen,
        translate,
        lambda unit, target, markup: _render(unit, target, text, markup),
        inner,
        rejected,
    )


def decode_markdown(data: bytes, path: Path) -> tuple[str, str]:
    """Decode a Markdown file: UTF-8 (a byte order mark stays in the text)."""
    if b"\0" in data[:8192]:
        line = data.count(b"\n", 0, data.index(b"\0")) + 1
        raise LocpipeError("binary file, not a Markdown source", path, line)
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError as exc:
        raise LocpipeError(
            f"not valid UTF-8: byte {data[exc.start]:#04x}",
            path,
            data.count(b"\n", 0, exc.start) + 1,
        ) from None
