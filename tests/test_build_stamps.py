"""The build keeps the stamps of each language's pages and .mo files in a table of its
own (``build.<lang>``), in memory one language at a time: a second build is still a
no-op, a lost table redoes only its language, and the bytes are those of a build
without stamps."""

from __future__ import annotations

import gc
import json
import shutil
import weakref
from collections import Counter
from pathlib import Path

import pytest
from click.testing import CliRunner

import locpipe.stamps
import locpipe.steps.build as build_step
from conftest import fresh_copy, translated_copies
from locpipe.cli import main
from locpipe.stamps import STAMPS_DIR

COPIES = 4
LANGUAGES = ("it", "en", "fr", "es")


#: What these tests measure is the local fast path (in CI no stamp is read).
pytestmark = pytest.mark.usefixtures("local_run")


@pytest.fixture(scope="module")
def translated(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return translated_copies(tmp_path_factory.mktemp("build") / "site", COPIES)


@pytest.fixture
def project(translated: Path, tmp_path: Path) -> Path:
    return fresh_copy(translated, tmp_path)


def build(project: Path, *args: str, jobs: int = 2) -> str:
    result = CliRunner().invoke(main, ["-j", str(jobs), "-C", str(project), "build", *args])
    assert result.exit_code == 0, result.output
    return result.output


def outputs(project: Path) -> dict[str, bytes]:
    """The bytes of every page and .mo file."""
    files = [*(project / "build").rglob("*"), *(project / "locales").rglob("*.mo")]
    return {str(p.relative_to(project)): p.read_bytes() for p in files if p.is_file()}


def files(project: Path) -> dict[str, int]:
    """Every file's mtime but the lock's."""
    found = [p for p in project.rglob("*") if p.is_file() and p.name != ".locpipe.lock"]
    return {str(p): p.stat().st_mtime_ns for p in found}


@pytest.fixture
def rendered(monkeypatch) -> Counter[str]:
    """Pages rendered, by language (count them with ``jobs=1``: in this process)."""
    counts: Counter[str] = Counter()
    page_html = build_step._page_html

    def spy(project, lazy, site, article, language, published_in):
        counts[language] += 1
        return page_html(project, lazy, site, article, language, published_in)

    monkeypatch.setattr(build_step, "_page_html", spy)
    return counts


def test_second_build_is_a_no_op_and_a_lost_table_redoes_only_its_language(
    project: Path, rendered: Counter[str]
):
    pages = len(LANGUAGES) * (5 + COPIES + 1)  # and an index
    assert f"{pages} pages ({pages} written, 0 unchanged)" in build(project, jobs=1)
    assert rendered == Counter(dict.fromkeys(LANGUAGES, 5 + COPIES))
    stamps = project / STAMPS_DIR
    for language in LANGUAGES:
        table = json.loads((stamps / f"build.{language}.json").read_text(encoding="utf-8"))
        names = sorted(Path(name).suffix for name in table["stamps"])
        mo_files = list((project / "locales" / language / "LC_MESSAGES").glob("*.mo"))
        assert names == [".html"] * (5 + COPIES) + [".mo"] * len(mo_files) != []
    before, built = files(project), outputs(project)
    rendered.clear()
    assert f"(0 written, {pages} unchanged)" in build(project, jobs=1)
    assert not rendered and files(project) == before  # not even a stamp written
    (stamps / "build.fr.json").unlink()
    assert f"(0 written, {pages} unchanged)" in build(project, jobs=1)
    assert rendered == Counter(fr=5 + COPIES)
    assert outputs(project) == built and (stamps / "build.fr.json").is_file()


def test_same_bytes_as_a_build_without_stamps(project: Path, tmp_path: Path):
    build(project)
    po = project / "locales/es/LC_MESSAGES/copia-01.po"
    po.write_text(po.read_text(encoding="utf-8").replace("#, fuzzy\n", "", 2), encoding="utf-8")
    build(project, "--reviewed-only")  # some pages and a .mo change, the others are stamped
    twin = tmp_path / "twin"
    shutil.copytree(project, twin)
    shutil.rmtree(twin / STAMPS_DIR)
    for path in [*(twin / "build").rglob("*.html"), *(twin / "locales").rglob("*.mo")]:
        path.unlink()
    assert "(40 written, 0 unchanged)" in build(twin, "--reviewed-only")
    assert "(0 written, 40 unchanged)" in build(project, "--reviewed-only")
    assert outputs(twin) == outputs(project)


def test_one_language_table_in_memory_at_a_time(project: Path, monkeypatch):
    alive: list[weakref.ref] = []
    most = 0
    stamps_class = locpipe.stamps.Stamps

    def tracked(root, table, environment):
        nonlocal most
        gc.collect()
        made = stamps_class(root, table, environment)
        if table.startswith("build."):
            alive[:] = [ref for ref in alive if ref() is not None] + [weakref.ref(made)]
            most = max(most, len(alive))
        return made

    monkeypatch.setattr(build_step, "Stamps", tracked)
    for _ in range(2):  # cold, then stamped
        most = 0
        build(project, jobs=1)
        assert most <= 2  # the one being let go, and the next
