"""``layout = "page"`` and the ``content`` selector: the site's own page, its
chrome translated once in ``site.po``."""

from __future__ import annotations

import re
from pathlib import Path

import polib
import pytest
from click.testing import CliRunner

from conftest import require_tool
from locpipe.catalog import read_catalog, write_catalog
from locpipe.cli import main
from site_pages import CHROME, CONFIG, PAGES, write_site


def run(project: Path, *args: str, code: int = 0):
    result = CliRunner().invoke(main, ["-C", str(project), *args])
    assert result.exit_code == code, result.output
    return result


@pytest.fixture
def site(tmp_path: Path) -> Path:
    return write_site(tmp_path / "site")


def _strip(page: str) -> str:
    """A built page minus what the page layout inserts (lang, hreflang, switcher)."""
    page = re.sub(r' lang="(?:it|en|es)"(?= xmlns)', "", page)
    page = re.sub(r'(?<=<html lang=")(?:en|es)(?=")', "it", page)
    page = re.sub(r'<link rel="alternate" hreflang="[^"]+" href="[^"]+">\n[ \t]*', "", page)
    return re.sub(r'<nav class="locpipe-languages">.*?</nav>', "", page)


def test_identity_translations_give_back_the_source_bytes(site: Path):
    run(site, "extract")
    run(site, "update")
    run(site, "build")  # no translations: every page is its source
    for name, source in PAGES.items():
        for language in ("it", "en", "es"):
            built = (site / "build" / language / name).read_text(encoding="utf-8")
            assert _strip(built) == source, (language, name)
            assert built != source  # lang, hreflang and the switcher were set


@pytest.mark.slow
def test_page_layout_keeps_the_head_and_chrome_and_sets_the_language(site: Path):
    run(site, "all")
    page = (site / "build/es/dns.html").read_text(encoding="utf-8")
    source = PAGES["dns.html"]
    for kept in (
        '<link rel="stylesheet" href="/static/site.css?v=3">',
        '<script src="/static/menu.js" defer></script>',
        "<script>window.dataLayer = window.dataLayer || []; /* <b>not markup</b> */</script>",
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        '<body class="post">',
        '<a class="logo" href="/"><img src="/static/logo.png" alt="',
        '<aside class="tags">',
    ):
        assert kept in source and kept in page
    assert page.startswith('<!DOCTYPE html>\n<html lang="es">\n<head>\n')
    assert "Come funziona il DNS" not in page  # title, h1: translated (pseudo)
    assert "DinoGeek" not in page and "Tutti gli articoli" not in page  # no sample chrome
    assert (
        '</script>\n<link rel="alternate" hreflang="it" href="../it/dns.html">\n'
        '<link rel="alternate" hreflang="en" href="../en/dns.html">\n'
        '<link rel="alternate" hreflang="es" href="dns.html">\n'
        '<link rel="alternate" hreflang="x-default" href="../it/dns.html">\n'
        "</head>"
    ) in page
    switcher = re.search(r'<body class="post"><nav class="locpipe-languages">(.*?)</nav>', page)
    assert switcher is not None
    assert '<a href="dns.html" hreflang="es" lang="es" aria-current="page">Español</a>' in (
        switcher.group(1)
    )
    chapter = (site / "build/en/ch02.html").read_text(encoding="utf-8")
    assert '<html lang="en" xmlns="http://www.w3.org/1999/xhtml">' in chapter
    assert '<link rel="stylesheet" type="text/css" href="manuale.css"/>' in chapter


def test_content_selector_sends_the_chrome_to_site_pot_once(site: Path):
    run(site, "extract")
    templates = site / "locales/templates"
    shared = polib.pofile(str(templates / "site.pot"))
    msgids = [entry.msgid for entry in shared]
    for text in CHROME:
        assert msgids.count(text) == 1, text
    assert shared.find("Avanti").occurrences == [("pages/ch02.html", "")]
    assert shared.find(CHROME[-4]).occurrences == [
        ("pages/dns.html", ""),
        ("pages/posta.html", ""),
    ]
    assert "Il manuale del sistema" in msgids  # <link title> in <head>: chrome too
    for name in PAGES:
        own = [entry.msgid for entry in polib.pofile(str(templates / f"{Path(name).stem}.pot"))]
        assert not set(own) & set(CHROME), name
    dns = [entry.msgid for entry in polib.pofile(str(templates / "dns.pot"))]
    assert dns == [
        "Come funziona il DNS",  # <title> and <meta description>: the page's own
        "Il DNS spiegato in breve.",
        "Il DNS traduce i nomi in indirizzi, come una rubrica del telefono.",
        "Se hai altre domande, scrivici pure!",
    ]
    run(site, "update")
    assert (site / "locales/es/LC_MESSAGES/site.po").is_file()
    check = run(site, "check", code=1).output  # nothing translated yet
    assert "site" in check


def test_build_uses_site_po_for_the_chrome_of_every_page(site: Path):
    run(site, "extract")
    run(site, "update")
    path = site / "locales/en/LC_MESSAGES/site.po"
    catalog = read_catalog(path)
    mine = {
        "Avanti": "Next",
        "<a1>Note legali</a1> / <a2>Condizioni d'uso</a2>": "<a1>Legal notice</a1> / <a2>Terms</a2>",
        "<a1>DNS</a1> | <a2>Posta elettronica</a2> | <a3>Nome di dominio</a3>": (
            "<a1>DNS</a1> | <a2>E-mail</a2> | <a3>Domain name</a3>"
        ),
    }
    for entry in catalog:
        if entry.msgid in mine:
            entry.msgstr = mine[entry.msgid]
    write_catalog(path, catalog)
    run(site, "build")
    for name in ("dns.html", "posta.html"):
        page = (site / "build/en" / name).read_text(encoding="utf-8")
        assert '<a href="/legale">Legal notice</a>' in page
        assert '<a href="/t/posta">E-mail</a>' in page
    chapter = (site / "build/en/ch02.html").read_text(encoding="utf-8")
    assert chapter.count('alt="Next"') == 2 and "Avanti" not in chapter
    assert "Avanti" in (site / "build/es/ch02.html").read_text(encoding="utf-8")
    assert (site / "locales/en/LC_MESSAGES/site.mo").is_file()


def test_a_site_translation_is_escaped_in_the_page(site: Path):
    run(site, "extract")
    run(site, "update")
    path = site / "locales/en/LC_MESSAGES/site.po"
    catalog = read_catalog(path)
    catalog.find("Avanti").msgstr = 'Next" onmouseover="alert(1)'
    write_catalog(path, catalog)
    run(site, "build")  # an attribute value: escaped, harmless
    assert 'alt="Next&quot; onmouseover=&quot;alert(1)"' in (site / "build/en/ch02.html").read_text(
        encoding="utf-8"
    )


@pytest.mark.parametrize(
    ("line", "message"),
    [
        ('layout = "pages"', "layout must be one of template, page, not 'pages'"),
        ('content = "main >"', "content: 'main >' is not a CSS selector"),
        ('content = ""', "content must be a CSS selector"),
        ("content = 3", "content must be a str"),
    ],
)
def test_bad_layout_or_content_names_the_line(tmp_path: Path, line: str, message: str):
    config = CONFIG.replace('layout = "page"\ncontent = "main, div.chapter"\n', "")
    config = config.replace("[paths]", f"{line}\n\n[paths]")
    site = write_site(tmp_path / "site", config)
    result = run(site, "extract", code=2)
    assert message in result.output
    assert "locpipe.toml:5:" in result.output


def test_without_content_every_string_is_the_page_own(tmp_path: Path):
    site = write_site(tmp_path / "site", CONFIG.replace('content = "main, div.chapter"\n', ""))
    run(site, "extract")
    assert not (site / "locales/templates/site.pot").exists()
    dns = [e.msgid for e in polib.pofile(str(site / "locales/templates/dns.pot"))]
    assert "<a1>Note legali</a1> / <a2>Condizioni d'uso</a2>" in dns


def test_an_article_named_site_is_refused_with_a_content_selector(site: Path):
    (site / "pages/site.html").write_text(PAGES["dns.html"], encoding="utf-8")
    assert "cannot be a slug" in run(site, "extract", code=2).output


def _structure(dom: str) -> list[str]:
    """The elements of a page as html5lib reads it, in order, with their class and
    id, leaving out what the page layout inserts (hreflang links, the switcher)."""
    import html5lib

    tree = html5lib.parse(dom, namespaceHTMLElements=False)
    shape = []

    def visit(element, depth: int) -> None:
        if element.get("class") == "locpipe-languages":
            return
        if element.tag == "link" and element.get("hreflang"):
            return
        shape.append(f"{depth}:{element.tag}.{element.get('class', '')}#{element.get('id', '')}")
        for child in element:
            if isinstance(child.tag, str):
                visit(child, depth + 1)

    visit(tree, 0)
    return shape


def test_headless_chromium_sees_the_source_page_structure(site: Path, tmp_path: Path):
    chromium = require_tool("chromium")
    from test_report import _chromium

    run(site, "all")
    for name in PAGES:
        source = _chromium(
            chromium, tmp_path / "profile-src", "--dump-dom", (site / "pages" / name).as_uri()
        ).stdout
        built = _chromium(
            chromium, tmp_path / "profile-es", "--dump-dom", (site / "build/es" / name).as_uri()
        ).stdout
        assert "locpipe-languages" in built
        shape = _structure(built)
        assert shape == _structure(source), name
        assert len(shape) > 20


@pytest.mark.slow
def test_init_from_site_sets_the_page_layout_and_suggests_content(tmp_path: Path):
    site = write_site(tmp_path / "site")
    (site / "locpipe.toml").unlink()
    for name in ("base.html", "article.html", "index.html"):
        (site / "templates" / name).unlink()
    run(site, "init", "--from-site", "pages", "--languages", "it,en")
    text = (site / "locpipe.toml").read_text(encoding="utf-8")
    assert '\nlayout = "page"\n' in text
    content = re.search(r'^content = "(.*)"$', text, re.MULTILINE)
    assert content is not None
    assert content.group(1).startswith("main, div.book, ") and "div.chapter" in content.group(1)
    run(site, "all")
    assert "Avanti" in polib.pofile(str(site / "locales/templates/site.pot")).find("Avanti").msgid


def test_a_page_without_the_content_element_keeps_all_its_strings(site: Path):
    (site / "pages/chi-siamo.html").write_text(
        "<!DOCTYPE html><html lang=it><head><title>Chi siamo</title></head>"
        "<body><p>Siamo due amici appassionati di reti.</p></body></html>",
        encoding="utf-8",
    )
    run(site, "extract")
    own = [e.msgid for e in polib.pofile(str(site / "locales/templates/chi-siamo.pot"))]
    assert own == ["Chi siamo", "Siamo due amici appassionati di reti."]
    run(site, "update")
    run(site, "build")
    page = (site / "build/en/chi-siamo.html").read_text(encoding="utf-8")
    assert page.startswith("<!DOCTYPE html><html lang=en><head>")


def test_report_and_weblate_see_the_site_domain(site: Path):
    run(site, "extract")
    run(site, "update")
    run(site, "report")
    report = (site / "build/report/index.html").read_text(encoding="utf-8")
    assert '<tr class="catalog" data-catalog="en/site">' in report
    assert '<a class="page" href="../en/dns.html"' in report
    assert "site.html" not in report  # the chrome has no page of its own
    assert "it finds: ui, site, ch02, dns, posta" in run(site, "weblate-config").output


def test_page_layout_updates_hreflang_and_canonical_in_place(site: Path):
    config = (site / "locpipe.toml").read_text(encoding="utf-8")
    config += '\n[site]\nbase_url = "https://gufo.example.org"\n'
    (site / "locpipe.toml").write_text(config, encoding="utf-8")
    (site / "pages/rete.html").write_text(
        '<!DOCTYPE html>\n<html lang="it-IT">\n<head>\n  <title>La rete di casa</title>\n'
        '  <link rel="canonical" href="https://vecchio.example.org/rete/">\n'
        '  <link rel="alternate" hreflang="it" href="https://vecchio.example.org/rete/">\n'
        '  <link rel="alternate" hreflang="fr" href="https://vecchio.example.org/fr/reseau/">\n'
        '  <link rel="stylesheet" href="/tema.css">\n</head>\n'
        '<body><div data-locpipe-languages class="lingue"></div>'
        "<main><p>Il router collega la casa alla rete.</p></main></body>\n</html>\n",
        encoding="utf-8",
    )
    run(site, "all")
    page = (site / "build/en/rete.html").read_text(encoding="utf-8")
    base = "https://gufo.example.org"
    assert page.startswith('<!DOCTYPE html>\n<html lang="en">\n<head>\n')
    assert (
        f'  <link rel="canonical" href="{base}/en/rete.html">\n'
        f'  <link rel="alternate" hreflang="it" href="{base}/it/rete.html">\n'
        f'  <link rel="alternate" hreflang="en" href="{base}/en/rete.html">\n'
        f'  <link rel="alternate" hreflang="es" href="{base}/es/rete.html">\n'
        f'  <link rel="alternate" hreflang="x-default" href="{base}/it/rete.html">\n'
        '  <link rel="stylesheet" href="/tema.css">\n</head>\n'
    ) in page
    assert "vecchio.example.org" not in page
    assert page.count("locpipe-languages") == 2  # the marker and the switcher in it
    assert '<div data-locpipe-languages class="lingue"><nav class="locpipe-languages">' in page


@pytest.mark.slow
def test_page_layout_sets_dir_for_a_right_to_left_language(tmp_path: Path):
    site = write_site(tmp_path / "site", CONFIG.replace('"en", "es"', '"en", "ar"'))
    run(site, "all")
    assert (
        (site / "build/ar/dns.html")
        .read_text(encoding="utf-8")
        .startswith('<!DOCTYPE html>\n<html dir="rtl" lang="ar">\n')
    )
    assert (
        (site / "build/en/dns.html")
        .read_text(encoding="utf-8")
        .startswith('<!DOCTYPE html>\n<html lang="en">\n')
    )


def test_template_layout_also_takes_the_chrome_from_site_po(tmp_path: Path):
    site = write_site(tmp_path / "site", CONFIG.replace('layout = "page"', 'layout = "template"'))
    run(site, "extract")
    run(site, "update")
    path = site / "locales/en/LC_MESSAGES/site.po"
    catalog = read_catalog(path)
    catalog.find("Il Gufo Tecnico, ti spiega le cose difficili").msgstr = "The Tech Owl explains"
    write_catalog(path, catalog)
    run(site, "build")
    page = (site / "build/en/posta.html").read_text(encoding="utf-8")
    assert '<p class="motto">The Tech Owl explains</p>' in page
    assert "Tutti gli articoli" in page  # the site's template around the body


def test_a_broken_site_po_stops_the_build_naming_it(site: Path):
    run(site, "extract")
    run(site, "update")
    path = site / "locales/en/LC_MESSAGES/site.po"
    path.write_text(path.read_text(encoding="utf-8") + '\nmsgid "Avanti"\nmsgstr "x\n', "utf-8")
    result = run(site, "build", code=2)
    assert "locales/en/LC_MESSAGES/site.po" in result.output
    assert not (site / "build/en/dns.html").exists()


def test_a_refused_chrome_translation_is_reported_once_against_site_po(site: Path):
    run(site, "extract")
    run(site, "update")
    path = site / "locales/en/LC_MESSAGES/site.po"
    catalog = read_catalog(path)
    cloud = "<a1>DNS</a1> | <a2>Posta elettronica</a2> | <a3>Nome di dominio</a3>"
    catalog.find(cloud).msgstr = "<a1>DNS</a1> | <a2>E-mail</a2>"  # a link lost
    write_catalog(path, catalog)
    output = CliRunner().invoke(main, ["-C", str(site), "build"]).output
    warnings = [line for line in output.splitlines() if "has inline tags" in line]
    assert len(warnings) == 1  # the tag cloud of two pages, said once
    assert warnings[0].startswith("locpipe: warning: locales/en/LC_MESSAGES/site.po: ")
    for name in ("dns.html", "posta.html"):
        assert '<a href="/t/nome">Nome di dominio</a>' in (site / "build/en" / name).read_text(
            encoding="utf-8"
        )
