"""Catalogs no step uses (deleted articles, unconfigured languages) and dead links."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from conftest import copy_sample_site
from locpipe.cli import main


@pytest.fixture
def project(tmp_path: Path) -> Path:
    copy_sample_site(tmp_path)
    for step in (["extract"], ["update"]):
        result = CliRunner().invoke(main, ["-C", str(tmp_path), *step])
        assert result.exit_code == 0, result.output
    return tmp_path


def run(project: Path, *args: str, code: int = 0):
    result = CliRunner().invoke(main, ["-C", str(project), *args])
    assert result.exit_code == code, result.output
    return result


def test_update_warns_about_the_catalogs_of_a_deleted_article_and_keeps_them(project: Path):
    (project / "source_articles/rag-spiegato.html").unlink()
    catalogs = sorted(project.glob("locales/*/LC_MESSAGES/rag-spiegato.po"))
    assert len(catalogs) == 3
    before = {path: path.read_bytes() for path in catalogs}
    run(project, "extract")
    result = run(project, "update")
    for language in ("en", "fr", "es"):
        assert (
            f"locpipe: warning: locales/{language}/LC_MESSAGES/rag-spiegato.po: "
            "no article 'rag-spiegato' any more"
        ) in result.output
    assert "`locpipe prune`" in result.output
    assert {path: path.read_bytes() for path in catalogs} == before  # kept, untouched


def test_a_catalog_for_an_unconfigured_language_is_reported_with_the_fix(project: Path):
    german = project / "locales/de/LC_MESSAGES/ui.po"
    german.parent.mkdir(parents=True)
    shutil.copy(project / "locales/en/LC_MESSAGES/ui.po", german)
    result = run(project, "update")
    assert (
        "locpipe: warning: locales/de/LC_MESSAGES/ui.po: catalog for 'de', which is not in "
        "`languages`, so it is ignored; to translate and build 'de', set languages = [\"it\", "
        '"en", "fr", "es", "de"] in locpipe.toml and run `locpipe update`'
    ) in result.output
    checked = CliRunner().invoke(main, ["-C", str(project), "check"])
    assert "locales/de/LC_MESSAGES/ui.po: catalog for 'de'" in checked.output


def test_a_language_folder_spelled_otherwise_is_told_where_to_go(project: Path):
    folder = project / "locales/pt-BR/LC_MESSAGES"
    folder.mkdir(parents=True)
    shutil.copy(project / "locales/en/LC_MESSAGES/ui.po", folder / "ui.po")
    result = run(project, "update")
    assert "catalog for 'pt_BR'" in result.output
    assert "move the catalog to locales/pt_BR/LC_MESSAGES/ui.po" in result.output


def test_check_warns_about_links_to_a_deleted_page(project: Path):
    (project / "source_articles/rag-spiegato.html").unlink()
    run(project, "extract")
    run(project, "update")
    result = CliRunner().invoke(main, ["-C", str(project), "check"])
    assert (
        "locpipe: warning: source_articles/seo-link-interni.html:55: link to "
        "'rag-spiegato.html': no such page in source_articles/"
    ) in result.output
    links = [line for line in result.output.splitlines() if "link to" in line]
    assert all("rag-spiegato.html" in line for line in links), links  # no false alarm
