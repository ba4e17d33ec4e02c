"""check: completeness, compile errors and quality checks per catalog; the CI gate."""

from __future__ import annotations

import dataclasses
import re
import shutil
import subprocess
from dataclasses import dataclass, field
from pathlib import Path

from locpipe.catalog import CatalogStats, stats
from locpipe.errors import LocpipeError
from locpipe.parallel import first_error, run_each
from locpipe.project import Project
from locpipe.qa import ERROR, Finding, QAContext, placeholders_in
from locpipe.qa import check_catalog as qa_check_catalog
from locpipe.state import key

__all__ = ["CatalogReport", "CheckResult", "check", "check_catalog", "placeholders_in"]


@dataclass
class CatalogReport:
    """The check of one catalog."""

    language: str
    domain: str
    path: Path
    stats: CatalogStats | None = None
    #: Parse and compile errors, a missing catalog (always fail the gate).
    errors: list[str] = field(default_factory=list)
    #: Quality-check findings (errors fail the gate; warnings only when strict).
    findings: list[Finding] = field(default_factory=list)
    relative: str = ""
    #: Warnings counted but not loaded (a summary from a stamp: ``check(details=False)``).
    hidden_warnings: int = 0

    @property
    def warning_count(self) -> int:
        return sum(1 for f in self.findings if f.severity != ERROR) + self.hidden_warnings

    @property
    def percent(self) -> float:
        return self.stats.percent_complete if self.stats else 0.0

    def failing(self, strict: bool) -> list[Finding]:
        return [f for f in self.findings if strict or f.severity == ERROR]


@dataclass
class CheckResult:
    """All catalog reports and whether the gate passes."""

    reports: list[CatalogReport]
    min_complete: float
    strict: bool = False

    def below(self, report: CatalogReport) -> bool:
        return report.percent < self.min_complete

    @property
    def failed(self) -> list[CatalogReport]:
        return [
            r
            for r in self.reports
            if r.errors
            or self.below(r)
            or r.failing(self.strict)
            or (self.strict and r.hidden_warnings)
        ]

    @property
    def passed(self) -> bool:
        return not self.failed

    @property
    def findings(self) -> list[tuple[CatalogReport, Finding]]:
        return [(r, f) for r in self.reports for f in r.findings]


def _msgfmt_errors(path: Path) -> list[str]:
    msgfmt = shutil.which("msgfmt")
    if msgfmt is None:
        return []
    proc = subprocess.run(
        [msgfmt, "--check", "-o", "/dev/null", str(path)], capture_output=True, text=True
    )
    if proc.returncode == 0:
        return []
    return [line for line in proc.stderr.splitlines() if line.strip()] or ["msgfmt --check failed"]


def check_catalog(report: CatalogReport, project: Project) -> None:
    """Fill a report: stats, parse and compile errors, quality-check findings."""
    try:
        catalog = project.catalog(report.path)
    except LocpipeError as exc:
        report.errors.append(str(exc))
        return
    report.stats = stats(catalog)
    report.errors.extend(_msgfmt_errors(report.path))
    ctx = QAContext.for_catalog(project.config, report.language, report.domain)
    report.findings = qa_check_catalog(catalog, ctx)


def check(
    project: Project,
    languages: tuple[str, ...] = (),
    min_complete: float = 100.0,
    strict: bool = False,
    details: bool = True,
    shorten: int | None = None,
) -> CheckResult:
    """Check every catalog of the project (optionally only some languages).

    A catalog whose bytes are those stamped after its last check is not read
    again: the stamp keeps its figures, errors and error findings, and only
    the number of its warnings.  With ``details`` (every finding wanted, as
    ``locpipe check`` lists them) a catalog with warnings is checked again;
    without (``locpipe all``'s summary) the warnings stay a count.
    ``shorten`` keeps only that many characters of each finding's msgid (and
    no msgstr): what a text listing prints, so memory does not grow with the
    text of every finding of a big site.
    """
    reports = []
    stamps = project.stamps("check")
    inputs = key("check", shutil.which("msgfmt"))
    todo: list[CatalogReport] = []
    for domain in project.domains(languages):
        for language in domain.targets:
            path = project.catalog_path(language, domain.name)
            report = CatalogReport(language, domain.name, path, relative=project.relative(path))
            if not path.exists():
                report.errors.append(f"{report.relative}: missing; run `locpipe update`")
            elif not _restore(report, stamps.data(_name(report), inputs), details):
                todo.append(report)
            elif shorten is not None:
                _shorten(report, shorten)
            reports.append(report)

    def checked(report: CatalogReport) -> tuple[CatalogReport, dict[str, object]]:
        check_catalog(report, project)
        saved = _saved(report)
        if not details:  # a count is enough: memory stays flat on big sites
            _hide_warnings(report)
        if shorten is not None:
            _shorten(report, shorten)
        return report, saved

    # Checked on every core (msgfmt and the quality checks, a catalog per task).
    outcomes = run_each(checked, todo, project.jobs)
    error = first_error(outcomes)  # bad configuration met while checking: the command's error
    if error is not None:
        raise error
    by_path = {}
    for done in outcomes:
        report, saved = done.value
        stamps.record(_name(report), inputs, [report.path], data=saved)
        by_path[report.path] = report
    reports = [by_path.get(r.path, r) for r in reports]
    project.save_stamps()
    return CheckResult(reports, min_complete, strict)


def _name(report: CatalogReport) -> str:
    return f"{report.language}/{report.domain}"


def _shorten(report: CatalogReport, shorten: int) -> None:
    report.findings = [
        dataclasses.replace(f, msgid=f.msgid[:shorten], msgstr="") for f in report.findings
    ]


def _hide_warnings(report: CatalogReport) -> None:
    report.hidden_warnings = report.warning_count
    report.findings = [f for f in report.findings if f.severity == ERROR]


def _saved(report: CatalogReport) -> dict[str, object]:
    """What a stamp keeps of a report (the thresholds are applied after)."""
    s = report.stats
    return {
        "stats": None if s is None else [s.total, s.translated, s.fuzzy, s.untranslated],
        "errors": list(report.errors),
        "findings": [f.as_dict() for f in report.findings if f.severity == ERROR],
        "warnings": report.warning_count,
    }


def _restore(report: CatalogReport, data: object, details: bool) -> bool:
    """Fill ``report`` from a stamp's data; False when there is none, it is damaged,
    or it lacks the warnings that ``details`` asks for."""
    if not isinstance(data, dict):
        return False
    try:
        warnings = int(data["warnings"])
        if details and warnings:
            return False
        stats_ = data["stats"]
        report.stats = None if stats_ is None else CatalogStats(*stats_)
        report.errors = list(data["errors"])
        report.findings = [Finding(**finding) for finding in data["findings"]]
        report.hidden_warnings = warnings
    except (KeyError, TypeError, ValueError):
        report.stats, report.errors, report.findings = None, [], []
        report.hidden_warnings = 0
        return False
    return True


_XML_INVALID = re.compile("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


def _finding_text(report: CatalogReport, finding: Finding) -> str:
    where = f"{report.relative}:{finding.line}" if finding.line else report.relative
    draft = " (machine draft)" if finding.fuzzy else ""
    text = (
        f"{where}: {finding.severity}: [{finding.check}] {finding.message}{draft}\n"
        f"  msgid:  {finding.msgid}\n  msgstr: {finding.msgstr}"
    )
    return _XML_INVALID.sub("\ufffd", text)


def to_junit(result: CheckResult) -> str:
    """JUnit XML: a testsuite per catalog, a testcase per check (stable names)."""
    from xml.etree import ElementTree as ET

    from locpipe.qa import CHECKS

    root = ET.Element("testsuites", name="locpipe check")
    total = total_failures = 0
    for report in result.reports:
        name = f"{report.language}/{report.domain}"
        suite = ET.SubElement(root, "testsuite", name=name)
        classname = f"locpipe.{report.language}.{report.domain}"
        cases: list[tuple[str, list[str], list[str]]] = [
            (
                "catalog",
                [_XML_INVALID.sub("\ufffd", e) for e in report.errors],
                [],
            ),
            (
                "complete",
                [
                    f"{report.relative}: {report.percent:.1f}% translated and reviewed, "
                    f"below {result.min_complete:g}%"
                ]
                if report.stats is not None and result.below(report)
                else [],
                [],
            ),
        ]
        failing = report.failing(result.strict)
        for check in CHECKS:
            found = [f for f in report.findings if f.check == check]
            fails = [_finding_text(report, f) for f in found if f in failing]
            notes = [_finding_text(report, f) for f in found if f not in failing]
            cases.append((check, fails, notes))
        failures = 0
        for case_name, fails, notes in cases:
            case = ET.SubElement(suite, "testcase", name=case_name, classname=classname)
            if fails:
                failures += 1
                failure = ET.SubElement(
                    case,
                    "failure",
                    message=f"{len(fails)} problem{'s' if len(fails) != 1 else ''}",
                    type=case_name,
                )
                failure.text = "\n".join(fails)
            if notes:
                ET.SubElement(case, "system-out").text = "\n".join(notes)
        suite.set("tests", str(len(cases)))
        suite.set("failures", str(failures))
        suite.set("errors", "0")
        suite.set("skipped", "0")
        total += len(cases)
        total_failures += failures
    root.set("tests", str(total))
    root.set("failures", str(total_failures))
    root.set("errors", "0")
    ET.indent(root)
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(root, encoding="unicode")
