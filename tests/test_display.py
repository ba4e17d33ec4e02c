"""Untrusted text shown on a terminal: every control sequence made visible (locpipe.display)."""

from __future__ import annotations

import pytest

from locpipe.display import visible
from locpipe.errors import LocpipeError

#: The payloads of issue 14: set the window title; erase the line and go up one
#: (a forged "draft:" line); plus a C1 CSI, a bidi override and a zero-width space.
TITLE = "\x1b]0;owned\x07"
ERASE = "\x1b[2K\r\x1b[1A"


@pytest.mark.parametrize(
    ("text", "shown"),
    [
        (TITLE, "␛]0;owned␇"),
        (f"{ERASE}draft:    OK", "␛[2K␍␛[1Adraft:    OK"),
        ("a\x9b31mb", "a\\x9b31mb"),
        ("abc\u202efed", "abc\\u202efed"),
        ("DN\u200bS", "DN\\u200bS"),
        ("\x00\x7f\ufeff", "␀␡\\ufeff"),
        ("tag\U000e0041", "tag\\U000e0041"),
        ("a\nb", "a␊b"),
    ],
)
def test_control_characters_are_shown_as_visible_symbols(text: str, shown: str):
    assert visible(text) == shown


def test_ordinary_text_is_unchanged():
    text = "Le DNS répond\u00a0: «\u202foui\u202f» — 東京 🦖 שלום\ttab"
    assert visible(text) == text
    assert visible("two\nlines", newlines=True) == "two\nlines"


def test_an_error_message_shows_controls_in_its_file_name_and_text():
    error = LocpipeError(f"bad msgstr {ERASE}draft: fine", f"evil{TITLE}.po", 3)
    assert str(error) == "evil␛]0;owned␇.po:3: bad msgstr ␛[2K␍␛[1Adraft: fine"


def test_click_errors_show_what_was_typed_visibly(tmp_path):
    from click.testing import CliRunner

    from locpipe.cli import main

    result = CliRunner().invoke(main, ["-C", str(tmp_path / f"site{ERASE}"), "check"])
    assert result.exit_code == 2
    assert "site␛[2K␍␛[1A is not a folder" in result.output
    assert "\x1b" not in result.output and "\r" not in result.output
