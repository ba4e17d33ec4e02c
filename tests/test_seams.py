"""The extension points are seams: a new source format and a new MT engine are each
one module plus one registry line, and then work through the whole CLI (the
check and command seams: tests/test_checks_registry.py, tests/test_cli_commands.py)."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import polib
import pytest
from click.testing import CliRunner

from conftest import copy_sample_site
from locpipe.cli import main
from locpipe.formats import FORMATS
from locpipe.mt import BACKEND_CLASSES

PLAIN_TEXT_FORMAT = '''\
"""Plain text: one unit per paragraph (lines up to a blank line)."""

import re
from pathlib import Path

from locpipe.errors import LocpipeError
from locpipe.formats.base import Document
from locpipe.units import Unit, escape_text, unescape_text


class PlainText:
    name = "plaintext"
    suffixes = (".txt",)
    is_page = False
    keeps_format = True

    def decode(self, data: bytes, path: Path) -> tuple[str, str]:
        try:
            return data.decode("utf-8"), "utf-8"
        except UnicodeDecodeError as error:
            raise LocpipeError(f"{path}: not UTF-8 ({error})") from None

    def walk(self, text: str, path: Path) -> Document:
        units = [
            Unit(escape_text(m.group()), "p", m.start(), m.end(), text.count("\\n", 0, m.start()) + 1)
            for m in re.finditer(r"[^\\n]+(?:\\n[^\\n]+)*", text)
        ]
        return Document(units, None, (0, len(text)), {})

    def reassemble(self, text, document, translate, span=None, rejected=None) -> str:
        out, pos = [], 0
        for unit in document.units:
            translation = translate(unit)
            out.append(text[pos : unit.start])
            out.append(text[unit.start : unit.end] if translation is None else unescape_text(translation))
            pos = unit.end
        return "".join(out) + text[pos:]

    def output_name(self, slug: str) -> str:
        return slug + ".txt"


FORMAT = PlainText()
'''

TAGGING_ENGINE = '''\
"""An engine that prefixes every text with its configured tag."""

from locpipe.mt.base import Backend


class TaggingBackend(Backend):
    name = "tagging"
    config_options = {"tag": str}

    def check_pair(self, source: str, target: str) -> None:
        """Every pair."""

    def translate(self, texts, source, target):
        return [f"{self.engine_options.get('tag', '?')} {text}" for text in texts]
'''

NOTE = "Prima riga del primo paragrafo\nche continua qui.\n\nSecondo paragrafo & altro.\n"


@pytest.fixture
def plugins(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A folder on sys.path with the two new modules, and one registry line for each."""
    folder = tmp_path / "plugins"
    folder.mkdir()
    (folder / "plaintext_format.py").write_text(PLAIN_TEXT_FORMAT, encoding="utf-8")
    (folder / "tagging_engine.py").write_text(TAGGING_ENGINE, encoding="utf-8")
    monkeypatch.syspath_prepend(str(folder))
    monkeypatch.setitem(FORMATS, "plaintext", "plaintext_format:FORMAT")
    monkeypatch.setitem(BACKEND_CLASSES, "tagging", "tagging_engine:TaggingBackend")
    return folder


def run(project: Path, *args: str) -> str:
    result = CliRunner().invoke(main, ["-C", str(project), *args])
    assert result.exit_code == 0, result.output
    return result.output


def make_project(root: Path) -> Path:
    """The sample site's templates and config, with one plain-text source and the new engine."""
    copy_sample_site(root)
    shutil.rmtree(root / "source_articles")
    (root / "source_articles" / "note").mkdir(parents=True)
    (root / "source_articles" / "note" / "promemoria.txt").write_text(NOTE, encoding="utf-8")
    config = root / "locpipe.toml"
    text = config.read_text(encoding="utf-8")
    text = re.sub(r"(?m)^languages = .*$", 'languages = ["it", "en"]', text)
    text = re.sub(r"(?m)^backend = .*$", 'backend = "tagging"', text)
    config.write_text(text + '\n[mt.tagging]\ntag = "[EN]"\n', encoding="utf-8")
    return root


def test_a_new_format_and_engine_work_through_the_cli_with_one_registry_line_each(
    plugins: Path, tmp_path: Path
):
    project = make_project(tmp_path / "site")
    run(project, "extract")
    pot = polib.pofile(str(project / "locales/templates/note/promemoria.pot"))
    assert [e.msgid for e in pot] == [
        "Prima riga del primo paragrafo\nche continua qui.",
        "Secondo paragrafo & altro.",
    ]
    run(project, "update")
    run(project, "translate")
    po = polib.pofile(str(project / "locales/en/LC_MESSAGES/note/promemoria.po"))
    assert [(e.msgstr, e.fuzzy) for e in po] == [
        ("[EN] Prima riga del primo paragrafo\nche continua qui.", True),
        ("[EN] Secondo paragrafo & altro.", True),
    ]
    run(project, "build")
    built = (project / "build/en/note/promemoria.txt").read_text(encoding="utf-8")
    assert built == (
        "[EN] Prima riga del primo paragrafo\nche continua qui.\n\n"
        "[EN] Secondo paragrafo & altro.\n"
    )
    assert not (project / "build/en/note/promemoria.html").exists()


def test_an_engine_option_it_does_not_declare_is_refused_naming_the_file(
    plugins: Path, tmp_path: Path
):
    project = make_project(tmp_path / "site")
    config = project / "locpipe.toml"
    config.write_text(config.read_text(encoding="utf-8") + 'colour = "blue"\n', encoding="utf-8")
    result = CliRunner().invoke(main, ["-C", str(project), "translate"])
    assert result.exit_code == 2
    assert "locpipe.toml" in result.output and "colour" in result.output
    assert "tag" in result.output  # the keys it knows
