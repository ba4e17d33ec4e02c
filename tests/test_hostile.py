"""Hostile catalogs and articles: never rendered as markup, never evaluated,
never slow.  (The basic <script>/onerror case is in test_cli_pipeline.py and
test_html_walker.py; this file extends it.)"""

from __future__ import annotations

import re
import subprocess
import sys
from html.parser import HTMLParser
from pathlib import Path

import polib
import pytest
from click.testing import CliRunner

from conftest import copy_sample_site
from locpipe.cli import main
from locpipe.formats.html import reassemble, walk

ROOT = Path(__file__).resolve().parents[1]
SOURCE = (
    '<html lang="it"><head><title>Titolo</title></head><body>\n'
    '<p>Leggi <a href="https://example.org/guida">la guida</a> e <b>salva</b>.</p>\n'
    '<p><img src="x.png" alt="Una foto"> Didascalia</p>\n'
    "</body></html>\n"
)
HOSTILE = [
    '<script>alert("x")</script>',
    '<img src=x onerror="alert(1)">',
    '<a href="javascript:alert(1)">clic</a>',
    "<blink>nuovo tag</blink>",
    '<a1 onclick="alert(1)">',
    "<a onmouseover=alert(1)>",
    "</p><p onclick=alert(1)>",
    "<svg/onload=alert(1)>",
    "&lt;script&gt;alert(1)&lt;/script&gt;",
    "{{ 7*7 }} {% for x in range(3) %}{{ x }}{% endfor %} {{ config }}",
]


def body_of(html: str) -> str:
    doc = walk(html)
    return html[doc.body[0] : doc.body[1]]


@pytest.mark.parametrize("payload", HOSTILE)
def test_hostile_msgstr_is_escaped_in_text_and_attributes(payload: str):
    doc = walk(SOURCE)
    link = next(u for u in doc.units if u.msgid.startswith("Leggi"))
    photo = next(u for u in doc.units if u.msgid == "<img/> Didascalia")
    assert link.msgid == "Leggi <a>la guida</a> e <b>salva</b>."
    table = {
        link.msgid: f"Read <a>the guide</a> {payload} and <b>save</b>.",
        "Una foto": f'A photo" {payload}',
        photo.msgid: f"<img/> {payload}",
    }
    out = body_of(reassemble(SOURCE, doc.units, lambda u: table.get(u.msgid)))
    assert "A photo" in out  # used (the link's may be refused: its tags do not nest)
    # The only markup is the source's own: same tags, same attributes, same
    # values (except the translated alt text, which is an escaped value).
    source_markup = _markup(body_of(SOURCE))
    out_markup = _markup(out)
    assert [
        (tag, [(n, v if n != "alt" else "") for n, v in attrs]) for tag, attrs in out_markup
    ] == [(tag, [(n, v if n != "alt" else "") for n, v in attrs]) for tag, attrs in source_markup]
    alt = next(v for _, attrs in out_markup for n, v in attrs if n == "alt")
    assert alt is not None and alt.startswith('A photo" ')  # the payload is the value's text


def _markup(html: str) -> list[tuple[str, list[tuple[str, str | None]]]]:
    """Start tags and their attributes as a browser's tokenizer sees them."""
    found: list[tuple[str, list[tuple[str, str | None]]]] = []

    class Collector(HTMLParser):
        def handle_starttag(self, tag, attrs):
            found.append((tag, attrs))

    collector = Collector()
    collector.feed(html)
    collector.close()
    return found


def _escaped(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _attr(text: str) -> str:
    return _escaped(text).replace('"', "&quot;")


def _tags(html: str) -> list[str]:
    return re.findall(r"<(/?[a-zA-Z][^\s>/]*)", html)


def _tag_text(html: str) -> str:
    """All the text inside tags (what a browser would read as markup)."""
    return " ".join(re.findall(r"<[a-zA-Z/][^>]*>", html))


@pytest.fixture
def project(tmp_path: Path) -> Path:
    copy_sample_site(tmp_path)
    for args in (["extract"], ["update", "--lang", "en"]):
        assert CliRunner().invoke(main, ["-C", str(tmp_path), *args]).exit_code == 0
    return tmp_path


def test_template_syntax_in_msgstr_is_text_in_article_and_ui_domains(project: Path):
    payload = "{{ 7*7 }} {% if true %}SI{% endif %} {{ self.__init__.__globals__ }}"
    for domain in ("propagazione-dns", "ui"):
        path = project / f"locales/en/LC_MESSAGES/{domain}.po"
        po = polib.pofile(str(path))
        for entry in po:
            if "%(" not in entry.msgid and "<" not in entry.msgid:
                entry.msgstr = f"{entry.msgid} {payload}"
        po.save()
    result = CliRunner().invoke(main, ["-C", str(project), "build", "--lang", "en"])
    assert result.exit_code == 0, result.output
    page = (project / "build/en/propagazione-dns.html").read_text(encoding="utf-8")
    assert page.count("{{ 7*7 }}") >= 3  # article body, title and UI chrome
    assert "{% if true %}SI{% endif %}" in page
    assert ">49<" not in page and " 49 " not in page  # never evaluated
    assert "__globals__ }}" in page


SLOW_INPUTS = {
    "huge attribute": "<p title='" + "a" * 3_000_000 + "'>Ciao</p>",
    "unterminated attribute": "<p title='" + "a " * 1_000_000 + ">Ciao</p>",
    "a million entities": "<p>" + "&amp;&#x41;&eacute;" * 400_000 + "</p>",
    "tag soup": "<p>" + "<b<i<" * 300_000 + "</p>",
    "many attributes": "<p " + "a=1 " * 300_000 + ">Ciao</p>",
    "lt runs": "<p>" + "< " * 1_000_000 + "x</p>",
    "unclosed comment": "<p>Ciao<!--" + "-" * 2_000_000,
}

PO_SLOW_INPUTS = {
    "long escapes": 'msgid "a"\nmsgstr "' + "\\\\" * 1_000_000 + '"\n',
    "octal escapes": 'msgid "a"\nmsgstr "' + "\\101" * 500_000 + '"\n',
    "many continuations": 'msgid "a"\nmsgstr ""\n' + '"x"\n' * 300_000,
    "long comment": "# " + "#" * 3_000_000 + '\nmsgid "a"\nmsgstr "b"\n',
    "quote soup": 'msgid "a"\nmsgstr "' + '\\"' * 1_000_000 + '"\n',
    "keyword soup": "msgstr " * 300_000 + "\n",
}

_RUN_HTML = """
import sys
from locpipe.formats.html import walk, reassemble
text = sys.stdin.read()
doc = walk(text)
reassemble(text, doc.units, lambda u: u.msgid)
print("done", len(doc.units))
"""
_RUN_PO = """
import sys
from locpipe.catalog import parse_catalog, format_catalog
from locpipe.errors import LocpipeError
try:
    format_catalog(parse_catalog(sys.stdin.buffer.read(), "x.po"))
except LocpipeError as exc:
    print("error", str(exc)[:80])
print("done")
"""


def _bounded(script: str, data: str) -> None:
    """Run in a subprocess with a generous timeout: bounded time, no hang."""
    proc = subprocess.run(
        [sys.executable, "-c", script],
        input=data.encode("utf-8"),
        capture_output=True,
        timeout=60,
    )
    assert proc.returncode == 0, proc.stderr.decode()[-2000:]
    assert b"done" in proc.stdout


@pytest.mark.parametrize("name", list(SLOW_INPUTS))
def test_crafted_slow_articles_finish(name: str):
    _bounded(_RUN_HTML, SLOW_INPUTS[name])


@pytest.mark.parametrize("name", list(PO_SLOW_INPUTS))
def test_crafted_slow_catalogs_finish(name: str):
    _bounded(_RUN_PO, PO_SLOW_INPUTS[name])


def test_a_translation_hiding_characters_is_not_published(project: Path):
    """Bidi overrides, zero-width and control characters the source does not have:
    the build shows the source text instead, in the page and in the UI's .mo."""
    hidden = {"propagazione-dns": "\u202e", "ui": "\u200b\x1b"}
    sources = {}
    for domain, chars in hidden.items():
        path = project / f"locales/en/LC_MESSAGES/{domain}.po"
        po = polib.pofile(str(path))
        for entry in po:
            if "%(" not in entry.msgid and "<" not in entry.msgid:
                entry.msgstr = f"EN {entry.msgid}"
        sources[domain] = chosen = next(e for e in po if e.msgstr and e.comment != "title")
        chosen.msgstr = f"EN{chars} {chosen.msgid}"
        po.save()
    result = CliRunner().invoke(main, ["-C", str(project), "build", "--lang", "en"])
    assert result.exit_code == 0, result.output
    page = (project / "build/en/propagazione-dns.html").read_text(encoding="utf-8")
    assert "\u202e" not in page and "\u200b" not in page and "\x1b" not in page
    article = sources["propagazione-dns"]
    assert f"EN {article.msgid}" not in page and article.msgid in page  # the source text
    assert "EN " in page  # the other translations are published
    mo = (project / "locales/en/LC_MESSAGES/ui.mo").read_bytes()
    assert "\u200b".encode() not in mo and b"\x1b" not in mo
    assert b"EN " in mo
