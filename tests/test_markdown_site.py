"""A Markdown source through the whole pipeline, by the CLI (needs the format seam:
``locpipe.formats.FORMATS`` with a ``markdown`` entry, and project/build reading
sources through it)."""

from __future__ import annotations

from pathlib import Path

import polib
import yaml
from click.testing import CliRunner

from conftest import copy_sample_site
from locpipe.cli import main

GUIDE = """\
---
title: Guida all'installazione
description: "Come installare locpipe"
weight: 2
---

# Installare *locpipe*

Esegui `pip install locpipe` e leggi la [documentazione](https://example.org/docs).

| Comando | Effetto |
|---------|---------|
| `extract` | estrae le stringhe |

```sh
locpipe all  # non tradotto
```
"""


def run(project: Path, *args: str, code: int = 0):
    result = CliRunner().invoke(main, ["-C", str(project), *args])
    assert result.exit_code == code, result.output
    return result


def test_a_markdown_source_is_extracted_translated_and_built_as_markdown(tmp_path: Path):
    copy_sample_site(tmp_path)
    (tmp_path / "source_articles" / "guida.md").write_text(GUIDE, encoding="utf-8")
    run(tmp_path, "extract")
    pot = polib.pofile(str(tmp_path / "locales/templates/guida.pot"))
    assert [e.msgid for e in pot] == [
        "Guida all'installazione",
        "Come installare locpipe",
        "Installare <em>locpipe</em>",
        "Esegui <code/> e leggi la <a>documentazione</a>.",
        "Comando",
        "Effetto",
        "estrae le stringhe",
    ]
    run(tmp_path, "update")
    po_path = tmp_path / "locales/en/LC_MESSAGES/guida.po"
    po = polib.pofile(str(po_path))
    english = {
        "Guida all'installazione": "Installation guide",
        "Installare <em>locpipe</em>": "Installing <em>locpipe</em>",
        "Esegui <code/> e leggi la <a>documentazione</a>.": "Run <code/> and read the <a>docs</a>.",
    }
    for entry in po:
        entry.msgstr = english.get(entry.msgid, "")
    po.save(str(po_path))
    run(tmp_path, "build")
    built = (tmp_path / "build/en/guida.md").read_text(encoding="utf-8")
    assert not (tmp_path / "build/en/guida.html").exists()
    assert "# Installing *locpipe*\n" in built
    assert "Run `pip install locpipe` and read the [docs](https://example.org/docs).\n" in built
    assert "locpipe all  # non tradotto\n" in built
    front = yaml.safe_load(built.split("---\n")[1])
    assert front == {
        "title": "Installation guide",
        "description": "Come installare locpipe",
        "weight": 2,
    }
    # The source language's build is the source itself.
    assert (tmp_path / "build/it/guida.md").read_text(encoding="utf-8") == GUIDE
