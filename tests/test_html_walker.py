"""Segmentation rules of the HTML walker, and splicing translations back."""

from __future__ import annotations

from pathlib import Path

import pytest

from locpipe.formats.html import reassemble, walk

SAMPLES = Path(__file__).resolve().parents[1] / "source_articles"


def msgids(html: str) -> list[str]:
    return [u.msgid for u in walk(html).units]


def elements(html: str) -> list[tuple[str, str]]:
    return [(u.element, u.msgid) for u in walk(html).units]


def translated(html: str, table: dict[str, str]) -> str:
    return reassemble(html, walk(html).units, lambda u: table.get(u.msgid))


def test_block_elements_are_units_in_document_order():
    html = (
        "<html><head><title>Titolo</title></head><body><h1>Domanda?</h1>"
        "<p>Primo.</p><h2>1. Sezione</h2><blockquote>Citazione</blockquote>"
        "<dl><dt>Termine</dt><dd>Definizione</dd></dl></body></html>"
    )
    assert elements(html) == [
        ("title", "Titolo"),
        ("h1", "Domanda?"),
        ("p", "Primo."),
        ("h2", "1. Sezione"),
        ("blockquote", "Citazione"),
        ("dt", "Termine"),
        ("dd", "Definizione"),
    ]


def test_nested_inline_tags_stay_in_the_unit_without_attributes():
    html = '<p>Il <strong>DNS <em>risolve</em></strong> i <a href="https://x.org/?a=1&amp;b=2" class="ext">nomi</a>.</p>'
    assert msgids(html) == ["Il <strong>DNS <em>risolve</em></strong> i <a>nomi</a>."]


def test_same_tag_with_different_attributes_is_numbered():
    html = '<p>Vedi <a href="a.html">uno</a> e <a href="b.html">due</a>, <b>x</b> <b>y</b>.</p>'
    assert msgids(html) == ["Vedi <a1>uno</a1> e <a2>due</a2>, <b>x</b> <b>y</b>."]


def test_translator_may_reorder_tags_and_attributes_come_from_the_source():
    html = '<p>Vedi <a href="a.html">uno</a> e <a href="b.html">due</a>.</p>'
    out = translated(
        html, {"Vedi <a1>uno</a1> e <a2>due</a2>.": "See <a2>two</a2> and <a1>one</a1>."}
    )
    assert out == '<p>See <a href="b.html">two</a> and <a href="a.html">one</a>.</p>'


def test_translate_no_and_notranslate_are_never_extracted():
    html = (
        '<div translate="no"><p>Segreto</p></div><p class="notranslate x">Nascosto</p>'
        '<p>Usa <span translate="no">GPT-3</span> ogni giorno.</p>'
    )
    assert msgids(html) == ["Usa <span/> ogni giorno."]
    out = translated(html, {"Usa <span/> ogni giorno.": "Use <span/> every day."})
    assert out.endswith('<p>Use <span translate="no">GPT-3</span> every day.</p>')


def test_script_style_comments_and_pre_are_never_extracted():
    html = (
        "<style>p { color: red }</style><script>var testo = 'ciao';</script>"
        "<!-- un commento --><pre>codice\n  rientrato</pre><p>Visibile</p>"
    )
    assert msgids(html) == ["Visibile"]


def test_entities_are_decoded_and_no_break_space_kept():
    html = "<p>L&rsquo;&euro; &amp; il &lt;tag&gt; costa&nbsp;5&nbsp;: ok</p>"
    assert msgids(html) == ["L’€ & il &lt;tag> costa\u00a05\u00a0: ok"]
    out = translated(html, {msgids(html)[0]: "L’€ & le &lt;tag> coûte\u00a05\u00a0: ok"})
    assert out == "<p>L’€ &amp; le &lt;tag&gt; coûte\u00a05\u00a0: ok</p>"


def test_whitespace_collapsed_in_msgid_and_indentation_kept_on_build():
    html = "<ul>\n  <li>\n    Uno   due\n    tre\n  </li>\n</ul>"
    assert msgids(html) == ["Uno due tre"]
    assert translated(html, {"Uno due tre": "One two three"}) == (
        "<ul>\n  <li>\n    One two three\n  </li>\n</ul>"
    )


def test_br_and_img_are_void_tags_and_alt_is_its_own_unit():
    html = '<p>Riga uno<br>riga due <img src="x.png" alt="Un grafico"> fine</p>'
    assert elements(html) == [
        ("p", "Riga uno<br/>riga due <img/> fine"),
        ("img[alt]", "Un grafico"),
    ]
    out = translated(
        html,
        {
            "Riga uno<br/>riga due <img/> fine": "Line one<br/>line two <img/> end",
            "Un grafico": "A chart",
        },
    )
    assert out == '<p>Line one<br>line two <img src="x.png" alt="A chart"> end</p>'


def test_attribute_units_title_meta_and_open_graph():
    html = (
        '<head><meta name="description" content="Descrizione"><meta property="og:title" '
        'content=\'Titolo OG\'><meta name="viewport" content="width=device-width"></head>'
        '<body><abbr title="Domain Name System">DNS</abbr> <p>x <abbr title="Sistema">DNS</abbr></p></body>'
    )
    assert elements(html) == [
        ("meta[description]", "Descrizione"),
        ("meta[og:title]", "Titolo OG"),
        ("abbr[title]", "Domain Name System"),
        ("body > abbr", "DNS"),
        ("p", "x <abbr>DNS</abbr>"),
        ("abbr[title]", "Sistema"),
    ]
    out = translated(
        html,
        {
            "Titolo OG": 'L\'OG "title"',
            "Sistema": "Système",
            "x <abbr>DNS</abbr>": "y <abbr>DNS</abbr>",
        },
    )
    assert "content='L&#39;OG \"title\"'" in out
    assert '<p>y <abbr title="Système">DNS</abbr></p>' in out


def test_tables_cells_and_caption():
    html = "<table><caption>Confronto</caption><tr><th>Nome</th><th>2024</th></tr><tr><td>Ciao</td><td>3,5 %</td></tr></table>"
    assert msgids(html) == ["Confronto", "Nome", "Ciao"]


def test_only_numbers_or_punctuation_are_not_units():
    assert msgids("<p>  </p><p>42</p><p>— …</p><p>3.14%</p><p>A</p>") == ["A"]


def test_unclosed_p_and_li():
    html = "<body><p>Primo<p>Secondo<ul><li>Uno<li>Due</ul><p>Fine</body>"
    assert elements(html) == [
        ("p", "Primo"),
        ("p", "Secondo"),
        ("li", "Uno"),
        ("li", "Due"),
        ("p", "Fine"),
    ]


def test_block_nested_in_list_item_is_its_own_unit():
    html = "<ul><li>Prima <ul><li>Interna</li></ul> dopo</li></ul>"
    assert msgids(html) == ["Prima", "Interna", "dopo"]


def test_tag_enclosing_the_whole_unit_stays_in_the_source():
    html = '<li><a href="rag.html">Tutto il link</a></li>'
    assert msgids(html) == ["Tutto il link"]
    assert translated(html, {"Tutto il link": "The whole link"}) == (
        '<li><a href="rag.html">The whole link</a></li>'
    )


def test_translation_is_never_trusted_as_html():
    html = '<p>Il <b>testo</b> <a href="x.html">link</a></p>'
    hostile = (
        'The <b>text</b> <script>alert(1)</script> <img src=x onerror="alert(2)">'
        ' <a>link</a> <i>new</i> <b onclick="x">'
    )
    out = translated(html, {"Il <b>testo</b> <a>link</a>": hostile})
    assert "<script>" not in out and "<img" not in out and "<i>" not in out
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in out
    assert '<a href="x.html">link</a>' in out


def test_translation_with_broken_tag_nesting_keeps_the_source():
    html = "<p>Il <b>testo</b> qui</p>"
    rejected: list = []
    units = walk(html).units
    out = reassemble(html, units, lambda u: "The </b>text<b> here", rejected=rejected)
    assert out == html and [u.msgid for u in rejected] == ["Il <b>testo</b> qui"]


def test_literal_tag_text_is_escaped_in_msgid_and_round_trips():
    html = "<p>Usa il tag &lt;strong&gt; e &amp;lt; nel testo</p>"
    [msgid] = msgids(html)
    assert msgid == "Usa il tag &lt;strong> e &amp;lt; nel testo"
    out = translated(html, {msgid: "Use the &lt;strong> tag and &amp;lt; in text"})
    assert out == "<p>Use the &lt;strong&gt; tag and &amp;lt; in text</p>"


def test_unit_lines_and_document_metadata():
    html = '<!DOCTYPE html>\n<html lang="fr">\n<head>\n<meta property="article:published_time" content="2026-03-01">\n</head>\n<body>\n<p>Bonjour</p>\n</body>\n</html>\n'
    doc = walk(html)
    assert doc.lang == "fr"
    assert doc.meta["article:published_time"] == "2026-03-01"
    assert [(u.msgid, u.line) for u in doc.units] == [("Bonjour", 7)]
    assert html[doc.body[0] : doc.body[1]] == "\n<p>Bonjour</p>\n"


def test_deep_nesting_does_not_recurse():
    html = "<div>" * 5000 + "<p>Profondo</p>" + "</div>" * 5000
    assert msgids(html) == ["Profondo"]


@pytest.mark.parametrize("path", sorted(SAMPLES.glob("*.html")), ids=lambda p: p.name)
def test_identity_translations_give_back_the_sample_byte_for_byte(path: Path):
    text = path.read_text(encoding="utf-8")
    doc = walk(text)
    assert len(doc.units) > 20
    assert reassemble(text, doc.units, lambda u: u.msgid) == text
    # A translation that changes every unit, then the source again: still exact.
    changed = reassemble(text, doc.units, lambda u: u.msgid + " X")
    assert changed != text
    assert reassemble(text, doc.units, lambda u: None) == text


# -- raw text as browsers read it (issue 14, part 1) ----------------------------

RAW_TEXT_CASES = [
    # (HTML between two paragraphs, what must not be a unit)
    ("<script>x = '<p>Dentro</p>';</script>", "Dentro"),
    (
        "<script><!-- document.write('<script>x</script>'); '<p>Dentro</p>'; //--></script>",
        "Dentro",
    ),
    ("<script><!-- <script>a</script> '<p>Dentro</p>' --></script>", "Dentro"),
    ("<script>s = \"</ script>\"; '<p>Dentro</p>';</script>", "Dentro"),
    ("<script>s = '</scriptx><p>Dentro</p>';</script>", "Dentro"),
    ("<script/>'<p>Dentro</p>';</script>", "Dentro"),
    ("<style>/* <p>Dentro</p> */</style>", "Dentro"),
    ("<xmp><p>Dentro</p></xmp>", "Dentro"),
    ("<iframe><p>Dentro</p></iframe>", "Dentro"),
    ("<noembed><p>Dentro</p></noembed>", "Dentro"),
    ("<noframes><p>Dentro</p></noframes>", "Dentro"),
    ("<noscript><p>Dentro</p></noscript>", "Dentro"),
    ("<textarea><p>Dentro</p></textarea>", "Dentro"),
]


@pytest.mark.parametrize(("raw", "hidden"), RAW_TEXT_CASES)
def test_raw_text_is_never_a_unit(raw: str, hidden: str):
    html = f"<html><body><p>Prima</p>{raw}<p>Dopo</p></body></html>"
    msgids = [u.msgid for u in walk(html).units]
    assert msgids == ["Prima", "Dopo"], msgids
    assert reassemble(html, walk(html).units, lambda u: u.msgid) == html


@pytest.mark.parametrize(
    "end", ["</script>", "</SCRIPT>", "</script >", "</script\n>", "</Script/>"]
)
def test_script_ends_at_its_end_tag_in_any_form(end: str):
    html = f"<body><p>Prima</p><script>x()</scr' + 'ipt>{end}<p>Dopo</p></body>"
    assert [u.msgid for u in walk(html).units] == ["Prima", "Dopo"]


def test_script_data_escaped_ends_at_end_tag_double_escaped_does_not():
    escaped = "<body><script><!-- a </script><p>Fuori</p></body>"
    assert [u.msgid for u in walk(escaped).units] == ["Fuori"]
    double = "<body><script><!-- <script> </script><p>Dentro</p> --></script><p>Fuori</p></body>"
    assert [u.msgid for u in walk(double).units] == ["Fuori"]


def test_plaintext_runs_to_the_end():
    html = "<body><p>Prima</p><plaintext><p>Dentro</p></plaintext></body></html>"
    assert [u.msgid for u in walk(html).units] == ["Prima"]


def test_title_is_rcdata_one_unit_without_tags():
    html = "<html><head><title>Tom &amp; <b>Jerry</b></title></head><body><p>x y</p></body></html>"
    doc = walk(html)
    title = doc.unit_for("title")
    assert title is not None and title.msgid == "Tom & &lt;b>Jerry&lt;/b>"
    out = reassemble(html, doc.units, lambda u: "A <b> & B" if u is title else None)
    assert "<title>A &lt;b&gt; &amp; B</title>" in out


def test_the_first_of_repeated_attributes_wins():
    html = '<body><p><img src="a.png" alt="Visibile" alt="Nascosto"> testo</p></body>'
    doc = walk(html)
    alt = next(u for u in doc.units if u.element == "img[alt]")
    assert alt.msgid == "Visibile"
    out = reassemble(html, doc.units, lambda u: "Visible" if u is alt else None)
    assert 'alt="Visible" alt="Nascosto"' in out
    lang = walk('<html lang="it" lang="en"><body><p>x</p></body></html>').lang
    assert lang == "it"


def test_an_unterminated_script_ends_the_unit_before_it():
    """Found by fuzz/fuzz_build.py: a script running to the end of the document
    was a movable void tag, and a translation's text after it became script."""
    html = "<body><p>Testo <script>contatore()</p><p>Altro</p>"
    doc = walk(html)
    assert [u.msgid for u in doc.units] == ["Testo"]
    out = reassemble(html, doc.units, lambda u: "Texte; alert(1)")
    assert out.endswith("<script>contatore()</p><p>Altro</p>")


@pytest.mark.parametrize(
    ("html", "expected"),
    [
        # html.parser gives up on the tag "<im\0\0s" and reads it as text; a browser
        # reads a tag up to its ">", its "<SCRIPT" an attribute: no script there.
        (
            "<p>a <im\x00\x00s  <SCRIPT>var u;</\x18CRIPT > <p>Testo <script>c()</script> fine</p>",
            ["a", "var u;<comment/>", "Testo <script/> fine"],
        ),
        # An unterminated quoted value: the browser's tag runs to the end of the page.
        ('<p>Uno</p><p><a href="x>Due</p><script>x()</script><p>Tre</p>', ["Uno"]),
        # A NUL is part of a tag's name: "script\0a='" is no script, "Due" is text.
        ("<p>Uno</p><script\x00a='>'><p>Due</p></script><p>Tre</p>", ["Uno", "Due", "Tre"]),
        # A tag open at the end of the page swallows the rest.
        ('<p>Uno</p><p>Due <script src="x', ["Uno", "Due"]),
        # "<![if x>" ends at its ">" (html.parser read on to "]>", inside the script).
        (
            "<p>Uno</p><![if x><p>Due</p><script>s='<![endif]>'; t='<p>Tre</p>'</script>",
            ["Uno", "Due"],
        ),
        # An end tag runs to its ">" past quoted values (html.parser: the first ">").
        ('<p>Uno</p></x a="b>c">Tre<p>Quattro</p>', ["Uno", "</x>Tre", "Quattro"]),
        ("<p>Uno</p><p></x t='>Due'>Tre</p>", ["Uno", "</x>Tre"]),
        # A comment left open runs to the end of the page: html.parser read it as text.
        ("<p>Uno</p><p>a <!-- x <script>y()</script><p>Due</p>", ["Uno", "a"]),
    ],
)
def test_text_a_browser_reads_as_a_tag_is_never_in_a_unit(html: str, expected: list[str]):
    """Found by fuzz/fuzz_build.py: where html.parser read a broken tag as text, a
    translation replacing that text changed what the browser reads after it."""
    doc = walk(html)
    assert [u.msgid for u in doc.units] == expected
    assert reassemble(html, doc.units, lambda u: u.msgid) == html
