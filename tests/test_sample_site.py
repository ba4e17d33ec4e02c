"""The committed sample site: reviewed interface and article next to machine drafts."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from conftest import SAMPLE_SITE, copy_sample_site
from locpipe.cli import main

REVIEWED_LANGUAGES = ("en", "fr", "es")
REVIEWED_DOMAINS = ("ui", "docker-immagini-leggere")


def run(root: Path, *args: str) -> tuple[int, str]:
    result = CliRunner().invoke(main, ["-C", str(root), *args])
    return result.exit_code, result.output


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A copy of the sample site with its committed catalogs, after `locpipe all`."""
    root = copy_sample_site(tmp_path_factory.mktemp("sample"), with_locales=True)
    code, output = run(root, "all")
    assert code == 0, output
    return root


def test_locpipe_all_leaves_the_committed_catalogs_as_they_are(site: Path) -> None:
    """`make all` on a fresh clone: the catalogs already are their regenerated form."""
    changed = [
        str(path.relative_to(site))
        for path in sorted((site / "locales").rglob("*.po*"))
        if path.read_bytes() != (SAMPLE_SITE / path.relative_to(site)).read_bytes()
    ]
    assert changed == []
    code, output = run(site, "all")
    assert code == 0, output
    assert "0 written" in output and " 0 created, 0 updated" in output


def test_reviewed_catalogs_pass_check_min_complete_100(site: Path) -> None:
    code, output = run(site, "check", "--min-complete", "100", "--strict", "--format", "json")
    report = json.loads(output[output.index("{") :])
    by_name = {(c["language"], c["domain"]): c for c in report["catalogs"]}
    for language in REVIEWED_LANGUAGES:
        for domain in REVIEWED_DOMAINS:
            entry = by_name[(language, domain)]
            assert entry["percent_complete"] == 100.0, (language, domain)
            assert entry["fuzzy"] == 0 and entry["errors"] == [], (language, domain, entry)
            assert entry["passed"], (language, domain, entry)
    # the other articles are still machine drafts: the gate fails for them
    assert by_name[("en", "rag-spiegato")]["fuzzy"] > 0
    assert code == 1 and not report["passed"]


def test_check_min_complete_passes_on_the_reviewed_part_alone(tmp_path: Path) -> None:
    """The ui and the Docker article by themselves pass the CI gate, warnings included."""
    root = copy_sample_site(tmp_path, with_locales=True)
    for article in (root / "source_articles").glob("*.html"):
        if article.stem != "docker-immagini-leggere":
            article.unlink()
    shutil.rmtree(root / "locales" / "it")
    for catalog in (root / "locales").rglob("*.po"):
        if catalog.stem not in REVIEWED_DOMAINS:
            catalog.unlink()
    code, output = run(root, "check", "--min-complete", "100", "--strict")
    assert code == 0, output
    assert "6 catalogs, 0 below 100% complete, 0 errors" in output


def test_english_pages_read_as_reviewed_english(site: Path) -> None:
    index = (site / "build" / "en" / "index.html").read_text(encoding="utf-8")
    for text in (
        "Dino Geek, here to help",
        ">Language<",
        "Generate articles with ease and boost your SEO",
        "DinoGeek offers simple articles on complex technologies",
        "How do you shrink a Docker image?",
        "Why does DNS propagation take time?",
    ):
        assert text in index, text
    for slip in ("Tongue", "tries to help you", "It generates simply", "That what is the RAG"):
        assert slip not in index, slip
    for name in ("Italiano", "English", "Français", "Español"):
        assert f">{name}</" in index, name
    article = (site / "build" / "en" / "docker-immagini-leggere.html").read_text(encoding="utf-8")
    assert "Every <code>RUN</code>, <code>COPY</code> or <code>ADD</code> instruction" in article


def test_french_and_spanish_headers_are_reviewed(site: Path) -> None:
    french = (site / "build" / "fr" / "index.html").read_text(encoding="utf-8")
    spanish = (site / "build" / "es" / "index.html").read_text(encoding="utf-8")
    assert "Dino Geek, là pour vous aider" in french and ">Langue<" in french
    assert "Dino Geek, aquí para ayudarte" in spanish and ">Idioma<" in spanish
