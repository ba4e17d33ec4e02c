"""A new catalog's Plural-Forms is the one GNU msginit writes, whatever Babel's CLDR
data says (Babel 2.19 gave French, Italian and Spanish a third form); languages
outside gettext's table get Babel's rule."""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

import pytest
from babel.messages.plurals import get_plural

from conftest import require_tool
from locpipe.catalog import new_catalog, parse_catalog, plural_function
from locpipe.errors import LocpipeError
from locpipe.plurals import GETTEXT_PLURAL_FORMS, plural_forms

POT = 'msgid ""\nmsgstr ""\n"Content-Type: text/plain; charset=UTF-8\\n"\n\nmsgid "a"\nmsgstr ""\n'


def msginit_plural_forms(code: str, tmp_path: Path) -> str | None:
    pot = tmp_path / "t.pot"
    pot.write_text(POT, encoding="utf-8")
    out = subprocess.run(
        [require_tool("msginit"), "--no-translator", "--no-wrap", "-l", code, "-i", pot, "-o", "-"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    match = re.search(r'"Plural-Forms: (.*)\\n"', out)
    return match.group(1) if match else None


@pytest.mark.parametrize("code", sorted(GETTEXT_PLURAL_FORMS))
def test_the_table_is_what_msginit_writes(code: str, tmp_path: Path):
    assert plural_forms(code) == msginit_plural_forms(code, tmp_path)


@pytest.mark.parametrize("code", ["fr_CA", "pt_PT", "sr_Latn", "de_CH", "es_419"])
def test_a_regional_code_takes_its_language_rule_as_msginit_does(code: str, tmp_path: Path):
    assert plural_forms(code) == msginit_plural_forms(code, tmp_path)


def test_the_sample_site_languages_keep_two_forms():
    assert plural_forms("fr") == "nplurals=2; plural=(n > 1);"
    for code in ("it", "es", "en"):
        assert plural_forms(code) == "nplurals=2; plural=(n != 1);"
    header = new_catalog("fr").metadata["Plural-Forms"]
    nplurals, function = plural_function(header)
    assert nplurals == 2 and [function(n) for n in (0, 1, 2, 1_000_000)] == [0, 0, 1, 1]


def test_other_languages_follow_babel(tmp_path: Path):
    for code in ("ar", "ca", "gl", "zh_Hant"):
        assert msginit_plural_forms(code, tmp_path) is None  # outside gettext's table
        assert plural_forms(code) == get_plural(code).plural_forms


def test_every_rule_parses_and_picks_a_form_in_range():
    for code, value in GETTEXT_PLURAL_FORMS.items():
        nplurals, function = plural_function(value)
        assert all(0 <= function(n) < nplurals for n in range(0, 2000)), code
        po = parse_catalog(f'msgid ""\nmsgstr ""\n"Plural-Forms: {value}\\n"\n')
        assert po.metadata["Plural-Forms"] == value


def test_an_unknown_language_is_a_clear_error():
    with pytest.raises(LocpipeError, match="unknown language 'xx'"):
        plural_forms("xx")
