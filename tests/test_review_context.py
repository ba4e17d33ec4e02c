"""What review shows around a draft, undo, counting, and the $EDITOR file."""

from __future__ import annotations

import sys
from pathlib import Path

import polib
from click.testing import CliRunner

from conftest import copy_sample_site
from locpipe.catalog import read_catalog, write_catalog
from locpipe.cli import main
from locpipe.project import Project
from locpipe.review_context import (
    SCISSORS,
    Style,
    editor_text,
    from_editor,
    surroundings,
    word_diff,
    wrapped,
)
from locpipe.steps.review import edit_with_editor, review

REVIEWER = "Ada Lovelace <ada@example.org>"


def _site(tmp_path: Path) -> Path:
    site = tmp_path / "site"
    site.mkdir()
    copy_sample_site(site)
    for args in (["extract"], ["update", "--lang", "fr"], ["translate", "--backend", "pseudo",
                 "--lang", "fr"]):  # fmt: skip
        assert CliRunner().invoke(main, ["-C", str(site), "-q", *args]).exit_code == 0
    return site


def _drive(site: Path, answers: list[str], article: str, edits: list[str] | None = None):
    keys = iter(answers)
    texts = iter(edits or [])
    shown: list[str] = []
    result = review(
        Project(site),
        "fr",
        article,
        REVIEWER,
        lambda prompt: next(keys, "q"),
        shown.append,
        lambda text, entry: next(texts),
        width=200,
    )
    return result, shown


def test_a_draft_is_shown_with_its_neighbours_place_and_column(tmp_path: Path):
    site = _site(tmp_path)
    path = site / "locales/fr/LC_MESSAGES/docker-immagini-leggere.po"
    po = read_catalog(path)
    cell = next(e for e in po if e.comment == "td" and "fuzzy" in e.flags)
    around = surroundings(po, cell)
    live = [e for e in po if not e.obsolete]
    assert (
        around.before is live[live.index(cell) - 1] and around.after is live[live.index(cell) + 1]
    )
    assert around.element == "td" and around.position == live.index(cell) + 1
    headers = [e.msgid for e in live if e.comment == "th"]
    assert around.header in headers and around.header_guessed
    for entry in po:
        if entry is not cell and "fuzzy" in entry.flags:
            entry.flags.remove("fuzzy")
    write_catalog(path, po)
    _, shown = _drive(site, ["s"], "docker-immagini-leggere")
    text = "\n".join(shown)
    assert f"(unit {around.position} of {around.total})" in text
    assert f"column:   {around.header}" in text
    assert "before:" in text and f"after:    {around.after.msgid[:40]}" in text


def test_a_changed_source_is_shown_as_a_word_diff():
    plain = word_diff("Il TTL vale un'ora.", "Il TTL vale due ore.", Style())
    assert plain == "Il TTL vale [-un'ora.-]{+due ore.+}"
    colored = word_diff("a b c", "a x c", Style(color=True))
    assert "\x1b[31mb\x1b[0m" in colored and "\x1b[32mx\x1b[0m" in colored


def test_long_lines_wrap_at_word_boundaries():
    text = "Un paragrafo molto lungo " * 8
    lines = wrapped("source:   ", text.strip(), 60)
    assert len(lines) > 2 and all(len(line) <= 60 for line in lines)
    assert lines[0].startswith("source:   ") and all(
        line.startswith(" " * 10) for line in lines[1:]
    )
    assert "".join(line[10:] + " " for line in lines).split() == text.split()


def test_undo_restores_the_draft_and_the_counts(tmp_path: Path):
    site = _site(tmp_path)
    path = site / "locales/fr/LC_MESSAGES/rag-spiegato.po"
    first = next(e for e in read_catalog(path) if "fuzzy" in e.flags and e.msgstr)
    result, shown = _drive(site, ["a", "u", "s", "q"], "rag-spiegato")
    assert any(line.startswith("undone: the accepted decision on 1/") for line in shown)
    back = next(e for e in read_catalog(path) if e.msgid == first.msgid)
    assert back.fuzzy and back.msgstr == first.msgstr and back.tcomment == first.tcomment
    assert (result.accepted, result.skipped) == (0, 1)
    result, shown = _drive(site, ["u"], "rag-spiegato")
    assert "nothing to undo" in shown


def test_an_entry_edited_twice_counts_once_and_keeps_no_draft_clutter(tmp_path: Path):
    site = _site(tmp_path)
    path = site / "locales/fr/LC_MESSAGES/rag-spiegato.po"
    po = read_catalog(path)
    first = next(
        e
        for e in po
        if "fuzzy" in e.flags
        and e.msgstr
        and not any(c.isdigit() or c == "<" for c in e.msgid)
        and not any(term in e.msgid for term in ("RAG", "LLM", "GPT", "SEO"))
    )
    first.tcomment += "\ntranslation memory: 1 of 2 sentences reused\nprevious translation: x"
    drafts = [e for e in po if "fuzzy" in e.flags]
    second = drafts[drafts.index(first) + 1]
    for entry in drafts:
        if entry not in (first, second):
            entry.flags.remove("fuzzy")
    write_catalog(path, po)
    edits = ["Une première version.", "La version finale."]
    result, _ = _drive(site, ["e", "u", "e", "q"], "rag-spiegato", edits)
    assert result.edited == 1
    entry = next(e for e in read_catalog(path) if e.msgid == first.msgid)
    assert entry.msgstr == "La version finale." and not entry.fuzzy
    assert "translation memory" not in entry.tcomment
    assert "previous translation" not in entry.tcomment
    assert "machine translation" not in entry.tcomment


def test_the_editor_file_has_the_source_and_checks_below_a_scissors_line(tmp_path: Path):
    seen = tmp_path / "seen.txt"
    script = tmp_path / "editor.py"
    script.write_text(
        "import sys, shutil\n"
        f"shutil.copy(sys.argv[1], {str(seen)!r})\n"
        "text = open(sys.argv[1], encoding='utf-8').read()\n"
        "open(sys.argv[1], 'w', encoding='utf-8').write('Texte revu.' + text[text.index('\\n'):])\n",
        encoding="utf-8",
    )
    entry = polib.POEntry(msgid="Il DNS", msgstr="Le DNS", comment="p")
    out = edit_with_editor(f"{sys.executable} {script}", "Le DNS", ["source: Il DNS", "check: x"])
    assert out == "Texte revu."
    written = seen.read_text(encoding="utf-8")
    assert written.startswith("Le DNS\n") and SCISSORS in written
    assert "# source: Il DNS" in written and "# check: x" in written
    assert entry.msgstr == "Le DNS"
    assert from_editor(editor_text("Line one\nline two", ["n"])) == "Line one\nline two"


def test_colours_only_on_a_terminal_without_no_color(monkeypatch):
    from locpipe.commands.review import use_color

    monkeypatch.setenv("TERM", "xterm-256color")
    monkeypatch.delenv("NO_COLOR", raising=False)
    assert use_color() is sys.stdout.isatty()  # piped under pytest: plain
    monkeypatch.setenv("NO_COLOR", "1")
    assert use_color() is False
    assert Style().label("x") == "x" and Style(color=True).label("x") == "\x1b[1mx\x1b[0m"
