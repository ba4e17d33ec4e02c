"""UI strings with plural forms and contexts: extracted, merged, rendered per language."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from click.testing import CliRunner

from conftest import copy_sample_site
from locpipe.catalog import read_catalog, write_catalog
from locpipe.cli import main

TEMPLATE = """{% extends "base.html" %}
{% block title %}{{ pgettext("menu", "Articoli") }} | {{ site.name }}{% endblock %}
{% block content %}
    <h1>{% trans %}Articoli{% endtrans %}</h1>
    <p class="count">{% trans count=articles|length %}{{ count }} articolo{% pluralize %}{{ count }} articoli{% endtrans %}</p>
    <p class="one">{{ ngettext("%(num)d commento", "%(num)d commenti", 1) }}</p>
    <p class="menu">{{ pgettext("menu", "Articoli") }}</p>
{% endblock %}
"""


def run(site: Path, *args: str) -> str:
    result = CliRunner().invoke(main, ["-C", str(site), *args])
    assert result.exit_code == 0, result.output
    return result.output


def site_with_plurals(tmp_path: Path) -> Path:
    site = copy_sample_site(tmp_path)
    (site / "templates/index.html").write_text(TEMPLATE, encoding="utf-8")
    run(site, "extract")
    run(site, "update")
    return site


def test_plurals_and_contexts_reach_ui_pot(tmp_path: Path):
    site = site_with_plurals(tmp_path)
    pot = read_catalog(site / "locales/templates/ui.pot")
    plural = pot.find("%(count)s articolo")
    assert plural.msgid_plural == "%(count)s articoli" and "python-format" in plural.flags
    assert pot.find("%(num)d commento").msgid_plural == "%(num)d commenti"
    menu = [e for e in pot if e.msgid == "Articoli"]
    assert sorted((e.msgctxt or "") for e in menu) == ["", "menu"]  # two messages, not one
    fr = read_catalog(site / "locales/fr/LC_MESSAGES/ui.po")
    assert sorted(fr.find("%(count)s articolo").msgstr_plural) == [0, 1]  # French: 2 forms


def test_the_built_page_uses_the_languages_plural_form_and_context(tmp_path: Path):
    site = site_with_plurals(tmp_path)
    path = site / "locales/fr/LC_MESSAGES/ui.po"
    po = read_catalog(path)
    entry = po.find("%(count)s articolo")
    entry.msgstr_plural = {0: "%(count)s article", 1: "%(count)s articles"}
    po.find("%(num)d commento").msgstr_plural = {0: "%(num)d commentaire", 1: "%(num)d comms"}
    menu = next(e for e in po if e.msgid == "Articoli" and e.msgctxt == "menu")
    menu.msgstr = "Tous les articles"
    plain = next(e for e in po if e.msgid == "Articoli" and not e.msgctxt)
    plain.msgstr = "Articles"
    for each in (entry, menu, plain, po.find("%(num)d commento")):
        if "fuzzy" in each.flags:
            each.flags.remove("fuzzy")
    write_catalog(path, po)
    run(site, "build")
    page = (site / "build/fr/index.html").read_text(encoding="utf-8")
    count = len(list((site / "source_articles").glob("*.html")))
    assert re.search(rf'<p class="count">{count} articles</p>', page)  # n > 1: form 1
    assert '<p class="one">1 commentaire</p>' in page  # n = 1: form 0
    assert '<p class="menu">Tous les articles</p>' in page and "<h1>Articles</h1>" in page
    italian = (site / "build/it/index.html").read_text(encoding="utf-8")
    assert f'<p class="count">{count} articoli</p>' in italian


@pytest.mark.slow
def test_translate_drafts_every_plural_form_of_the_language(tmp_path: Path):
    site = copy_sample_site(tmp_path)
    (site / "templates/index.html").write_text(TEMPLATE, encoding="utf-8")
    config = site / "locpipe.toml"
    text = config.read_text(encoding="utf-8")
    config.write_text(
        text.replace(
            'languages = ["it", "en", "fr", "es"]', 'languages = ["it", "fr", "pl", "ja"]'
        ),
        encoding="utf-8",
    )
    run(site, "extract")
    run(site, "update")
    run(site, "translate", "--backend", "pseudo")
    forms = {}
    for language in ("fr", "pl", "ja"):
        entry = read_catalog(site / f"locales/{language}/LC_MESSAGES/ui.po").find(
            "%(count)s articolo"
        )
        assert entry.fuzzy and "machine translation: pseudo" in entry.tcomment
        forms[language] = entry.msgstr_plural
    assert len(forms["fr"]) == 2 and len(forms["pl"]) == 3 and len(forms["ja"]) == 1
    assert forms["fr"][0] != forms["fr"][1] and all(forms["pl"].values())
    assert forms["pl"][1] == forms["pl"][2]  # both plural forms start from the plural's draft
    from locpipe.mt import get_backend

    with get_backend("pseudo") as pseudo:
        [plural] = pseudo.translate(["%(count)s articoli"], "it", "ja")
    assert forms["ja"][0] == plural  # one form: the plural's draft
