"""`locpipe check` prints each catalog's findings as its check ends (memory stays flat
on a big site) and still lists every finding, in catalog order, with the right totals;
its JSON and JUnit reports are written in pieces and are the very bytes of the whole
documents."""

from __future__ import annotations

import gc
import json
import re
import shutil
import weakref
from pathlib import Path
from xml.etree import ElementTree as ET

import pytest
from click.testing import CliRunner, Result

import locpipe.steps.check as check_step
from conftest import fresh_copy, translated_copies
from locpipe.cli import main
from locpipe.project import Project
from locpipe.qa import CHECKS
from locpipe.stamps import STAMPS_DIR

COPIES = 6  # articles: the sample's, and this many copies of one


@pytest.fixture(scope="module")
def translated(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Many catalogs with machine drafts (warnings) and a broken tag (an error)."""
    site = translated_copies(tmp_path_factory.mktemp("check") / "site", COPIES)
    path = site / "locales/fr/LC_MESSAGES/propagazione-dns.po"
    text = path.read_text(encoding="utf-8")
    broken = text.index("</a>", text.index('msgstr "', text.index("</a>")))
    path.write_text(text[:broken] + text[broken + 4 :], encoding="utf-8")
    return site


@pytest.fixture
def project(translated: Path, tmp_path: Path) -> Path:
    return fresh_copy(translated, tmp_path)


def check(project: Path, *args: str, jobs: int = 2) -> Result:
    shutil.rmtree(project / STAMPS_DIR, ignore_errors=True)  # every catalog checked
    return CliRunner().invoke(main, ["-j", str(jobs), "-C", str(project), "check", *args])


def finding_lines(project: Path) -> list[str]:
    """What the listing must print: every finding of every catalog, in order."""
    reports = check_step.check(Project(project), min_complete=0, shorten=60).reports
    return [
        f"locpipe: {f.severity}: {r.relative}:{f.line}: [{f.check}] {f.message}"
        f"{' (machine draft)' if f.fuzzy else ''}: {f.msgid[:60]!r}"
        for r in reports
        for f in r.findings
    ]


def test_the_listing_has_every_finding_in_order_and_the_totals(project: Path, monkeypatch):
    monkeypatch.setattr(check_step, "BATCH", 5)  # many batches of workers
    result = check(project, "--min-complete", "0")
    assert result.exit_code == 1  # the broken tag
    expected = finding_lines(project)
    warnings = sum(1 for line in expected if line.startswith("locpipe: warning:"))
    assert warnings > 50 and any(line.startswith("locpipe: error:") for line in expected)
    assert result.stderr.splitlines() == expected
    catalogs = 3 * (COPIES + 6)  # 3 targets of the UI and of 5 + COPIES articles
    table = result.stdout.splitlines()
    assert table[0].split()[0] == "language" and len(table) == 1 + catalogs + 1
    totals = f"{catalogs} catalogs, 0 below 0% complete, 1 errors, {warnings} warnings"
    assert table[-1] == f"check: {totals}"
    rows = [line.split() for line in table[1:-1]]
    assert sum(int(row[-1]) for row in rows) == warnings
    assert sum(int(row[-2]) for row in rows) == 1


def test_the_output_does_not_depend_on_batches_or_workers(project: Path, monkeypatch):
    outputs = []
    for batch, jobs in ((3, 2), (1000, 1), (7, 2)):
        monkeypatch.setattr(check_step, "BATCH", batch)
        result = check(project, jobs=jobs)
        outputs.append((result.exit_code, result.stdout, result.stderr))
    assert outputs[0] == outputs[1] == outputs[2]
    assert outputs[0][0] == 1 and f"{3 * (COPIES + 6)} below 100% complete" in outputs[0][1]


def test_all_prints_the_errors_and_counts_the_warnings(project: Path):
    result = CliRunner().invoke(main, ["-C", str(project), "all", "--backend", "pseudo"])
    assert result.exit_code == 0, result.output
    errors = [line for line in finding_lines(project) if line.startswith("locpipe: error:")]
    assert [line for line in result.stderr.splitlines() if "[tags]" in line] == errors
    assert not re.search(r"^locpipe: warning: \S+:\d+: \[", result.stderr, re.MULTILINE)
    assert "warnings; `locpipe check` lists them" in result.stderr


def reference_json(result: check_step.CheckResult) -> str:
    """The JSON report as one ``json.dumps`` of the whole document."""
    return json.dumps(
        {
            "min_complete": result.min_complete,
            "strict": result.strict,
            "passed": result.passed,
            "checks": [
                {"name": c.name, "severity": c.severity, "description": c.description}
                for c in CHECKS.values()
            ],
            "catalogs": [check_step._catalog_json(result, r) for r in result.reports],
        },
        indent=2,
        ensure_ascii=False,
    )


def reference_junit(result: check_step.CheckResult) -> str:
    """The JUnit report as one ElementTree document, indented as a whole."""
    root = ET.Element("testsuites", name="locpipe check")
    for report in result.reports:
        root.append(check_step._junit_suite(result, report))
    root.set("tests", str(sum(int(s.get("tests")) for s in root)))
    root.set("failures", str(sum(int(s.get("failures")) for s in root)))
    root.set("errors", "0")
    ET.indent(root)
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(root, encoding="unicode")


@pytest.mark.parametrize("strict", [False, True])
def test_json_and_junit_are_the_bytes_of_the_whole_documents(project: Path, strict: bool):
    options = ["--min-complete", "50", *(["--strict"] if strict else [])]
    whole = check_step.check(Project(project), min_complete=50.0, strict=strict)
    assert whole.reports and not whole.passed
    assert check(project, "--format", "json", *options).stdout == reference_json(whole) + "\n"
    assert check(project, "--format", "junit", *options).stdout == reference_junit(whole) + "\n"
    data = json.loads(reference_json(whole))
    assert sum(len(c["findings"]) for c in data["catalogs"]) > 50


def test_no_catalog_at_all():
    for strict in (False, True):
        empty = check_step.CheckResult([], 100.0, strict)
        assert "".join(check_step.json_chunks(empty, [])) == reference_json(empty)
        empty = check_step.CheckResult([], 100.0, strict)
        assert check_step.to_junit(empty) == reference_junit(empty)
        assert check_step.to_junit(empty).endswith('errors="0" />')


def test_the_command_holds_the_reports_of_one_batch_at_most(project: Path, monkeypatch):
    monkeypatch.setattr(check_step, "BATCH", 4)
    alive: list[weakref.ref] = []
    most = 0
    report = check_step._report

    def tracked(*args, **kwargs):
        nonlocal most
        gc.collect()
        made = report(*args, **kwargs)
        alive[:] = [ref for ref in alive if ref() is not None] + [weakref.ref(made)]
        most = max(most, len(alive))
        return made

    monkeypatch.setattr(check_step, "_report", tracked)
    for fmt in ("text", "json", "junit"):
        most = 0
        # In this process (its reports are counted); the result's traceback keeps the last one.
        assert check(project, "--format", fmt, jobs=1).exit_code == 1
        assert 4 <= most <= 4 + 1, (fmt, most)
