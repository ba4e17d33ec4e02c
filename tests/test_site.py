"""Tests for locpipe.site: UI extraction, escaping translations, rendering."""

from __future__ import annotations

import datetime
import re
from html.parser import HTMLParser
from pathlib import Path

import polib
import pytest

from locpipe.errors import LocpipeError
from locpipe.site import (
    ArticlePage,
    CatalogTranslations,
    IndexEntry,
    check_templates,
    extract_ui_messages,
    language_links,
    load_template,
    make_environment,
    render_article,
    render_index,
    translations_from_catalog,
)

ROOT = Path(__file__).resolve().parents[1]
TEMPLATES = ROOT / "templates"
ARTICLES = ROOT / "source_articles"
SITE = {"name": "DinoGeek", "email": "dino@example.org", "base_url": "https://dinogeek.example.org"}

EMAIL_MSGID = "Vuoi essere citato in questo articolo? È molto semplice, contattaci a %(email)s"
DATE_MSGID = "Pubblicato il %(date)s"
UI_MSGIDS = [
    "Dino Geek, cerca di aiutarti",
    "Genera semplicemente articoli per ottimizzare il tuo SEO",
    "DinoGeek offre articoli semplici su tecnologie complesse",
    EMAIL_MSGID,
    "Avviso Legale",
    "Condizioni Generali di Utilizzo",
    "Fonti",
    "Lingua",
    DATE_MSGID,
    "Articoli",
    "Nome dominio",
]

FR = {
    "Dino Geek, cerca di aiutarti": "Dino Geek, il essaie de vous aider",
    "Lingua": "Langue",
    "Fonti": "Sources",
    "Avviso Legale": "Mentions légales",
    "Condizioni Generali di Utilizzo": "Conditions générales d’utilisation",
    DATE_MSGID: "Publié le %(date)s",
    EMAIL_MSGID: "Vous voulez être cité dans cet article ? Écrivez-nous à %(email)s",
    "Articoli": "Articles",
    "Nome dominio": "Nom de domaine",
}


def make_po(translations: dict[str, str], fuzzy: tuple[str, ...] = ()) -> polib.POFile:
    po = polib.POFile()
    po.metadata = {"Content-Type": "text/plain; charset=UTF-8"}
    for msgid, msgstr in translations.items():
        entry = polib.POEntry(msgid=msgid, msgstr=msgstr)
        if msgid in fuzzy:
            entry.flags.append("fuzzy")
        po.append(entry)
    return po


def article_page(lang: str = "fr", body: str | None = None) -> ArticlePage:
    codes = ["it", "en", "fr", "es"]
    return ArticlePage(
        slug="qu-est-ce-que-dmarc",
        lang=lang,
        title="Qu’est-ce que DMARC ?",
        description="DMARC & vous",
        body_html=body or '<article><h1>DMARC</h1><h2 id="fonti">Sources</h2></article>',
        published=datetime.date(2026, 3, 14),
        alternates=[(c, f"https://dinogeek.example.org/{c}/x.html") for c in codes]
        + [("x-default", "https://dinogeek.example.org/it/x.html")],
        languages=language_links(codes, lang, lambda c: f"../{c}/x.html"),
        keywords=["DMARC", "DNS"],
        canonical=f"https://dinogeek.example.org/{lang}/x.html",
    )


@pytest.fixture(scope="module")
def env():
    return make_environment(TEMPLATES)


@pytest.fixture(scope="module")
def messages():
    return extract_ui_messages(TEMPLATES)


# --- extraction -------------------------------------------------------------


def test_every_ui_string_is_extracted(messages):
    msgids = {m.msgid for m in messages}
    missing = [msgid for msgid in UI_MSGIDS if msgid not in msgids]
    assert not missing


def test_placeholders_carry_python_format(messages):
    by_id = {m.msgid: m for m in messages}
    assert by_id[EMAIL_MSGID].flags == {"python-format"}
    assert by_id[DATE_MSGID].flags == {"python-format"}
    assert "python-format" not in by_id["Lingua"].flags
    assert any("email" in comment for comment in by_id[EMAIL_MSGID].comments)


def test_proper_nouns_of_the_tag_cloud_are_not_extracted(messages):
    msgids = {m.msgid for m in messages}
    for name in ("CSS", "DNS", "Docker", "SEO", "RAG", "DMARC", "LLM", "PHP"):
        assert name not in msgids
    assert "Nome dominio" in msgids


def test_locations_are_relative_and_sorted(messages):
    firsts = [m.locations[0] for m in messages]
    assert firsts == sorted(firsts)
    for message in messages:
        for path, line in message.locations:
            assert path in {"base.html", "article.html", "index.html"}
            assert line > 0
    from_root = extract_ui_messages(TEMPLATES, root=ROOT)
    assert from_root[0].locations[0][0].startswith("templates/")
    assert extract_ui_messages(TEMPLATES) == messages  # deterministic


def test_extraction_reports_syntax_error_with_file_and_line(tmp_path):
    templates = tmp_path / "templates"
    templates.mkdir()
    (templates / "ok.html").write_text("{% trans %}Ciao{% endtrans %}\n")
    (templates / "broken.html").write_text("<p>\n{% trans %}Ciao\n<p>{% endfor %}\n")
    with pytest.raises(LocpipeError) as info:
        extract_ui_messages(templates)
    assert info.value.path is not None and info.value.path.name == "broken.html"
    assert info.value.line == 3
    assert "broken.html:3" in str(info.value)


# --- environment and template errors ------------------------------------------


def test_project_templates_compile(env):
    assert set(check_templates(env)) >= {"base.html", "article.html", "index.html"}


def test_syntax_error_names_file_and_line(tmp_path):
    (tmp_path / "bad.html").write_text("<html>\n<p>{{ title }</p>\n</html>\n")
    env = make_environment(tmp_path)
    for call in (lambda: load_template(env, "bad.html"), lambda: check_templates(env)):
        with pytest.raises(LocpipeError) as info:
            call()
        assert info.value.path is not None and info.value.path.name == "bad.html"
        assert info.value.line == 2


def test_syntax_error_in_parent_template_at_render_time(tmp_path):
    (tmp_path / "base.html").write_text("<html>\n\n{% block content %}\n</html>\n")
    (tmp_path / "article.html").write_text('{% extends "base.html" %}\n')
    env = make_environment(tmp_path)
    with pytest.raises(LocpipeError) as info:
        render_article(env, article_page(), CatalogTranslations(), SITE)
    assert info.value.path is not None and info.value.path.name == "base.html"
    assert info.value.line is not None


def test_undefined_variable_is_a_locpipe_error(tmp_path):
    (tmp_path / "article.html").write_text("<p>\n{{ nothing_here }}</p>\n")
    env = make_environment(tmp_path)
    with pytest.raises(LocpipeError) as info:
        render_article(env, article_page(), CatalogTranslations(), SITE)
    assert "nothing_here" in str(info.value)
    assert info.value.path is not None and info.value.path.name == "article.html"


# --- rendering --------------------------------------------------------------


def test_french_render_translates_the_chrome(env):
    translations = translations_from_catalog(make_po(FR), include_fuzzy=False)
    html = render_article(env, article_page("fr"), translations, SITE)
    assert '<html lang="fr"' in html
    assert "<title>Qu’est-ce que DMARC ? | DinoGeek</title>" in html
    assert '<meta name="description" content="DMARC &amp; vous">' in html
    assert "Dino Geek, il essaie de vous aider" in html
    assert "Mentions légales" in html and "Conditions générales d’utilisation" in html
    assert "Écrivez-nous à dino@example.org" in html
    assert "Publié le 14 mars 2026" in html
    assert "Nom de domaine" in html
    assert "Dino Geek, cerca di aiutarti" not in html
    # untranslated strings fall back to the Italian msgid
    assert "Genera semplicemente articoli per ottimizzare il tuo SEO" in html
    # the switcher shows each language in its own name
    for name in ("Italiano", "English", "Français", "Español"):
        assert name in html
    assert 'aria-current="page">Français<' in html
    assert '<a href="../en/x.html" hreflang="en" lang="en">English</a>' in html


def test_hreflang_and_canonical_links(env):
    html = render_article(env, article_page("fr"), CatalogTranslations(), SITE)
    for code in ("it", "en", "fr", "es"):
        assert (
            f'<link rel="alternate" hreflang="{code}" '
            f'href="https://dinogeek.example.org/{code}/x.html">'
        ) in html
    assert '<link rel="alternate" hreflang="x-default"' in html
    assert '<link rel="canonical" href="https://dinogeek.example.org/fr/x.html">' in html


def test_region_codes_become_bcp47(env):
    page = article_page("pt_BR")
    page.alternates = [("pt_BR", "https://dinogeek.example.org/pt_BR/x.html")]
    html = render_article(env, page, CatalogTranslations(), SITE)
    assert '<html lang="pt-BR"' in html
    assert 'hreflang="pt-BR"' in html
    assert "14 de março de 2026" in html


def test_body_is_inserted_as_html(env):
    body = "<article><h1>Titolo</h1><p>A <strong>B</strong> &amp; C</p></article>"
    html = render_article(env, article_page("it", body), CatalogTranslations(), SITE)
    assert body in html
    assert 'href="#fonti"' not in html  # no sources section, no jump link


def test_translations_are_escaped_not_trusted(env):
    hostile = {
        "Lingua": "<script>alert(1)</script>",
        "Avviso Legale": '<img src=x onerror="alert(1)">',
        # a literal % is written %% in a msgstr, as in every newstyle msgid
        "Fonti": "{{ 7*7 }} {%% if true %%}x{%% endif %%}",
        EMAIL_MSGID: "<b>Mail</b> %(email)s",
    }
    translations = translations_from_catalog(make_po(hostile), include_fuzzy=False)
    site = dict(SITE, email="<dino>@example.org")
    html = render_article(env, article_page("fr"), translations, site)
    assert "<script>" not in html and "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "<img src=x" not in html and "&lt;img src=x onerror=&#34;alert(1)&#34;&gt;" in html
    assert "{{ 7*7 }} {% if true %}x{% endif %}" in html
    assert "&lt;b&gt;Mail&lt;/b&gt; &lt;dino&gt;@example.org" in html


def test_languages_rendered_in_turn_do_not_mix(env):
    fr = translations_from_catalog(make_po(FR), include_fuzzy=False)
    es = CatalogTranslations({(None, "Lingua"): ["Idioma"]})
    first = render_article(env, article_page("fr"), fr, SITE)
    second = render_article(env, article_page("es"), es, SITE)
    third = render_article(env, article_page("it"), CatalogTranslations(), SITE)
    assert "Langue" in first and "Idioma" not in first
    assert "Idioma" in second and "Langue" not in second and "Mentions légales" not in second
    assert "14 de marzo de 2026" in second
    assert ">Lingua<" in third and "Langue" not in third and "14 marzo 2026" in third


def test_render_index_lists_articles(env):
    translations = translations_from_catalog(make_po(FR), include_fuzzy=False)
    entries = [
        IndexEntry("rag-spiegato", "Qu’est-ce que la RAG ?", "Recherche & génération", "r.html"),
        IndexEntry("propagazione-dns", "Propagation DNS", "Pourquoi attendre", "p.html"),
    ]
    links = language_links(["it", "fr"], "fr", lambda c: f"../{c}/index.html")
    html = render_index(
        env, lang="fr", articles=entries, languages=links, translations=translations, site=SITE
    )
    assert "<h1>Articles</h1>" in html
    assert '<a href="r.html">Qu’est-ce que la RAG ?</a>' in html
    assert "Recherche &amp; génération" in html
    assert html.index("r.html") < html.index("p.html")
    empty = render_index(
        env, lang="it", articles=[], languages=links, translations=CatalogTranslations(), site=SITE
    )
    assert "<h1>Articoli</h1>" in empty and "Nessun articolo" in empty


# --- translations ---------------------------------------------------------------


def test_fuzzy_entries_only_on_request():
    po = make_po({"Lingua": "Langue", "Fonti": "Sources"}, fuzzy=("Fonti",))
    strict = translations_from_catalog(po, include_fuzzy=False)
    loose = translations_from_catalog(po, include_fuzzy=True)
    assert strict.gettext("Lingua") == "Langue"
    assert strict.gettext("Fonti") == "Fonti"
    assert loose.gettext("Fonti") == "Sources"
    assert translations_from_catalog(None, include_fuzzy=True).gettext("A & B") == "A &amp; B"


def test_empty_obsolete_and_broken_placeholders_fall_back():
    po = make_po(
        {
            "Lingua": "",
            DATE_MSGID: "Publié le %(datum)s",
            EMAIL_MSGID: "100 % sûr",
            "Fonti": "Sources %s",
        }
    )
    po.append(polib.POEntry(msgid="Articoli", msgstr="Articles", obsolete=True))
    translations = translations_from_catalog(po, include_fuzzy=False)
    for msgid in ("Lingua", DATE_MSGID, "Fonti", "Articoli"):
        assert translations.gettext(msgid) == msgid
    assert translations.gettext(EMAIL_MSGID) == EMAIL_MSGID


def test_plural_forms_follow_the_header():
    po = polib.POFile()
    po.metadata = {"Plural-Forms": "nplurals=2; plural=(n > 1);"}
    po.append(
        polib.POEntry(
            msgid="%(num)s articolo",
            msgid_plural="%(num)s articoli",
            msgstr_plural={0: "%(num)s article", 1: "%(num)s articles"},
        )
    )
    po.append(polib.POEntry(msgid="Aprile", msgstr="Avril", msgctxt="mese"))
    translations = translations_from_catalog(po, include_fuzzy=False)
    assert translations.ngettext("%(num)s articolo", "%(num)s articoli", 0) == "%(num)s article"
    assert translations.ngettext("%(num)s articolo", "%(num)s articoli", 2) == "%(num)s articles"
    assert translations.ngettext("x", "xs", 2) == "xs"
    assert translations.pgettext("mese", "Aprile") == "Avril"
    assert translations.gettext("Aprile") == "Aprile"


def test_language_links_use_native_names():
    links = language_links(["it", "en", "fr", "es"], "fr", lambda c: f"/{c}/")
    assert [link.native_name for link in links] == ["Italiano", "English", "Français", "Español"]
    assert [link.current for link in links] == [False, False, True, False]
    assert links[1].href == "/en/"


# --- sample articles --------------------------------------------------------------


class _Outline(HTMLParser):
    """Counts the elements the sample-article test cares about."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: dict[str, int] = {}
        self.html_lang: str | None = None
        self.description: str | None = None
        self.img_alts: list[str] = []
        self.title = ""
        self._in_title = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        self.tags[tag] = self.tags.get(tag, 0) + 1
        if tag == "html":
            self.html_lang = values.get("lang")
        elif tag == "meta" and values.get("name") == "description":
            self.description = values.get("content")
        elif tag == "img":
            self.img_alts.append(values.get("alt") or "")
        self._in_title = tag == "title"

    def handle_endtag(self, tag: str) -> None:
        if tag == "title":
            self._in_title = False

    def handle_data(self, data: str) -> None:
        if self._in_title:
            self.title += data


SAMPLES = sorted(ARTICLES.glob("*.html"))


def test_there_are_sample_articles_in_two_languages():
    assert len(SAMPLES) >= 5
    langs = set()
    for path in SAMPLES:
        outline = _Outline()
        outline.feed(path.read_text(encoding="utf-8"))
        langs.add(outline.html_lang)
    assert {"it", "fr"} <= langs


@pytest.mark.parametrize("path", SAMPLES, ids=lambda p: p.stem)
def test_sample_article_shape(path):
    outline = _Outline()
    outline.feed(path.read_text(encoding="utf-8"))
    outline.close()
    assert outline.html_lang
    assert outline.title.strip()
    assert outline.description
    assert outline.tags.get("h1") == 1
    assert outline.tags.get("h2", 0) >= 3
    assert outline.img_alts and all(alt.strip() for alt in outline.img_alts)
    for tag in ("table", "caption", "th", "td", "figcaption", "cite", "a"):
        assert outline.tags.get(tag, 0) >= 1, tag
    assert outline.tags.get("ul", 0) + outline.tags.get("ol", 0) >= 1


def test_samples_cover_the_markup_the_walker_must_handle():
    texts = [path.read_text(encoding="utf-8") for path in SAMPLES]
    corpus = "\n".join(texts)
    for needle in (
        "<pre><code>",
        "<abbr title=",
        "<em>",
        "<strong>",
        'translate="no"',
        'class="notranslate"',
        'href="rag-spiegato.html"',
        "&rsquo;",
        "&amp;",
        "&euro;",
        "&nbsp;",
        "<cite>",
    ):
        assert needle in corpus, needle
    assert any(re.search(r"<li>[^<]*(?:<[^/][^>]*>[^<]*</[^>]+>[^<]*)*\s*<ul>", t) for t in texts)
    french = [t for t in texts if '<html lang="fr">' in t]
    assert french and all("&nbsp;?" in t and "&nbsp;:" in t and "&nbsp;;" in t for t in french)
