"""report: a static HTML page of translation progress and failed checks.

``build/report/index.html`` is what a localization manager reads:

* per language, source words and characters to review, drafted by a machine
  and untranslated (what a vendor quotes on), and a bar per catalog;
* a matrix of articles × languages with each cell's reviewed share, a link
  to the built page and one to the catalog's first failing string;
* who reviewed each catalog last and when (its ``Last-Translator`` and
  ``PO-Revision-Date``, and the last commit that touched it when the project
  is a git repository);
* the failed checks, errors first and warnings grouped by check, so that
  dozens of one kind do not bury the one error;
* what changed since the previous report, and the trend of reviewed words
  per language over the reports that changed something.

``build/report/snapshot.json`` keeps the figures of the last run (and of the
run before, so that re-running the report without any change shows the same
differences and writes nothing) and the trend (one point per change, 60 at
most).
"""

from __future__ import annotations

import json
import os
import subprocess
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import jinja2
import polib

from locpipe.catalog import read_catalog, stats
from locpipe.content import SITE_DOMAIN
from locpipe.display import visible
from locpipe.errors import LocpipeError
from locpipe.fsio import atomic_write_text
from locpipe.project import UI_DOMAIN, Project
from locpipe.qa import CHECKS, ERROR, Finding, QAContext, check_catalog
from locpipe.site import native_name
from locpipe.steps.build import article_percent
from locpipe.units import plain_text

SNAPSHOT_VERSION = 1
#: Points of the trend kept in the snapshot.
TREND_POINTS = 60
STATES = ("translated", "fuzzy", "untranslated")


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
    #: state (translated, fuzzy, untranslated) → source words / characters
    words: Counter[str] = field(default_factory=Counter)
    chars: Counter[str] = field(default_factory=Counter)
    last_translator: str = ""
    revision_date: str = ""
    last_commit: str = ""
    page: str = ""  # the built page, relative to the report

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

    @property
    def anchor(self) -> str:
        return f"checks-{self.language}-{self.domain}"

    @property
    def first_failure(self) -> str:
        """The anchor of the first error (else warning) of the catalog, or ""."""
        for severity in (ERROR, "warning"):
            for i, finding in enumerate(self.findings):
                if finding.severity == severity:
                    return f"{self.anchor}-{i}"
        return ""

    def grouped(self) -> list[tuple[str, str, list[tuple[int, Finding]]]]:
        """(severity, check, numbered findings): errors first, one group per check."""
        groups: dict[tuple[str, str], list[tuple[int, Finding]]] = {}
        for i, finding in enumerate(self.findings):
            groups.setdefault((finding.severity, finding.check), []).append((i, finding))
        order = list(CHECKS)
        keys = sorted(groups, key=lambda k: (k[0] != ERROR, order.index(k[1])))
        return [(severity, check, groups[(severity, check)]) for severity, check in keys]


@dataclass
class LanguageSection:
    code: str
    name: str
    rows: list[CatalogRow] = field(default_factory=list)

    def _sum(self, name: str) -> int:
        return sum(getattr(r, name) for r in self.rows)

    @property
    def totals(self) -> CatalogRow:
        row = CatalogRow(
            self.code,
            "all",
            "",
            total=self._sum("total"),
            translated=self._sum("translated"),
            fuzzy=self._sum("fuzzy"),
            untranslated=self._sum("untranslated"),
        )
        for each in self.rows:
            row.words.update(each.words)
            row.chars.update(each.chars)
        return row


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
                "words": {state: row.words[state] for state in STATES},
                "findings": sorted({_finding_key(f) for f in row.findings}),
            }
    return {"catalogs": catalogs}


def source_counts(catalog: polib.POFile) -> tuple[Counter[str], Counter[str]]:
    """Source words and characters of the live entries, by state (reviewed, draft, untranslated).

    Words and characters of the visible text (inline tags left out), as CAT
    tools and vendors count them.
    """
    words: Counter[str] = Counter()
    chars: Counter[str] = Counter()
    for entry in catalog:
        if entry.obsolete or (entry.msgid == "" and entry.msgctxt is None):
            continue
        if "fuzzy" in entry.flags:
            state = "fuzzy"
        elif entry.msgstr or any(entry.msgstr_plural.values()):
            state = "translated"
        else:
            state = "untranslated"
        text = plain_text(entry.msgid)
        words[state] += len(text.split())
        chars[state] += len(text)
    return words, chars


def last_commits(root: Path, paths: list[Path]) -> dict[Path, str]:
    """The last commit (author, date) that touched each path, from one ``git log`` call.

    Empty when the project is not a git repository or git is missing; the
    history read is bounded to the last 2,000 commits.
    """
    if not (root / ".git").exists() or not paths:
        return {}
    try:
        done = subprocess.run(
            ["git", "-C", str(root), "log", "-n", "2000", "--format=%x00%an%x09%as",
             "--name-only", "--", *sorted({os.path.relpath(p.parent, root) for p in paths})],
            capture_output=True, text=True, timeout=60, check=False,
        )  # fmt: skip
    except (OSError, subprocess.SubprocessError):
        return {}
    if done.returncode != 0:
        return {}
    wanted = {os.path.relpath(p, root): p for p in paths}
    found: dict[Path, str] = {}
    current = ""
    for line in done.stdout.splitlines():
        if line.startswith("\x00"):
            author, _, date = line[1:].partition("\t")
            current = f"{author}, {date}"
        elif line in wanted and wanted[line] not in found:
            found[wanted[line]] = current
    return found


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
    slugs = {info.slug for info in project.article_infos}
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
            row.words, row.chars = source_counts(catalog)
            row.last_translator = catalog.metadata.get("Last-Translator", "")
            if row.last_translator.startswith("FULL NAME"):
                row.last_translator = ""
            row.revision_date = catalog.metadata.get("PO-Revision-Date", "")
            if row.revision_date.startswith("YEAR"):
                row.revision_date = ""
            page = project.page_path(language, domain.name)
            shared = domain.name in project.shared_domains  # ui, site: no page of their own
            if not shared and domain.name in slugs:  # a section has many pages: none linked
                row.page = os.path.relpath(page, project.paths.build / "report")
            ctx = QAContext.for_catalog(project.config, language, domain.name)
            row.findings = check_catalog(catalog, ctx)
            if not shared:
                row.publish_percent = article_percent(catalog, reviewed_only=False)
                row.held_back = threshold > 0 and row.publish_percent < threshold
    result = [s for s in sections.values() if s.rows]
    rows = [row for section in result for row in section.rows if row.exists and not row.error]
    commits = last_commits(project.root, [project.root / row.path for row in rows])
    for row in rows:
        row.last_commit = commits.get(project.root / row.path, "")
    return result


@dataclass
class Matrix:
    """Articles × languages: one cell per catalog."""

    languages: list[str]
    domains: list[str]
    cells: dict[tuple[str, str], CatalogRow]


def matrix(sections: list[LanguageSection]) -> Matrix:
    cells = {(row.domain, row.language): row for s in sections for row in s.rows}
    domains = sorted({d for d, _ in cells}, key=lambda d: (d in (UI_DOMAIN, SITE_DOMAIN), d))
    return Matrix([s.code for s in sections], domains, cells)


def trend_point(sections: list[LanguageSection]) -> dict[str, Any]:
    """Reviewed, draft and untranslated source words per language, now."""
    return {
        "date": time.strftime("%Y-%m-%d %H:%M"),
        "languages": {s.code: {state: s.totals.words[state] for state in STATES} for s in sections},
    }


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
    env.filters["visible"] = visible  # a bidi override must not reorder what a manager reads
    return env


def render(
    project: Project,
    sections: list[LanguageSection],
    changes: list[Change],
    first_run: bool,
    trend: list[dict[str, Any]] | None = None,
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
        matrix=matrix(sections),
        trend=trend or [],
        states=STATES,
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
    trend = [p for p in (old or {}).get("trend", []) if isinstance(p, dict)]
    if not languages and (old is None or old.get("state") != state):
        trend = [*trend, trend_point(sections)][-TREND_POINTS:]
    html = render(project, sections, changes, first_run=base is None, trend=trend)
    written = atomic_write_text(page, html)
    if not languages:  # a partial report does not replace the whole snapshot
        snapshot = {"version": SNAPSHOT_VERSION, "state": state, "previous": base, "trend": trend}
        atomic_write_text(
            snapshot_path, json.dumps(snapshot, indent=1, ensure_ascii=False, sort_keys=True)
        )
    return ReportResult(page, written, snapshot_path, sections, changes, base is None)
