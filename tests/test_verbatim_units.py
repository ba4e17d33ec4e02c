"""Code units are copied, never machine-translated, and ``check`` guards them (issue 13, part 2).

On a real manual, units whose whole content is one ``<code>``/``<kbd>``/
``<samp>``/``<var>`` lost the tag (a tag enclosing the whole unit stays in the
source) and with it their protection: the engine turned ``/etc/passwd`` into
``/Etc/passwd`` and ``passwd -e`` into ``passwd -And``, and ``check`` saw no
error.  The walker now names such a unit's element ``td > code``; translate
copies it (and any unit that is nothing but paths, options and protected
items) as its own translation; the ``code`` check fails when a translation
changes text that was code in the source.
"""

from __future__ import annotations

import shutil
from collections.abc import Sequence
from pathlib import Path

import polib
import pytest
from click.testing import CliRunner

from conftest import copy_sample_site, extract_and_update, require_tool
from locpipe.cli import main
from locpipe.formats.html import walk
from locpipe.mt.base import Backend
from locpipe.project import Project
from locpipe.qa import QAContext, check_entry
from locpipe.steps.translate import translate
from locpipe.units import VERBATIM_COMMENT, is_verbatim_element

#: A DocBook-like manual page: commands in table cells, paths, keys.
MANUAL = """<!DOCTYPE html>
<html lang="it">
<head><meta charset="utf-8"><title>Gestione degli utenti</title></head>
<body><article>
<h1>Gestione degli utenti</h1>
<p>Il file <code>/etc/passwd</code> contiene un record per ogni utente del sistema.</p>
<table>
<tr><th>Comando</th><th>Effetto</th></tr>
<tr><td><code>passwd -e</code></td><td>La password scade subito.</td></tr>
<tr><td><code>/etc/passwd</code></td><td>Elenco degli utenti.</td></tr>
<tr><td><kbd>Ctrl</kbd></td><td>Il tasto di controllo.</td></tr>
<tr><td><samp>archivio.zip</samp></td><td>Un archivio compresso.</td></tr>
<tr><td><var>nome</var></td><td>Il nome dell’utente.</td></tr>
<tr><td><b><code>chmod +x</code></b></td><td>Rende eseguibile il file.</td></tr>
</table>
<ul><li>~/.bashrc</li><li>--help</li><li>Usa <code>sed</code> e <code>awk</code>.</li></ul>
</article></body></html>
"""
CODE = ["passwd -e", "/etc/passwd", "Ctrl", "archivio.zip", "nome", "chmod +x"]
PATHS = ["~/.bashrc", "--help"]


class Recording(Backend):
    """``x`` → ``t:x`` (capitalised like Apertium did: ``/Etc/passwd``); records the texts."""

    name = "recording"

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.sent: list[str] = []

    def check_pair(self, source: str, target: str) -> None:
        pass

    def translate(self, texts: Sequence[str], source: str, target: str) -> list[str | None]:
        self.sent += texts
        return [f"{target}:{'/Etc/passwd' if t == '/etc/passwd' else t}" for t in texts]


@pytest.fixture(scope="module")
def prepared(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("site")
    copy_sample_site(folder)
    (folder / "source_articles" / "utenti.html").write_text(MANUAL, encoding="utf-8")
    return extract_and_update(folder)


@pytest.fixture
def project(prepared: Path, tmp_path: Path) -> Path:
    shutil.copytree(prepared, tmp_path / "site")
    return tmp_path / "site"


def entries(project: Path, language: str) -> dict[str, polib.POEntry]:
    po = polib.pofile(str(project / "locales" / language / "LC_MESSAGES" / "utenti.po"))
    return {e.msgid: e for e in po if not e.obsolete and e.msgid}


def test_the_walker_marks_a_unit_that_fills_a_code_element() -> None:
    units = {u.msgid: u.element for u in walk(MANUAL).units}
    assert [units[c] for c in CODE] == [
        "td > code", "td > code", "td > kbd", "td > samp", "td > var", "td > code",
    ]  # fmt: skip
    assert (
        units["Il file <code>/etc/passwd</code> contiene un record per ogni utente del sistema."]
        == "p"
    )
    assert units["Usa <code>sed</code> e <code>awk</code>."] == "li"
    assert is_verbatim_element("td > code, li > kbd") and not is_verbatim_element("td > code, td")
    assert not is_verbatim_element("td") and not is_verbatim_element("")


def test_code_units_are_copied_and_never_reach_the_engine(project: Path) -> None:
    backend = Recording()
    result = translate(Project(project), ("fr",), backend=backend)
    assert not set(CODE + PATHS) & set(backend.sent)
    fr = entries(project, "fr")
    for msgid in CODE + PATHS:
        entry = fr[msgid]
        assert entry.msgstr == msgid and "fuzzy" not in entry.flags, msgid
        assert VERBATIM_COMMENT in entry.tcomment
    # Units with language in them still go to the engine.
    assert fr["Elenco degli utenti."].msgstr == "fr:Elenco degli utenti."
    assert "Usa <code>sed</code> e <code>awk</code>." in backend.sent
    assert result.verbatim >= len(CODE + PATHS)
    # The copies are not "unchanged" noise, and pass the code check.
    context = QAContext(language="fr", domain="utenti")
    for msgid in CODE + PATHS:
        assert check_entry(fr[msgid], context) == [], msgid
    # A second run has nothing to do.
    again = Recording()
    assert translate(Project(project), ("fr",), backend=again).engine_texts == 0
    assert again.sent == []


@pytest.mark.parametrize(
    ("msgid", "comment", "msgstr", "failing"),
    [
        ("/etc/passwd", "td > code", "/Etc/passwd", True),
        ("passwd -e", "td > code", "passwd -And", True),
        ("passwd -e", "td > code", "passwd -e", False),
        ("Il file <code>/etc/passwd</code>.", "p", "Le fichier <code>/Etc/passwd</code>.", True),
        ("Il file <code>/etc/passwd</code>.", "p", "Le fichier <code>/etc/passwd</code>.", False),
        ("Premi <kbd>Ctrl</kbd>.", "p", "Appuyez sur <kbd>Contrôle</kbd>.", True),
        ("Un <b>file</b>.", "p", "Un <b>fichier</b>.", False),
    ],
)
def test_the_code_check_fails_when_verbatim_text_changes(
    msgid: str, comment: str, msgstr: str, failing: bool
) -> None:
    entry = polib.POEntry(msgid=msgid, msgstr=msgstr, comment=comment, flags=["fuzzy"])
    found = [f for f in check_entry(entry, QAContext(language="fr")) if f.check == "code"]
    assert bool(found) == failing and all(f.severity == "error" for f in found)


def test_check_reports_a_changed_code_unit(project: Path) -> None:
    translate(Project(project), ("fr",), backend=Recording())
    path = project / "locales" / "fr" / "LC_MESSAGES" / "utenti.po"
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace('msgstr "passwd -e"', 'msgstr "passwd -And"'), encoding="utf-8")
    result = CliRunner().invoke(main, ["-C", str(project), "check", "--min-complete", "0"])
    assert result.exit_code == 1
    assert "utenti.po:" in result.output and "[code]" in result.output


@pytest.mark.slow
def test_apertium_changes_no_code_unit(project: Path) -> None:
    require_tool("apertium")
    result = translate(Project(project), ("en", "fr", "es"))
    assert not result.failures
    for language in ("en", "fr", "es"):
        catalog = entries(project, language)
        for msgid in CODE + PATHS:
            assert catalog[msgid].msgstr == msgid, (language, msgid)
        # Inline code inside a sentence comes back unchanged too.
        inline = catalog[
            "Il file <code>/etc/passwd</code> contiene un record per ogni utente del sistema."
        ]
        assert "<code>/etc/passwd</code>" in inline.msgstr and inline.msgstr != inline.msgid


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("[Nota]", False),  # DocBook's admonition labels: language (the real manual had 3 kinds)
        ("[Avvertimento]", False),
        ("(opzionale)", False),
        ("[a-z]*", True),
        ("${HOME}", True),
        ("/home/", True),
        ("[-e]", True),
    ],
)
def test_a_bracketed_word_is_language_not_code(text: str, code: bool) -> None:
    from locpipe.mt.protect import Protector, is_verbatim

    assert is_verbatim(Protector([]).mask(text, "fr")) is code
