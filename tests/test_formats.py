"""The format registry: one entry per format, found by suffix."""

from __future__ import annotations

from pathlib import Path

import pytest

from locpipe.errors import LocpipeError
from locpipe.formats import FORMATS, format_for, load_format, source_suffixes


def test_html_is_one_registry_entry_found_by_suffix_in_any_case():
    assert FORMATS["html"] == "locpipe.formats.html:FORMAT"
    html = load_format("html")
    assert format_for(Path("guide/Install.HTM")) is html
    assert format_for("a.html") is html
    assert {".html", ".htm"} <= set(source_suffixes())
    assert format_for("notes.txt") is None
    assert format_for("README") is None


def test_html_round_trip_is_byte_identical_and_names_its_output():
    html = load_format("html")
    source = '<!DOCTYPE html>\n<html lang="it"><head><meta charset="utf-8">\n<title>Ciao</title></head>\n<body><p class=x>Un <b>bel</b> giorno.</p></body></html>\n'
    text, encoding = html.decode(source.encode(), Path("a.html"))
    document = html.walk(text, Path("a.html"))
    assert document.lang == "it"
    assert [u.msgid for u in document.units] == ["Ciao", "Un <b>bel</b> giorno."]
    assert html.reassemble(text, document, lambda unit: unit.msgid) == source
    translated = html.reassemble(text, document, lambda unit: {"Ciao": "Hello"}.get(unit.msgid))
    assert "<title>Hello</title>" in translated
    assert html.output_name("guida/installare") == "guida/installare.html"
    assert encoding == "utf-8"


def test_a_bad_file_is_an_error_naming_it_and_its_line():
    html = load_format("html")
    with pytest.raises(LocpipeError) as caught:
        html.decode(b"<p>ok</p>\n<p>\xff</p>", Path("src/bad.html"))
    assert caught.value.path == Path("src/bad.html") and caught.value.line == 2


def test_finding_an_html_page_loads_no_markdown_parser():
    """Every registered format is asked for its suffixes: the light ones only."""
    import subprocess
    import sys

    code = (
        "import sys\n"
        "from locpipe.formats import format_for\n"
        "assert format_for('a.html').name == 'html'\n"
        "assert format_for('b.md').name == 'markdown'\n"
        "print(sorted(m for m in ('markdown_it', 'yaml') if m in sys.modules))\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    )
    assert result.stdout.strip() == "[]"
