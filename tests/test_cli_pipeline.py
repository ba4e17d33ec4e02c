"""End to end through the CLI, in a temporary copy of the sample site."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
from pathlib import Path

import polib
import pytest
from click.testing import CliRunner

from conftest import copy_sample_site, require_tool
from locpipe.cli import main
from locpipe.formats.html import walk
from locpipe.units import VERBATIM_COMMENT

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture
def project(tmp_path: Path) -> Path:
    copy_sample_site(tmp_path)
    return tmp_path


def run(project: Path, *args: str, code: int = 0):
    result = CliRunner().invoke(main, ["-C", str(project), *args])
    assert result.exit_code == code, (
        result.output,
        result.stderr if hasattr(result, "stderr") else "",
    )
    return result


def catalogs(project: Path) -> list[Path]:
    return sorted((project / "locales").glob("*/LC_MESSAGES/*.po"))


def snapshot(folder: Path) -> dict[str, tuple[bytes, int]]:
    return {
        str(p.relative_to(folder)): (p.read_bytes(), p.stat().st_mtime_ns)
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    }


def test_extract_writes_one_template_per_article_and_ui(project: Path):
    result = run(project, "extract")
    names = sorted(p.name for p in (project / "locales" / "templates").glob("*.pot"))
    articles = sorted(p.stem + ".pot" for p in (project / "source_articles").glob("*.html"))
    assert names == sorted([*articles, "ui.pot"])
    assert "written" in result.output
    pot = polib.pofile(str(project / "locales/templates/propagazione-dns.pot"))
    first = pot[0]
    assert first.comment == "title, meta[og:title], h1"  # one entry, three occurrences
    assert first.occurrences == [("source_articles/propagazione-dns.html", "")]
    ui = polib.pofile(str(project / "locales/templates/ui.pot"))
    msgids = {e.msgid for e in ui}
    assert "Genera semplicemente articoli per ottimizzare il tuo SEO" in msgids
    email = next(e for e in ui if "%(email)s" in e.msgid)
    assert "python-format" in email.flags


def test_extract_twice_changes_nothing(project: Path):
    run(project, "extract")
    before = snapshot(project / "locales")
    run(project, "extract")
    assert snapshot(project / "locales") == before


def test_update_creates_catalogs_for_targets_only(project: Path):
    run(project, "extract")
    run(project, "update")
    found = {str(p.relative_to(project / "locales")) for p in catalogs(project)}
    assert "fr/LC_MESSAGES/qu-est-ce-que-dmarc.po" not in found  # its own language
    assert "it/LC_MESSAGES/qu-est-ce-que-dmarc.po" in found
    assert "it/LC_MESSAGES/propagazione-dns.po" not in found
    for lang in ("en", "fr", "es"):
        assert f"{lang}/LC_MESSAGES/propagazione-dns.po" in found
        assert f"{lang}/LC_MESSAGES/ui.po" in found
    po = polib.pofile(str(project / "locales/fr/LC_MESSAGES/propagazione-dns.po"))
    assert po.metadata["Language"] == "fr"
    assert "nplurals=2" in po.metadata["Plural-Forms"]


@pytest.mark.slow
def test_whole_pipeline_with_pseudo_backend(project: Path):
    msgfmt = require_tool("msgfmt")
    run(project, "extract")
    run(project, "update")
    result = run(project, "translate", "--backend", "pseudo")
    assert "726 units filled" in result.output
    for path in catalogs(project):
        subprocess.run([msgfmt, "--check", "-o", "/dev/null", str(path)], check=True)
        po = polib.pofile(str(path))
        live = [e for e in po if not e.obsolete]
        drafts = [e for e in live if VERBATIM_COMMENT not in e.tcomment]
        filled = [e for e in drafts if e.msgstr or all(e.msgstr_plural.values())]
        assert drafts and filled == drafts and all("fuzzy" in e.flags for e in drafts), path
        plurals = [e for e in drafts if e.msgid_plural]
        assert path.name != "ui.po" or plurals  # the article count: both forms drafted
        assert all("machine translation: pseudo" in e.tcomment for e in drafts)
        # Code units (<td><code>debian:12</code></td>) are copied, never sent to an engine.
        copied = [e for e in live if e not in drafts]
        assert all(e.msgstr == e.msgid and "fuzzy" not in e.flags for e in copied)
    # Machine drafts are not reviewed: the gate fails, a low threshold passes.
    failed = run(project, "check", code=1)
    assert "0%" in failed.output
    run(project, "check", "--min-complete", "0")
    data = json.loads(run(project, "check", "--format", "json", code=1).output)
    assert {c["language"] for c in data["catalogs"]} == {"it", "en", "fr", "es"}
    run(project, "build")
    for lang in ("it", "en", "fr", "es"):
        assert (project / "build" / lang / "index.html").exists()
        for article in (project / "source_articles").glob("*.html"):
            page = (project / "build" / lang / article.name).read_text(encoding="utf-8")
            assert f'<html lang="{lang}"' in page
            assert 'hreflang="x-default"' in page
    en = (project / "build/en/propagazione-dns.html").read_text(encoding="utf-8")
    assert "<title>[" in en or re.search(r"<title>\s*\[", en)  # pseudo-localized title
    assert "English" in (project / "build/fr/index.html").read_text(encoding="utf-8")
    assert (project / "locales/en/LC_MESSAGES/propagazione-dns.mo").exists()
    # The articles' images are next to every language's pages.
    for lang in ("it", "en", "fr", "es"):
        assert (project / "build" / lang / "img/risoluzione-dns.svg").is_file()


def test_source_language_page_keeps_the_article_byte_for_byte(project: Path):
    run(project, "extract")
    run(project, "update")
    run(project, "build", "--lang", "it")
    source = (project / "source_articles/propagazione-dns.html").read_text(encoding="utf-8")
    doc = walk(source)
    body = source[doc.body[0] : doc.body[1]]
    page = (project / "build/it/propagazione-dns.html").read_text(encoding="utf-8")
    assert body in page


def test_identity_translations_build_the_article_byte_for_byte(project: Path):
    run(project, "extract")
    run(project, "update", "--lang", "en")
    for path in (project / "locales/en/LC_MESSAGES").glob("*.po"):
        po = polib.pofile(str(path))
        for entry in po:
            entry.msgstr = entry.msgid
        po.save()
    run(project, "build", "--lang", "en")
    for article in (project / "source_articles").glob("*.html"):
        source = article.read_text(encoding="utf-8")
        doc = walk(source)
        page = (project / "build/en" / article.name).read_text(encoding="utf-8")
        assert source[doc.body[0] : doc.body[1]] in page, article.name


def test_hostile_translation_is_escaped_on_build(project: Path):
    run(project, "extract")
    run(project, "update", "--lang", "en")
    path = project / "locales/en/LC_MESSAGES/propagazione-dns.po"
    po = polib.pofile(str(path))
    entry = next(e for e in po if "h1" in e.comment.split(", "))
    entry.msgstr = 'Why? <script>alert("x")</script><img src=x onerror=alert(1)>'
    ui_path = project / "locales/en/LC_MESSAGES/ui.po"
    ui = polib.pofile(str(ui_path))
    ui_entry = next(e for e in ui if e.msgid == "Fonti")
    ui_entry.msgstr = "<b onclick=alert(1)>Sources</b> {{ 7*7 }}"
    po.save()
    ui.save()
    result = run(project, "build", "--lang", "en")
    page = (project / "build/en/propagazione-dns.html").read_text(encoding="utf-8")
    assert "<script>alert" not in page and "<img src=x" not in page
    # <script></script> read as inline tags the source lacks: not published at all
    assert "unlike the source's" in result.output and "Why?" not in page
    assert "<b onclick" not in page and "{{ 7*7 }}" in page


def test_reviewed_translations_survive_a_source_edit(project: Path):
    run(project, "extract")
    run(project, "update", "--lang", "fr")
    path = project / "locales/fr/LC_MESSAGES/propagazione-dns.po"
    po = polib.pofile(str(path))
    h1 = next(e for e in po if "h1" in e.comment.split(", "))
    h1.msgstr = "Pourquoi la propagation DNS prend-elle du temps ?"
    caption = next(e for e in po if e.comment == "figcaption")
    caption.msgstr = "Le parcours d’une requête absente du cache du résolveur."
    po.save()
    article = project / "source_articles/propagazione-dns.html"
    text = article.read_text(encoding="utf-8")
    article.write_text(text.replace("non ancora presente", "non presente"), encoding="utf-8")
    run(project, "extract")
    run(project, "update", "--lang", "fr")
    merged = polib.pofile(str(path))
    h1 = next(e for e in merged if "h1" in e.comment.split(", ") and not e.obsolete)
    assert h1.msgstr.startswith("Pourquoi") and "fuzzy" not in h1.flags
    caption = next(e for e in merged if e.comment == "figcaption" and not e.obsolete)
    assert caption.msgstr.startswith("Le parcours") and "fuzzy" in caption.flags
    assert "non ancora presente" in caption.previous_msgid
    obsolete = [e for e in merged if e.obsolete]
    assert any(e.msgstr.startswith("Le parcours") for e in obsolete) or caption.msgstr


@pytest.mark.slow
def test_translate_never_touches_existing_translations(project: Path):
    run(project, "extract")
    run(project, "update", "--lang", "es")
    path = project / "locales/es/LC_MESSAGES/ui.po"
    po = polib.pofile(str(path))
    po[0].msgstr = "Revisado a mano"
    po[1].msgstr = "Borrador"
    po[1].flags.append("fuzzy")
    po.save()
    run(project, "translate", "--backend", "pseudo", "--lang", "es")
    po = polib.pofile(str(path))
    assert po[0].msgstr == "Revisado a mano" and "fuzzy" not in po[0].flags
    assert po[1].msgstr == "Borrador"


def test_bad_config_names_file_and_line(project: Path):
    config = project / "locpipe.toml"
    config.write_text("colour = 'blue'\n" + config.read_text(), encoding="utf-8")
    result = CliRunner().invoke(main, ["-C", str(project), "extract"])
    assert result.exit_code == 2
    line = config.read_text().splitlines().index("colour = 'blue'") + 1
    assert f"locpipe.toml:{line}: unknown key 'colour'" in result.output
    config.write_text(config.read_text().replace("colour = 'blue'\n", "") + "colour = 1\n")
    result = CliRunner().invoke(main, ["-C", str(project), "extract"])
    assert "unknown key 'site.colour'" in result.output


def test_unknown_language_code_is_refused(project: Path):
    config = project / "locpipe.toml"
    config.write_text(config.read_text().replace('"es"]', '"xx-nowhere"]'), encoding="utf-8")
    result = CliRunner().invoke(main, ["-C", str(project), "extract"])
    assert result.exit_code == 2
    assert "unknown language code 'xx-nowhere'" in result.output


def test_missing_folder_is_refused(project: Path):
    shutil.rmtree(project / "templates")
    result = CliRunner().invoke(main, ["-C", str(project), "extract"])
    assert result.exit_code == 2
    assert "paths.templates" in result.output and "does not exist" in result.output


def test_unparseable_catalog_names_its_line(project: Path):
    run(project, "extract")
    run(project, "update", "--lang", "en")
    path = project / "locales/en/LC_MESSAGES/ui.po"
    lines = path.read_text(encoding="utf-8").splitlines()
    broken_at = next(i for i, line in enumerate(lines) if line.startswith("msgid ") and i > 5)
    lines.insert(broken_at, 'msgstr "orphan" garbage')
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    before = path.read_bytes()
    result = CliRunner().invoke(main, ["-C", str(project), "update", "--lang", "en"])
    assert result.exit_code == 2
    assert re.search(r"ui\.po:\d+:", result.output), result.output
    assert path.read_bytes() == before


def test_non_utf8_article_without_charset_names_the_line(project: Path):
    bad = project / "source_articles/latin.html"
    bad.write_bytes(b"<html lang='it'><body>\n<p>Citt\xe0</p></body></html>")
    result = CliRunner().invoke(main, ["-C", str(project), "extract"])
    assert result.exit_code == 2
    assert "latin.html:2: not valid utf-8" in result.output
    assert not (project / "locales").exists()


@pytest.mark.slow
def test_console_script_runs_with_dash_c(project: Path):
    exe = Path(sys.executable).with_name("locpipe")
    proc = subprocess.run([str(exe), "-C", str(project), "extract"], capture_output=True, text=True)
    assert proc.returncode == 0, proc.stderr
    proc = subprocess.run(
        [str(exe), "-C", str(project), "check", "--lang", "de"], capture_output=True, text=True
    )
    assert proc.returncode == 2 and "--lang de" in proc.stderr


@pytest.mark.slow
def test_a_translation_of_an_older_source_is_not_published(project: Path):
    run(project, "extract")
    run(project, "update", "--lang", "fr")
    path = project / "locales/fr/LC_MESSAGES/propagazione-dns.po"
    po = polib.pofile(str(path))
    caption = next(e for e in po if e.comment == "figcaption")
    caption.msgstr = "Le parcours d’une requête absente du cache du résolveur."
    po.save()
    run(project, "build", "--lang", "fr")
    page = project / "build/fr/propagazione-dns.html"
    assert "Le parcours d’une requête" in page.read_text(encoding="utf-8")
    article = project / "source_articles/propagazione-dns.html"
    text = article.read_text(encoding="utf-8")
    article.write_text(text.replace("non ancora presente", "non presente"), encoding="utf-8")
    run(project, "extract")
    run(project, "update", "--lang", "fr")
    run(project, "build", "--lang", "fr")
    # The fuzzy match (a translation of the old caption) is kept for the translator, not shown.
    built = page.read_text(encoding="utf-8")
    assert "Le parcours d’une requête" not in built
    assert "Il percorso di una richiesta non presente nella cache del resolver." in built


@pytest.mark.parametrize(
    ("broken", "expected"),
    [
        ("index.html", "template not found: index.html"),
        ("article.html", "template not found: article.html"),
    ],
)
def test_a_build_with_a_missing_template_writes_nothing(project: Path, broken: str, expected: str):
    run(project, "extract")
    run(project, "update", "--lang", "fr")
    (project / "templates" / broken).unlink()
    result = CliRunner().invoke(main, ["-C", str(project), "build"])
    assert result.exit_code == 2
    assert f"{project / 'templates'}: {expected}" in result.output  # names the folder
    assert not (project / "build").exists()  # no page, image or .mo
    assert not list((project / "locales").rglob("*.mo"))


def test_a_template_that_fails_to_render_stops_the_build_before_any_write(project: Path):
    run(project, "extract")
    run(project, "update", "--lang", "fr")
    index = project / "templates/index.html"
    index.write_text(
        index.read_text(encoding="utf-8").replace("{{ article.title }}", "{{ article.nope }}"),
        encoding="utf-8",
    )
    result = CliRunner().invoke(main, ["-C", str(project), "build"])
    assert result.exit_code == 2
    assert "index.html" in result.output and "nope" in result.output
    assert not (project / "build").exists()


def test_the_sample_templates_build_without_a_site_table(project: Path):
    config = project / "locpipe.toml"
    text = config.read_text(encoding="utf-8")
    config.write_text(text.split("[site]", 1)[0], encoding="utf-8")
    run(project, "extract")
    run(project, "update", "--lang", "fr")
    run(project, "build", "--lang", "fr")
    assert (project / "build/fr/propagazione-dns.html").is_file()
