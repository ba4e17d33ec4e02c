"""An idle `locpipe review` holds no lock (issue 14, part 13), and loses nothing
another command wrote while the reviewer was thinking.  Real processes in a
pseudo-terminal."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pexpect
import pytest
from click.testing import CliRunner

from conftest import copy_sample_site
from locpipe.catalog import read_catalog, write_catalog
from locpipe.cli import main
from locpipe.lock import ProjectLock

LOCPIPE = str(Path(sys.executable).with_name("locpipe"))
PROMPT = "[a]ccept  [e]dit  [s]kip  [u]ndo  [q]uit > "
HAND = "Traduit à la main pendant la relecture."


@pytest.fixture
def drafted(tmp_path: Path) -> Path:
    """The sample site with French catalogs full of (pseudo) machine drafts."""
    project = tmp_path / "site"
    project.mkdir()
    copy_sample_site(project)
    for args in (["extract"], ["update", "--lang", "fr"]):
        assert CliRunner().invoke(main, ["-C", str(project), "-q", *args]).exit_code == 0
    args = ["translate", "--backend", "pseudo", "--lang", "fr"]
    assert CliRunner().invoke(main, ["-C", str(project), "-q", *args]).exit_code == 0
    return project


def catalog(project: Path) -> Path:
    return project / "locales/fr/LC_MESSAGES/propagazione-dns.po"


@pytest.fixture(autouse=True)
def children():
    """Every review started here ends with its test, passed or failed."""
    started: list[pexpect.spawn] = []
    yield started
    for child in started:
        child.close(force=True)


def spawn(project: Path, started: list[pexpect.spawn]) -> pexpect.spawn:
    env = {k: v for k, v in os.environ.items() if k not in ("EDITOR", "VISUAL")}
    env.update(TERM="dumb", COLUMNS="200", LINES="50")
    args = ["-C", str(project), "review", "--lang", "fr", "--article", "propagazione-dns"]
    child = pexpect.spawn(
        LOCPIPE, [*args, "--reviewer", "Ada <ada@example.org>"], env=env, encoding="utf-8",
        timeout=30, dimensions=(50, 200),
    )  # fmt: skip
    started.append(child)
    return child


def drafts(project: Path) -> list:
    return [e for e in read_catalog(catalog(project)) if "fuzzy" in e.flags]


def by_hand(project: Path, msgid: str, msgstr: str) -> None:
    """What another command does meanwhile: under the lock, one entry reviewed."""
    lock = ProjectLock(project, "test")
    lock.acquire(wait=False)  # an idle review must not hold it (it did: this raised)
    try:
        po = read_catalog(catalog(project))
        entry = po.find(msgid)
        entry.msgstr, entry.flags = msgstr, []
        write_catalog(catalog(project), po)
    finally:
        lock.release()


def test_an_idle_review_does_not_lock_the_project(drafted: Path, children: list):
    first = drafts(drafted)[0]
    child = spawn(drafted, children)
    child.expect_exact(PROMPT)
    other = subprocess.run(
        [LOCPIPE, "-C", str(drafted), "--no-wait", "update", "--lang", "fr"],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert other.returncode == 0, other.stderr  # it used to wait for ever (or refuse)
    child.sendline("a")
    child.expect_exact(PROMPT)
    child.sendline("q")
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 0
    entry = read_catalog(catalog(drafted)).find(first.msgid)
    assert entry.msgstr == first.msgstr and "fuzzy" not in entry.flags


def test_a_change_to_another_entry_made_meanwhile_is_kept(drafted: Path, children: list):
    first, second = drafts(drafted)[:2]
    child = spawn(drafted, children)
    child.expect_exact(PROMPT)
    by_hand(drafted, second.msgid, HAND)
    child.sendline("a")  # accepts the first draft into the catalog as it is now
    child.expect_exact(PROMPT)
    child.sendline("q")
    child.expect(pexpect.EOF)
    po = read_catalog(catalog(drafted))
    assert po.find(second.msgid).msgstr == HAND  # not overwritten by review's old copy
    assert "fuzzy" not in po.find(first.msgid).flags


def test_the_same_entry_changed_meanwhile_is_not_overwritten(drafted: Path, children: list):
    first = drafts(drafted)[0]
    child = spawn(drafted, children)
    child.expect_exact(PROMPT)
    by_hand(drafted, first.msgid, HAND)
    child.sendline("a")
    child.expect_exact("this entry was changed by another command while you were reviewing")
    child.expect_exact(PROMPT)
    child.sendline("q")
    child.expect(pexpect.EOF)
    assert read_catalog(catalog(drafted)).find(first.msgid).msgstr == HAND
