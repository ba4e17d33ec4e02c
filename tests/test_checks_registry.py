"""The check registry: the README documents every check, and a new check is one
function plus one registry line (it runs, reports and can be silenced)."""

from __future__ import annotations

import re
from pathlib import Path

import polib
import pytest

from locpipe.checks import CHECKS, REGISTRY
from locpipe.checks.base import WARNING, QAContext, check
from locpipe.qa import check_catalog, check_entry

README = Path(__file__).resolve().parents[1] / "README.md"


def readme_checks() -> list[tuple[str, str]]:
    """(check, severity) rows of the README's table of checks, in order."""
    text = README.read_text(encoding="utf-8")
    table = text[text.index("| check | severity | what it catches |") :]
    rows = []
    for line in table.splitlines()[2:]:
        if not line.startswith("|"):
            break
        match = re.match(r"\| `([a-z-]+)` \| (error|warning) \|", line)
        assert match, line
        rows.append(match.groups())
    return rows


def test_the_readme_lists_every_check_with_its_severity_in_order():
    assert readme_checks() == [(c.name, c.severity) for c in REGISTRY]


def test_check_names_are_unique_and_described():
    assert len(CHECKS) == len(REGISTRY)
    assert all(c.description and c.severity in ("error", "warning") for c in REGISTRY)


@check("shouting", WARNING, "the translation is in capitals where the source is not")
def shouting(source: str, target: str, ctx: QAContext) -> list[str]:
    if target.isupper() and not source.isupper():
        return ["the translation shouts"]
    return []


@pytest.fixture
def registered(monkeypatch: pytest.MonkeyPatch):
    """``shouting`` added to the registry, as its one line in locpipe/checks/__init__.py would."""
    monkeypatch.setitem(CHECKS, shouting.name, shouting)


def test_a_registered_check_runs_reports_and_is_silenced(registered):
    ctx = QAContext(language="fr")
    entry = polib.POEntry(msgid="Attenzione", msgstr="ATTENTION", linenum=7)
    (finding,) = check_entry(entry, ctx)
    assert (finding.check, finding.severity, finding.line) == ("shouting", "warning", 7)
    assert finding.message == "the translation shouts"
    entry.tcomment = "locpipe-ignore: shouting"
    assert check_entry(entry, ctx) == []


def test_a_decorated_check_is_still_its_function():
    assert shouting("a", "A", QAContext(language="fr")) == ["the translation shouts"]
    assert CHECKS["numbers"]("3 gatti", "4 chats", QAContext(language="fr"))


def test_the_invisible_check_ignores_locpipe_ignore():
    po = polib.POFile()
    po.metadata = {"Content-Type": "text/plain; charset=UTF-8"}
    po.append(polib.POEntry(msgid="Ciao", msgstr="Sa\u202elut", tcomment="locpipe-ignore: all"))
    assert [f.check for f in check_catalog(po, QAContext(language="fr"))] == ["invisible"]
