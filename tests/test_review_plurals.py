"""locpipe review on a plural entry: every form shown with example numbers, accepted,
edited (form by form inline, or all in one $EDITOR file), checked and undone."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import pexpect
import polib
import pytest

from conftest import copy_sample_site
from locpipe.catalog import read_catalog, write_catalog
from locpipe.plurals import form_labels, plural_forms
from locpipe.project import Project
from locpipe.steps.review import forms_text, review, text_forms

LOCPIPE = str(Path(sys.executable).with_name("locpipe"))
REVIEWER = "Ada Lovelace <ada@example.org>"
SINGULAR = "%(count)s articolo disponibile"
PLURAL = "%(count)s articoli disponibili"
DRAFT = ["%(count)s article disponible", "%(count)s articles disponibles"]


def ui(site: Path) -> Path:
    return site / "locales/fr/LC_MESSAGES/ui.po"


def plural(site: Path) -> polib.POEntry:
    return next(e for e in read_catalog(ui(site)) if e.msgid_plural)


def make_draft(site: Path, forms: list[str]) -> None:
    po = read_catalog(ui(site))
    entry = next(e for e in po if e.msgid_plural)
    entry.msgstr_plural = dict(enumerate(forms))
    entry.flags = ["fuzzy", *entry.flags]
    entry.tcomment = "machine translation: apertium"
    write_catalog(ui(site), po)


@pytest.fixture
def site(tmp_path: Path) -> Path:
    """The sample site, its French plural entry a machine draft (the only ui draft)."""
    project = tmp_path / "site"
    project.mkdir()
    copy_sample_site(project, with_locales=True)
    make_draft(project, DRAFT)
    return project


def drive(site: Path, answers: list[str], edits: list[str] | None = None):
    keys = iter(answers)
    texts = iter(edits or [])
    shown: list[str] = []
    given: list[str] = []

    def edit(text: str, entry: polib.POEntry) -> str | None:
        given.append(text)
        return next(texts)

    result = review(
        Project(site), "fr", "ui", REVIEWER, lambda p: next(keys, "q"), shown.append, edit
    )
    return result, "\n".join(shown), given


def test_labels_give_example_numbers_from_the_plural_forms_expression():
    assert form_labels(plural_forms("en"), 2) == ["form 0 (n = 1)", "form 1 (n = 2, 3…)"]
    assert form_labels(plural_forms("fr"), 2) == ["form 0 (n = 0, 1)", "form 1 (n = 2, 3…)"]
    assert form_labels(plural_forms("ru"), 3)[2] == "form 2 (n = 5, 6…)"
    # a catalog's header is untrusted: what c2py refuses gives plain labels
    assert form_labels('nplurals=2; plural=__import__("os");', 2) == ["form 0", "form 1"]


def test_a_plural_draft_is_shown_form_by_form_and_accepted(site: Path):
    result, shown, _ = drive(site, ["a"])
    assert f"source:   {SINGULAR}" in shown and f"plural:   {PLURAL}" in shown
    assert f"form 0 (n = 0, 1):\n          {DRAFT[0]}" in shown
    assert f"form 1 (n = 2, 3…):\n          {DRAFT[1]}" in shown
    assert result.accepted == 1 and result.total == 1
    entry = plural(site)
    assert entry.msgstr_plural == dict(enumerate(DRAFT))
    assert "fuzzy" not in entry.flags and "machine translation" not in entry.tcomment


def test_a_form_failing_an_error_check_blocks_accept(site: Path):
    make_draft(site, [DRAFT[0], "des articles disponibles"])
    result, shown, _ = drive(site, ["a", "q"])
    assert "cannot accept: [placeholders]" in shown and result.accepted == 0
    assert "fuzzy" in plural(site).flags


def test_all_forms_are_edited_in_one_text_and_checked(site: Path):
    labels = ["form 0 (n = 0, 1)", "form 1 (n = 2, 3…)"]
    good = ["%(count)s article publié", "%(count)s articles publiés"]
    result, shown, given = drive(site, ["e"], [forms_text(good, labels)])
    assert given == [forms_text(DRAFT, labels)]
    assert result.edited == 1
    entry = plural(site)
    assert entry.msgstr_plural == dict(enumerate(good)) and "fuzzy" not in entry.flags


def test_an_edited_form_failing_a_check_is_saved_as_a_draft(site: Path):
    labels = ["form 0", "form 1"]
    bad = ["%(count)s article publié", "des articles publiés"]
    result, shown, _ = drive(site, ["e", "q"], [forms_text(bad, labels)])
    assert "saved as a draft (still fuzzy): [placeholders]" in shown
    entry = plural(site)
    assert entry.msgstr_plural == dict(enumerate(bad)) and "fuzzy" in entry.flags


def test_an_edit_with_a_block_missing_changes_nothing(site: Path):
    before = ui(site).read_bytes()
    result, shown, _ = drive(site, ["e", "q"], ["=== form 0 ===\nun article"])
    assert "edit cancelled: expected 2 blocks" in shown
    assert ui(site).read_bytes() == before and result.edited == 0


def test_undo_brings_back_every_form_of_the_draft(site: Path):
    po = read_catalog(ui(site))
    after = next(e for e in po if e.msgid.startswith("Nessun articolo"))  # a second draft
    after.flags.append("fuzzy")
    write_catalog(ui(site), po)
    labels = ["form 0", "form 1"]
    good = ["%(count)s article publié", "%(count)s articles publiés"]
    result, shown, _ = drive(site, ["e", "u", "q"], [forms_text(good, labels)])
    assert "undone: the edited decision on 1/2" in shown
    entry = plural(site)
    assert entry.msgstr_plural == dict(enumerate(DRAFT)) and "fuzzy" in entry.flags
    assert entry.tcomment == "machine translation: apertium"
    assert result.edited == 0


def test_text_forms_reads_back_what_forms_text_wrote():
    text = forms_text(["a\nb", ""], ["form 0 (n = 1)", "form 1 (n = 2, 3…)"])
    assert text_forms(text, 2) == ["a\nb", ""]
    assert text_forms(text, 3) is None
    assert text_forms("before\n" + text, 2) is None


@pytest.mark.slow
def test_inline_edit_asks_each_form_in_turn_through_a_terminal(site: Path):
    env = {k: v for k, v in os.environ.items() if k not in ("EDITOR", "VISUAL")}
    env.update(TERM="dumb", COLUMNS="200", LINES="50")
    child = pexpect.spawn(
        LOCPIPE,
        ["-C", str(site), "review", "--lang", "fr", "--article", "ui", "--reviewer", REVIEWER],
        env=env,
        encoding="utf-8",
        timeout=30,
        dimensions=(50, 200),
    )
    child.expect_exact("form 1 (n = 2, 3…):")
    child.expect_exact("[a]ccept  [e]dit  [s]kip  [u]ndo  [q]uit > ")
    child.sendline("e")
    child.expect_exact(f"form 0 (n = 0, 1): {DRAFT[0]}")
    child.expect_exact("> ")
    child.sendline("%(count)s article publié")
    child.expect_exact(f"form 1 (n = 2, 3…): {DRAFT[1]}")
    child.expect_exact("> ")
    child.sendline("")  # keeps the draft's form
    child.expect_exact("1 edited")
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 0
    entry = plural(site)
    assert entry.msgstr_plural == {0: "%(count)s article publié", 1: DRAFT[1]}
    assert "fuzzy" not in entry.flags
