"""check: completeness, compile errors and quality checks per catalog; the CI gate."""

from __future__ import annotations

import dataclasses
import json
import re
import shutil
import subprocess
import tempfile
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any, NamedTuple, TypeVar

from locpipe.catalog import CatalogStats, stats
from locpipe.errors import LocpipeError
from locpipe.parallel import Done, run_each
from locpipe.project import Project
from locpipe.qa import ERROR, Finding, QAContext, placeholders_in
from locpipe.qa import check_catalog as qa_check_catalog
from locpipe.stamps import Stamps, in_ci, key

if TYPE_CHECKING:
    from xml.etree.ElementTree import Element

__all__ = [
    "CatalogReport",
    "CheckResult",
    "TableRow",
    "check",
    "check_catalog",
    "check_reports",
    "json_chunks",
    "junit_chunks",
    "placeholders_in",
]

T = TypeVar("T")
R = TypeVar("R")


class TableRow(NamedTuple):
    """What the text table shows of a catalog (its findings need not be kept for it)."""

    language: str
    domain: str
    stats: CatalogStats | None
    errors: int
    warnings: int


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
    def error_count(self) -> int:
        """Parse and compile errors, and quality-check errors."""
        return len(self.errors) + sum(1 for f in self.findings if f.severity == ERROR)

    def row(self) -> TableRow:
        return TableRow(
            self.language, self.domain, self.stats, self.error_count, self.warning_count
        )

    @property
    def percent(self) -> float:
        return self.stats.percent_complete if self.stats else 0.0

    def failing(self, strict: bool) -> list[Finding]:
        return [f for f in self.findings if strict or f.severity == ERROR]


@dataclass
class CheckResult:
    """The totals of a check, whether the gate passes, and the reports it keeps.

    :meth:`add` counts a report and keeps it only when asked: the command
    prints each report as it comes and keeps the totals (a big site has
    millions of findings); the reports given to the constructor are added.
    """

    reports: list[CatalogReport]
    min_complete: float
    strict: bool = False
    #: Totals over every report added, kept or not.
    catalogs: int = 0
    #: Catalogs below ``min_complete`` that parse.
    catalogs_below: int = 0
    errors: int = 0
    warnings: int = 0
    #: Catalogs that fail the gate.
    failures: int = 0
    #: The table row of every report added.
    rows: list[TableRow] = field(default_factory=list)

    def __post_init__(self) -> None:
        reports, self.reports = self.reports, []
        for report in reports:
            self.add(report)

    def add(self, report: CatalogReport, keep: bool = True) -> None:
        """Count ``report`` in the totals; keep it in :attr:`reports` when ``keep``."""
        self.catalogs += 1
        self.catalogs_below += self.below(report) and not report.errors
        self.errors += report.error_count
        self.warnings += report.warning_count
        self.failures += self.fails(report)
        self.rows.append(report.row())
        if keep:
            self.reports.append(report)

    def below(self, report: CatalogReport) -> bool:
        return report.percent < self.min_complete

    def fails(self, report: CatalogReport) -> bool:
        """Whether ``report`` fails the gate."""
        return bool(
            report.errors
            or self.below(report)
            or report.failing(self.strict)
            or (self.strict and report.hidden_warnings)
        )

    @property
    def failed(self) -> list[CatalogReport]:
        return [r for r in self.reports if self.fails(r)]

    @property
    def passed(self) -> bool:
        return not self.failures

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


#: Catalogs handed to the workers at once: the command holds the outcomes of
#: one batch (~12 KB a catalog listed as text), not of the whole site; each
#: batch forks its workers and waits for the last one, so not too few.
BATCH = 2048
#: What the first look finds of a catalog that does not exist.
_MISSING = object()


def check(
    project: Project,
    languages: tuple[str, ...] = (),
    min_complete: float = 100.0,
    strict: bool = False,
    details: bool = True,
    shorten: int | None = None,
) -> CheckResult:
    """Check every catalog of the project (optionally only some languages) and
    keep every report (:func:`check_reports` streams them); ``strict`` reads every
    catalog (no stamp stands for one)."""
    reports = check_reports(project, languages, details, shorten, trust_stamps=not strict)
    return CheckResult(list(reports), min_complete, strict)


def check_reports(
    project: Project,
    languages: tuple[str, ...] = (),
    details: bool = True,
    shorten: int | None = None,
    trust_stamps: bool = True,
) -> Iterator[CatalogReport]:
    """The report of every catalog (optionally only some languages), in order,
    each as soon as its check ends; nothing of it is kept here after.

    A catalog whose bytes are those stamped after its last check is not read
    again: the stamp keeps its figures, errors and error findings, and only
    the number of its warnings.  With ``details`` (every finding wanted, as
    ``locpipe check`` lists them) a catalog with warnings is checked again;
    without (``locpipe all``'s summary) the warnings stay a count.
    ``shorten`` keeps only that many characters of each finding's msgid (and
    no msgstr): what a text listing prints.  The stamps are saved after the
    last report.

    The cache may be committed or forged, so without ``trust_stamps`` (``check
    --strict``) or when the ``CI`` variable is set, no stamp is read: every
    catalog is checked (and stamped afresh).
    """
    trust_stamps = trust_stamps and not in_ci()
    stamps = project.stamps("check")
    inputs = key("check", shutil.which("msgfmt"))
    catalogs = [
        (lang, domain.name) for domain in project.domains(languages) for lang in domain.targets
    ]
    # First a look at every catalog and its stamp; then the others are checked.
    found = [
        _stamped(project, stamps if trust_stamps else None, inputs, *catalog, details)
        for catalog in catalogs
    ]
    todo = [catalog for catalog, data in zip(catalogs, found, strict=True) if data is None]
    # Checked on every core (msgfmt and the quality checks, a catalog per task).
    outcomes = _each(
        lambda catalog: _checked(project, *catalog, details, shorten), todo, project.jobs
    )
    for (language, domain), data in zip(catalogs, found, strict=True):
        if data is None:
            report, saved = _value(next(outcomes))
            stamps.record(_name(report), inputs, [report.path], data=saved)
        else:
            report = _report(project, language, domain)
            if data is _MISSING:
                report.errors.append(f"{report.relative}: missing; run `locpipe update`")
            elif _restore(report, data, details) and shorten is not None:
                _shorten(report, shorten)
        yield report
    project.save_stamps()


def _report(project: Project, language: str, domain: str) -> CatalogReport:
    path = project.catalog_path(language, domain)
    return CatalogReport(language, domain, path, relative=project.relative(path))


def _stamped(
    project: Project,
    stamps: Stamps | None,
    inputs: str,
    language: str,
    domain: str,
    details: bool,
) -> Any:
    """The stamp data that stands for a catalog's check, ``_MISSING``, or None: check it
    (always when ``stamps`` is None)."""
    path = project.catalog_path(language, domain)
    if not path.exists():
        return _MISSING
    if stamps is None:
        return None
    data = stamps.data(f"{language}/{domain}", inputs)
    return data if _restore(CatalogReport(language, domain, path), data, details) else None


def _checked(
    project: Project, language: str, domain: str, details: bool, shorten: int | None
) -> tuple[CatalogReport, dict[str, object]]:
    """A worker's task: check one catalog; the report and what its stamp keeps."""
    report = _report(project, language, domain)
    check_catalog(report, project)
    saved = _saved(report)
    if not details:  # a count is enough
        _hide_warnings(report)
    if shorten is not None:
        _shorten(report, shorten)
    return report, saved


def _each(func: Callable[[T], R], items: Sequence[T], jobs: int) -> Iterator[Done[R]]:
    """:func:`~locpipe.parallel.run_each`, one batch of items at a time."""
    for start in range(0, len(items), BATCH):
        yield from run_each(func, items[start : start + BATCH], jobs)


def _value(done: Done[R]) -> R:
    """The value of an outcome; its error (bad configuration met while checking) is raised."""
    if done.error is not None:
        raise done.error
    assert done.value is not None
    return done.value


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
    totals = CheckResult([], result.min_complete, result.strict)
    return "".join(junit_chunks(totals, result.reports))


def junit_chunks(result: CheckResult, reports: Iterable[CatalogReport]) -> Iterator[str]:
    """:func:`to_junit` of ``reports`` in pieces, each report added to ``result`` (not kept).

    The root element carries the totals, so the suites wait in a temporary
    file until the last report: memory does not grow with the findings.
    """
    from xml.etree import ElementTree as ET

    tests = failures = 0
    with _spool() as spool:
        for report in reports:
            result.add(report, keep=False)
            suite = _junit_suite(result, report)
            ET.indent(suite, level=1)  # as ET.indent(root) indents it
            spool.write("\n  " + ET.tostring(suite, encoding="unicode"))
            tests += int(suite.get("tests", 0))
            failures += int(suite.get("failures", 0))
        yield '<?xml version="1.0" encoding="UTF-8"?>\n'
        yield f'<testsuites name="locpipe check" tests="{tests}" failures="{failures}" errors="0"'
        if not result.catalogs:
            yield " />"
            return
        yield ">"
        yield from _spooled(spool)
        yield "\n</testsuites>"


def _junit_suite(result: CheckResult, report: CatalogReport) -> Element:
    """The testsuite of one catalog."""
    from xml.etree import ElementTree as ET

    suite = ET.Element("testsuite", name=f"{report.language}/{report.domain}")
    classname = f"locpipe.{report.language}.{report.domain}"
    cases = _junit_cases(result, report)
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
    return suite


def _junit_cases(
    result: CheckResult, report: CatalogReport
) -> list[tuple[str, list[str], list[str]]]:
    """(testcase, failures, notes) of one catalog: parse errors, completeness, each check."""
    from locpipe.qa import CHECKS

    cases: list[tuple[str, list[str], list[str]]] = [
        ("catalog", [_XML_INVALID.sub("\ufffd", e) for e in report.errors], []),
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
    return cases


def json_chunks(result: CheckResult, reports: Iterable[CatalogReport]) -> Iterator[str]:
    """JSON for dashboards in pieces, each report added to ``result`` (not kept).

    ``passed`` comes before the catalogs, so they wait in a temporary file
    until the last report: memory does not grow with the findings.
    """
    from locpipe.qa import CHECKS

    with _spool() as spool:
        for report in reports:
            result.add(report, keep=False)
            text = json.dumps(_catalog_json(result, report), indent=2, ensure_ascii=False)
            spool.write(",\n    " if result.catalogs > 1 else "\n    ")
            spool.write(text.replace("\n", "\n    "))  # an item of "catalogs" (level 2)
        head = {
            "min_complete": result.min_complete,
            "strict": result.strict,
            "passed": result.passed,
            "checks": [
                {"name": c.name, "severity": c.severity, "description": c.description}
                for c in CHECKS.values()
            ],
            "catalogs": [],
        }
        text = json.dumps(head, indent=2, ensure_ascii=False)
        if not result.catalogs:
            yield text
            return
        yield text.removesuffix("]\n}")
        yield from _spooled(spool)
        yield "\n  ]\n}"


def _catalog_json(result: CheckResult, report: CatalogReport) -> dict[str, object]:
    s = report.stats
    return {
        "language": report.language,
        "domain": report.domain,
        "path": str(report.path),
        "total": s.total if s else None,
        "translated": s.translated if s else None,
        "fuzzy": s.fuzzy if s else None,
        "untranslated": s.untranslated if s else None,
        "percent_complete": round(report.percent, 2),
        "errors": report.errors,
        "findings": [f.as_dict() for f in report.findings],
        "passed": not result.fails(report),
    }


def _spool() -> IO[str]:
    """A temporary file for output that must wait for the totals printed before it."""
    return tempfile.TemporaryFile("w+", encoding="utf-8", errors="surrogatepass")


def _spooled(spool: IO[str]) -> Iterator[str]:
    """What was written to ``spool``, in pieces."""
    spool.seek(0)
    while chunk := spool.read(1 << 16):
        yield chunk


def site_warnings(
    project: Project, languages: tuple[str, ...] = (), strays: bool = True
) -> list[str]:
    """Warnings about the project rather than a catalog: catalogs of deleted articles
    or of unconfigured languages (:mod:`locpipe.strays`), and links of the source
    articles to pages that no longer exist (:mod:`locpipe.links`); ``strays=False``:
    only the links."""
    from locpipe.links import dead_links
    from locpipe.strays import orphan_catalogs, stray_warnings, unconfigured_catalogs

    lines = []
    if strays:
        orphans = orphan_catalogs(project, languages)
        lines += stray_warnings(project, orphans, unconfigured_catalogs(project))
    for link in dead_links(project):
        lines.append(
            f"{project.relative(link.article)}:{link.line}: link to {link.href!r}: no such page "
            f"in {project.relative(project.paths.source_articles)}/ (deleted or renamed?)"
        )
    return lines
