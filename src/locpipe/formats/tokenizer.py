"""A fast HTML tokenizer for the common structure of an article.

:func:`scan` gives the same tokens as the reference tokenizer of
:mod:`locpipe.formats.html` (the standard library's ``html.parser`` with
``convert_charrefs=True``, fed the whole text then closed), for the markup it
is sure to read the same way: start tags with well-formed attributes, simple
end tags, comments, ``<!DOCTYPE>``, text (character references unescaped the
same way) and the content of raw-text elements (``script``, ``title``..., read
by :mod:`locpipe.formats.rawtext` as browsers read it, in both tokenizers).  A
repeated attribute is dropped: the first one wins, as in browsers.  On anything else (a
marked section, a processing instruction, a bogus comment, an odd tag, an
unterminated construct...) it returns None and the caller uses the reference
tokenizer for the whole document.

It copies the behaviour of one ``html.parser``: it is only used when the
standard library's parser is one it was checked against (:func:`verified`).
"""

from __future__ import annotations

import hashlib
import os
import re
import sys
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cache
from html import unescape

from locpipe.formats.rawtext import RAW_TEXT, RCDATA, raw_text_end

__all__ = ["Token", "first_attributes", "scan", "verified"]


@dataclass(slots=True)
class Token:
    """One token of the source with its span."""

    kind: str  # "start", "end", "data", "comment", "other"
    start: int
    end: int = -1
    tag: str = ""
    data: str = ""
    attrs: list[tuple[str, str | None]] = field(default_factory=list)
    self_closing: bool = False


# The grammar below is a strict subset of what html.parser (3.11) accepts, on
# which its regular expressions (locatestarttagend_tolerant, tagfind_tolerant,
# attrfind_tolerant, endtagfind) give one reading: attributes are separated by
# ASCII white space, names and unquoted values hold no white space (of any
# kind), quote, ``<``, ``=`` or NUL, and there is a single ``=``.  Anything
# else does not match, and the document goes to the reference tokenizer.
_WS = r"[ \t\n\r\f]"
_NAME = r"""[^\s"'<>/=\x00]+"""
_BARE = r"""[^\s"'<>=`\x00]+"""
_TAG = r"[a-zA-Z][-.:_a-zA-Z0-9]*"
_ATTR = rf"""{_WS}+{_NAME}(?:{_WS}*={_WS}*(?:"[^"]*"|'[^']*'|{_BARE}))?"""
_ATTRS_RE = re.compile(rf"""{_WS}+({_NAME})(?:{_WS}*(=){_WS}*(?:"([^"]*)"|'([^']*)'|({_BARE})))?""")
_END_RE = re.compile(rf"</({_TAG}){_WS}*>")
# Text runs to the next ``<`` that starts markup; a ``<`` followed by anything
# else (space, digit, end of text...) is text for html.parser too.
_LITERAL_LT = r"<(?![a-zA-Z/!?])"
_DATA = rf"(?:[^<]|{_LITERAL_LT})[^<]*(?:{_LITERAL_LT}[^<]*)*"
_TOKEN = rf"({_DATA})|<({_TAG})((?:{_ATTR})*){_WS}*(/?)>|</({_TAG}){_WS}*>"
#: Text (group 1), a start tag (2: name, 3: attributes, 4: "/" or ""), an end tag (5).
_TOKEN_RE = re.compile(_TOKEN)
#: The same, all in group 1 (for findall: the groups shift by one).
_PLAIN_RE = re.compile(f"({_TOKEN})")
#: Where bulk reading stops: a comment or declaration, a raw-text element (maybe).
_SPECIAL_RE = re.compile(r"<[!?]|<(?:" + "|".join(sorted(RAW_TEXT)) + ")", re.IGNORECASE)
#: Bulk reading holds the matches of a chunk at once: chunks of about this many
#: characters, cut where a tag starts (in text, a token boundary; in an
#: attribute value, the tag does not match and the scan goes token by token).
_CHUNK = 1 << 16
_TAG_START_RE = re.compile(r"<[a-zA-Z/]")
# _markupbase's comment end, and html.parser's end of raw text (set_cdata_mode).
_COMMENT_CLOSE_RE = re.compile(r"--\s*>")

#: SHA-256 of ``html/parser.py`` and ``_markupbase.py`` whose behaviour
#: :func:`scan` reproduces (checked by tests/test_tokenizer_differential.py).
_VERIFIED_SOURCES = frozenset(
    [
        # CPython 3.11.7 (and Debian's 3.11.2)
        (
            "2fc512ae95bed2746b5ba3fabb14fcebf3114ff808ce97d96214ddd613b253da",
            "cb14dd6f2e2439eb70b806cd49d19911363d424c2b6b9f4b73c9c08022d47030",
        ),
        # CPython 3.12.1 and 3.13.0: the same code, super() calls aside
        (
            "ab5a0a2fce2bec75d969dbe057b490ef574f9ac57cce9e0eaaf7a220b301e838",
            "cb14dd6f2e2439eb70b806cd49d19911363d424c2b6b9f4b73c9c08022d47030",
        ),
    ]
)


def parser_digests() -> tuple[str, ...] | None:
    """The SHA-256 of this interpreter's ``html/parser.py`` and ``_markupbase.py``
    (what :data:`_VERIFIED_SOURCES` lists), or None when they cannot be read."""
    import _markupbase
    import html.parser

    try:
        return tuple(
            hashlib.sha256(_read_bytes(module.__file__)).hexdigest()
            for module in (html.parser, _markupbase)
        )
    except (OSError, TypeError, AttributeError):
        return None


@cache
def verified() -> bool:
    """True when the standard library's html.parser is one :func:`scan` was checked against.

    Later releases changed how html.parser reads comments, raw text and
    attribute values; with an unknown parser every document goes to it.
    With ``LOCPIPE_DEBUG`` set, says on stderr which path runs;
    ``LOCPIPE_TOKENIZER_UNCHECKED=1`` forces the fast path, to run the
    differential test on a new interpreter before listing its digests.
    """
    digests = parser_digests()
    ok = digests is not None and digests in _VERIFIED_SOURCES
    ok = ok or os.environ.get("LOCPIPE_TOKENIZER_UNCHECKED") == "1"
    if os.environ.get("LOCPIPE_DEBUG"):
        path = "fast regex path" if ok else f"html.parser only (digests {digests} not listed)"
        print(f"locpipe: debug: HTML tokenizer: {path}", file=sys.stderr)
    return ok


def _read_bytes(path: str | None) -> bytes:
    if path is None:
        raise TypeError("no source file")
    with open(path, "rb") as file:
        return file.read()


def scan(text: str) -> list[Token] | None:
    """The tokens of ``text``, or None when it holds markup this scanner leaves to html.parser."""
    tokens: list[Token] = []
    n = len(text)
    pos = 0
    special = -1  # where the next comment, declaration or raw-text element starts (n: none)
    while pos < n:
        # Plain markup (text, tags) up to the next special is read in bulk, a
        # chunk at a time; the specials one at a time.
        if special < pos:
            found = _SPECIAL_RE.search(text, pos)
            special = n if found is None else found.start()
        stop = special
        if pos < stop:
            if stop - pos > _CHUNK:
                found = _TAG_START_RE.search(text, pos + _CHUNK, stop)
                if found is not None:
                    stop = found.start()
            if _scan_plain(text, pos, stop, tokens):
                pos = stop
                continue
            stop = n  # something odd in there: token by token from here
        else:
            stop = pos + 1
        pos = _scan_tokens(text, pos, stop, tokens)
        if pos < 0:
            return None
    return tokens


def _scan_plain(text: str, pos: int, stop: int, tokens: list[Token]) -> bool:
    """Append the tokens of ``text[pos:stop]``, text and tags alone; False (and none) if not."""
    append = tokens.append
    mark = len(tokens)
    for whole, data, name, raw_attrs, slash, end_name in _PLAIN_RE.findall(text, pos, stop):
        end = pos + len(whole)
        if data:
            append(Token("data", pos, end, "", unescape(data) if "&" in data else data))
        elif end_name:
            append(Token("end", pos, end, end_name.lower()))
        else:
            tag = name.lower()
            self_closing = slash == "/"
            if tag in RAW_TEXT:
                break  # raw text follows: not here
            attrs = _attributes(raw_attrs) if raw_attrs else []
            append(Token("start", pos, end, tag, "", attrs, self_closing))
        pos = end
    if pos != stop:  # findall skipped what it could not read
        del tokens[mark:]
        return False
    return True


def _scan_tokens(text: str, pos: int, stop: int, tokens: list[Token]) -> int:
    """Append the tokens from ``pos`` on, until one ends at or after ``stop``: where it ends.

    -1 when the text holds markup left to html.parser.
    """
    append = tokens.append
    match = _TOKEN_RE.match
    while pos < stop:
        m = match(text, pos)
        if m is None:
            end = _markup_declaration(text, pos, append)
            if end < 0:
                return -1
            pos = end
            continue
        end = m.end()
        last = m.lastindex
        if last == 1:
            data = m.group(1)
            append(Token("data", pos, end, "", unescape(data) if "&" in data else data))
        elif last == 5:
            append(Token("end", pos, end, m.group(5).lower()))
        else:
            tag = m.group(2).lower()
            raw_attrs = m.group(3)
            attrs = _attributes(raw_attrs) if raw_attrs else []
            self_closing = m.group(4) == "/"
            if tag in RAW_TEXT:  # "<script/>" opens a script all the same
                append(Token("start", pos, end, tag, "", attrs, False))
                end = _raw_text(text, tag, end, append)
            else:
                append(Token("start", pos, end, tag, "", attrs, self_closing))
        pos = end
    return pos


def _raw_text(text: str, tag: str, pos: int, append: Callable[[Token], None]) -> int:
    """Append the content and end tag of the raw-text element ``tag`` opened before ``pos``."""
    content_end, tag_end = raw_text_end(text, tag, pos)
    if content_end > pos:
        data = text[pos:content_end]
        if tag in RCDATA and "&" in data:
            data = unescape(data)
        append(Token("data", pos, content_end, "", data))
    if tag_end > content_end:
        append(Token("end", content_end, tag_end, tag))
    return tag_end


def _attributes(raw: str) -> list[tuple[str, str | None]]:
    """A start tag's attributes as html.parser gives them (lowercased names, unescaped
    values), the first of each name only."""
    attrs: list[tuple[str, str | None]] = []
    for name, equals, double, single, bare in _ATTRS_RE.findall(raw):
        value: str | None = None
        if equals:
            value = double or single or bare
            if "&" in value:
                value = unescape(value)
        attrs.append((name.lower(), value))
    return first_attributes(attrs)


def first_attributes(attrs: list[tuple[str, str | None]]) -> list[tuple[str, str | None]]:
    """The attributes without repeated names: the first one wins, as in the HTML spec."""
    if len(attrs) < 2:
        return attrs
    seen: set[str] = set()
    first = []
    for name, value in attrs:
        if name not in seen:
            seen.add(name)
            first.append((name, value))
    return first


def _markup_declaration(text: str, pos: int, append: Callable[[Token], None]) -> int:
    """A comment or ``<!DOCTYPE>`` at ``pos``: append its token, return its end (-1: other)."""
    if text.startswith("<!--", pos):
        m = _COMMENT_CLOSE_RE.search(text, pos + 4)
        if m is None:
            return -1
        append(Token("comment", pos, m.end()))
        return m.end()
    if text[pos : pos + 9].lower() == "<!doctype":
        close = text.find(">", pos + 9)
        if close < 0:
            return -1
        append(Token("other", pos, close + 1))
        return close + 1
    return -1
