"""Differential tests of the fast HTML path: :func:`locpipe.formats.tokenizer.scan`
against html.parser (:func:`~locpipe.formats.html.tokenize_reference`; raw text
is read by :mod:`locpipe.formats.rawtext` in both, checked against html5lib in
tests/test_rawtext.py), and
:func:`~locpipe.formats.html.walk` against a frozen copy of the walker as it was
before its speed-up (below), on the sample site and on generated HTML with
nasty fragments.  Both must agree exactly: same tokens, same units.

(When the walker's output changes on purpose, change the frozen copy the
same way.)
"""

from __future__ import annotations

import os
import re
from bisect import bisect_right
from pathlib import Path

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from locpipe.formats import tokenizer
from locpipe.formats.html import (
    _ASCII_SPACE,
    _ATTR_RE,
    _KNOWN_BLOCKS,
    _TAGNAME_RE,
    INLINE,
    META_UNITS,
    OPAQUE_INLINE,
    SKIP_BLOCK,
    TRANSLATABLE_ATTRIBUTES,
    VOID,
    Document,
    SpanError,
    Token,
    tokenize,
    tokenize_reference,
    walk,
)
from locpipe.formats.rawtext import RAW_TEXT
from locpipe.units import (
    VERBATIM_ELEMENTS,
    Placeholder,
    Unit,
    collapse_space,
    escape_text,
    has_letter,
    is_translatable,
    plain_text,
)

ROOT = Path(__file__).resolve().parents[1]
SAMPLES = sorted(
    path
    for folder in ("source_articles", "templates")
    for path in (ROOT / folder).rglob("*")
    if path.suffix in (".html", ".htm")
)
fast_path = pytest.mark.skipif(
    not tokenizer.verified(),
    reason=f"html.parser is not one that scan() was checked against: {tokenizer.parser_digests()}",
)


def test_this_interpreter_runs_the_fast_path() -> None:
    """After a Python upgrade, say what to add: run this module with the new
    html.parser, and when every test passes, list its digests in _VERIFIED_SOURCES."""
    if tokenizer.verified():
        return
    message = (
        "html.parser differs from every one scan() was checked against; run "
        "tests/test_tokenizer_differential.py with LOCPIPE_TOKENIZER_UNCHECKED=1 and, if it "
        f"passes, add {tokenizer.parser_digests()} to tokenizer._VERIFIED_SOURCES"
    )
    if os.environ.get("CI") == "true":
        pytest.fail(message)
    pytest.skip(message)


def rows(tokens: list[Token]) -> list[tuple]:
    """Tokens as plain tuples (readable diffs)."""
    return [(t.kind, t.start, t.end, t.tag, t.data, t.attrs, t.self_closing) for t in tokens]


def outcome(walker, text: str):
    """Everything a walk gives, or the error it raises."""
    try:
        doc = walker(text)
    except Exception as error:  # compared, not hidden
        return type(error).__name__, str(error), getattr(error, "offset", None)
    units = [
        (
            u.msgid,
            u.element,
            u.start,
            u.end,
            u.line,
            u.is_attribute,
            u.quote,
            list(u.placeholders.items()),
        )
        for u in doc.units
    ]
    return units, doc.lang, doc.body, doc.meta


def checked(tokenize_text, text: str):
    """The tokens, as rows, or "SpanError"."""
    try:
        tokens = tokenize_text(text)
        _check_spans_before(text, tokens)
    except SpanError:
        return "SpanError"
    return rows(tokens)


def assert_same(text: str) -> bool:
    """scan() gives html.parser's tokens (when it reads the text) and walk() the units the
    walker gave before; True when scan() read the text."""
    reference = tokenize_reference(text)
    fast = tokenizer.scan(text) if tokenizer.verified() else None
    if fast is not None:
        assert rows(fast) == rows(reference)
    assert checked(tokenize, text) == checked(tokenize_reference, text)
    assert outcome(walk, text) == outcome(walk_before, text)
    return fast is not None


# -- the sample site ----------------------------------------------------------


@fast_path
@pytest.mark.parametrize("path", SAMPLES, ids=lambda p: p.name)
def test_sample_pages_take_the_fast_path_with_html_parsers_tokens(path: Path):
    text = path.read_text(encoding="utf-8")
    assert assert_same(text)
    saved, tokenizer._CHUNK = tokenizer._CHUNK, 16  # bulk reading cut in many chunks
    try:
        assert assert_same(text)
    finally:
        tokenizer._CHUNK = saved


def test_there_are_sample_pages():
    assert len(SAMPLES) >= 5


# -- nasty fragments ----------------------------------------------------------

#: (HTML, whether scan() reads it rather than leaving it to html.parser)
NASTY = [
    ("<p>a<![foo</p>", False),
    ("<p>Uno</p><![ x ><p>Due</p>", False),
    ("<![CDATA[x]]><p>a</p>", False),
    ("<!x><p>a</p>", False),
    ("<?pi x?><p>a</p>", False),
    ("<p>a</ x>b</p>", False),
    ("<p>a</>b</p>", False),
    ("<p>a</p foo>b", False),
    ("<p>a</3>b", False),
    ("<a b='c' d=e f>x</a>", True),
    ("<a b= c>x</a>", True),
    ("<a b==c>x</a>", False),
    ("<a =b>x</a>", False),
    ("<a b='c'd=e>x</a>", False),
    ("<a\x0bb>x</a>", False),
    ("<a b\xa0c>x</a>", False),
    ("<a/b>x</a>", False),
    ("<a href=x/>y</a>", True),
    ("<a href='x'/>y", True),
    ("<br/><br /><br>", True),
    ("<br / >", False),
    ("<p", False),
    ("<p class='x", False),
    ("<p>&amp</p>", True),
    ("<p>&amp &#x41; &#65 &#65; &notanentity; &copy=2 AT&T &eacute &; &#x; &#</p>", True),
    ("tail &amp", True),
    ("tail &ampx", True),
    ('<img alt="Una &amp; foto" title=&lt;x&gt;>', True),
    ('<a href="?a=1&copy=2&amp;b">x</a>', True),
    ("<!-- unterminated", False),
    ("<!-- a -- b --><p>x</p>", True),
    ("<!-- a --!><p>x</p>-->", True),
    ("<!-- a -- ><p>x</p>", True),
    ("<!----><p>x</p>", True),
    ("<!-->x<!-- y -->", True),
    ("<!--->x", False),
    ("<!DOCTYPE html><p>x", True),
    ("<!doctype html", False),
    ("<script>if (a </scr b) x = '</div>';</script><p>y</p>", True),
    ("<script><!-- x --></script>", True),
    ("<SCRIPT>a</Script >b", True),
    ("<script>a</script\n>b", True),
    ("<script>x", True),  # raw text runs to the end (html.parser dropped it)
    ("<script>x</ script>y</script>", True),
    ("<script>x</scriptx>y</script>", True),
    ("<script/>a<p>b</p>", True),
    ("<style>p > a { color: red }</style><p>x</p>", True),
    ("<style>&amp;</style>", True),
    ("<textarea><p>x</p></textarea>", True),
    ("<textarea>a &amp; b</textarea>", True),
    ("<script><!-- document.write('<script>x</script>'); <p>y</p> --></script><p>z</p>", True),
    ("<script><!-- <script>x</script> </script><p>y</p>", True),
    ("<script><!-- x </script><p>y</p>", True),
    ('<script>var s = "</ script>"; </script >', True),
    ("<script>a</script x='>'>b", True),
    ("<SCRIPT>a</SCRIPT/>b", True),
    ("<xmp><p>a</p></xmp><p>b</p>", True),
    ("<iframe><p>a</p></iframe>", True),
    ("<noembed><p>a</p></noembed><noframes><p>b</p></noframes>", True),
    ("<noscript><p>a</p></noscript>", True),
    ("<plaintext><p>a</p></plaintext>", True),
    ("<title/>a</title>", True),
    ('<img alt="Visibile" alt="Nascosto">', True),
    ("<title>a <b>c</b> &amp; d</title>", True),
    ("<P CLASS=X>Uno</P>", True),
    ("<p>x</p\n>", True),
    ('<a title="x" title="y">z</a>', True),
    ("<input disabled><select><option>a</select>", True),
    ("a\r\nb\rc<p>d\r\n</p>", True),
    ("a\x00b", True),
    ("a<p\x00>b", False),
    ("città 日本 😀 <p>é</p>", True),
    ("x < y <3 <= z <\n w", True),
    ("<p>a <</p>", True),
    ("<", True),
    ("a<", True),
    ("<é>", True),
    ("<p>a</p></x-y></svg:rect><a.b>c</a.b>", True),
    ("<div translate=no>a</div><p class='notranslate x'>b</p><p>c</p>", True),
    ("<html lang=it lang=en><body>x</body></html>", True),
    (
        '<meta name="Description" content="Una &amp; due"><meta property="og:title" content="T">',
        True,
    ),
    (
        "<p>A <b>x</b> <b>x</b> <b class=y>z</b> <br><br/> <!-- c --> <span translate=no>n</span></p>",
        True,
    ),
]


@pytest.mark.parametrize(("html", "fast"), NASTY)
def test_nasty_fragments_read_as_html_parser_reads_them(html: str, fast: bool):
    read = assert_same(html)
    if tokenizer.verified():
        assert read == fast, "scan() should " + ("read" if fast else "leave") + " this"
    assert_same(f"<html><body><p>Uno {html} due</p>\n<p>Tre</p></body></html>")


# -- generated HTML -----------------------------------------------------------

TEXTS = st.sampled_from(
    [
        "Il DNS",
        "città",
        " ",
        "  ",
        "\n",
        "\n    ",
        "\r\n",
        "\r",
        "\t",
        "\f",
        "\x0b",
        "\xa0",
        "\u2028",
        "\x00",
        "日本語",
        "😀",
        "x < y",
        "a<3",
        "1 <= 2",
        "<",
        "&",
        "&amp;",
        "&amp",
        "&lt;",
        "&#x41;",
        "&#65",
        "&#",
        "&#x;",
        "&notanentity;",
        "&copy=2",
        "&eacute",
        "AT&T",
        "5 €",
    ]
)
NAMES = st.sampled_from(
    ["p", "P", "a", "B", "span", "div", "li", "h2", "td", "br", "img", "meta", "html", "body"]
    + ["title", "textarea", "script", "style", "SCRIPT", "pre", "code", "abbr", "template"]
    + ["x-y", "svg:rect", "a.b", "a1", "é", "iframe", "xmp", "noscript", "head", "em"]
)
ATTRIBUTE_NAMES = st.sampled_from(
    ["href", "HREF", "title", "alt", "class", "lang", "translate", "content", "name"]
    + ["property", "data-x", "@click", ":p", "é", 'a"b', "=x", "aria-label", "placeholder"]
)
VALUES = st.sampled_from(
    ["", "=v", '="v"', "='v'", ' = "a b"', "=", "==v", '="a>b"', "='a\"b'", "=a&amp;b"]
    + ['="&amp; &lt;x&gt; &copy=1"', "=foo/", '="x\ny"', '="notranslate"', "=no", "=é"]
    + ['="  Titolo  lungo  "', '="', "='", "=a<b", "=`x`", '="description"']
)
SEPARATORS = st.sampled_from([" ", " ", "\n", "  ", "\t", "", "/", "\x0b", "\xa0", " / "])
TAG_ENDS = st.sampled_from([">", ">", ">", "/>", " />", "/ >", " >", "", "\n>"])
END_TAGS = st.sampled_from(
    ["</p>", "</P >", "</ p>", "</>", "</p foo>", "</3>", "</p", "</a\n>", "</b\x0b>"]
    + ["</script>", "</style>", "</div>", "</span>", "</a>", "</title>", "</body>", "</x-y>"]
)
OTHERS = st.sampled_from(
    ["<!-- x -->", "<!---->", "<!-->", "<!--->", "<!-- a -- b -->", "<!-- x --!>"]
    + ["<!-- x -- >", "<!--", "<!-- <p>x</p> -->", "<!DOCTYPE html>", "<!doctype html"]
    + ["<!x>", "<!>", "<![CDATA[x]]>", "<![foo", "<![if !IE]>", "<?pi x?>", "<?pi", "<!"]
)
RAW_CONTENT = st.sampled_from(
    ["", "var a = '</scr';", "if (a < b) x();", "'</div>'", "<!-- x", "</script x>"]
    + ["</ script>", "&amp;", "</scriptx>", "p > a {}", "</style>", "</STYLE>", "<!--"]
    + ["-->", "<script>", "<script ", "</script>", "<p>Ciao</p>", "</title>", "</xmp>"]
)
RAW_ENDS = st.sampled_from(
    ["</script>", "</SCRIPT >", "</script\n>", "", "</scr", "</style>", "</script/>"]
    + ["</title>", "</textarea x='>'>", "</xmp>", "</iframe>", "</plaintext>", "</noscript>"]
)


@st.composite
def start_tags(draw) -> str:
    attributes = "".join(
        draw(SEPARATORS) + draw(ATTRIBUTE_NAMES) + draw(VALUES)
        for _ in range(draw(st.integers(0, 3)))
    )
    return f"<{draw(NAMES)}{attributes}{draw(TAG_ENDS)}"


@st.composite
def raw_text(draw) -> str:
    tag = draw(
        st.sampled_from(["script", "style", "SCRIPT", "title", "textarea", "xmp", "iframe"])
        | st.sampled_from(["noembed", "noframes", "noscript", "plaintext", "Title"])
    )
    return f"<{tag}>{draw(RAW_CONTENT)}{draw(RAW_CONTENT)}{draw(RAW_ENDS)}"


VALUE_TEXT = st.text(alphabet="aZ09 \t\n\xa0\u3000&;#x<>=/'\"`é-", max_size=8)
SPACES = st.sampled_from([" ", "\n", "\t", "\r", "\f", "  ", "\r\n"])
AROUND_EQUALS = st.sampled_from(["", "", " ", "\n", "\xa0"])


@st.composite
def attributes(draw) -> str:
    """Mostly well-formed attributes, with random values (and the odd slip)."""
    name = draw(st.one_of(ATTRIBUTE_NAMES, st.text(alphabet="aZé-:@._", min_size=1, max_size=4)))
    form = draw(st.sampled_from(["none", "double", "single", "bare"]))
    if form == "none":
        return name
    value = draw(VALUE_TEXT)
    quote = {"double": '"', "single": "'", "bare": ""}[form]
    return f"{name}{draw(AROUND_EQUALS)}={draw(AROUND_EQUALS)}{quote}{value}{quote}"


@st.composite
def tags(draw) -> str:
    """A start tag with such attributes."""
    parts = "".join(draw(SPACES) + draw(attributes()) for _ in range(draw(st.integers(0, 4))))
    ending = draw(st.sampled_from([">", "/>", " />", "\n>", "  >"]))
    return f"<{draw(NAMES)}{parts}{ending}"


FRAGMENTS = st.one_of(
    TEXTS, TEXTS, start_tags(), tags(), END_TAGS, OTHERS, raw_text(), st.text(max_size=5)
)
SOUP = st.text(alphabet="<>/!-?='\" abpAB&;#x\n\r\t\x00é", max_size=40)


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(FRAGMENTS, max_size=30).map("".join))
@example("<p>Uno <b>x</b> <i title='T'>y</i></p><p>Due</p>")
def test_generated_html_reads_as_html_parser_reads_it(html: str):
    assert_same(html)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.one_of(tags(), TEXTS, END_TAGS), max_size=20).map("".join))
def test_generated_tags_read_as_html_parser_reads_them(html: str):
    assert_same(html)


@fast_path
@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    st.lists(st.one_of(tags(), TEXTS, END_TAGS, OTHERS, raw_text()), max_size=20).map("".join),
    st.integers(1, 40),
)
def test_reading_in_small_chunks_gives_the_same_tokens(html: str, chunk: int):
    whole = tokenizer.scan(html)
    saved, tokenizer._CHUNK = tokenizer._CHUNK, chunk
    try:
        chunked = tokenizer.scan(html)
        assert_same(html)
    finally:
        tokenizer._CHUNK = saved
    assert (chunked is None) == (whole is None)
    if chunked is not None and whole is not None:
        assert rows(chunked) == rows(whole)


@settings(max_examples=400, deadline=None)
@given(SOUP)
def test_character_soup_reads_as_html_parser_reads_it(html: str):
    assert_same(html)
    assert_same(f"<p>{html}</p> <b>{html}</b>")


@given(st.text(alphabet=" \t\n\r\f\x0b\xa0a\u2028", max_size=30))
def test_collapse_space_is_the_regular_expression_it_replaced(text: str):
    assert collapse_space(text) == re.sub(r"[ \t\n\r\f]+", " ", text)


MSGID_PIECES = st.sampled_from(
    ["<b>", "</b>", "<a1>", "</a1>", "<br/>", "<x>", "&lt;", "&amp;", "&", "<", ">", "/"]
    + ["x", "é", "日", "1", "_", " ", ".", "lt;", "amp;", "<3", "&lt;b&gt;", "\u2028"]
)


@given(st.lists(MSGID_PIECES, max_size=8).map("".join))
def test_is_translatable_is_a_letter_in_the_plain_text(msgid: str):
    assert is_translatable(msgid) == has_letter(plain_text(msgid))


def test_an_unknown_html_parser_gets_every_document(monkeypatch):
    text = "<p>Uno <b>due</b></p>"
    monkeypatch.setattr(tokenizer, "_VERIFIED_SOURCES", frozenset())
    tokenizer.verified.cache_clear()
    try:
        assert not tokenizer.verified()
        assert rows(tokenize(text)) == rows(tokenize_reference(text))
        assert outcome(walk, text) == outcome(walk_before, text)
    finally:
        monkeypatch.undo()
        tokenizer.verified.cache_clear()


# -- the walker as it was (frozen copy) -------------------------------------
# locpipe.formats.html's walker before its speed-up, verbatim but for the names
# (_check_spans_before, _WalkerBefore, walk_before): the oracle for walk().


def _check_spans_before(text: str, tokens: list[Token]) -> None:
    """Every span lies in the text, in order, without overlap; markup starts where it should."""
    pos = 0
    for token in tokens:
        if not pos <= token.start <= token.end <= len(text):
            raise SpanError(
                f"{token.kind} token at {token.start}-{token.end} is out of place", token.start
            )
        head = text[token.start : token.start + 2]
        if token.kind == "start":
            fits = head[:1] == "<" and head[1:].isascii() and head[1:].isalpha()
        elif token.kind == "end":
            fits = head == "</"
        else:
            fits = token.kind == "data" or head[:1] == "<"
        if not fits:
            raise SpanError(f"{token.kind} token at {token.start} starts at {head!r}", token.start)
        pos = token.end


def _is_skipped(token: Token) -> bool:
    """True for an element whose content must not be translated."""
    for name, value in token.attrs:
        if name == "translate" and (value or "").strip().lower() == "no":
            return True
        if name == "class" and "notranslate" in (value or "").split():
            return True
    return token.tag in OPAQUE_INLINE or token.tag in SKIP_BLOCK


def _is_inline(tag: str) -> bool:
    return tag in INLINE or tag in OPAQUE_INLINE or _is_unknown(tag)


def _is_unknown(tag: str) -> bool:
    return tag not in _KNOWN_BLOCKS and tag not in INLINE and tag not in OPAQUE_INLINE


class _WalkerBefore:
    """Second pass: cut the token stream into units."""

    def __init__(self, text: str, tokens: list[Token]):
        self.text = text
        self.tokens = tokens
        self.units: list[Unit] = []
        self.stack: list[str] = []
        self.run: list[Token] = []
        self.lang: str | None = None
        self.meta: dict[str, str] = {}
        self.body_start: int | None = None
        self.body_end: int | None = None
        self.line_starts = [0] + [m.end() for m in re.finditer("\n", text)]

    def line_of(self, offset: int) -> int:
        return bisect_right(self.line_starts, offset)

    # -- the pass ---------------------------------------------------------
    def walk(self) -> Document:
        tokens = self.tokens
        i = 0
        while i < len(tokens):
            token = tokens[i]
            if token.kind == "start" and _is_skipped(token):
                i = self.skip(i)
                continue
            self.visit(token)
            i += 1
        self.flush()
        self.units.sort(key=lambda u: u.start)
        body = (
            self.body_start if self.body_start is not None else 0,
            self.body_end if self.body_end is not None else len(self.text),
        )
        return Document(self.units, self.lang, body, self.meta)

    def visit(self, token: Token) -> None:
        kind = token.kind
        if kind == "data" or kind == "comment":
            self.run.append(token)
        elif kind == "start":
            self.attribute_units(token)
            tag = token.tag
            if tag == "html" and self.lang is None:
                self.lang = dict(token.attrs).get("lang") or None
            if _is_inline(tag):
                self.run.append(token)
                return
            self.flush()
            if tag == "body" and self.body_start is None:
                self.body_start = token.end
            if tag not in VOID and not token.self_closing:
                self.stack.append(tag)
        elif kind == "end":
            if _is_inline(token.tag):
                self.run.append(token)
                return
            self.flush()
            if token.tag == "body" and self.body_end is None:
                self.body_end = token.start
            if token.tag in self.stack:
                while self.stack.pop() != token.tag:
                    pass
        else:
            self.flush()

    def skip(self, i: int) -> int:
        """Pass over a skipped element; an inline one becomes a void tag in the run."""
        tokens = self.tokens
        root = tokens[i]
        inline = _is_inline(root.tag)
        if not inline:
            self.flush()
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
        last = tokens[j - 1]
        if root.tag in RAW_TEXT and not (last.kind == "end" and last.tag == root.tag):
            self.flush()  # raw text to the end: nothing may follow it in a unit
        elif inline:
            self.run.append(Token("opaque", root.start, end, tag=root.tag))
        return j

    # -- attributes -------------------------------------------------------
    def attribute_units(self, token: Token) -> None:
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
        for name, (value_start, value_end, quote) in _attribute_spans(self.text, token).items():
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
                    line=self.line_of(value_start),
                    is_attribute=True,
                    quote=quote,
                )
            )

    # -- runs -------------------------------------------------------------
    def flush(self) -> None:
        run = self.run
        if not run:
            return
        self.run = []
        owner = self.stack[-1] if self.stack else "html"
        unit = _unit_from_run(self.text, run, owner)
        if unit is not None:
            unit.line = self.line_of(unit.start)
            self.units.append(unit)


def _attribute_spans(text: str, token: Token) -> dict[str, tuple[int, int, str]]:
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
    if list(dict.fromkeys(found)) != [name for name, _ in token.attrs]:  # first one wins
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
    if not any(t.kind == "data" and not t.data.isspace() for t in run):
        return None
    trimmed = _trim(text, run)
    if trimmed is None:
        return None
    first, last, start, end = trimmed
    pairs = _pairs(run)
    # A tag that encloses the whole unit stays in the source (code: ``td > code``).
    while first < last and pairs.get(first) == last:
        if run[first].tag in VERBATIM_ELEMENTS:
            owner = owner.partition(" > ")[0] + " > " + run[first].tag
        inner = _trim(text, run[first + 1 : last])
        if inner is None:
            return None
        ifirst, ilast, start, end = inner
        first, last = first + 1 + ifirst, first + 1 + ilast
    tokens = run[first : last + 1]
    local_pairs = {i - first: j - first for i, j in pairs.items() if first <= i and j <= last}
    closed = set(local_pairs.values())
    # Describe each tag, then name them: the tag name alone when every
    # occurrence in the unit is the same source markup, else numbered.
    described: list[tuple[int, str, Placeholder, str]] = []  # (index, tag, placeholder, key)
    for index, token in enumerate(tokens):
        if token.kind == "data" or index in closed:
            continue
        if token.kind == "comment":
            tag, ph = "comment", Placeholder("void", token.start, token.end)
        elif token.kind == "opaque":
            tag, ph = token.tag, Placeholder("void", token.start, token.end)
        elif token.kind == "start" and index in local_pairs:
            close = tokens[local_pairs[index]]
            tag = token.tag
            ph = Placeholder("pair", token.start, token.end, close.start, close.end)
        elif token.kind == "start":
            kind = "void" if (token.tag in VOID or token.self_closing) else "open"
            tag, ph = token.tag, Placeholder(kind, token.start, token.end)
        else:
            tag, ph = token.tag, Placeholder("close", token.start, token.end)
        tag = re.sub(r"[^a-z]", "", tag.lower()) or "x"
        key = ph.kind + "\0" + _raw_of(text, ph)
        described.append((index, tag, ph, key))
    keys_by_tag: dict[str, list[str]] = {}
    for _, tag, _, key in described:
        keys_by_tag.setdefault(tag, [])
        if key not in keys_by_tag[tag]:
            keys_by_tag[tag].append(key)
    placeholders: dict[str, Placeholder] = {}
    names_at: dict[int, str] = {}
    for index, tag, ph, key in described:
        variants = keys_by_tag[tag]
        name = tag if len(variants) == 1 else f"{tag}{variants.index(key) + 1}"
        placeholders.setdefault(name, ph)
        names_at[index] = name
        if ph.kind == "pair":
            names_at[local_pairs[index]] = name
    parts: list[str] = []
    for index, token in enumerate(tokens):
        if token.kind == "data":
            data = token.data
            if index == 0:
                data = data.lstrip(_ASCII_SPACE)
            if index == len(tokens) - 1:
                data = data.rstrip(_ASCII_SPACE)
            parts.append(escape_text(data))
            continue
        name = names_at[index]
        ph = placeholders[name]
        if ph.kind == "pair":
            parts.append(f"</{name}>" if index in closed else f"<{name}>")
        else:
            parts.append(ph.token(name)[0])
    msgid = collapse_space("".join(parts)).strip(" ")
    if not is_translatable(msgid):
        return None
    return Unit(msgid, owner, start, end, 0, placeholders=placeholders)


def _raw_of(text: str, ph: Placeholder) -> str:
    raw = text[ph.start : ph.end]
    if ph.kind == "pair":
        raw += "\0" + text[ph.close_start : ph.close_end]
    return raw


def walk_before(text: str) -> Document:
    """The walk as it was: html.parser's tokens, checked, cut by the walker above."""
    tokens = tokenize_reference(text)
    _check_spans_before(text, tokens)
    return _WalkerBefore(text, tokens).walk()
