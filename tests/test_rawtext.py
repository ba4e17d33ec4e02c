"""The end of raw text (:mod:`locpipe.formats.rawtext`) against html5lib, a
spec-compliant parser: for every raw-text element, generated content ends
where a browser ends it, and what follows the end tag is what a browser
reads after it."""

from __future__ import annotations

import html5lib
import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from locpipe.formats.rawtext import RAW_TEXT, RCDATA, raw_text_end

PIECES = st.sampled_from(
    ["<!--", "-->", "--", "-", "<script>", "<script ", "<script/", "<SCRIPT\t", "</script>"]
    + ["</SCRIPT >", "</script/>", "</script x='>'>", "</scriptx>", "<", "/", "x", "<!-"]
    + ["</ script>", "<!-->", "<!--->", ">", "'", '"', "=", '</script =">">', "&amp;"]
    + ['</script a="b>c">', '</script a/="b>c">', "</script\n>", "</script\f>"]
    + ["</style>", "</STYLE >", "</title>", "</textarea\t>", "</xmp>", "</iframe>"]
    + ["</noembed>", "</noframes>", "</noscript>", "</plaintext>", "</stylex>", "<p>"]
)
NAMES = sorted(RAW_TEXT)
#: Where a browser allows each element (the tree builder must not move it).
HEAD_ONLY = {"title", "noframes", "style"}


def parse(html: str):
    return html5lib.parse(html, namespaceHTMLElements=False, scripting=True)


def content_and_rest(name: str, content: str) -> tuple[str, str]:
    """The element's text as html5lib reads it, and the text of what comes after."""
    where = "head" if name in HEAD_ONLY else "body"
    html = (
        "<!DOCTYPE html><html><head></head><body>"
        if where == "body"
        else "<!DOCTYPE html><html><head>"
    )
    html += f"<{name}>{content}<p>Tail</p>"
    tree = parse(html)
    element = tree.find(f".//{name}")
    assert element is not None
    return element.text or "", html


@pytest.mark.slow
@settings(max_examples=600, deadline=None)
@given(st.sampled_from(NAMES), st.lists(PIECES, max_size=10).map("".join))
@example("script", "<!-- document.write('<script src=\"c.js\"></script>'); //--></script>")
@example("script", 'var s="</ script>"; </script>')
@example("script", "<!--<script>x</script>--></script>")
@example("script", "<!--<script>x</script></script>")
@example("title", "a &amp; <b>b</b></title>")
def test_raw_text_ends_where_html5lib_ends_it(name: str, content: str):
    expected, html = content_and_rest(name, content)
    start = html.index(f"<{name}>") + len(name) + 2
    content_end, tag_end = raw_text_end(html, name, start)
    got = html[start:content_end]
    if name in RCDATA:
        from html import unescape

        got = unescape(got)
    assert got == expected.replace("\r\n", "\n")
    # What follows the end tag reads as the same text in a browser.
    if tag_end < len(html):
        prefix = html[: html.index(f"<{name}>")]
        after = parse(prefix + html[tag_end:])
        whole = parse(html)
        body_text = "".join(whole.find(".//body").itertext())
        assert body_text.endswith("".join(after.find(".//body").itertext()))
    else:
        assert content_end == tag_end == len(html)


@pytest.mark.parametrize(
    ("name", "content", "ends"),
    [
        ("script", "a</script>b", "a"),
        ("script", "a</SCRIPT>b", "a"),
        ("script", "a</script >b", "a"),
        ("script", "a</script\n>b", "a"),
        ("script", 'a</script x=">">b', "a"),
        ("script", "a</ script>b</script>", "a</ script>b"),
        ("script", "<!-- <script>x</script> --></script>", "<!-- <script>x</script> -->"),
        ("script", "<!-- x </script> -->", "<!-- x "),
        ("style", "p{}</style>", "p{}"),
        ("plaintext", "</plaintext><p>x</p>", "</plaintext><p>x</p>"),
    ],
)
def test_known_ends(name: str, content: str, ends: str):
    html = f"<{name}>{content}"
    start = len(name) + 2
    content_end, _ = raw_text_end(html, name, start)
    assert html[start:content_end] == ends
