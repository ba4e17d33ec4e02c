"""The HTML walker: segment an article into units, and splice translations back.

One tokenizer pass (:func:`locpipe.formats.tokenizer.scan` for the common
markup, else the standard library's ``html.parser``: the same tokens, each with
its source position) feeds :func:`walk`, which cuts the token stream into
*runs* of inline content; each run holding a letter is a
:class:`~locpipe.units.Unit` whose source span is recorded.  :func:`reassemble`
replaces exactly those spans, so everything else in the document (quoting,
entities, comments, indentation, odd markup) comes back byte for byte.
"""

from __future__ import annotations

import codecs
import re
from collections.abc import Callable, Iterable
from html import unescape
from html.parser import HTMLParser
from pathlib import Path

from locpipe.errors import LocpipeError
from locpipe.formats.base import Document, Translate
from locpipe.formats.rawtext import RAW_TEXT, RCDATA, markup_end, raw_text_end, tag_at
from locpipe.formats.splice import splice_translations
from locpipe.formats.tokenizer import Token, first_attributes, scan, verified
from locpipe.units import (
    VERBATIM_ELEMENTS,
    VERBATIM_JOIN,
    Placeholder,
    Unit,
    collapse_space,
    escape_text,
    is_translatable,
    translation_pieces,
    unescape_text,
)

#: Elements that stay inside a unit, as compact tags.
INLINE = frozenset(
    [
        "a",
        "abbr",
        "acronym",
        "b",
        "bdi",
        "bdo",
        "big",
        "br",
        "cite",
        "code",
        "data",
        "del",
        "dfn",
        "em",
        "font",
        "i",
        "img",
        "input",
        "ins",
        "kbd",
        "mark",
        "q",
        "rp",
        "rt",
        "ruby",
        "s",
        "samp",
        "small",
        "span",
        "strike",
        "strong",
        "sub",
        "sup",
        "time",
        "tt",
        "u",
        "var",
        "wbr",
    ]
)
#: Elements kept whole, never translated: a compact void tag inside a unit.
OPAQUE_INLINE = frozenset(
    [
        "audio",
        "canvas",
        "embed",
        "iframe",
        "math",
        "noembed",
        "noframes",
        "noscript",
        "object",
        "script",
        "select",
        "style",
        "svg",
        "template",
        "textarea",
        "video",
    ]
)
#: Elements whose content is never extracted, and which end a unit.
SKIP_BLOCK = frozenset(["pre", "xmp", "listing", "plaintext"])
VOID = frozenset(
    [
        "area",
        "base",
        "br",
        "col",
        "embed",
        "hr",
        "img",
        "input",
        "keygen",
        "link",
        "meta",
        "param",
        "source",
        "track",
        "wbr",
    ]
)
#: Attributes whose values are units, on any element.
TRANSLATABLE_ATTRIBUTES = ("alt", "title", "placeholder", "aria-label")
#: ``<meta>`` whose content is a unit, by name or property.
META_UNITS = frozenset(
    ["description", "og:title", "og:description", "twitter:title", "twitter:description"]
)
_ASCII_SPACE = " \t\n\r\f"
_ATTR_RE = re.compile(
    r"""(?P<name>[^\s/>"'=][^\s/>=]*|=[^\s/>=]*)"""
    r"""(?:\s*=+\s*(?P<value>'[^']*'|"[^"]*"|(?!['"])[^>\s]*))?"""
)
_TAGNAME_RE = re.compile(r"<[a-zA-Z][^\t\n\r\f />\x00]*")


class _Tokenizer(HTMLParser):
    """Collects tokens with their start offsets; ends are the next token's start.

    Raw text (``script``, ``title``...) is read by :mod:`locpipe.formats.rawtext`,
    as browsers read it, not by html.parser; a repeated attribute is dropped
    (the first one wins, as in browsers).
    """

    def __init__(self, text: str):
        super().__init__(convert_charrefs=True)
        self.text = text
        self.tokens: list[Token] = []
        self._raw: Token | None = None  # the start tag of raw text just read
        self._data_parts: list[str] = []  # more data of the last token, not yet joined
        self._line_starts = [0]
        self._line_starts.extend(m.end() for m in re.finditer("\n", text))

    def _offset(self) -> int:
        line, column = self.getpos()
        return self._line_starts[line - 1] + column

    def _add(self, token: Token) -> None:
        self._join_data()
        if self.tokens and self.tokens[-1].end < 0:
            self.tokens[-1].end = token.start
        self.tokens.append(token)

    def _join_data(self) -> None:
        """Join the pieces of the last data token (joined once: no quadratic ``+=``)."""
        if self._data_parts:
            self.tokens[-1].data += "".join(self._data_parts)
            self._data_parts = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self._start_tag(tag, attrs, False)

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self._start_tag(tag, attrs, True)

    def _start_tag(self, tag: str, attrs: list[tuple[str, str | None]], closed: bool) -> None:
        start = self._offset()
        raw = self.get_starttag_text() or ""
        raw_text = tag in RAW_TEXT  # "<script/>" opens a script all the same
        token = Token(
            "start",
            start,
            start + len(raw),
            tag,
            attrs=first_attributes(attrs),
            self_closing=closed and not raw_text,
        )
        self._add(token)
        if raw_text:
            self._raw = token

    def parse_starttag(self, i: int) -> int:
        """A start tag; after a raw-text one, its content and end tag as a browser reads them."""
        self._raw = None
        end = super().parse_starttag(i)
        token = self._raw
        if token is None or end < 0:
            return end
        self._raw = None
        self.clear_cdata_mode()  # html.parser's own reading of script and style
        tag = token.tag
        content_end, tag_end = raw_text_end(self.text, tag, token.end)
        if content_end > token.end:
            data = self.text[token.end : content_end]
            if tag in RCDATA and "&" in data:
                data = unescape(data)
            self._add(Token("data", token.end, content_end, data=data))
        if tag_end > content_end:
            self._add(Token("end", content_end, tag_end, tag))
        return i + (tag_end - token.start)

    def parse_endtag(self, i: int) -> int:
        """An end tag, up to its ``>`` as a browser reads it (quoted values and all).

        html.parser ends it at the first ``>``: ``</a s="x>y">`` then left
        ``y">`` as text, which a browser reads inside the tag.
        """
        rawdata = self.rawdata
        if not rawdata[i + 2 : i + 3].isalpha() or not rawdata[i + 2 : i + 3].isascii():
            return super().parse_endtag(i)
        name, end, _ = tag_at(rawdata, i)
        if not rawdata.endswith(">", 0, end):
            return -1  # open at the end: read as text, then as the browser's tag
        self.handle_endtag(name)
        return end

    def handle_endtag(self, tag: str) -> None:
        self._add(Token("end", self._offset(), tag=tag))

    def handle_data(self, data: str) -> None:
        start = self._offset()
        last = self.tokens[-1] if self.tokens else None
        if last is not None and last.kind == "data" and last.end in (-1, start):
            self._data_parts.append(data)
            last.end = -1
            return
        self._add(Token("data", start, data=data))

    def handle_comment(self, data: str) -> None:
        self._add(Token("comment", self._offset()))

    def handle_decl(self, decl: str) -> None:
        self._add(Token("other", self._offset()))

    def handle_pi(self, data: str) -> None:
        self.handle_decl(data)

    def unknown_decl(self, data: str) -> None:
        self.handle_decl(data)

    def parse_marked_section(self, i: int, report: int = 1) -> int:
        """``<![...``: a bogus comment up to the first ``>``, as browsers read it in HTML.

        (html.parser reads ``<![if ...]>``, ``<![CDATA[...]]>`` to their ``]>``,
        past a ``>`` that ends them in a browser: text a browser runs as a
        script became units.  Before 3.13 it also raised AssertionError on
        ``<![foo``, after moving its position: every later offset drifted.)
        """
        end = self.rawdata.find(">", i + 3)
        if end < 0:
            return -1
        if report:
            self.unknown_decl(self.rawdata[i + 3 : end])
        return end + 1

    def finish(self) -> list[Token]:
        self.close()
        self._join_data()
        if self.tokens and self.tokens[-1].end < 0:
            self.tokens[-1].end = len(self.text)
        return self.tokens


class SpanError(ValueError):
    """The tokenizer's source positions do not fit the text (a parser quirk we missed).

    Raised instead of returning spans that would splice translations into the
    wrong place; ``offset`` is where the first misplaced token claims to start.
    """

    def __init__(self, message: str, offset: int):
        super().__init__(message)
        self.offset = offset


def _check_spans(text: str, tokens: list[Token]) -> None:
    """Every span lies in the text, in order, without overlap; markup starts where it should."""
    pos = 0
    size = len(text)
    startswith = text.startswith
    for token in tokens:
        start, end, kind = token.start, token.end, token.kind
        if not pos <= start <= end <= size:
            raise SpanError(f"{kind} token at {start}-{end} is out of place", start)
        if kind == "data":
            fits = True
        elif kind == "start":
            second = text[start + 1 : start + 2]
            fits = startswith("<", start) and second.isascii() and second.isalpha()
        elif kind == "end":
            fits = startswith("</", start)
        else:
            fits = startswith("<", start)
        if not fits:
            head = text[start : start + 2]
            raise SpanError(f"{kind} token at {start} starts at {head!r}", start)
        pos = end


def tokenize(text: str) -> list[Token]:
    """All tokens of an HTML text, each with its exact source span (checked: SpanError).

    The fast scanner reads the common markup; a document holding anything
    else goes whole to html.parser (:func:`tokenize_reference`).
    """
    tokens = scan(text) if verified() else None
    if tokens is None:
        tokens = tokenize_reference(text)
    _check_spans(text, tokens)
    return tokens


def tokenize_reference(text: str) -> list[Token]:
    """The tokens as html.parser reads them (unchecked spans): the reference for :func:`scan`.

    Where html.parser gives up on a tag and reads it as text (``<im\0g ...``,
    a tag open at the end), a browser reads a tag all the same, up to its
    ``>`` (quoted values and all): that span becomes one token of kind
    "other" (a raw-text element's start tag a "start" token, then its raw
    text), and html.parser reads on from its end.  The same for a comment
    or a bogus one (``<!--`` left open runs to the end of the page, ``<?x>``,
    ``</ x>``).  No unit is ever made of text a browser reads as markup.
    """
    tokens: list[Token] = []
    base = 0
    while True:
        part = _reference_part(text, base)
        cut = _text_tag(text, part)
        if cut is None:
            tokens += part
            return tokens
        index, at = cut
        tokens += part[:index]
        token = part[index]
        if at > token.start:
            tokens.append(Token("data", token.start, at, data=unescape(text[token.start : at])))
        if not (text[at + 1 : at + 2].isalpha() or text[at + 2 : at + 3].isalpha()):
            base = markup_end(text, at)  # a comment or a bogus one
            tokens.append(Token("other", at, base))
            continue
        name, end, closing = tag_at(text, at)
        if closing or name not in RAW_TEXT:
            tokens.append(Token("other", at, end))
            base = end
            continue
        tokens.append(Token("start", at, end, name))
        content_end, base = raw_text_end(text, name, end)
        if content_end > end:
            data = text[end:content_end]
            tokens.append(
                Token("data", end, content_end, data=unescape(data) if name in RCDATA else data)
            )
        if base > content_end:
            tokens.append(Token("end", content_end, base, name))


def _reference_part(text: str, base: int) -> list[Token]:
    """html.parser's tokens of ``text[base:]``, at their places in ``text``."""
    rest = text[base:] if base else text
    tokenizer = _Tokenizer(rest)
    tokenizer.feed(rest)
    tokens = tokenizer.finish()
    if base:
        for token in tokens:
            token.start += base
            token.end += base
    return tokens


_TEXT_TAG_RE = re.compile(r"</?[a-zA-Z]|<[!?/]")


def _text_tag(text: str, tokens: list[Token]) -> tuple[int, int] | None:
    """The first text token holding what a browser reads as a tag: (its index, where)."""
    for index, token in enumerate(tokens):
        if token.kind != "data" or "<" not in token.data:  # (a span alone may have drifted)
            continue
        if index and tokens[index - 1].kind == "start" and tokens[index - 1].tag in RAW_TEXT:
            continue  # raw text: read as browsers read it already
        found = _TEXT_TAG_RE.search(text, token.start, token.end)
        if found is not None:
            return index, found.start()
    return None


def _says_notranslate(attrs: list[tuple[str, str | None]]) -> bool:
    """True when the attributes ask not to translate the element (translate=no, notranslate)."""
    for name, value in attrs:
        if name == "translate" and (value or "").strip().lower() == "no":
            return True
        if name == "class" and "notranslate" in (value or "").split():
            return True
    return False


_KNOWN_BLOCKS = frozenset(
    [
        "address",
        "article",
        "aside",
        "blockquote",
        "body",
        "caption",
        "col",
        "colgroup",
        "dd",
        "details",
        "dialog",
        "dir",
        "div",
        "dl",
        "dt",
        "fieldset",
        "figcaption",
        "figure",
        "footer",
        "form",
        "h1",
        "h2",
        "h3",
        "h4",
        "h5",
        "h6",
        "head",
        "header",
        "hgroup",
        "hr",
        "html",
        "legend",
        "li",
        "link",
        "main",
        "menu",
        "meta",
        "nav",
        "ol",
        "optgroup",
        "option",
        "p",
        "pre",
        "section",
        "summary",
        "table",
        "tbody",
        "td",
        "tfoot",
        "th",
        "thead",
        "title",
        "tr",
        "ul",
        "base",
        "button",
        "label",
        "output",
        "progress",
        "meter",
        "frameset",
        "frame",
        "center",
        "area",
        "map",
        "slot",
        "picture",
        "source",
        "track",
        "param",
        "xmp",
        "listing",
        "plaintext",
    ]
)


#: Elements that end a unit: the known ones that are not (opaque) inline.  Every
#: other element (inline, opaque inline or unknown) stays inside the unit.
_BLOCKS = _KNOWN_BLOCKS - INLINE - OPAQUE_INLINE
_SKIPPED = OPAQUE_INLINE | SKIP_BLOCK
_UNIT_ATTRIBUTES = frozenset(TRANSLATABLE_ATTRIBUTES)


def _closes(token: Token, tag: str) -> bool:
    """True when ``token`` is the end tag of ``tag``."""
    return token.kind == "end" and token.tag == tag


def _start_of(unit: Unit) -> int:
    return unit.start


class _Walker:
    """Second pass: cut the token stream into units."""

    def __init__(self, text: str, tokens: list[Token]):
        self.text = text
        self.tokens = tokens
        self.units: list[Unit] = []
        self.stack: list[str] = []
        self.lang: str | None = None
        self.meta: dict[str, str] = {}
        self.body_start: int | None = None
        self.body_end: int | None = None

    # -- the pass ---------------------------------------------------------
    def walk(self) -> Document:
        """Visit every token: a run of inline content ends at block markup (then flushed)."""
        tokens = self.tokens
        stack = self.stack
        blocks, skipped = _BLOCKS, _SKIPPED
        run: list[Token] = []
        count = len(tokens)
        i = 0
        while i < count:
            token = tokens[i]
            kind = token.kind
            if kind == "data":
                # White space cannot start a unit (the run's trim would drop it).
                if run or token.data.strip(_ASCII_SPACE):
                    run.append(token)
            elif kind == "comment":
                run.append(token)
            elif kind == "start":
                tag = token.tag
                attrs = token.attrs
                if tag in skipped or (attrs and _says_notranslate(attrs)):
                    inline = tag not in blocks
                    if not inline and run:
                        self.flush(run)
                        run = []
                    i, end = self.skip(i)
                    if inline and tag in RAW_TEXT and not _closes(tokens[i - 1], tag):
                        # Raw text to the end of the document: whatever a translation
                        # put after it would be read as its content (a script's).
                        if run:
                            self.flush(run)
                            run = []
                    elif inline:
                        run.append(Token("opaque", token.start, end, tag=tag))
                    continue
                if attrs:
                    self.attribute_units(token)
                    if tag == "html" and self.lang is None:
                        self.lang = dict(attrs).get("lang") or None
                if tag not in blocks:
                    run.append(token)
                else:
                    if run:
                        self.flush(run)
                        run = []
                    if tag == "body" and self.body_start is None:
                        self.body_start = token.end
                    if tag not in VOID and not token.self_closing:
                        stack.append(tag)
            elif kind == "end":
                tag = token.tag
                if tag not in blocks:
                    run.append(token)
                else:
                    if run:
                        self.flush(run)
                        run = []
                    if tag == "body" and self.body_end is None:
                        self.body_end = token.start
                    if tag in stack:
                        while stack.pop() != tag:
                            pass
            elif run:
                self.flush(run)
                run = []
            i += 1
        if run:
            self.flush(run)
        self.units.sort(key=_start_of)
        _number_lines(self.text, self.units)
        body = (
            self.body_start if self.body_start is not None else 0,
            self.body_end if self.body_end is not None else len(self.text),
        )
        return Document(self.units, self.lang, body, self.meta)

    def skip(self, i: int) -> tuple[int, int]:
        """Pass over a skipped element: the index after it, and where it ends in the text."""
        tokens = self.tokens
        root = tokens[i]
        open_tags = [] if (root.tag in VOID or root.self_closing) else [root.tag]
        j = i + 1
        end = root.end
        while open_tags and j < len(tokens):
            token = tokens[j]
            if token.kind == "start" and token.tag not in VOID and not token.self_closing:
                open_tags.append(token.tag)
            elif token.kind == "end":
                if token.tag not in open_tags:
                    break  # closes an ancestor: the skipped element ends here
                while open_tags.pop() != token.tag:
                    pass
            end = token.end
            j += 1
        return j, end

    # -- attributes -------------------------------------------------------
    def attribute_units(self, token: Token) -> None:
        """Units of a start tag's translatable attribute values (and a ``<meta>``'s content)."""
        if token.tag != "meta":
            for name, _ in token.attrs:
                if name in _UNIT_ATTRIBUTES:
                    break
            else:
                return
        names = {name for name, _ in token.attrs}
        wanted = [n for n in TRANSLATABLE_ATTRIBUTES if n in names]
        values = dict(token.attrs)
        meta_key = None
        if token.tag == "meta":
            meta_key = values.get("name") or values.get("property")
            if meta_key and values.get("content") is not None:
                self.meta[meta_key.lower()] = values["content"] or ""
            if meta_key and meta_key.lower() in META_UNITS:
                wanted.append("content")
            else:
                meta_key = None
        if not wanted:
            return
        for name, (value_start, value_end, quote) in attribute_spans(self.text, token).items():
            if name not in wanted:
                continue
            value = values.get(name) or ""
            msgid = escape_text(collapse_space(value).strip(_ASCII_SPACE))
            if not is_translatable(msgid):
                continue
            element = f"meta[{meta_key.lower()}]" if name == "content" and meta_key else None
            self.units.append(
                Unit(
                    msgid=msgid,
                    element=element or f"{token.tag}[{name}]",
                    start=value_start,
                    end=value_end,
                    line=0,  # numbered at the end of the pass
                    is_attribute=True,
                    quote=quote,
                )
            )

    # -- runs -------------------------------------------------------------
    def flush(self, run: list[Token]) -> None:
        """Make the unit of a finished run, if it has a letter."""
        owner = self.stack[-1] if self.stack else "html"
        unit = _unit_from_run(self.text, run, owner)
        if unit is not None:
            self.units.append(unit)


def _number_lines(text: str, units: list[Unit]) -> None:
    """Set each unit's 1-based line (units in order of start)."""
    line, pos = 1, 0
    for unit in units:
        line += text.count("\n", pos, unit.start)
        pos = unit.start
        unit.line = line


def attribute_spans(text: str, token: Token) -> dict[str, tuple[int, int, str]]:
    """Source spans of each attribute value of a start tag: name → (start, end, quote).

    The scan follows the HTML tokenizer's grammar; when it disagrees with the
    parser's own attribute list, no span is given (the attribute is left alone).
    """
    raw = text[token.start : token.end]
    name_match = _TAGNAME_RE.match(raw)
    if name_match is None:
        return {}
    spans: dict[str, tuple[int, int, str]] = {}
    found: list[str] = []
    pos = name_match.end()
    while True:
        while pos < len(raw) and (raw[pos] in _ASCII_SPACE or raw[pos] == "/"):
            pos += 1
        match = _ATTR_RE.match(raw, pos)
        if match is None or match.end() == pos or raw[pos] == ">":
            break
        name = match.group("name").lower()
        found.append(name)
        value = match.group("value")
        if value is not None and name not in spans:
            vstart = token.start + match.start("value")
            quote = value[0] if value[:1] in ("'", '"') else ""
            if quote:
                spans[name] = (vstart + 1, vstart + len(value) - 1, quote)
            else:
                spans[name] = (vstart, vstart + len(value), quote)
        pos = match.end()
    if list(dict.fromkeys(found)) != [name for name, _ in token.attrs]:
        return {}
    return spans


def _trim(text: str, run: list[Token]) -> tuple[int, int, int, int] | None:
    """Indices and offsets of a run without its leading and trailing white space."""
    first, last = 0, len(run) - 1
    while first <= last and run[first].kind == "data" and not run[first].data.strip(_ASCII_SPACE):
        first += 1
    while last >= first and run[last].kind == "data" and not run[last].data.strip(_ASCII_SPACE):
        last -= 1
    if first > last:
        return None
    start, end = run[first].start, run[last].end
    if run[first].kind == "data":
        raw = text[start : run[first].end]
        start += len(raw) - len(raw.lstrip(_ASCII_SPACE))
    if run[last].kind == "data":
        raw = text[run[last].start : end]
        end -= len(raw) - len(raw.rstrip(_ASCII_SPACE))
    return first, last, start, end


def _pairs(run: list[Token]) -> dict[int, int]:
    """Match inline start and end tags of a run: index of start → index of end."""
    pairs: dict[int, int] = {}
    open_at: list[int] = []
    for index, token in enumerate(run):
        if token.kind == "start" and token.tag not in VOID and not token.self_closing:
            open_at.append(index)
        elif token.kind == "end":
            for depth in range(len(open_at) - 1, -1, -1):
                if run[open_at[depth]].tag == token.tag:
                    pairs[open_at[depth]] = index
                    del open_at[depth:]
                    break
    return pairs


def _unit_from_run(text: str, run: list[Token], owner: str) -> Unit | None:
    """The unit a run of inline content makes, or None when it has no letter."""
    if len(run) == 1:  # text alone
        token = run[0]
        data = token.data
        if token.kind != "data" or data.isspace():
            return None
        data = data.strip(_ASCII_SPACE)
        if not data:
            return None
        start, end = token.start, token.end
        raw = text[start:end]
        msgid = collapse_space(_escape(data)).strip(" ")
        if not is_translatable(msgid):
            return None
        start += len(raw) - len(raw.lstrip(_ASCII_SPACE))
        end -= len(raw) - len(raw.rstrip(_ASCII_SPACE))
        return Unit(msgid, owner, start, end, 0, placeholders={})
    for token in run:
        if token.kind == "data" and not token.data.isspace():
            break
    else:
        return None
    trimmed = _trim(text, run)
    if trimmed is None:
        return None
    first, last, start, end = trimmed
    if first == last:  # text alone (the one token that is not white space)
        data = run[first].data.strip(_ASCII_SPACE)
        msgid = collapse_space(_escape(data)).strip(" ")
        if not is_translatable(msgid):
            return None
        return Unit(msgid, owner, start, end, 0, placeholders={})
    pairs = _pairs(run)
    # A tag that encloses the whole unit stays in the source.  When it is code
    # (``<td><code>passwd -e</code></td>``) the unit is verbatim: its element
    # says so (``td > code``), so translate copies it and ``check`` guards it.
    while first < last and pairs.get(first) == last:
        if run[first].tag in VERBATIM_ELEMENTS:
            owner = owner.partition(VERBATIM_JOIN)[0] + VERBATIM_JOIN + run[first].tag
        inner = _trim(text, run[first + 1 : last])
        if inner is None:
            return None
        ifirst, ilast, start, end = inner
        first, last = first + 1 + ifirst, first + 1 + ilast
    # Tags paired inside the unit: index of the start tag → of the end tag (run indices).
    inside = {i: j for i, j in pairs.items() if first <= i and j <= last}
    closed = set(inside.values())
    # Describe each tag: (index, compact tag, placeholder kind, start, end, close start, close end).
    described: list[tuple[int, str, str, int, int, int, int]] = []
    count: dict[str, int] = {}  # compact tag → how many tags have it
    for index in range(first, last + 1):
        token = run[index]
        kind = token.kind
        if kind == "data" or index in closed:
            continue
        close_start = close_end = -1
        tag = token.tag
        if kind == "comment":
            tag, kind = "comment", "void"
        elif kind == "opaque":
            kind = "void"
        elif kind == "start":
            if index in inside:
                close = run[inside[index]]
                kind, close_start, close_end = "pair", close.start, close.end
            else:
                kind = "void" if (tag in VOID or token.self_closing) else "open"
        else:
            kind = "close"
        tag = _PLACEHOLDER_NAMES.get(tag) or _placeholder_name(tag)
        count[tag] = count.get(tag, 0) + 1
        described.append((index, tag, kind, token.start, token.end, close_start, close_end))
    # Name them: the tag name alone when every occurrence in the unit is the
    # same source markup, else numbered in order of first occurrence.
    names = [entry[1] for entry in described]
    if len(count) < len(described):
        keys: list[str] = []
        variants_of: dict[str, list[str]] = {}
        for _, tag, kind, tag_start, tag_end, close_start, close_end in described:
            if count[tag] == 1:
                keys.append("")
                continue
            key = kind + "\0" + text[tag_start:tag_end]
            if kind == "pair":
                key += "\0" + text[close_start:close_end]
            keys.append(key)
            variants = variants_of.setdefault(tag, [])
            if key not in variants:
                variants.append(key)
        for position, (tag, key) in enumerate(zip(names, keys, strict=True)):
            variants = variants_of.get(tag, [])
            if len(variants) > 1:
                names[position] = f"{tag}{variants.index(key) + 1}"
    placeholders: dict[str, Placeholder] = {}
    markup_at: dict[int, str] = {}  # run index of a tag → its compact tag in the msgid
    for (index, _, kind, tag_start, tag_end, close_start, close_end), name in zip(
        described, names, strict=True
    ):
        if name not in placeholders:
            placeholders[name] = Placeholder(kind, tag_start, tag_end, close_start, close_end)
        if kind == "pair":
            markup_at[index] = f"<{name}>"
            markup_at[inside[index]] = f"</{name}>"
        else:
            markup_at[index] = placeholders[name].token(name)[0]
    parts: list[str] = []
    for index in range(first, last + 1):
        token = run[index]
        if token.kind != "data":
            parts.append(markup_at[index])
            continue
        data = token.data
        if index == first:
            data = data.lstrip(_ASCII_SPACE)
        if index == last:
            data = data.rstrip(_ASCII_SPACE)
        parts.append(escape_text(data) if "<" in data or "&" in data else data)
    msgid = collapse_space("".join(parts)).strip(" ")
    if not is_translatable(msgid):
        return None
    return Unit(msgid, owner, start, end, 0, placeholders=placeholders)


def _escape(text: str) -> str:
    """:func:`escape_text`, without its regular expression when there is nothing to escape."""
    return escape_text(text) if "<" in text or "&" in text else text


_PLACEHOLDER_NAMES: dict[str, str] = {}


def _placeholder_name(tag: str) -> str:
    """The compact tag name of an element: its letters, lowercased ("x" when none)."""
    name = re.sub(r"[^a-z]", "", tag.lower()) or "x"
    if len(tag) <= 32 and len(_PLACEHOLDER_NAMES) < 4096:  # the usual names, not a hostile many
        _PLACEHOLDER_NAMES[tag] = name
    return name


def walk(text: str) -> Document:
    """Segment an HTML document into units, in document order."""
    return _Walker(text, tokenize(text)).walk()


# -- reassembly ---------------------------------------------------------------


def escape_html_text(text: str) -> str:
    """Escape text for an element's content."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def escape_attribute(text: str, quote: str) -> str:
    """Escape text for an attribute value in the given quote (``""`` → add quotes)."""
    escaped = escape_html_text(text)
    if quote == "'":
        return escaped.replace("'", "&#39;")
    escaped = escaped.replace('"', "&quot;")
    return escaped if quote else f'"{escaped}"'


def render_translation(
    msgstr: str, unit: Unit, markup: Callable[[Placeholder, str], str]
) -> str | None:
    """HTML for a translation: only the unit's own tags come back as markup.

    ``markup(placeholder, which)`` gives the source markup of a tag ("open",
    "close" or "void").  Any other tag-like text is escaped.  Paired tags
    must be well nested, else None (the caller keeps the source).
    """
    pieces = translation_pieces(msgstr, unit)
    if pieces is None:
        return None
    return "".join(
        escape_html_text(unescape_text(part)) if ph is None else markup(ph, part)
        for part, ph in pieces
    )


def reassemble(
    text: str,
    units: Iterable[Unit],
    translate: Translate,
    span: tuple[int, int] | None = None,
    rejected: list[Unit] | None = None,
) -> str:
    """The source (or its ``span``) with each unit's translation spliced in.

    ``translate(unit)`` returns the translation or None (keep the source).  A
    translation whose tags do not nest like the source's is not used and the
    unit is appended to ``rejected``.
    """
    lo, hi = span if span is not None else (0, len(text))
    chosen = [u for u in units if lo <= u.start and u.end <= hi]
    attribute_edits: dict[int, tuple[int, str]] = {}
    for unit in chosen:
        if unit.is_attribute:
            target = translate(unit)
            if target is not None and target != unit.msgid:
                value = unescape_text(target)
                attribute_edits[unit.start] = (unit.end, escape_attribute(value, unit.quote))
    return splice_translations(
        text,
        (lo, hi),
        chosen,
        translate,
        lambda unit, target, markup: render_translation(target, unit, markup),
        attribute_edits,
        rejected,
    )


# -- the format ---------------------------------------------------------------

_CHARSET_RE = re.compile(rb"""<meta[^>]*?charset\s*=\s*["']?\s*([A-Za-z0-9_.:-]+)""", re.I)


def _line_at(data: bytes, offset: int) -> int:
    return data.count(b"\n", 0, offset) + 1


def decode_html(data: bytes, path: Path) -> tuple[str, str]:
    """Decode an HTML file: its declared charset, else UTF-8; else a clear error."""
    if b"\0" in data[:8192]:
        raise LocpipeError(
            "binary file, not an HTML article", path, _line_at(data, data.index(b"\0"))
        )
    encoding = "utf-8"
    declared = _CHARSET_RE.search(data[:4096])
    if declared:
        name = declared.group(1).decode("ascii", "replace")
        try:
            encoding = codecs.lookup(name).name
        except LookupError:
            raise LocpipeError(
                f"unknown charset {name!r} declared", path, _line_at(data, declared.start())
            ) from None
    try:
        return data.decode(encoding), encoding
    except UnicodeDecodeError as exc:
        hint = "" if declared else " and no charset is declared (add <meta charset=...>)"
        raise LocpipeError(
            f"not valid {encoding}{hint}: byte {data[exc.start]:#04x}",
            path,
            _line_at(data, exc.start),
        ) from None


class HtmlFormat:
    """HTML pages (:class:`~locpipe.formats.base.SourceFormat`): built as pages of the site."""

    name = "html"
    suffixes = (".html", ".htm")
    is_page = True
    keeps_format = True

    def decode(self, data: bytes, path: Path) -> tuple[str, str]:
        return decode_html(data, path)

    def walk(self, text: str, path: Path) -> Document:
        try:
            return walk(text)
        except SpanError as exc:  # never splice at guessed positions
            raise LocpipeError(
                f"cannot segment this article reliably ({exc}); please report it",
                path,
                text.count("\n", 0, exc.offset) + 1,
            ) from None

    def reassemble(
        self,
        text: str,
        document: Document,
        translate: Translate,
        span: tuple[int, int] | None = None,
        rejected: list[Unit] | None = None,
    ) -> str:
        return reassemble(text, document.units, translate, span=span, rejected=rejected)

    def output_name(self, slug: str) -> str:
        return f"{slug}.html"


FORMAT = HtmlFormat()
