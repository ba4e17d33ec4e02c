"""Articles and catalogs are streamed, not all held at once (issue 5: peak memory).

Counted with weak references: how many parsed catalogs and walked articles
are alive at the same time while a step runs on a site of many articles.
"""

from __future__ import annotations

import gc
import shutil
import weakref
from pathlib import Path

import pytest
from click.testing import CliRunner

import locpipe.catalog
import locpipe.project
from conftest import copy_many_articles
from locpipe.cli import main
from locpipe.project import Project

COPIES = 12  # articles: the sample's, and this many copies of one


@pytest.fixture(scope="module")
def site(tmp_path_factory) -> Path:
    return copy_many_articles(tmp_path_factory.mktemp("many") / "site", COPIES)


class Alive:
    """Tracks the objects a factory returns; records the most alive at once."""

    def __init__(self) -> None:
        self.refs: list[weakref.ref] = []
        self.most = 0
        self.made = 0

    def wrap(self, factory):
        def tracked(*args, **kwargs):
            gc.collect()
            obj = factory(*args, **kwargs)
            self.refs = [ref for ref in self.refs if ref() is not None]
            self.refs.append(weakref.ref(obj))
            self.made += 1
            self.most = max(self.most, len(self.refs))
            return obj

        return tracked


@pytest.fixture
def small_cache(monkeypatch):
    monkeypatch.setattr(Project, "CATALOG_CACHE_SIZE", 2)


def run(project: Path, *args: str) -> None:
    # -j 1: the counts are of this process (forked workers would count on their own)
    result = CliRunner().invoke(main, ["-j", "1", "-C", str(project), *args])
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    assert result.exit_code in ((0, 1) if args[0] == "check" else (0,)), result.output


def test_each_step_holds_few_catalogs_and_articles(site: Path, tmp_path: Path, monkeypatch,
                                                   small_cache):  # fmt: skip
    project = tmp_path / "site"
    shutil.copytree(site, project)
    catalogs, articles = Alive(), Alive()
    monkeypatch.setattr(
        locpipe.catalog, "parse_catalog", catalogs.wrap(locpipe.catalog.parse_catalog)
    )
    monkeypatch.setattr(Project, "parse_article", articles.wrap(Project.parse_article))
    for step in (["extract"], ["update"], ["translate", "--backend", "pseudo"],
                 ["check", "--min-complete", "0"], ["build"]):  # fmt: skip
        run(project, *step)
    total_catalogs = len(list((project / "locales").rglob("*.po")))
    assert total_catalogs >= 3 * COPIES
    assert catalogs.made > total_catalogs  # every catalog was parsed at least once
    # A template, the 2 cached catalogs, the one being translated or built, the UI catalog.
    assert catalogs.most <= 6, catalogs.most
    assert articles.made > COPIES and articles.most <= 2, articles.most


def test_all_keeps_only_counts_of_warnings(site: Path, tmp_path: Path):
    """`all` prints the number of warnings: it does not keep every finding of every catalog."""
    from locpipe.steps.check import check

    project = tmp_path / "site"
    shutil.copytree(site, project)
    run(project, "all", "--backend", "pseudo")
    summary = check(Project(project), min_complete=0, details=False)
    full = check(Project(project), min_complete=0)
    assert (
        sum(r.warning_count for r in summary.reports)
        == sum(r.warning_count for r in full.reports)
        > 0
    )
    assert not any(r.findings for r in summary.reports if not r.errors)
    assert [r.stats for r in summary.reports] == [r.stats for r in full.reports]
