"""domains = "section": the pages of a top-level folder share one domain."""

from __future__ import annotations

import json
from pathlib import Path

from click.testing import CliRunner

from locpipe.cli import main
from test_nested_sources import nested_site


def run(project: Path, *args: str, code: int = 0) -> str:
    result = CliRunner().invoke(main, ["-C", str(project), *args])
    assert result.exit_code == code, result.output
    return result.output


def sectioned(root: Path) -> Path:
    """The nested manual plus a second folder, with ``domains = "section"``."""
    project = nested_site(root)
    (project / "pages/faq").mkdir()
    for name, title in (("uno", "Domanda uno"), ("due", "Domanda due")):
        (project / f"pages/faq/{name}.html").write_text(
            f'<html lang="it"><head><title>{title}</title></head>'
            f"<body><p>Una risposta breve.</p><p>{title}?</p></body></html>",
            encoding="utf-8",
        )
    config = project / "locpipe.toml"
    config.write_text('domains = "section"\n' + config.read_text(encoding="utf-8"))
    return project


def test_two_folders_make_two_domains_and_every_page_is_built(tmp_path: Path):
    project = sectioned(tmp_path)
    run(project, "all")
    templates = sorted(
        p.relative_to(project / "locales/templates").as_posix()
        for p in (project / "locales/templates").rglob("*.pot")
    )
    assert templates == ["faq.pot", "guida.pot", "indice.pot", "ui.pot"]
    catalogs = sorted(p.name for p in (project / "locales/en/LC_MESSAGES").rglob("*.po"))
    assert catalogs == ["faq.po", "guida.po", "indice.po", "ui.po"]
    faq = (project / "locales/templates/faq.pot").read_text(encoding="utf-8")
    assert faq.count('msgid "Una risposta breve."') == 1  # shared by both pages: once
    assert "Domanda uno?" in faq and "Domanda due?" in faq
    for language in ("it", "en"):
        for page in ("indice", "guida/installare", "guida/avanzata/rete", "faq/uno", "faq/due"):
            assert (project / f"build/{language}/{page}.html").is_file()
    uno = (project / "build/en/faq/uno.html").read_text(encoding="utf-8")
    assert "Una risposta breve." not in uno  # translated from faq.po (pseudo drafts)
    config = json.loads(run(project, "weblate-config", "--format", "json"))
    names = [c["name"] for c in config["components"]]
    assert names == ["ui", "faq", "guida", "indice"]


def test_a_section_in_two_source_languages_is_refused(tmp_path: Path):
    project = sectioned(tmp_path)
    page = project / "pages/faq/due.html"
    page.write_text(page.read_text(encoding="utf-8").replace('lang="it"', 'lang="en"'))
    output = run(project, "extract", code=2)
    assert "pages/faq/uno.html: written in it, but pages/faq/due.html" in output
    assert "of the same section is in en: one section, one source language" in output
    assert not (project / "locales/templates/faq.pot").exists()
