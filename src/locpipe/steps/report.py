"""report: a static HTML page of translation progress and failed checks.

``build/report/index.html`` shows, per language and per catalog, a bar of
reviewed / machine-draft / untranslated entries, the failed quality checks
with source and translation side by side, and what changed since the
previous report.  ``build/report/snapshot.json`` keeps the figures of the
last run (and of the run before, so that re-running the report without any
change shows the same differences and writes nothing).
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import jinja2

from locpipe.catalog import read_catalog, stats
from locpipe.errors import LocpipeError
from locpipe.fsio import atomic_write_text
from locpipe.project import UI_DOMAIN, Project
from locpipe.qa import CHECKS, ERROR, Finding, QAContext, check_catalog
from locpipe.site import native_name
from locpipe.steps.build import article_percent

SNAPSHOT_VERSION = 1


@dataclass
class CatalogRow:
    """One catalog on the report."""

    language: str
    domain: str
    path: str
    exists: bool = True
    error: str = ""
    total: int = 0
    translated: int = 0
    fuzzy: int = 0
    untranslated: int = 0
    findings: list[Finding] = field(default_factory=list)
    held_back: bool = False
    publish_percent: float = 100.0

    @property
    def key(self) -> str:
        return f"{self.language}/{self.domain}"

    def share(self, count: int) -> float:
        return 0.0 if self.total == 0 else count * 100.0 / self.total

    @property
    def errors(self) -> int:
        return sum(1 for f in self.findings if f.severity == ERROR)

    @property
    def warnings(self) -> int:
        return len(self.findings) - self.errors


@dataclass
class LanguageSection:
    code: str
    name: str
    rows: list[CatalogRow] = field(default_factory=list)

    def _sum(self, name: str) -> int:
        return sum(getattr(r, name) for r in self.rows)

    @property
    def totals(self) -> CatalogRow:
        return CatalogRow(
            self.code,
            "all",
            "",
            total=self._sum("total"),
            translated=self._sum("translated"),
            fuzzy=self._sum("fuzzy"),
            untranslated=self._sum("untranslated"),
        )


@dataclass
class Change:
    """What changed in one catalog since the previous report."""

    key: str
    deltas: dict[str, int]
    new_findings: list[str]
    fixed_findings: list[str]
    added: bool = False
    removed: bool = False


@dataclass
class ReportResult:
    path: Path
    written: bool
    snapshot: Path
    sections: list[LanguageSection]
    changes: list[Change]
    first_run: bool


def _finding_key(finding: Finding) -> str:
    context = f"{finding.msgctxt}\x04" if finding.msgctxt else ""
    return f"{finding.check}\t{context}{finding.msgid}"


def _state(sections: list[LanguageSection]) -> dict[str, Any]:
    catalogs = {}
    for section in sections:
        for row in section.rows:
            catalogs[row.key] = {
                "total": row.total,
                "translated": row.translated,
                "fuzzy": row.fuzzy,
                "untranslated": row.untranslated,
                "findings": sorted({_finding_key(f) for f in row.findings}),
            }
    return {"catalogs": catalogs}


def _describe_key(key: str) -> str:
    check, _, msgid = key.partition("\t")
    msgid = msgid.rpartition("\x04")[2]
    return f"{check}: {msgid[:80]}{'…' if len(msgid) > 80 else ''}"


def diff_states(old: dict[str, Any], new: dict[str, Any]) -> list[Change]:
    """Per-catalog differences between two snapshot states."""
    before, after = old.get("catalogs", {}), new.get("catalogs", {})
    changes = []
    for key in sorted(set(before) | set(after)):
        if key not in before:
            changes.append(Change(key, {}, [], [], added=True))
            continue
        if key not in after:
            changes.append(Change(key, {}, [], [], removed=True))
            continue
        a, b = before[key], after[key]
        deltas = {
            name: b.get(name, 0) - a.get(name, 0)
            for name in ("translated", "fuzzy", "untranslated")
            if b.get(name, 0) != a.get(name, 0)
        }
        old_f, new_f = set(a.get("findings", [])), set(b.get("findings", []))
        added = [_describe_key(k) for k in sorted(new_f - old_f)]
        fixed = [_describe_key(k) for k in sorted(old_f - new_f)]
        if deltas or added or fixed:
            changes.append(Change(key, deltas, added, fixed))
    return changes


def _load_snapshot(path: Path) -> dict[str, Any] | None:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return None
    except (OSError, ValueError):
        return None  # a damaged snapshot only loses the comparison
    if not isinstance(data, dict) or data.get("version") != SNAPSHOT_VERSION:
        return None
    return data


def collect(project: Project, languages: tuple[str, ...] = ()) -> list[LanguageSection]:
    """Figures and findings of every catalog, grouped by language."""
    sections: dict[str, LanguageSection] = {}
    threshold = project.config.publish_threshold
    for code in languages or project.config.languages:
        sections[code] = LanguageSection(code, native_name(code))
    for domain in project.domains(languages):
        for language in domain.targets:
            path = project.catalog_path(language, domain.name)
            row = CatalogRow(language, domain.name, project.relative(path))
            sections[language].rows.append(row)
            if not path.exists():
                row.exists = False
                continue
            try:
                catalog = read_catalog(path)
            except LocpipeError as exc:
                row.error = str(exc)
                continue
            s = stats(catalog)
            row.total, row.translated = s.total, s.translated
            row.fuzzy, row.untranslated = s.fuzzy, s.untranslated
            ctx = QAContext.for_catalog(project.config, language, domain.name)
            row.findings = check_catalog(catalog, ctx)
            if domain.name != UI_DOMAIN:
                row.publish_percent = article_percent(catalog, reviewed_only=False)
                row.held_back = threshold > 0 and row.publish_percent < threshold
    return [s for s in sections.values() if s.rows]


def _environment() -> jinja2.Environment:
    env = jinja2.Environment(
        loader=jinja2.PackageLoader("locpipe", "report_templates"),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    env.filters["pct"] = lambda value: f"{value:.2f}"
    return env


def render(
    project: Project,
    sections: list[LanguageSection],
    changes: list[Change],
    first_run: bool,
) -> str:
    """The report page's HTML."""
    template = _environment().get_template("report.html")
    rows = [row for section in sections for row in section.rows]
    return template.render(
        site_name=project.config.site.get("name", project.root.name),
        sections=sections,
        changes=changes,
        first_run=first_run,
        checks=CHECKS,
        threshold=project.config.publish_threshold,
        total_errors=sum(r.errors for r in rows),
        total_warnings=sum(r.warnings for r in rows),
        held_back=[r for r in rows if r.held_back],
    )


def report(project: Project, languages: tuple[str, ...] = ()) -> ReportResult:
    """Write ``build/report/index.html`` and update the snapshot."""
    folder = project.paths.build / "report"
    page = folder / "index.html"
    snapshot_path = folder / "snapshot.json"
    sections = collect(project, languages)
    state = _state(sections)
    old = _load_snapshot(snapshot_path)
    if old is None:
        base = None
    elif old.get("state") == state:
        base = old.get("previous")  # nothing changed since the last run: same comparison
    else:
        base = old.get("state")
    if languages and base is not None:  # compare only the languages reported on
        base = {
            "catalogs": {
                k: v for k, v in base.get("catalogs", {}).items() if k.split("/")[0] in languages
            }
        }
    changes = diff_states(base, state) if base is not None else []
    html = render(project, sections, changes, first_run=base is None)
    written = atomic_write_text(page, html)
    if not languages:  # a partial report does not replace the whole snapshot
        snapshot = {"version": SNAPSHOT_VERSION, "state": state, "previous": base}
        atomic_write_text(
            snapshot_path, json.dumps(snapshot, indent=1, ensure_ascii=False, sort_keys=True)
        )
    return ReportResult(page, written, snapshot_path, sections, changes, base is None)
