"""Text that is never translated (translate="no", notranslate) stays visible to translators."""

from __future__ import annotations

from pathlib import Path

from click.testing import CliRunner
from lxml import etree

from conftest import copy_sample_site
from locpipe.catalog import read_catalog
from locpipe.cli import main
from locpipe.project import Project
from locpipe.steps.review import review
from locpipe.units import is_verbatim_element, protected_notes
from locpipe.xliff import NS

ARTICLE = """<!DOCTYPE html>
<html lang="it"><head><title>Prova</title></head><body>
<p>Ogni istruzione del <span translate="no">Dockerfile</span> crea un livello.</p>
<p>Apri <span class="notranslate">Screaming   Frog &amp; co.</span> e poi <br>riprova.</p>
<p>Ancora il <span translate="no">Dockerfile</span>, <span translate="no">Dockerfile</span>!</p>
</body></html>
"""


def _site(tmp_path: Path) -> Path:
    site = tmp_path / "site"
    site.mkdir()
    copy_sample_site(site)
    (site / "source_articles/prova.html").write_text(ARTICLE, encoding="utf-8")
    for args in (["extract"], ["update", "--lang", "fr"]):
        result = CliRunner().invoke(main, ["-C", str(site), "-q", *args])
        assert result.exit_code == 0, result.output
    return site


def test_the_hidden_text_is_an_extracted_comment(tmp_path: Path):
    site = _site(tmp_path)
    pot = read_catalog(site / "locales/templates/prova.pot")
    first = pot.find("Ogni istruzione del <span/> crea un livello.")
    assert protected_notes(first.comment) == {"<span/>": "Dockerfile"}
    assert first.comment.splitlines()[0] == "p" and not is_verbatim_element(first.comment)
    second = pot.find("Apri <span/> e poi <br/>riprova.")
    assert protected_notes(second.comment) == {"<span/>": "Screaming Frog & co."}  # no <br/>
    third = next(e for e in pot if e.msgid.startswith("Ancora"))
    assert third.comment.count("protected:") == 1  # one note for the same element twice
    text = (site / "locales/templates/prova.pot").read_text(encoding="utf-8")
    assert "#. protected: <span/> = Dockerfile\n" in text


def test_xliff_shows_it_as_equiv_text_and_review_shows_it(tmp_path: Path):
    site = _site(tmp_path)
    out = tmp_path / "prova.xlf"
    result = CliRunner().invoke(
        main, ["-C", str(site), "export", "--lang", "fr", "--article", "prova", "-o", str(out)]
    )
    assert result.exit_code == 0, result.output
    codes = etree.parse(str(out)).getroot().iter(f"{{{NS}}}x")
    assert {x.get("equiv-text") for x in codes if x.get("id") == "span"} == {
        "Dockerfile",
        "Screaming Frog & co.",
    }
    path = site / "locales/fr/LC_MESSAGES/prova.po"
    po = read_catalog(path)
    entry = po.find("Ogni istruzione del <span/> crea un livello.")
    entry.msgstr, entry.flags = "Chaque instruction du <span/> crée une couche.", ["fuzzy"]
    po.save(str(path))
    shown: list[str] = []
    answers = iter(["s", "q"])
    review(Project(site), "fr", "prova", "Ada", lambda p: next(answers), shown.append,
           lambda t, e: None, width=200)  # fmt: skip
    assert any(line.startswith("hidden:   <span/> = Dockerfile") for line in shown)
