"""The Markdown format: walk → units → reassemble, on the format object alone."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml
from markdown_it import MarkdownIt

from locpipe.errors import LocpipeError
from locpipe.formats.markdown import FORMAT
from locpipe.mt.pseudo import PseudoBackend

PATH = Path("docs/guide.md")

SAMPLE = """\
---
title: "Install guide"
description: How to install it
weight: 3
tags: [setup, pip]
---

# Install *fast*

Run `pip install x` and read **the [docs](https://x.org "Docs")**.
Second line with &amp; and \\* escaped{BR}hard break here.

> Quoted text
> continues here.

- item one
- item [two][ref]

| Name | Value \\| pipe |
|------|-------|
| a    | the value |

![Logo alt](logo.png)

```python
print("hi")  # a comment
```

    indented code stays

<div>HTML blocks are kept</div>

[ref]: https://example.org "Example"
""".replace("{BR}", "  \n")


def units(text: str):
    return FORMAT.walk(text, PATH).units


def translated(text: str, table: dict[str, str]) -> str:
    return FORMAT.reassemble(text, FORMAT.walk(text, PATH), lambda u: table.get(u.msgid))


def html_of(text: str) -> str:
    return MarkdownIt("commonmark").enable(["table", "strikethrough"]).render(text)


def test_units_are_the_text_a_reader_sees_with_compact_tags():
    found = [(u.element, u.msgid) for u in units(SAMPLE)]
    assert found == [
        ("title", "Install guide"),
        ("meta[description]", "How to install it"),
        ("h1", "Install <em>fast</em>"),
        (
            "p",
            "Run <code/> and read <strong>the <a>docs</a></strong>. "
            "Second line with & and * escaped<br/>hard break here.",
        ),
        ("blockquote", "Quoted text continues here."),
        ("li", "item one"),
        ("li", "item <a>two</a>"),
        ("th", "Name"),
        ("th", "Value | pipe"),
        ("td", "a"),
        ("td", "the value"),
        ("img[alt]", "Logo alt"),
    ]


def test_code_html_blocks_urls_and_reference_definitions_are_never_units():
    text = " ".join(u.msgid for u in units(SAMPLE))
    for kept in ("print", "indented", "HTML blocks", "example.org", "x.org", "Docs", "pip install"):
        assert kept not in text


def test_lines_point_at_the_source():
    lines = {u.msgid: u.line for u in units(SAMPLE)}
    assert lines["Install guide"] == 2
    assert lines["Install <em>fast</em>"] == 8
    assert lines["the value"] == 22


def test_identity_translation_gives_the_source_back_byte_for_byte():
    for text in (SAMPLE, SAMPLE.replace("\n", "\r\n"), "\ufeff" + SAMPLE):
        document = FORMAT.walk(text, PATH)
        assert FORMAT.reassemble(text, document, lambda u: u.msgid) == text
        assert FORMAT.reassemble(text, document, lambda u: None) == text


def test_a_translation_replaces_only_its_span_and_keeps_the_markup():
    out = translated(
        SAMPLE,
        {
            "Install <em>fast</em>": "Installare <em>in fretta</em>",
            "item <a>two</a>": "voce <a>due</a>",
            "the value": "il valore",
            "Logo alt": "Il logo",
        },
    )
    assert "# Installare *in fretta*\n" in out
    assert "- voce [due][ref]\n" in out
    assert "| a    | il valore |\n" in out
    assert "![Il logo](logo.png)\n" in out
    assert out.count("\n") == SAMPLE.count("\n")


def test_front_matter_translation_keeps_the_other_keys_and_stays_valid_yaml():
    out = translated(
        SAMPLE, {"Install guide": 'La "guida"', "How to install it": "Come: installarlo #1"}
    )
    front = out.split("---\n")[1]
    assert yaml.safe_load(front) == {
        "title": 'La "guida"',
        "description": "Come: installarlo #1",
        "weight": 3,
        "tags": ["setup", "pip"],
    }
    assert "weight: 3\ntags: [setup, pip]\n" in front


def test_translated_text_is_escaped_so_it_never_reads_as_markup():
    text = "Plain words here.\n"
    out = translated(text, {"Plain words here.": "1. Use *stars* and [brackets] <b> `x` _y_"})
    assert html_of(out) == ("<p>1. Use *stars* and [brackets] &lt;b&gt; `x` _y_</p>\n")


def test_a_pipe_in_a_translated_table_cell_stays_in_its_cell():
    text = "| A | B |\n|---|---|\n| one | two |\n"
    out = translated(text, {"one": "uno | due"})
    assert "<td>uno | due</td>" in html_of(out)


def test_emphasis_that_markdown_cannot_close_there_comes_back_as_html():
    text = "Some **bold** word.\n"
    out = translated(
        text, {"Some <strong>bold</strong> word.": "Una parola<strong> grassa</strong>x"}
    )
    assert "<strong>grassa</strong>" in html_of(out)


def test_a_translation_without_the_source_link_is_not_used():
    text = "Read [the docs](https://x.org).\n"
    rejected = []
    document = FORMAT.walk(text, PATH)
    out = FORMAT.reassemble(text, document, lambda u: "Leggi la doc.", rejected=rejected)
    assert out == text
    assert [u.msgid for u in rejected] == ["Read <a>the docs</a>."]


def test_pseudo_translation_keeps_the_block_structure():
    pseudo = PseudoBackend()
    document = FORMAT.walk(SAMPLE, PATH)
    out = FORMAT.reassemble(SAMPLE, document, lambda u: pseudo._one(u.msgid))
    assert out != SAMPLE
    assert _shape(html_of(out)) == _shape(html_of(SAMPLE))


def _shape(html: str) -> list[str]:
    import re

    return re.findall(r"</?([a-z0-9]+)", html)


def test_bad_yaml_names_the_file_and_line():
    text = "---\ntitle: ok\ndescription: [unclosed\n---\n\nBody.\n"
    with pytest.raises(LocpipeError) as caught:
        FORMAT.walk(text, PATH)
    assert "front matter" in str(caught.value)
    assert caught.value.path == PATH
    assert caught.value.line in (3, 4)


def test_a_first_line_never_closed_is_a_thematic_break_not_a_front_matter():
    text = "---\ntitle: x\n\nBody.\n"
    assert [(u.element, u.msgid) for u in units(text)] == [("p", "title: x"), ("p", "Body.")]


def test_escaped_ampersand_before_an_entity_name_stays_literal():
    text = "Write \\&amp; for an ampersand.\n"
    (unit,) = units(text)
    assert unit.msgid == "Write &amp;amp; for an ampersand."
    out = translated(text, {unit.msgid: "Scrivi &amp;amp; per una e commerciale."})
    assert html_of(out) == "<p>Scrivi &amp;amp; per una e commerciale.</p>\n"


def test_decode_rejects_what_is_not_utf8_naming_the_line():
    with pytest.raises(LocpipeError) as caught:
        FORMAT.decode(b"# Title\n\ncaf\xe9\n", PATH)
    assert caught.value.line == 3
    assert FORMAT.decode("# Tìtolo\n".encode(), PATH) == ("# Tìtolo\n", "utf-8")


def test_output_is_markdown():
    assert FORMAT.output_name("guide/install") == "guide/install.md"
    assert not FORMAT.is_page and FORMAT.keeps_format
    assert FORMAT.suffixes[0] == ".md"
