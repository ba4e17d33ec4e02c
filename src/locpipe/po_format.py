"""Writing a catalog exactly like GNU ``msgcat`` (gettext 0.21's ``write-po.c``).

Width 79: strings are wrapped at the break opportunities of
:mod:`locpipe.po_linebreak`, ``msgid ""`` opens a string that wraps or has a
``\\n`` before its end, and breaks are never put inside an escape sequence or
a ``python-format`` directive.
"""

from __future__ import annotations

import re
from bisect import bisect_left
from collections.abc import Iterable
from functools import lru_cache

import polib

from locpipe.po_flags import FORMATS, extra_flags, format_flags
from locpipe.po_linebreak import break_positions, class_codes, fit_breaks, slow_breaks

PAGE_WIDTH = 79
_ESCAPES = {"\a": "a", "\b": "b", "\f": "f", "\n": "n", "\r": "r", "\t": "t", "\v": "v"}


def _width(value: str, i: int) -> tuple[int, int]:
    """After a python-format width or precision at ``i``: (next offset, 1 if it was ``*``)."""
    if i < len(value) and value[i] == "*":
        return i + 1, 1
    while i < len(value) and value[i].isascii() and value[i].isdigit():
        i += 1
    return i, 0


def _python_directives(value: str) -> set[int]:
    """Offsets inside (not at the start of) the python-format directives gettext accepts.

    A port of gettext's ``format-python.c`` parser: it stops at the first
    invalid directive (an unknown conversion, an unterminated ``%(name``, or
    named ``%(x)s`` mixed with unnamed ``%s``/``*``), and the directives
    before it keep their marks, as ``write-po.c`` uses them.
    """
    inside: set[int] = set()
    named = unnamed = 0
    n = len(value)
    pos = value.find("%")
    while pos != -1:
        i = pos + 1
        name = None
        if i < n and value[i] == "(":
            depth = 0
            i += 1
            name_start = i
            while i < n and not (value[i] == ")" and depth == 0):
                depth += {"(": 1, ")": -1}.get(value[i], 0)
                i += 1
            if i >= n:
                break  # unterminated name
            name = value[name_start:i]
            i += 1
        while i < n and value[i] in "-+ #0":
            i += 1
        i, star = _width(value, i)  # the field width
        if star and named:
            break
        unnamed += star
        if i < n and value[i] == ".":
            i, star = _width(value, i + 1)  # the precision
            if star and named:
                break
            unnamed += star
        if i < n and value[i] in "hlL":
            i += 1
        if i >= n or value[i] not in "%csridouxXeEfgG":
            break
        if name is not None:
            if unnamed:
                break
            named += 1
        elif value[i] != "%":
            if named:
                break
            unnamed += 1
        inside.update(range(pos + 1, i + 1))
        pos = value.find("%", i + 1)
    return inside


_ESCAPE_TABLE = str.maketrans(
    {**{k: "\\" + v for k, v in _ESCAPES.items()}, "\\": "\\\\", '"': '\\"'}
)
_TO_ESCAPE = re.compile('[\\\\"' + "".join(_ESCAPES) + "]")


def _wrap(
    out: list[str],
    prefix: str,
    name: str,
    value: str,
    no_break: set[int],
    do_wrap: bool = True,
) -> None:
    """Write ``name "value"`` wrapped the way gettext's ``wrap()`` does."""
    out.append(_wrapped(prefix, name, value, frozenset(no_break), do_wrap))


@lru_cache(maxsize=1 << 14)
def _wrapped(prefix: str, name: str, value: str, no_break: frozenset[int], do_wrap: bool) -> str:
    """The lines of :func:`_wrap` (cached: a msgid is written in the .pot and every .po)."""
    after_break = len(prefix) + 1
    width = (PAGE_WIDTH if do_wrap else 2**31 - 1) - 1 - after_break
    lines: list[str] = []
    first_line = True
    start = 0
    while True:
        end = value.find("\n", start)
        end = len(value) if end == -1 else end + 1
        segment = value[start:end]
        text = segment.translate(_ESCAPE_TABLE) if _TO_ESCAPE.search(segment) else segment
        # no break inside an escape sequence, a python-format directive, or before a final \n
        if len(text) == len(segment):
            prohibited = {o - start for o in no_break if start <= o < end}
        else:
            escaped = [m.start() for m in _TO_ESCAPE.finditer(segment)]
            prohibited = {e + k + 1 for k, e in enumerate(escaped)}
            prohibited.update(
                o - start + bisect_left(escaped, o - start) for o in no_break if start <= o < end
            )
            if segment.endswith("\n"):
                prohibited.add(len(text) - 2)
        codes = class_codes(text)
        positions = None
        while True:
            start_column = len(name) + 1 if first_line else 0
            if codes is None:
                breaks = slow_breaks(text, prohibited, width, start_column)
            elif start_column + len(text) <= width:
                breaks = []  # it fits: no piece can overflow
            else:
                if positions is None:
                    positions = break_positions(codes, prohibited)
                breaks = fit_breaks(positions, len(text), width, start_column)
            if first_line and text and (end < len(value) or start_column > width or breaks):
                lines.append(f'{prefix}{name} ""\n')
                first_line = False
                continue
            break
        head = f'{prefix}{name} "' if first_line else f'{prefix}"'
        first_line = False
        pieces = [text[a:b] for a, b in zip([0, *breaks], [*breaks, len(text)], strict=True)]
        lines.append(head + f'"\n{prefix}"'.join(pieces) + '"\n')
        start = end
        if start >= len(value):
            break
    return "".join(lines)


def _comment_lines(out: list[str], mark: str, text: str) -> None:
    for line in text.split("\n"):
        out.append(f"{mark} {line}\n" if line else f"{mark}\n")


def _references(out: list[str], occurrences: Iterable[tuple[str, str]]) -> None:
    parts = [f"{f}:{n}" if str(n) != "" else f for f, n in occurrences]
    if not parts:
        return
    line = "#:"
    for part in parts:
        if len(line) > 2 and len(line) + len(part) + 1 > PAGE_WIDTH:
            out.append(line + "\n")
            line = "#:"
        line += " " + part
    out.append(line + "\n")


def _flags_line(
    formats: dict[str, str], fuzzy: bool, rng: str | None, no_wrap: bool, extra: list[str]
) -> str:
    flags = ["fuzzy"] if fuzzy else []
    for fmt in FORMATS:
        if fmt in formats:
            flags.append(f"{fmt}-format" if formats[fmt] == "yes" else f"no-{fmt}-format")
    if rng:
        flags.append(f"range: {rng}")
    if no_wrap:
        flags.append("no-wrap")
    flags += extra  # not gettext's: msgcat would drop them (see extra_flags)
    return "#, " + ", ".join(flags) + "\n" if flags else ""


def _has_any_msgstr(entry: polib.POEntry) -> bool:
    """Whether gettext counts the entry as translated: its first msgstr is not empty.

    msgcat tests ``msgstr[0]`` alone, so a plural entry whose first form is
    empty loses its fuzzy flag (and, obsolete, the whole entry).
    """
    if entry.msgid_plural:
        forms = entry.msgstr_plural
        return bool(forms) and bool(forms[min(forms)])
    return bool(entry.msgstr)


def _entry_lines(out: list[str], entry: polib.POEntry) -> None:
    if entry.tcomment:
        _comment_lines(out, "#", entry.tcomment)
    if entry.comment:
        _comment_lines(out, "#.", entry.comment)
    _references(out, entry.occurrences)
    formats, no_wrap, rng = format_flags(entry.flags)
    fuzzy = "fuzzy" in entry.flags and _has_any_msgstr(entry)  # msgcat drops it otherwise
    out.append(_flags_line(formats, fuzzy, rng, no_wrap, extra_flags(entry.flags)))
    fmt = next((f for f in FORMATS if formats.get(f) == "yes"), None) if formats else None

    def no_break(value: str) -> set[int]:
        return _python_directives(value) if fmt == "python" and value else set()

    prefix = "#~ " if entry.obsolete else ""
    prev_prefix = "#~| " if entry.obsolete else "#| "
    wrap = not no_wrap
    for name in ("msgctxt", "msgid", "msgid_plural"):
        value = getattr(entry, f"previous_{name}", None)
        if value is not None:
            _wrap(out, prev_prefix, name, value, no_break(value), wrap)
    if entry.msgctxt is not None:
        _wrap(out, prefix, "msgctxt", entry.msgctxt, no_break(entry.msgctxt), wrap)
    _wrap(out, prefix, "msgid", entry.msgid, no_break(entry.msgid), wrap)
    if entry.msgid_plural:
        _wrap(out, prefix, "msgid_plural", entry.msgid_plural, no_break(entry.msgid_plural), wrap)
        for index in sorted(entry.msgstr_plural):
            value = entry.msgstr_plural[index]
            _wrap(out, prefix, f"msgstr[{index}]", value, no_break(value), wrap)
    else:
        _wrap(out, prefix, "msgstr", entry.msgstr, no_break(entry.msgstr), wrap)


def header_text(po: polib.POFile) -> str:
    """The header entry's msgstr built from ``po.metadata``."""
    return "".join(f"{key}: {value}\n" for key, value in po.metadata.items())


def format_catalog(po: polib.POFile) -> str:
    """The catalog as GNU ``msgcat`` (default options) would write it, byte for byte."""
    blocks: list[str] = []
    if po.metadata or po.header:
        out: list[str] = []
        if po.header:
            _comment_lines(out, "#", po.header)
        if po.metadata_is_fuzzy:
            out.append("#, fuzzy\n")
        _wrap(out, "", "msgid", "", set())
        _wrap(out, "", "msgstr", header_text(po), set())
        blocks.append("".join(out))
    live = [e for e in po if not e.obsolete and not (e.msgid == "" and e.msgctxt is None)]
    dead = [e for e in po if e.obsolete and _has_any_msgstr(e)]  # msgcat drops the rest
    for entry in live + dead:
        out = []
        _entry_lines(out, entry)
        blocks.append("".join(out))
    return "\n".join(blocks)
