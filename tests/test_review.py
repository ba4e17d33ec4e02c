"""locpipe review, driven through a pseudo-terminal like a reviewer would use it."""

from __future__ import annotations

import os
import shutil
import sys
from pathlib import Path

import pexpect
import polib
import pytest
from click.testing import CliRunner

from conftest import copy_sample_site
from locpipe.catalog import format_catalog, read_catalog, write_catalog
from locpipe.cli import main
from locpipe.project import Project
from locpipe.steps.review import review, reviewer_identity

ROOT = Path(__file__).resolve().parents[1]
LOCPIPE = str(Path(sys.executable).with_name("locpipe"))
REVIEWER = "Ada Lovelace <ada@example.org>"
EDITED = "Ce qui se passe vraiment quand on modifie un enregistrement DNS."


def _invoke(project: Path, *args: str) -> None:
    result = CliRunner().invoke(main, ["-C", str(project), "-q", *args])
    assert result.exit_code == 0, result.output


@pytest.fixture
def drafted(tmp_path: Path) -> Path:
    """The sample site with French catalogs full of (pseudo) machine drafts."""
    project = tmp_path / "site"
    project.mkdir()
    copy_sample_site(project)
    _invoke(project, "extract")
    _invoke(project, "update", "--lang", "fr")
    _invoke(project, "translate", "--backend", "pseudo", "--lang", "fr")
    return project


def _catalog(project: Path) -> Path:
    return project / "locales/fr/LC_MESSAGES/propagazione-dns.po"


def _env(tmp_path: Path, editor: str | None) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in ("EDITOR", "VISUAL")}
    env.update(TERM="dumb", COLUMNS="200", LINES="50")
    if editor:
        env["EDITOR"] = editor
    return env


def _spawn(project: Path, env: dict[str, str], *extra: str) -> pexpect.spawn:
    args = ["-C", str(project), "review", "--lang", "fr", "--article", "propagazione-dns"]
    return pexpect.spawn(
        LOCPIPE,
        [*args, "--reviewer", REVIEWER, *extra],
        env=env,
        encoding="utf-8",
        timeout=30,
        dimensions=(50, 200),
    )


@pytest.mark.slow
def test_accept_edit_skip_quit_through_a_terminal(drafted: Path, tmp_path: Path):
    editor = tmp_path / "fake-editor"
    editor.write_text(f"#!/bin/sh\nprintf '%s\\n' '{EDITED}' > \"$1\"\n", encoding="utf-8")
    editor.chmod(0o755)
    before = [e for e in read_catalog(_catalog(drafted)) if "fuzzy" in e.flags]
    first, second, third, fourth = before[:4]

    child = _spawn(drafted, _env(tmp_path, str(editor)))
    child.expect_exact(f"1/{len(before)}")
    child.expect_exact(f"source:   {first.msgid}")
    child.expect_exact(f"draft:    {first.msgstr}")
    child.expect_exact("(machine translation: pseudo)")
    child.expect_exact("[a]ccept  [e]dit  [s]kip  [u]ndo  [q]uit > ")
    child.sendline("a")
    child.expect_exact(f"2/{len(before)}")
    child.expect_exact("[q]uit > ")
    child.sendline("e")
    child.expect_exact(f"3/{len(before)}")
    child.expect_exact("[q]uit > ")
    child.sendline("s")
    child.expect_exact(f"4/{len(before)}")
    child.expect_exact("[q]uit > ")
    child.sendline("q")
    child.expect_exact(f"1 accepted, 1 edited, 1 skipped; {len(before) - 2} of {len(before)}")
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 0

    po = read_catalog(_catalog(drafted))
    by_id = {e.msgid: e for e in po if not e.obsolete}
    accepted, edited = by_id[first.msgid], by_id[second.msgid]
    assert accepted.msgstr == first.msgstr and "fuzzy" not in accepted.flags
    assert "machine translation" not in accepted.tcomment
    assert edited.msgstr == EDITED and "fuzzy" not in edited.flags
    assert "machine translation" not in edited.tcomment
    for untouched in (third, fourth):  # skipped, and not reached
        entry = by_id[untouched.msgid]
        assert entry.msgstr == untouched.msgstr and "fuzzy" in entry.flags
        assert "machine translation: pseudo" in entry.tcomment
    assert po.metadata["Last-Translator"] == REVIEWER
    # what was written is what locpipe (and msgcat) writes: nothing hand-formatted
    assert _catalog(drafted).read_text(encoding="utf-8") == format_catalog(po)


@pytest.mark.slow
def test_a_closed_terminal_loses_no_decision(drafted: Path, tmp_path: Path):
    first = next(e for e in read_catalog(_catalog(drafted)) if "fuzzy" in e.flags)
    child = _spawn(drafted, _env(tmp_path, None))
    child.expect_exact("[q]uit > ")
    child.sendline("a")
    child.expect_exact("2/")
    child.expect_exact("[q]uit > ")
    child.close(force=True)  # the reviewer's terminal goes away mid-session
    entry = next(e for e in read_catalog(_catalog(drafted)) if e.msgid == first.msgid)
    assert "fuzzy" not in entry.flags and entry.msgstr == first.msgstr


def _only_to_review(path: Path, keep: str) -> polib.POEntry:
    """Leave one draft to review: the first whose msgid has ``keep``."""
    po = read_catalog(path)
    chosen = next(e for e in po if "fuzzy" in e.flags and keep in e.msgid)
    for entry in po:
        if entry is not chosen and "fuzzy" in entry.flags:
            entry.flags.remove("fuzzy")
    chosen.msgstr = "Le DNS ne pousse rien : ce sont les caches qui expirent."  # tags lost
    write_catalog(path, po)
    return chosen


@pytest.mark.slow
def test_broken_tags_cannot_be_accepted_and_the_inline_prompt_fixes_them(
    drafted: Path, tmp_path: Path
):
    tagged = _only_to_review(_catalog(drafted), "<strong>")
    fixed = "FR " + tagged.msgid  # every tag kept, in the same nesting

    child = _spawn(drafted, _env(tmp_path, None))  # no EDITOR: inline prompt
    child.expect_exact("1/1")
    child.expect_exact("check:    tags (error)")
    child.expect_exact("[q]uit > ")
    child.sendline("a")
    child.expect_exact("cannot accept")
    child.expect_exact("[q]uit > ")
    child.sendline("e")
    child.expect_exact("Type the translation")
    child.expect_exact("> ")
    child.sendline(fixed)
    child.expect_exact("0 accepted, 1 edited")
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 0
    entry = next(e for e in read_catalog(_catalog(drafted)) if e.msgid == tagged.msgid)
    assert entry.msgstr == fixed and "fuzzy" not in entry.flags


def test_an_edit_with_broken_tags_is_saved_as_a_draft(drafted: Path):
    tagged = _only_to_review(_catalog(drafted), "<strong>")
    answers = iter(["e", "q"])
    shown: list[str] = []
    result = review(
        Project(drafted),
        "fr",
        "propagazione-dns",
        REVIEWER,
        lambda prompt: next(answers),
        shown.append,
        lambda text, entry: "sans balises",
    )
    assert (result.edited, result.accepted, result.quit) == (0, 0, True)
    assert any(line.startswith("saved as a draft (still fuzzy)") for line in shown)
    entry = next(e for e in read_catalog(_catalog(drafted)) if e.msgid == tagged.msgid)
    assert entry.msgstr == "sans balises" and "fuzzy" in entry.flags


def test_reviewer_falls_back_to_git_then_to_the_login_name(tmp_path: Path, monkeypatch):
    monkeypatch.setenv("HOME", str(tmp_path))
    monkeypatch.setenv("GIT_CONFIG_NOSYSTEM", "1")
    monkeypatch.delenv("GIT_CONFIG_GLOBAL", raising=False)
    monkeypatch.setenv("USER", "grace")
    repo = tmp_path / "repo"
    repo.mkdir()
    assert reviewer_identity(repo, " Ada <ada@example.org> ") == "Ada <ada@example.org>"
    assert reviewer_identity(repo) == "grace"
    (tmp_path / ".gitconfig").write_text(
        "[user]\n\tname = Grace Hopper\n\temail = grace@example.org\n", encoding="utf-8"
    )
    if shutil.which("git"):
        assert reviewer_identity(repo) == "Grace Hopper <grace@example.org>"


#: Issue 14's payloads: set the terminal's title; erase the line and go up one.
TITLE = "\x1b]0;owned\x07"
ERASE = "\x1b[2K\r\x1b[1A"


@pytest.mark.slow
def test_terminal_escapes_in_a_draft_are_shown_not_run(drafted: Path, tmp_path: Path):
    path = _catalog(drafted)
    chosen = _only_to_review(path, "DNS")
    po = read_catalog(path)
    po.find(chosen.msgid).msgstr = f"Le DNS.{TITLE}{ERASE}draft:    Texte sûr"
    write_catalog(path, po)

    child = _spawn(drafted, _env(tmp_path, None))
    seen: list[str] = []
    child.logfile_read = type("Log", (), {"write": seen.append, "flush": lambda self: None})()
    child.expect_exact("1/1")
    child.expect_exact("draft:    Le DNS.␛]0;owned␇␛[2K␍␛[1Adraft:    Texte sûr")
    child.expect_exact("check:    invisible (error): invisible characters not in the source")
    child.expect_exact("[q]uit > ")
    child.sendline("a")
    child.expect_exact("cannot accept: ")
    child.expect_exact("[invisible] invisible characters not in the source: U+001B ESCAPE")
    child.expect_exact("[q]uit > ")
    child.sendline("q")
    child.expect(pexpect.EOF)
    child.close()
    output = "".join(seen)
    assert "\x1b]0;" not in output and "\x1b[2K" not in output and "\x1b[1A" not in output
    entry = read_catalog(path).find(chosen.msgid)
    assert "fuzzy" in entry.flags  # not accepted


@pytest.mark.parametrize(
    ("keep", "edited", "reason"),
    [
        ("DNS", "Qui répond vraiment à une requête de noms", "[dnt] do-not-translate term"),
        ("2. Il ruolo", "3. Le rôle du TTL", "[numbers] numbers differ: missing 2, extra 3"),
    ],
)
def test_an_edit_failing_an_error_level_check_stays_a_draft(
    drafted: Path, keep: str, edited: str, reason: str
):
    chosen = _only_to_review(_catalog(drafted), keep)
    answers = iter(["e", "a", "q"])
    shown: list[str] = []
    result = review(
        Project(drafted),
        "fr",
        "propagazione-dns",
        REVIEWER,
        lambda prompt: next(answers),
        shown.append,
        lambda text, entry: edited,
    )
    assert (result.edited, result.accepted, result.quit) == (0, 0, True)
    assert any(line.startswith(f"saved as a draft (still fuzzy): {reason}") for line in shown)
    assert any(line.startswith(f"cannot accept: {reason}") for line in shown)
    entry = read_catalog(_catalog(drafted)).find(chosen.msgid)
    assert entry.msgstr == edited and "fuzzy" in entry.flags


def test_an_edit_with_only_warnings_is_accepted_and_the_warnings_shown(drafted: Path):
    chosen = _only_to_review(_catalog(drafted), "2. Il ruolo")
    answers = iter(["e"])
    shown: list[str] = []
    review(
        Project(drafted),
        "fr",
        "propagazione-dns",
        REVIEWER,
        lambda prompt: next(answers, None),
        shown.append,
        lambda text, entry: "2.  Le rôle du TTL.",
    )
    assert any(line.startswith("warning: [punctuation]") for line in shown), shown
    entry = read_catalog(_catalog(drafted)).find(chosen.msgid)
    assert entry.msgstr == "2.  Le rôle du TTL." and "fuzzy" not in entry.flags
