"""A committed or forged `.locpipe-cache/` never passes the CI gate (issue 14, part 3).

Every input of a stamp's key is public (locpipe's code, the configuration,
the catalog's sha256), so anyone who can commit can forge a record saying a
broken catalog is complete and clean.  On a developer's machine that only
costs them their own cache; but `check --strict`, and every command when
`CI` is set, decide from the catalogs, never from a stamp, and `all` does not
replay a recorded run in CI.
"""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

import polib
import pytest
from click.testing import CliRunner

from locpipe.all_replay import TABLE
from locpipe.cli import main
from locpipe.project import Project
from locpipe.stamps import file_digest, key

BROKEN = "locales/fr/LC_MESSAGES/propagazione-dns.po"
#: What check says of the project below (two errors in BROKEN)...
FAILING = re.compile(r"check: 18 catalogs, 0 below 100% complete, [1-9][0-9]* errors")
#: ...and what the forged cache makes it say.
CLEAN = "check: 18 catalogs, 0 below 100% complete, 0 errors, 0 warnings"


def run(project: Path, *args: str) -> tuple[int, str]:
    result = CliRunner().invoke(main, ["-C", str(project), *args])
    assert "Traceback" not in result.output, result.output
    return result.exit_code, result.output


def summary(output: str) -> str:
    found = re.findall(r"check: \d+ catalogs, .*", output)
    assert found, output
    return found[-1]


@pytest.fixture
def project(built_site: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The built sample site, every draft reviewed, then one catalog broken: a
    translation that drops its inline tags, one that loses its numbers."""
    monkeypatch.delenv("CI", raising=False)
    for path in (built_site / "locales").rglob("*.po"):
        catalog = polib.pofile(str(path), wrapwidth=0)
        for entry in catalog:
            if "fuzzy" in entry.flags:
                entry.flags.remove("fuzzy")
                entry.previous_msgid = None
        if path == built_site / BROKEN:
            tagged = next(e for e in catalog if "</" in e.msgid)
            tagged.msgstr = re.sub(r"<[^>]*>", "", tagged.msgid)  # tags dropped
            counted = next(e for e in catalog if re.search(r"\d", e.msgid) and "<" not in e.msgid)
            counted.msgstr = re.sub(r"\d+", "", counted.msgid) + " quelques"  # number lost
        catalog.save()
    assert run(built_site, "update")[0] == 0  # locpipe's own format
    return built_site


def forge_check_stamps(project: Path) -> None:
    """What an attacker commits: a record for every catalog saying 100%, no error."""
    p = Project(project)
    stamps = p.stamps("check")
    inputs = key("check", shutil.which("msgfmt"))  # as locpipe.steps.check keys them
    for path in sorted((project / "locales").glob("*/LC_MESSAGES/*.po")):
        language, domain = path.parts[-3], path.stem
        total = len(p.catalog(path))
        data = {"stats": [total, total, 0, 0], "errors": [], "findings": [], "warnings": 0}
        stamps.stamp(f"{language}/{domain}", inputs, {path: file_digest(path)}, data)
    assert stamps.save()


def test_the_broken_catalog_fails_the_gate(project: Path):
    code, output = run(project, "check")
    assert code == 1
    assert FAILING.search(output), output
    for check in ("tags", "numbers"):
        assert f"{BROKEN}:" in output and f"[{check}]" in output


def test_a_forged_check_stamp_does_not_pass_strict_or_ci(project: Path, monkeypatch):
    genuine = summary(run(project, "check")[1])
    forge_check_stamps(project)
    code, output = run(project, "check")
    assert (code, summary(output)) == (0, CLEAN)
    # ^ the forgery works where stamps are trusted: the two gates below are real tests.
    code, output = run(project, "check", "--strict")
    assert code == 1 and summary(output).startswith(genuine), output
    assert "[tags]" in output and "[numbers]" in output
    monkeypatch.setenv("CI", "true")
    forge_check_stamps(project)  # the strict run stamped the truth: forge again
    code, output = run(project, "check")
    assert code == 1 and summary(output) == genuine, output
    code, output = run(project, "check", "--format", "json")
    report = json.loads(output)
    assert code == 1 and report["passed"] is False


def test_a_forged_all_record_is_not_replayed_in_ci(project: Path, monkeypatch):
    run(project, "all", "--backend", "pseudo")
    run(project, "all", "--backend", "pseudo")  # changed nothing: its output is recorded
    table = project / TABLE
    data = json.loads(table.read_text(encoding="utf-8"))
    assert data["output"], "the second run should have been recorded"
    forged = CLEAN + "\n"
    data["output"] = [["err", forged]]
    table.write_text(json.dumps(data), encoding="utf-8")
    assert run(project, "all", "--backend", "pseudo")[1] == forged  # trusted locally
    forge_check_stamps(project)
    monkeypatch.setenv("CI", "true")
    code, output = run(project, "all", "--backend", "pseudo")
    assert code == 0 and forged not in output
    assert FAILING.search(output), output
    assert "extract:" in output and "build:" in output  # the steps ran
