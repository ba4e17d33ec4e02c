"""Publish thresholds: an article below it in a language is not built in that language."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from conftest import copy_sample_site
from locpipe.catalog import read_catalog, write_catalog
from locpipe.cli import main

ROOT = Path(__file__).resolve().parents[1]
SLUG = "propagazione-dns"


@pytest.fixture
def project(tmp_path: Path) -> Path:
    copy_sample_site(tmp_path, with_locales=True)
    # fr: half of propagazione-dns emptied, the rest reviewed except 5 machine drafts.
    path = tmp_path / f"locales/fr/LC_MESSAGES/{SLUG}.po"
    po = read_catalog(path)
    live = [e for e in po if not e.obsolete]
    for i, entry in enumerate(live):
        if i < len(live) // 2:
            entry.msgstr = ""
            entry.flags = [f for f in entry.flags if f != "fuzzy"]
        elif i >= len(live) // 2 + 5:
            entry.flags = [f for f in entry.flags if f != "fuzzy"]
    write_catalog(path, po)
    return tmp_path


def run(project: Path, *args: str, code: int = 0):
    result = CliRunner().invoke(main, ["-C", str(project), *args])
    assert result.exit_code == code, result.output
    return result


def percent(project: Path, reviewed_only: bool) -> float:
    po = read_catalog(project / f"locales/fr/LC_MESSAGES/{SLUG}.po")
    live = [e for e in po if not e.obsolete]
    done = [e for e in live if e.msgstr and not (reviewed_only and "fuzzy" in e.flags)]
    return len(done) * 100 / len(live)


@pytest.mark.slow
def test_below_threshold_is_held_back_everywhere(project: Path):
    assert 45 < percent(project, False) < 55
    result = run(project, "build", "--publish-threshold", "60")
    assert "1 held back" in result.output
    assert (
        f"fr/{SLUG}: {percent(project, False):.0f}% translated, below the publish threshold of 60%"
        in result.output
    )
    assert not (project / f"build/fr/{SLUG}.html").exists()
    assert (project / "build/fr/rag-spiegato.html").exists()
    assert (project / f"build/en/{SLUG}.html").exists()
    # The French index lists the other articles but not this one.
    fr_index = (project / "build/fr/index.html").read_text(encoding="utf-8")
    assert f'href="{SLUG}.html"' not in fr_index and 'href="rag-spiegato.html"' in fr_index
    # The other languages' pages leave French out of hreflang and the switcher.
    en = (project / f"build/en/{SLUG}.html").read_text(encoding="utf-8")
    assert 'hreflang="fr"' not in en and 'hreflang="es"' in en and 'hreflang="x-default"' in en
    other = (project / "build/en/rag-spiegato.html").read_text(encoding="utf-8")
    assert 'hreflang="fr"' in other


def test_a_page_built_earlier_is_removed_when_held_back(project: Path):
    run(project, "build", "--lang", "fr")
    assert (project / f"build/fr/{SLUG}.html").exists()
    result = run(project, "build", "--lang", "fr", "--publish-threshold", "60")
    assert f"removed build/fr/{SLUG}.html" in result.output
    assert not (project / f"build/fr/{SLUG}.html").exists()


@pytest.mark.slow
def test_machine_drafts_count_unless_reviewed_only(project: Path):
    drafts, reviewed = percent(project, False), percent(project, True)
    between = (drafts + reviewed) / 2
    run(project, "build", "--lang", "fr", "--publish-threshold", f"{between:.2f}")
    assert (project / f"build/fr/{SLUG}.html").exists()
    result = run(
        project, "build", "--lang", "fr", "--reviewed-only", "--publish-threshold", f"{between:.2f}"
    )
    assert "reviewed only" in result.output
    assert not (project / f"build/fr/{SLUG}.html").exists()


def test_threshold_from_config_and_option_overrides_it(project: Path):
    config = project / "locpipe.toml"
    config.write_text("publish_threshold = 80\n" + config.read_text(), encoding="utf-8")
    result = run(project, "build", "--lang", "fr")
    assert "publish threshold 80%" in result.output
    assert not (project / f"build/fr/{SLUG}.html").exists()
    result = run(project, "build", "--lang", "fr", "--publish-threshold", "0")
    assert "held back" not in result.output
    assert (project / f"build/fr/{SLUG}.html").exists()


def test_missing_catalog_is_held_back_and_source_language_always_built(project: Path):
    (project / f"locales/es/LC_MESSAGES/{SLUG}.po").unlink()
    result = run(project, "build", "--publish-threshold", "100")
    assert f"es/{SLUG}: no catalog" in result.output
    assert (project / f"build/it/{SLUG}.html").exists()  # its source language
    it_page = (project / f"build/it/{SLUG}.html").read_text(encoding="utf-8")
    assert 'hreflang="en"' in it_page  # every entry has a machine draft: 100%
    assert 'hreflang="fr"' not in it_page and 'hreflang="es"' not in it_page


def test_bad_threshold_is_a_usage_error(project: Path):
    result = CliRunner().invoke(main, ["-C", str(project), "build", "--publish-threshold", "120"])
    assert result.exit_code == 2
