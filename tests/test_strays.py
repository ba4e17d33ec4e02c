"""Catalogs no step uses (deleted articles, unconfigured languages) and dead links."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import polib
import pytest
from click.testing import CliRunner

from conftest import SAMPLE_SITE, copy_sample_site
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


@pytest.mark.slow
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


@pytest.mark.slow
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


def review(path: Path, count: int) -> list[tuple[str, str]]:
    """Translate and review the first ``count`` entries, leave a fuzzy draft after them."""
    po = polib.pofile(str(path))
    done = []
    for n, entry in enumerate(po):
        if n < count:
            entry.msgstr = f"reviewed {n}"
            done.append((entry.msgid, entry.msgstr))
        elif n == count:
            entry.msgstr = "machine draft"
            entry.flags.append("fuzzy")
    po.save()
    return done


def snapshot(folder: Path) -> dict[str, bytes]:
    return {str(p.relative_to(folder)): p.read_bytes() for p in folder.rglob("*") if p.is_file()}


@pytest.fixture
def orphaned(project: Path) -> tuple[Path, list[tuple[str, str]]]:
    """The sample site with rag-spiegato.html deleted: its en catalog has 3 reviewed entries."""
    catalog = project / "locales/en/LC_MESSAGES/rag-spiegato.po"
    done = review(catalog, 3)
    catalog.with_suffix(".mo").write_bytes(b"compiled")
    (project / "source_articles/rag-spiegato.html").unlink()
    run(project, "extract")
    run(project, "update")
    return project, done


def test_prune_dry_run_lists_and_changes_nothing(orphaned):
    project, _done = orphaned
    before = snapshot(project / "locales")
    result = run(project, "prune", "--dry-run")
    assert (
        "locales/en/LC_MESSAGES/rag-spiegato.po: would move 3 reviewed translations to "
        "locales/en/memory.po; would remove it and its .mo"
    ) in result.output
    assert "prune (dry run): 3 orphaned catalogs, 3 reviewed translations to keep" in result.output
    assert snapshot(project / "locales") == before


def test_prune_moves_reviewed_entries_into_the_memory_and_removes_the_catalogs(orphaned):
    project, done = orphaned
    result = run(project, "prune")
    assert "prune: 3 orphaned catalogs removed, 3 reviewed translations kept" in result.output
    assert not list(project.glob("locales/*/LC_MESSAGES/rag-spiegato.*"))
    memory = polib.pofile(str(project / "locales/en/memory.po"))
    assert [(e.msgid, e.msgstr) for e in memory] == done  # the fuzzy draft is not kept
    assert memory.metadata["Language"] == "en"
    assert not (project / "locales/fr/memory.po").exists()  # nothing reviewed there
    run(project, "tm", "export", "-o", str(project / "memory.tmx"))
    assert "reviewed 2" in (project / "memory.tmx").read_text(encoding="utf-8")
    assert "no article" not in run(project, "update").output  # no orphan left
    assert "prune: 0 orphaned catalogs removed" in run(project, "prune").output


@pytest.mark.slow
def test_translate_reuses_what_prune_kept(orphaned):
    project, done = orphaned
    run(project, "prune")
    # The article comes back under another name: its reviewed units come from the memory.
    shutil.copy(
        SAMPLE_SITE / "source_articles/rag-spiegato.html", project / "source_articles/rag.html"
    )
    run(project, "extract")
    run(project, "update")
    run(project, "translate", "--backend", "pseudo", "--lang", "en")
    po = polib.pofile(str(project / "locales/en/LC_MESSAGES/rag.po"))
    by_msgid = {e.msgid: e for e in po}
    for msgid, msgstr in done:
        assert by_msgid[msgid].msgstr == msgstr
        assert "reviewed in locales/en/memory.po" in by_msgid[msgid].tcomment


def test_a_broken_orphan_stops_prune_with_nothing_changed(orphaned):
    project, _done = orphaned
    broken = project / "locales/fr/LC_MESSAGES/rag-spiegato.po"
    broken.write_text(broken.read_text(encoding="utf-8") + '\nmsgid "x"\nmsgstr "y" junk\n')
    before = snapshot(project / "locales")
    result = run(project, "prune", code=2)
    assert "locales/fr/LC_MESSAGES/rag-spiegato.po:" in result.output
    assert snapshot(project / "locales") == before


def test_prune_refuses_a_symlinked_orphan(orphaned, tmp_path_factory):
    project, _done = orphaned
    elsewhere = tmp_path_factory.mktemp("elsewhere") / "secret.po"
    link = project / "locales/es/LC_MESSAGES/rag-spiegato.po"
    shutil.move(link, elsewhere)
    link.symlink_to(elsewhere)
    result = run(project, "prune", code=2)
    assert "locales/es/LC_MESSAGES/rag-spiegato.po" in result.output
    assert re.search(r": (a )?symlink", result.output)
    assert elsewhere.is_file() and link.is_symlink()
    assert (project / "locales/en/LC_MESSAGES/rag-spiegato.po").is_file()


def test_a_symlinked_kept_memory_is_refused(orphaned, tmp_path_factory):
    project, _done = orphaned
    elsewhere = tmp_path_factory.mktemp("elsewhere") / "memory.po"
    shutil.copy(project / "locales/en/LC_MESSAGES/ui.po", elsewhere)
    (project / "locales/en/memory.po").symlink_to(elsewhere)
    for command in (["prune"], ["translate", "--backend", "pseudo", "--lang", "en"]):
        result = run(project, *command, code=2)
        assert "locales/en/memory.po" in result.output
        assert re.search(r": (a )?symlink", result.output)
    assert (project / "locales/en/LC_MESSAGES/rag-spiegato.po").is_file()


def test_a_catalog_in_the_articles_own_language_is_named_as_such(project: Path):
    article = project / "source_articles/rag-spiegato.html"
    article.write_text(
        article.read_text(encoding="utf-8").replace('lang="it"', 'lang="fr"', 1), encoding="utf-8"
    )
    run(project, "extract")
    result = run(project, "update")
    assert (
        "locales/fr/LC_MESSAGES/rag-spiegato.po: article 'rag-spiegato' is written in fr now "
        "(its <html lang>), so this catalog is not used"
    ) in result.output
    assert (project / "locales/fr/LC_MESSAGES/rag-spiegato.po").is_file()
