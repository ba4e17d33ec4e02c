"""Markdown inline content ↔ a unit's msgid with compact tags, and back.

markdown-it-py gives block tokens their lines but inline tokens no position,
so :func:`parser` wraps each inline rule to record, on the tokens it makes,
the span of source it read (``token.meta["span"]``, offsets in the inline
content).  :func:`inline_unit` then writes a unit the way the HTML walker
does: text with escapes and entities decoded, and each piece of markup a
compact tag whose source stays in the file (``**x**`` → ``<strong>x</strong>``,
``[x](url)`` → ``<a>x</a>``, ``![alt](src)`` → ``<img/>``, `` `code` `` →
``<code/>``, a hard break → ``<br/>``, inline HTML → its tag name).
:func:`render_inline` turns a translation back into Markdown: the source
markup of each tag, the text escaped so that it cannot read as markup.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from functools import cache

from markdown_it import MarkdownIt
from markdown_it.helpers import parseLinkLabel
from markdown_it.rules_inline import StateInline
from markdown_it.token import Token

from locpipe.units import (
    Placeholder,
    Unit,
    collapse_space,
    escape_text,
    translation_pieces,
    unescape_text,
)
from locpipe.units import is_translatable as _is_translatable

#: Inline tokens that open a pair, and the compact tag name they show as.
_PAIRS = {"em_open": "em", "strong_open": "strong", "s_open": "s", "link_open": "a"}
_CLOSES = {"em_close", "strong_close", "s_close", "link_close"}
#: Inline HTML elements that have no end tag.
_VOID_HTML = frozenset(["area", "br", "col", "embed", "hr", "img", "input", "source", "wbr"])
_HTML_TAG_RE = re.compile(r"<(/?)([A-Za-z][A-Za-z0-9-]*)")
#: Token types whose count a rendered translation must keep (what the reader sees).
COUNTED = ("link_open", "image", "code_inline", "html_inline", "hardbreak")
_DELIMITED = ("em_open", "strong_open", "s_open")


def _annotate(name: str, rule: Callable[[StateInline, bool], bool]):
    """``rule``, recording the source span of the tokens it pushes."""

    def wrapped(state: StateInline, silent: bool) -> bool:
        if silent:
            return rule(state, silent)
        start, count, pending = state.pos, len(state.tokens), state.pending
        label_end = -1
        if name == "link" and state.src[start] == "[":
            label_end = parseLinkLabel(state, start, True)
        elif name == "image" and state.src.startswith("![", start):
            label_end = parseLinkLabel(state, start + 1, False)
        if not rule(state, False):
            return False
        end, new = state.pos, state.tokens[count:]
        if not new:
            return True
        if name in ("emphasis", "strikethrough"):
            at = start
            for token in new[1:] if pending else new:  # the first one flushed the pending text
                token.meta["span"] = (at, at + len(token.content))
                at += len(token.content)
        elif name in ("link", "autolink"):
            opener = next((t for t in new if t.type == "link_open" and "span" not in t.meta), None)
            closer = next((t for t in reversed(new) if t.type == "link_close"), None)
            if opener is None or closer is None:  # left without a span: the walk refuses
                return True
            if name == "autolink":
                opener.meta["span"], closer.meta["span"] = (start, end), (end, end)
                opener.meta["autolink"] = True
            else:
                opener.meta["span"], closer.meta["span"] = (start, start + 1), (label_end, end)
        elif name == "newline" and new[-1].type == "hardbreak":
            while start > 0 and state.src[start - 1] == " ":
                start -= 1
            new[-1].meta["span"] = (start, end)
        else:
            new[-1].meta["span"] = (start, end)
            if name == "image":
                new[-1].meta["label"] = (start + 2, label_end)
        return True

    return wrapped


@cache
def parser() -> MarkdownIt:
    """CommonMark with GFM tables and strikethrough; inline tokens know their source span."""
    md = MarkdownIt("commonmark").enable(["table", "strikethrough"])
    md.disable("text_join")  # keep escapes and entities apart (their source is their markup)
    for rule in md.inline.ruler.__rules__:
        md.inline.ruler.at(rule.name, _annotate(rule.name, rule.fn))
    return md


@dataclass
class _Part:
    """One piece of a unit: text, or a compact tag over a span of inline content."""

    kind: str  # "text", "open", "close", "void"
    text: str = ""  # the decoded text, for "text"
    name: str = ""
    start: int = -1
    end: int = -1
    partner: int = -1  # index of the other tag of a pair


OffsetMap = Callable[[int], int]


def _parts(children: list[Token]) -> tuple[list[_Part], list[Token]]:
    """The pieces of an inline token's children, and its images (for their alt text)."""
    parts: list[_Part] = []
    images: list[Token] = []
    stack: list[int] = []
    html_stack: list[int] = []
    skip_to_close = False
    for token in children:
        kind, span = token.type, token.meta.get("span")
        if skip_to_close:
            skip_to_close = kind != "link_close"
            continue
        if kind in ("text", "text_special"):
            parts.append(_Part("text", token.content))
        elif kind == "softbreak":
            parts.append(_Part("text", " "))
        elif span is None:
            raise ValueError(f"no source position for inline {kind}")
        elif kind in _PAIRS:
            if token.meta.get("autolink"):
                parts.append(_Part("void", name="a", start=span[0], end=span[1]))
                skip_to_close = True
                continue
            start = span[1] - len(token.markup) if kind != "link_open" else span[0]
            stack.append(len(parts))
            parts.append(_Part("open", name=_PAIRS[kind], start=start, end=span[1]))
        elif kind in _CLOSES:
            end = span[0] + len(token.markup) if kind != "link_close" else span[1]
            opener = stack.pop()
            parts[opener].partner = len(parts)
            parts.append(_Part("close", name=parts[opener].name, start=span[0], end=end))
            parts[-1].partner = opener
        elif kind == "image":
            images.append(token)
            parts.append(_Part("void", name="img", start=span[0], end=span[1]))
        elif kind == "code_inline":
            parts.append(_Part("void", name="code", start=span[0], end=span[1]))
        elif kind == "hardbreak":
            parts.append(_Part("void", name="br", start=span[0], end=span[1]))
        elif kind == "html_inline":
            parts.append(_html_part(token.content, span, parts, html_stack))
        else:
            parts.append(_Part("void", name="x", start=span[0], end=span[1]))
    for index in html_stack:  # start tags never closed in the unit
        parts[index].kind = "void" if parts[index].name in _VOID_HTML else "open"
    return parts, images


def _html_part(raw: str, span: tuple[int, int], parts: list[_Part], stack: list[int]) -> _Part:
    """An inline HTML tag as a part, paired with an earlier start tag when it ends one."""
    match = _HTML_TAG_RE.match(raw)
    if match is None:
        return _Part("void", name="comment" if raw.startswith("<!--") else "x", start=span[0],
                     end=span[1])  # fmt: skip
    name = re.sub(r"[^a-z]", "", match.group(2).lower()) or "x"
    part = _Part("void", name=name, start=span[0], end=span[1])
    if match.group(1):
        for depth in range(len(stack) - 1, -1, -1):
            if parts[stack[depth]].name == name:
                opener = stack[depth]
                del stack[depth:]
                parts[opener].kind, parts[opener].partner = "open", len(parts)
                part.kind, part.partner = "close", opener
                return part
        part.kind = "close"
        return part
    if not raw.rstrip().endswith("/>") and name not in _VOID_HTML:
        stack.append(len(parts))
    return part


def _shifted(offsets: OffsetMap, by: int) -> OffsetMap:
    """``offsets`` for coordinates ``by`` characters further on."""
    return lambda i: offsets(i + by)


def inline_unit(
    children: list[Token], content: str, element: str, start: OffsetMap, end: OffsetMap
) -> list[Unit]:
    """The unit of one inline token (content coordinates mapped to the source by
    ``start``/``end``), then the units of its images' alt text."""
    parts, images = _parts(children)
    units = []
    unit = _unit(parts, content, element, start, end)
    if unit is not None:
        units.append(unit)
    for image in images:
        label = image.meta["label"]
        units.extend(
            inline_unit(
                image.children or [],
                content[label[0] : label[1]],
                "img[alt]",
                _shifted(start, label[0]),
                _shifted(end, label[0]),
            )
        )
    for alt in units[1 if unit is not None else 0 :]:
        if alt.element == "img[alt]":
            alt.is_attribute = True
    return units


def _unit(
    parts: list[_Part], content: str, element: str, start: OffsetMap, end: OffsetMap
) -> Unit | None:
    first, last = 0, len(parts) - 1
    while first <= last and parts[first].kind == "text" and not parts[first].text.strip():
        first += 1
    while last >= first and parts[last].kind == "text" and not parts[last].text.strip():
        last -= 1
    if first > last:
        return None
    lo, hi = 0, len(content)
    # A pair that encloses the whole unit stays in the source (``**Note**``).
    while first < last and parts[first].kind == "open" and parts[first].partner == last:
        lo, hi = parts[first].end, parts[last].start
        first, last = first + 1, last - 1
        while first <= last and parts[first].kind == "text" and not parts[first].text.strip():
            first += 1
        while last >= first and parts[last].kind == "text" and not parts[last].text.strip():
            last -= 1
        if first > last:
            return None
    while lo < hi and content[lo].isspace():
        lo += 1
    while hi > lo and content[hi - 1].isspace():
        hi -= 1
    chosen = parts[first : last + 1]
    offset = first
    # Name the tags: the name alone when every use in the unit is the same source markup.
    keys: dict[int, str] = {}
    variants: dict[str, list[str]] = {}
    for index, part in enumerate(chosen):
        if part.kind in ("open", "void") or (part.kind == "close" and part.partner < 0):
            key = part.kind + "\0" + content[part.start : part.end]
            if part.kind == "open" and part.partner >= 0:
                closer = parts[part.partner]
                key += "\0" + content[closer.start : closer.end]
                if part.name == "a" and content[closer.start : closer.end] in ("]", "][]"):
                    key += "\0" + content[part.end : closer.start]  # the label is the link
            keys[index] = key
            found = variants.setdefault(part.name, [])
            if key not in found:
                found.append(key)
    names: dict[int, str] = {}
    placeholders: dict[str, Placeholder] = {}
    out: list[str] = []
    run: list[str] = []  # text pieces since the last tag: escaped together

    def flush() -> None:
        if run:
            out.append(escape_text("".join(run)))
            run.clear()

    for index, part in enumerate(chosen):
        if part.kind == "text":
            run.append(part.text)
            continue
        flush()
        if part.kind == "close" and part.partner >= 0:
            out.append(f"</{names[part.partner - offset]}>")
            continue
        found = variants[part.name]
        name = part.name if len(found) == 1 else f"{part.name}{found.index(keys[index]) + 1}"
        names[index] = name
        if name not in placeholders:
            kind = {"open": "pair" if part.partner >= 0 else "open"}.get(part.kind, part.kind)
            if kind == "pair":
                closer = parts[part.partner]
                placeholders[name] = Placeholder(
                    kind, start(part.start), end(part.end), start(closer.start), end(closer.end)
                )
            else:
                placeholders[name] = Placeholder(kind, start(part.start), end(part.end))
        out.append(placeholders[name].token(name)[0])
    flush()
    msgid = collapse_space("".join(out)).strip(" ")
    if not _is_translatable(msgid):
        return None
    return Unit(msgid, element, start(lo), end(hi), 0, placeholders=placeholders)


# -- rendering a translation ----------------------------------------------------

_SPECIAL_RE = re.compile(r"[\\`*\[\]<]|~(?=~)|(?<=~)~|&(?=#?[A-Za-z0-9]+;)")
_UNDERSCORE_RE = re.compile(r"_")
_LINE_START_RE = re.compile(r"^([ \t]*)(#|>|[-+=]|\d{1,9}(?=[.)]))")


def escape_markdown(text: str, line_start: bool = False, table: bool = False) -> str:
    """Literal text as Markdown that reads as that text (never as markup)."""
    text = _SPECIAL_RE.sub(lambda m: "\\" + m.group(), text)
    text = _UNDERSCORE_RE.sub(lambda m: _underscore(text, m.start()), text)
    if table:
        text = text.replace("|", "\\|")
    if line_start:
        text = text.lstrip(" \t")
        found = _LINE_START_RE.match(text)
        if found:
            marker = found.group(2)
            if marker[0].isdigit():  # "1." starts a list: escape the dot
                at = found.end()
                text = text[:at] + "\\" + text[at:]
            else:
                text = "\\" + text
    return text


def _underscore(text: str, at: int) -> str:
    """``_`` between two letters or digits stays; any other one is escaped."""
    before = text[at - 1] if at else " "
    after = text[at + 1] if at + 1 < len(text) else " "
    return "_" if before.isalnum() and after.isalnum() else "\\_"


_ENDS_LINE_RE = re.compile(r"\n[ \t>]*\Z")
_HTML_PAIR = {"*": "em", "_": "em", "**": "strong", "__": "strong", "~~": "del", "~": "del"}


def render_inline(
    msgstr: str,
    unit: Unit,
    markup: Callable[[Placeholder, str], str],
    line_start: bool,
    table: bool,
    html_pairs: bool = False,
) -> str | None:
    """Markdown for a translation: the unit's own tags come back as their source
    markup, any other text is escaped.  None when paired tags do not nest."""
    out: list[str] = []
    at_line_start = line_start

    def text(raw: str) -> None:
        nonlocal at_line_start
        if raw:
            out.append(escape_markdown(unescape_text(raw), at_line_start, table))
            at_line_start = False

    msgstr = collapse_space(msgstr).strip()
    for name, pair in unit.placeholders.items():  # emphasis cannot open before a space
        if pair.kind == "pair" and markup(pair, "open").strip("*_~") == "":
            msgstr = re.sub(rf"<{name}>([ ]+)", rf"\1<{name}>", msgstr)
            msgstr = re.sub(rf"([ ]+)</{name}>", rf"</{name}>\1", msgstr)
    pieces = translation_pieces(msgstr, unit)
    if pieces is None:
        return None
    for part, ph in pieces:
        if ph is None:
            text(part)
            continue
        source = markup(ph, part)
        if ph.kind == "pair" and html_pairs and source.strip("*_~") == "" and source in _HTML_PAIR:
            tag = _HTML_PAIR[source]
            source = f"</{tag}>" if part == "close" else f"<{tag}>"
        out.append(source)
        at_line_start = line_start and _ENDS_LINE_RE.search(source) is not None
    return "".join(out)


def counts(source: str) -> dict[str, int]:
    """How many of each visible inline construct ``source`` (Markdown) reads as."""
    tokens = parser().parseInline(source)
    found: dict[str, int] = {}
    for token in tokens[0].children or []:
        if token.type in COUNTED or token.type in _DELIMITED:
            found[token.type] = found.get(token.type, 0) + 1
    return found


def delimited(found: dict[str, int]) -> int:
    """How many emphasis/strong/strikethrough pairs ``found`` counts."""
    return sum(found.get(kind, 0) for kind in _DELIMITED)
