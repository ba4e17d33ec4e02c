"""check: completeness and markup checks per catalog; the CI gate."""

from __future__ import annotations

import re
import shutil
import subprocess
from dataclasses import dataclass, field
from pathlib import Path

from locpipe.catalog import CatalogStats, read_catalog, stats
from locpipe.errors import LocpipeError
from locpipe.project import Project
from locpipe.units import tags_in

_PLACEHOLDER_RE = re.compile(
    r"%\([^)\s]+\)[-#0 +]*\d*(?:\.\d+)?[diouxXeEfFgGcrsa]|%[sd]|\{[A-Za-z_][\w.]*\}"
)


def placeholders_in(text: str) -> list[str]:
    """The format placeholders of a string: ``%(name)s``, ``{name}``, ``%s``."""
    return _PLACEHOLDER_RE.findall(text)


@dataclass
class CatalogReport:
    """The check of one catalog."""

    language: str
    domain: str
    path: Path
    stats: CatalogStats | None = None
    errors: list[str] = field(default_factory=list)

    @property
    def percent(self) -> float:
        return self.stats.percent_complete if self.stats else 0.0


@dataclass
class CheckResult:
    """All catalog reports and whether the gate passes."""

    reports: list[CatalogReport]
    min_complete: float

    @property
    def failed(self) -> list[CatalogReport]:
        return [r for r in self.reports if r.errors or r.percent < self.min_complete]

    @property
    def passed(self) -> bool:
        return not self.failed


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


def check_catalog(report: CatalogReport, relative: str) -> None:
    """Fill a report: stats, parse and compile errors, markup and placeholder mismatches."""
    try:
        catalog = read_catalog(report.path)
    except LocpipeError as exc:
        report.errors.append(str(exc))
        return
    report.stats = stats(catalog)
    report.errors.extend(_msgfmt_errors(report.path))
    for entry in catalog:
        if entry.obsolete or not entry.msgstr:
            continue
        where = f"{relative}:{entry.linenum}"
        source_tags, target_tags = tags_in(entry.msgid), tags_in(entry.msgstr)
        if sorted(source_tags) != sorted(target_tags):
            report.errors.append(
                f"{where}: inline tags differ: msgid has {' '.join(source_tags) or 'none'},"
                f" msgstr has {' '.join(target_tags) or 'none'}"
            )
        if sorted(placeholders_in(entry.msgid)) != sorted(placeholders_in(entry.msgstr)):
            report.errors.append(
                f"{where}: placeholders differ: msgid has "
                f"{' '.join(placeholders_in(entry.msgid)) or 'none'}, msgstr has "
                f"{' '.join(placeholders_in(entry.msgstr)) or 'none'}"
            )


def check(
    project: Project, languages: tuple[str, ...] = (), min_complete: float = 100.0
) -> CheckResult:
    """Check every catalog of the project (optionally only some languages)."""
    reports = []
    for domain in project.domains(languages):
        for language in domain.targets:
            path = project.catalog_path(language, domain.name)
            report = CatalogReport(language, domain.name, path)
            if not path.exists():
                report.errors.append(f"{project.relative(path)}: missing; run `locpipe update`")
            else:
                check_catalog(report, project.relative(path))
            reports.append(report)
    return CheckResult(reports, min_complete)
