"""Incremental runs: content-hash stamps decide what is stale (issue 5).

What a user notices: a second `locpipe all` with nothing changed writes
nothing and parses nothing; editing one article rewrites only that article's
template, catalogs and pages; the stamps are an optimization only, so
deleting them gives the same bytes; and only content counts, never a
timestamp.
"""

from __future__ import annotations

import json
import os
import shutil
from collections import Counter
from pathlib import Path

import polib
import pytest
from click.testing import CliRunner

import locpipe.all_replay
import locpipe.catalog
import locpipe.formats.html
import locpipe.msgmerge
import locpipe.steps.build
import locpipe.steps.check
import locpipe.steps.extract
import locpipe.steps.translate
import locpipe.steps.update
from conftest import copy_sample_site
from locpipe.cli import main
from locpipe.lock import LOCK_NAME
from locpipe.stamps import STAMPS_DIR

#: What these tests measure is the local fast path (in CI no stamp is read).
pytestmark = pytest.mark.usefixtures("local_run")

ARTICLE = "propagazione-dns"
OTHER = "rag-spiegato"


def run(project: Path, *args: str, code: int = 0) -> str:
    result = CliRunner().invoke(main, ["-C", str(project), *args])
    assert result.exit_code == code, result.output
    return result.output


def all_(project: Path, *args: str) -> str:
    return run(project, "all", "--backend", "pseudo", *args)


def snapshot(project: Path, stamps: bool = True) -> dict[str, tuple[bytes, int]]:
    """Every file locpipe may write: bytes and mtime (ns)."""
    found = {}
    for path in sorted(project.rglob("*")):
        relative = path.relative_to(project)
        if not path.is_file() or path.name == LOCK_NAME:
            continue
        if relative.parts[0] == ".locpipe-cache" and (
            not stamps or relative.parts[:2] != STAMPS_DIR.parts
        ):
            continue  # the MT cache (and, when asked, the stamps) aside
        found[relative.as_posix()] = (path.read_bytes(), path.stat().st_mtime_ns)
    return found


def changed(before: dict, after: dict) -> set[str]:
    return {name for name in before.keys() | after.keys() if before.get(name) != after.get(name)}


def outputs(project: Path) -> dict[str, bytes]:
    return {
        p.relative_to(project).as_posix(): p.read_bytes()
        for folder in ("locales", "build")
        for p in sorted((project / folder).rglob("*"))
        if p.is_file()
    }


@pytest.fixture(scope="module")
def built(tmp_path_factory) -> Path:
    """The sample site after one cold `locpipe all` (copied per test)."""
    base = tmp_path_factory.mktemp("built") / "site"
    base.mkdir()
    copy_sample_site(base)
    all_(base)
    return base


@pytest.fixture
def project(built: Path, tmp_path: Path) -> Path:
    target = tmp_path / "site"
    shutil.copytree(built, target)
    return target


class Spy:
    """Counts catalog parses (by file), merges and article walks."""

    def __init__(self, monkeypatch):
        self.parsed: Counter[str] = Counter()
        self.walked: list[str] = []  # the texts walked
        self.merges = 0
        parse, walk, merge = (
            locpipe.catalog.parse_catalog,
            locpipe.formats.html.walk,
            locpipe.msgmerge.merge,
        )

        def spy_parse(text, path=None):
            self.parsed[Path(str(path)).name if path else "?"] += 1
            return parse(text, path)

        def spy_walk(text):
            self.walked.append(text)
            return walk(text)

        def spy_merge(*args, **kwargs):
            self.merges += 1
            return merge(*args, **kwargs)

        monkeypatch.setattr(locpipe.catalog, "parse_catalog", spy_parse)
        monkeypatch.setattr(locpipe.formats.html, "walk", spy_walk)
        monkeypatch.setattr(locpipe.msgmerge, "merge", spy_merge)


def edit(project: Path, slug: str = ARTICLE) -> None:
    article = project / "source_articles" / f"{slug}.html"
    text = article.read_text(encoding="utf-8")
    assert "non ancora presente" in text
    article.write_text(text.replace("non ancora presente", "non presente"), encoding="utf-8")


def test_nothing_changed_writes_nothing_parses_no_catalog_walks_no_article(
    project: Path, monkeypatch
):
    before = snapshot(project)
    spy = Spy(monkeypatch)
    output = all_(project)
    assert changed(before, snapshot(project)) == set()  # not even a stamp
    assert spy.parsed == Counter() and spy.merges == 0 and not spy.walked
    assert "(0 written, 6 unchanged)" in output and "18 catalogs" in output


def _no_steps(monkeypatch) -> None:
    """Make every step fail if it runs."""
    for module in ("extract", "update", "translate", "check", "build"):

        def refuse(*args, _module=module, **kwargs):
            raise AssertionError(f"the {_module} step ran")

        monkeypatch.setattr(getattr(locpipe.steps, module), module, refuse)


def test_a_run_after_a_no_op_run_prints_the_same_without_running_the_steps(
    project: Path, monkeypatch
):
    first = all_(project)  # nothing to do: it records what it printed
    before = snapshot(project)
    with monkeypatch.context() as patched:
        _no_steps(patched)
        assert all_(project) == first
    assert changed(before, snapshot(project)) == set()
    quiet = run(project, "-q", "all", "--backend", "pseudo")  # other options: a run of its own
    assert quiet != first and "18 catalogs" in quiet
    assert "(0 written, 6 unchanged)" in first and "18 catalogs" in first


@pytest.mark.parametrize("settled_ns", [0, locpipe.all_replay.SETTLED_NS])
def test_after_a_no_op_run_any_changed_byte_runs_the_steps(
    project: Path, monkeypatch, settled_ns: int
):
    """Also when the file keeps its size and mtime, and when identities are trusted (0)."""
    monkeypatch.setattr(locpipe.all_replay, "SETTLED_NS", settled_ns)
    all_(project)
    all_(project)  # records the file identities (with 0, every file is settled)
    article = project / "source_articles" / f"{ARTICLE}.html"
    stat = article.stat()
    text = article.read_text(encoding="utf-8")
    article.write_text(text.replace("non ancora presente", "non ancora presenti"), "utf-8")
    os.utime(article, ns=(stat.st_atime_ns, stat.st_mtime_ns))
    assert (article.stat().st_size, article.stat().st_mtime_ns) == (stat.st_size, stat.st_mtime_ns)
    output = all_(project)
    assert "extract: 6 templates (1 written, 5 unchanged)" in output
    assert "non ancora presenti" in (project / "build/it" / f"{ARTICLE}.html").read_text("utf-8")
    page = project / "build/fr" / f"{ARTICLE}.html"
    page.unlink()
    all_(project)
    assert page.is_file()


def test_editing_one_article_redoes_only_that_article(project: Path, monkeypatch):
    before = snapshot(project)
    edit(project)
    spy = Spy(monkeypatch)
    all_(project)
    files = changed(before, snapshot(project))
    files -= {f"source_articles/{ARTICLE}.html"}
    stamps = {f for f in files if f.startswith(".locpipe-cache/")}
    must = {
        f"locales/templates/{ARTICLE}.pot",
        *(f"locales/{lang}/LC_MESSAGES/{ARTICLE}.po" for lang in ("en", "fr", "es")),
        *(f"build/{lang}/{ARTICLE}.html" for lang in ("it", "en", "fr", "es")),
    }
    may = {f"locales/{lang}/LC_MESSAGES/{ARTICLE}.mo" for lang in ("en", "fr", "es")}
    may.add("build/.locpipe-manifest.json")  # the digests of the pages build wrote
    assert must <= files - stamps <= must | may  # (a .mo leaves machine drafts out)
    # Only that article is walked, merged and parsed (its template, its catalogs;
    # the UI catalogs for the UI strings of its new pages).
    assert spy.walked and all("non presente" in text for text in spy.walked)
    assert spy.merges == 3
    assert set(spy.parsed) <= {f"{ARTICLE}.pot", f"{ARTICLE}.po", "ui.po"}, spy.parsed
    # ... and the edit is there.
    page = (project / "build/it" / f"{ARTICLE}.html").read_text(encoding="utf-8")
    assert "non presente nella cache" in page


def test_deleting_the_stamps_gives_the_same_outputs(project: Path, tmp_path: Path):
    edit(project)
    po = project / "locales/fr/LC_MESSAGES" / f"{OTHER}.po"
    catalog = polib.pofile(str(po))
    entry = next(e for e in catalog if e.msgid and "title" in e.comment.split(", "))
    entry.msgstr, entry.flags = "RAG expliqué", []
    catalog.save()
    twin = tmp_path / "twin"
    shutil.copytree(project, twin)
    shutil.rmtree(twin / STAMPS_DIR)
    assert run(project, "all", "--backend", "pseudo") == run(twin, "all", "--backend", "pseudo")
    assert outputs(project) == outputs(twin)
    # Every later step agrees too: check's findings, a build without drafts.
    for args in (["check", "--format", "json"], ["build", "--reviewed-only"]):
        shutil.rmtree(twin / STAMPS_DIR)
        code = 1 if args[0] == "check" else 0
        ours = run(project, *args, code=code).replace(str(project), "<site>")
        assert ours == run(twin, *args, code=code).replace(str(twin), "<site>")
    assert outputs(project) == outputs(twin)
    assert "RAG expliqué" in (project / "build/fr" / f"{OTHER}.html").read_text(encoding="utf-8")


def test_content_decides_not_timestamps(project: Path):
    """A catalog changed with its old mtime kept is seen; a touched file is not redone."""
    po = project / "locales/en/LC_MESSAGES" / f"{OTHER}.po"
    stat = po.stat()
    catalog = polib.pofile(str(po))
    entry = next(e for e in catalog if e.msgid and "title" in e.comment.split(", "))
    entry.msgstr, entry.flags = "RAG, explained by hand", []
    catalog.save()
    os.utime(po, ns=(stat.st_atime_ns, stat.st_mtime_ns))
    article = project / "source_articles" / f"{ARTICLE}.html"
    os.utime(article, ns=(1, 1))  # touched, same bytes
    before = snapshot(project, stamps=False)
    all_(project)
    files = changed(before, snapshot(project, stamps=False))
    assert f"build/en/{OTHER}.html" in files
    assert "RAG, explained by hand" in (project / "build/en" / f"{OTHER}.html").read_text("utf-8")
    assert not any(ARTICLE in name for name in files), files


def test_a_hand_edited_or_deleted_output_is_redone(project: Path):
    page = project / "build/fr" / f"{ARTICLE}.html"
    good = page.read_bytes()
    page.write_bytes(good.replace(b"<body", b"<body data-hacked"))
    (project / "locales/templates" / f"{OTHER}.pot").unlink()
    mo = project / "locales/es/LC_MESSAGES/ui.mo"
    mo.unlink()
    all_(project)
    assert page.read_bytes() == good
    assert (project / "locales/templates" / f"{OTHER}.pot").is_file() and mo.is_file()


def test_config_and_page_templates_are_inputs(project: Path):
    config = project / "locpipe.toml"
    text = config.read_text(encoding="utf-8")
    assert "https://dinogeek.example.org" in text
    config.write_text(text.replace("https://dinogeek.example.org", "https://example.org"), "utf-8")
    all_(project)
    page = (project / "build/en" / f"{ARTICLE}.html").read_text(encoding="utf-8")
    assert "https://example.org/fr/" in page and "dinogeek.example.org" not in page
    template = project / "templates" / "base.html"
    template.write_text(
        template.read_text(encoding="utf-8").replace("</body>", "<!-- v2 --></body>"), "utf-8"
    )
    all_(project)
    for lang in ("it", "en", "fr", "es"):
        assert "<!-- v2 -->" in (project / f"build/{lang}/{OTHER}.html").read_text("utf-8")


def test_reviewed_only_and_threshold_are_part_of_the_key(project: Path):
    page = project / "build/fr" / f"{ARTICLE}.html"
    drafts = page.read_bytes()
    run(project, "build", "--reviewed-only", "--lang", "fr")
    assert page.read_bytes() != drafts  # machine drafts left out
    run(project, "build", "--lang", "fr")
    assert page.read_bytes() == drafts
    output = run(project, "build", "--publish-threshold", "100", "--reviewed-only")
    assert "held back" in output and not page.exists()
    run(project, "build")
    assert page.read_bytes() == drafts


def test_check_lists_every_finding_after_a_stamped_run(project: Path):
    """`all` keeps only the count of warnings; `locpipe check` still lists them all."""
    stamped = json.loads(run(project, "check", "--format", "json", code=1))
    shutil.rmtree(project / STAMPS_DIR)
    fresh = json.loads(run(project, "check", "--format", "json", code=1))
    assert stamped == fresh
    assert sum(len(c["findings"]) for c in fresh["catalogs"]) > 0


def test_new_and_removed_articles(project: Path):
    source = project / "source_articles"
    shutil.copy(source / f"{OTHER}.html", source / "copia.html")
    all_(project)
    assert (project / "build/en/copia.html").is_file()
    assert (project / "locales/fr/LC_MESSAGES/copia.po").is_file()
    (source / "copia.html").unlink()
    all_(project)
    assert not (project / "locales/templates/copia.pot").exists()
    index = (project / "build/en/index.html").read_text(encoding="utf-8")
    assert "copia.html" not in index
