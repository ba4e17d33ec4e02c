"""``locpipe init``: a new project that builds as it is, and an adopted folder of pages."""

from __future__ import annotations

import shutil
import tomllib
from pathlib import Path

import pytest
from click.testing import CliRunner

from conftest import SAMPLE_SITE
from locpipe.cli import main

ARTICLE = """<!DOCTYPE html>
<html lang="it">
<head><meta charset="utf-8"><title>Ciao mondo</title>
<meta name="description" content="Un saluto."></head>
<body><h1>Ciao mondo</h1><p>Questo è il primo articolo.</p></body>
</html>
"""


def run(folder: Path, *args: str, code: int = 0):
    result = CliRunner().invoke(main, ["-C", str(folder), *args])
    assert result.exit_code == code, result.output
    return result


def test_init_then_one_article_builds_offline(tmp_path: Path):
    result = run(tmp_path, "init", "--languages", "it,en", "--languages", "fr")
    assert "wrote locpipe.toml, .gitignore, templates/base.html" in result.output
    config = tomllib.loads((tmp_path / "locpipe.toml").read_text(encoding="utf-8"))
    assert config["source_language"] == "it"  # the first of --languages
    assert config["languages"] == ["it", "en", "fr"]
    ignored = (tmp_path / ".gitignore").read_text(encoding="utf-8").splitlines()
    assert {"build/", ".locpipe-cache/", "*.mo", ".locpipe.lock"} <= set(ignored)
    assert "Tutti gli articoli" in (tmp_path / "templates/article.html").read_text("utf-8")
    (tmp_path / "source_articles/ciao.html").write_text(ARTICLE, encoding="utf-8")
    run(tmp_path, "all", "--backend", "pseudo")
    for language in ("it", "en", "fr"):
        page = (tmp_path / "build" / language / "ciao.html").read_text(encoding="utf-8")
        assert f'<html lang="{language}"' in page
        assert "ciao.html" in (tmp_path / "build" / language / "index.html").read_text("utf-8")
    assert "Questo è il primo articolo." in (tmp_path / "build/it/ciao.html").read_text("utf-8")
    english = (tmp_path / "build/en/ciao.html").read_text(encoding="utf-8")
    assert "Questo è il primo articolo." not in english  # translated (pseudo)
    assert "| " + tmp_path.name in english  # site.name defaults to the folder's name


def test_init_with_no_article_yet_builds_empty_indexes(tmp_path: Path):
    run(tmp_path, "init", "--source-language", "en", "--languages", "en,es")
    run(tmp_path, "all", "--backend", "pseudo")
    index = (tmp_path / "build/es/index.html").read_text(encoding="utf-8")
    assert "ţĥíš ļáñĝüáĝé" in index  # "No article ... in this language yet.", pseudo-translated
    assert '<html lang="es"' in index
    assert "No article is available" in (tmp_path / "build/en/index.html").read_text("utf-8")


def test_init_refuses_to_overwrite_and_writes_nothing(tmp_path: Path):
    (tmp_path / "templates").mkdir()
    (tmp_path / "templates/index.html").write_text("mine", encoding="utf-8")
    result = run(tmp_path, "init", code=2)
    assert f"{tmp_path / 'templates/index.html'}: already exists" in result.output
    assert "--force" in result.output
    assert sorted(p.name for p in tmp_path.rglob("*")) == ["index.html", "templates"]
    assert (tmp_path / "templates/index.html").read_text(encoding="utf-8") == "mine"
    run(tmp_path, "init", "--force")
    assert "{% trans %}" in (tmp_path / "templates/index.html").read_text(encoding="utf-8")


def test_init_keeps_an_existing_gitignore_and_adds_its_lines(tmp_path: Path):
    (tmp_path / ".gitignore").write_text("node_modules/\nbuild/", encoding="utf-8")
    run(tmp_path, "init")
    lines = (tmp_path / ".gitignore").read_text(encoding="utf-8").splitlines()
    assert lines[:2] == ["node_modules/", "build/"]
    assert lines.count("build/") == 1 and ".locpipe-cache/" in lines and "*.mo" in lines


def test_init_into_a_folder_argument(tmp_path: Path):
    run(tmp_path, "init", "new-site")
    assert (tmp_path / "new-site/locpipe.toml").is_file()
    assert (tmp_path / "new-site/source_articles").is_dir()


def test_an_unknown_language_is_refused(tmp_path: Path):
    result = run(tmp_path, "init", "--languages", "en,xx-nowhere", code=2)
    assert "unknown language code 'xx-nowhere'" in result.output
    assert not list(tmp_path.iterdir())


@pytest.mark.slow
def test_init_from_site_adopts_a_folder_of_pages(tmp_path: Path):
    pages = tmp_path / "pages"
    pages.mkdir()
    for article in SAMPLE_SITE.glob("source_articles/*.html"):
        shutil.copy(article, pages)
    (pages / "old").mkdir()
    shutil.copy(SAMPLE_SITE / "source_articles/rag-spiegato.html", pages / "old")
    result = run(tmp_path, "init", "--from-site", "pages")
    assert "6 pages in" in result.output
    assert "old/rag-spiegato.html  it" in result.output
    assert "qu-est-ce-que-dmarc.html  fr" in result.output
    assert "propagazione-dns.html  it" in result.output
    assert "1 page in subfolders" in result.output
    assert "source language: it (from the pages' <html lang>)" in result.output
    text = (tmp_path / "locpipe.toml").read_text(encoding="utf-8")
    config = tomllib.loads(text)
    assert config["paths"]["source_articles"] == "pages"
    assert config["source_language"] == "it"
    assert config["languages"][:1] == ["it"] and "fr" in config["languages"]
    assert config["layout"] == "page"  # the pages keep their own look
    assert config["content"] == "article"  # suggested: every sample page has one
    assert not (tmp_path / "source_articles").exists()
    run(tmp_path, "all", "--backend", "pseudo")
    assert (tmp_path / "build/en/qu-est-ce-que-dmarc.html").is_file()
    assert (tmp_path / "build/fr/propagazione-dns.html").is_file()


def test_init_from_site_outside_the_project_is_refused(tmp_path: Path):
    (tmp_path / "pages").mkdir()
    (tmp_path / "project").mkdir()
    result = run(tmp_path, "init", "--from-site", str(tmp_path / "pages"), "project", code=2)
    assert "must be inside the project folder" in result.output
    assert not list((tmp_path / "project").iterdir())
