"""Shared fixtures: real tools are required; in CI a missing one is an error."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest


def require_tool(name: str) -> str:
    """Path of an external tool; skip when absent, but fail when CI=true."""
    path = shutil.which(name)
    if path:
        return path
    message = f"{name} is not installed (run `make setup`)"
    if os.environ.get("CI") == "true":
        pytest.fail(message)
    pytest.skip(message)
    raise AssertionError  # unreachable


SAMPLE_SITE = Path(__file__).resolve().parents[1]


def copy_sample_site(destination: Path, *, with_locales: bool = False) -> Path:
    """Copy the sample site (articles, templates, config; catalogs if asked) into a folder."""
    folders = (
        ("source_articles", "templates", "locales")
        if with_locales
        else (
            "source_articles",
            "templates",
        )
    )
    for name in folders:
        shutil.copytree(SAMPLE_SITE / name, destination / name)
    shutil.copy(SAMPLE_SITE / "locpipe.toml", destination / "locpipe.toml")
    return destination


def extract_and_update(folder: Path) -> Path:
    """Run ``extract`` and ``update`` on the site in ``folder`` (every language)."""
    from click.testing import CliRunner

    from locpipe.cli import main

    for command in ("extract", "update"):
        result = CliRunner().invoke(main, ["-C", str(folder), command])
        assert result.exit_code == 0, result.output
    return folder


def copy_many_articles(destination: Path, copies: int) -> Path:
    """The sample site plus ``copies`` copies of one article (each with its own title)."""
    copy_sample_site(destination)
    source = destination / "source_articles"
    text = (source / "rag-spiegato.html").read_text(encoding="utf-8")
    for n in range(copies):
        (source / f"copia-{n:02d}.html").write_text(
            text.replace("<h1>", f"<h1>Copia {n}: ", 1), encoding="utf-8"
        )
    return destination


def translated_copies(destination: Path, copies: int) -> Path:
    """:func:`copy_many_articles`, extracted, updated and translated by the pseudo
    backend: many catalogs full of machine drafts."""
    from click.testing import CliRunner

    from locpipe.cli import main

    site = copy_many_articles(destination, copies)
    for step in (["extract"], ["update"], ["translate", "--backend", "pseudo"]):
        result = CliRunner().invoke(main, ["-C", str(site), *step])
        assert result.exit_code == 0, result.output
    return site


@pytest.fixture(scope="session")
def extracted_sample(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The sample site, extracted and updated once for the whole run (never changed:
    a test that changes it works on :func:`extracted_project`)."""
    folder = tmp_path_factory.mktemp("extracted-sample")
    copy_sample_site(folder)
    return extract_and_update(folder)


@pytest.fixture
def extracted_project(extracted_sample: Path, tmp_path: Path) -> Path:
    """A copy of :func:`extracted_sample` for one test to change."""
    return fresh_copy(extracted_sample, tmp_path)


def fresh_copy(site: Path, tmp_path: Path) -> Path:
    """A copy of ``site`` in ``tmp_path/site`` for one test to change."""
    shutil.copytree(site, tmp_path / "site", symlinks=True)
    return tmp_path / "site"


@pytest.fixture(scope="module")
def built_site_once(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The sample site after extract, update, translate (pseudo) and build; made once a module."""
    from click.testing import CliRunner

    from locpipe.cli import main

    base = tmp_path_factory.mktemp("built") / "site"
    base.mkdir()
    copy_sample_site(base)
    for args in (["extract"], ["update"], ["translate", "--backend", "pseudo"], ["build"]):
        result = CliRunner().invoke(main, ["-C", str(base), *args])
        assert result.exit_code == 0, result.output
    return base


@pytest.fixture
def built_site(built_site_once: Path, tmp_path: Path) -> Path:
    """A fresh copy of :func:`built_site_once` in ``tmp_path/site`` for one test to break."""
    return fresh_copy(built_site_once, tmp_path)


@pytest.fixture
def local_run(monkeypatch: pytest.MonkeyPatch) -> None:
    """Run as on a developer's machine: without ``CI`` set, stamps and the ``all``
    record are trusted (in CI they never are: see locpipe.stamps)."""
    monkeypatch.delenv("CI", raising=False)


#: Test modules that drive whole pipelines, real engines, browsers or fault injection;
#: `make test-fast` (pytest -m "not slow") leaves them out, `make test` runs everything.
#: In the other modules, a test that takes a second or more is marked
#: ``@pytest.mark.slow`` itself, so that `make test-fast` stays under 30 s.
SLOW_MODULES = {
    "test_forged_cache",
    "test_review_lock",
    "test_mt_neural",
    "test_faults",
    "test_memory_streaming",
    "test_check_streaming",
    "test_parallel",
    "test_translate_batches",
    "test_properties",
    "test_locking",
    "test_libunistring_linebreak",
    "test_msgcat_differential",
    "test_mt_apertium",
    "test_tokenizer_differential",
    "test_incremental",
    "test_build_stamps",
    "test_mt_faults",
    "test_sample_site",
    "test_translate_startup",
    "test_hostile",
    "test_mt_online",
    "test_bad_input",
    "test_path_guards",
    "test_build_manifest",
    "test_mt_llm",
}


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Mark the tests of :data:`SLOW_MODULES`, and any test asking for chromium, as slow."""
    for item in items:
        module = item.module.__name__ if item.module else ""
        if module in SLOW_MODULES or "chromium" in item.name:
            item.add_marker(pytest.mark.slow)
