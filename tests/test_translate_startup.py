"""What ``locpipe translate`` loads and starts: only the engine asked for, and
nothing at all when nothing is missing."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import polib
import pytest
from click.testing import CliRunner

import locpipe.catalog
import locpipe.mt
from conftest import copy_sample_site, require_tool
from locpipe.cli import main
from locpipe.project import Project
from locpipe.steps.translate import translate

#: Run the CLI, then print which of these modules it imported (as JSON, on exit).
_WATCH = """
import atexit, json, sys
watched = ("requests", "locpipe.mt.online", "locpipe.mt.apertium", "locpipe.mt.pseudo")
atexit.register(lambda: print(json.dumps([m for m in watched if m in sys.modules])))
from locpipe.cli import main
main()
"""


@pytest.fixture(scope="module")
def updated(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The sample site after extract and update: untranslated catalogs."""
    folder = copy_sample_site(tmp_path_factory.mktemp("site"))
    for command in ("extract", "update"):
        result = CliRunner().invoke(main, ["-C", str(folder), command])
        assert result.exit_code == 0, result.output
    return folder


@pytest.fixture
def site(updated: Path, tmp_path: Path) -> Path:
    return Path(shutil.copytree(updated, tmp_path / "site"))


def _filled(folder: Path, language: str) -> int:
    return sum(
        bool(e.msgstr)
        for path in (folder / "locales" / language / "LC_MESSAGES").glob("*.po")
        for e in polib.pofile(str(path))
    )


@pytest.mark.parametrize("backend", ["apertium", "pseudo"])
def test_translate_imports_only_the_backend_asked_for(site: Path, backend: str) -> None:
    if backend == "apertium":
        require_tool("apertium")
    done = subprocess.run(
        [sys.executable, "-c", _WATCH, "-q", "-C", site, "translate", "--backend", backend,
         "--lang", "es"],
        capture_output=True, text=True, timeout=600, check=False,
    )  # fmt: skip
    assert done.returncode in (0, 3), done.stderr  # 3: some units left untranslated
    imported = json.loads(done.stdout.splitlines()[-1])
    assert imported == [f"locpipe.mt.{backend}"]  # no requests: only online engines need it
    assert _filled(site, "es") > 100


def _make_stale(catalog: Path) -> str:
    """Turn a translated entry into one ``update`` matched to a changed msgid, whose
    translation no sentence update can refresh (no sentence of it is known)."""
    po = polib.pofile(str(catalog))
    entry = next(e for e in po if e.msgstr and "." not in e.msgid and len(e.msgid) > 20)
    entry.previous_msgid = "Un testo di prima, tutto diverso"
    entry.msgstr = "Una traduzione vecchia"
    if "fuzzy" not in entry.flags:
        entry.flags.insert(0, "fuzzy")
    locpipe.catalog.write_catalog(catalog, po)
    return entry.msgid


@pytest.mark.usefixtures("local_run")  # stamps are read only outside CI
def test_noop_translate_reads_no_catalog_and_makes_no_backend(
    site: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    translate(Project(site), backend_name="pseudo")
    es = site / "locales" / "es" / "LC_MESSAGES"
    msgid = _make_stale(es / "rag-spiegato.po")
    translate(Project(site), backend_name="pseudo")  # the stale entry: nothing to refresh
    stale = (es / "rag-spiegato.po").read_bytes()

    parses: list[str] = []
    parse = locpipe.catalog.parse_catalog

    def counting(*args: object, **kwargs: object) -> polib.POFile:
        parses.append(str(args[0]))
        return parse(*args, **kwargs)  # type: ignore[arg-type]

    def no_backend(*args: object, **kwargs: object) -> None:
        raise AssertionError("a no-op translate made a backend")

    monkeypatch.setattr(locpipe.catalog, "parse_catalog", counting)
    monkeypatch.setattr(locpipe.mt, "get_backend", no_backend)
    result = translate(Project(site), backend_name="apertium")
    assert result.translated == result.updated == 0 and not parses
    assert (es / "rag-spiegato.po").read_bytes() == stale

    # Once the memory knows the changed sentence (reviewed in another catalog), the
    # stale entry is planned again, and refreshed from the memory: still no engine call.
    monkeypatch.undo()
    po = polib.pofile(str(es / "ui.po"))
    po.append(polib.POEntry(msgid=msgid, msgstr="Una frase rivista", obsolete=True))
    locpipe.catalog.write_catalog(es / "ui.po", po)
    result = translate(Project(site), backend_name="pseudo")
    assert result.updated == 1 and result.engine_texts == 0
    entry = polib.pofile(str(es / "rag-spiegato.po")).find(msgid)
    assert entry is not None and entry.msgstr == "Una frase rivista"


def test_backend_table_names_every_engine() -> None:
    """The static name → class table (engines imported on demand) misses none."""
    backends = locpipe.mt.BACKENDS
    engines = {"pseudo", "apertium", "openai", "ctranslate2"}
    assert set(backends) == engines | {"deepl", "libre", "microsoft", "google", "mymemory"}
    assert all(cls.name == name for name, cls in backends.items())
