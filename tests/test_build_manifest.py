"""build removes the files it wrote and no longer produces, and nothing else."""

from __future__ import annotations

import hashlib
import json
import os
from pathlib import Path

from click.testing import CliRunner

from locpipe.cli import main

MANIFEST = Path("build/.locpipe-manifest.json")


def run(project: Path, *args: str) -> str:
    result = CliRunner().invoke(main, ["-C", str(project), *args])
    assert result.exit_code == 0, result.output
    return result.output


def sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def delete_rag(project: Path) -> None:
    (project / "source_articles/rag-spiegato.html").unlink()
    (project / "source_articles/img/pipeline-rag.svg").unlink()
    run(project, "extract")


def test_pages_and_images_of_a_deleted_article_are_removed(built_site: Path):
    mine = built_site / "build/en/about.html"  # put there by hand: never listed, never removed
    mine.write_text("mine", encoding="utf-8")
    delete_rag(built_site)
    output = run(built_site, "build")
    for language in ("it", "en", "fr", "es"):
        assert f"removed build/{language}/rag-spiegato.html (no longer built)" in output
        assert not (built_site / "build" / language / "rag-spiegato.html").exists()
        assert not (built_site / "build" / language / "img/pipeline-rag.svg").exists()
        assert (built_site / "build" / language / "img/risoluzione-dns.svg").is_file()
        assert (built_site / "build" / language / "propagazione-dns.html").is_file()
    assert mine.read_text(encoding="utf-8") == "mine"
    assert "removed" not in run(built_site, "build")
    files = json.loads((built_site / MANIFEST).read_text(encoding="utf-8"))["files"]
    assert "en/rag-spiegato.html" not in files and "en/propagazione-dns.html" in files


def test_a_page_changed_by_hand_is_not_removed(built_site: Path):
    page = built_site / "build/fr/rag-spiegato.html"
    page.write_text(page.read_text(encoding="utf-8") + "<!-- edited -->", encoding="utf-8")
    delete_rag(built_site)
    output = run(built_site, "build")
    assert page.is_file()
    assert "build/fr/rag-spiegato.html" not in output
    assert not (built_site / "build/en/rag-spiegato.html").exists()


def test_a_build_of_one_language_leaves_the_others(built_site: Path):
    delete_rag(built_site)
    run(built_site, "build", "--lang", "fr")
    assert not (built_site / "build/fr/rag-spiegato.html").exists()
    assert (built_site / "build/en/rag-spiegato.html").is_file()
    run(built_site, "build")
    assert not (built_site / "build/en/rag-spiegato.html").exists()


def test_a_forged_manifest_removes_nothing_build_did_not_write(built_site: Path, tmp_path: Path):
    outside = tmp_path / "outside"
    outside.mkdir()
    secret = outside / "secret.html"
    secret.write_text("secret", encoding="utf-8")
    (built_site / "build/en/link").symlink_to(outside)  # a folder link inside build/
    (built_site / "build/en/file-link.html").symlink_to(secret)
    config = built_site / "locpipe.toml"
    forged = {
        "../locpipe.toml": sha(config),
        str(secret): sha(secret),
        "en/link/secret.html": sha(secret),
        "en/file-link.html": sha(secret),
        "en/./link/secret.html": sha(secret),
        "en\\..\\..\\locpipe.toml": sha(config),
        "fr/../../locpipe.toml": sha(config),
    }
    (built_site / MANIFEST).write_text(json.dumps({"format": 1, "files": forged}), encoding="utf-8")
    run(built_site, "build")
    assert secret.read_text(encoding="utf-8") == "secret"
    assert config.is_file()
    assert os.path.islink(built_site / "build/en/file-link.html")
    assert os.path.islink(built_site / "build/en/link")


def test_a_damaged_manifest_is_named_and_replaced(built_site: Path):
    (built_site / MANIFEST).write_text("{not json", encoding="utf-8")
    delete_rag(built_site)
    result = CliRunner().invoke(main, ["-C", str(built_site), "build"])
    assert result.exit_code == 0, result.output
    assert "locpipe: warning: build/.locpipe-manifest.json: unreadable" in result.output
    assert (built_site / "build/en/rag-spiegato.html").is_file()  # not listed: kept
    files = json.loads((built_site / MANIFEST).read_text(encoding="utf-8"))["files"]
    assert "en/propagazione-dns.html" in files


def test_a_language_dropped_from_the_configuration_loses_its_built_pages(built_site: Path):
    config = built_site / "locpipe.toml"
    text = config.read_text(encoding="utf-8")
    config.write_text(text.replace(', "es"]', "]"), encoding="utf-8")
    output = run(built_site, "build")
    assert "removed build/es/propagazione-dns.html (no longer built)" in output
    assert not (built_site / "build/es").exists()
