"""`locpipe report`: the static HTML page, its snapshot diff, and a look in Chromium."""

from __future__ import annotations

import json
import re
import struct
import subprocess
from collections import Counter
from pathlib import Path

import pytest
from click.testing import CliRunner

from conftest import copy_sample_site, require_tool
from locpipe.catalog import read_catalog, write_catalog
from locpipe.cli import main
from locpipe.steps.report import diff_states

ROOT = Path(__file__).resolve().parents[1]
HOSTILE = '<script>document.body.setAttribute("data-pwned", "1")</script>'


@pytest.fixture
def project(tmp_path: Path) -> Path:
    root = tmp_path / "site"
    copy_sample_site(root, with_locales=True)
    return root


def run(project: Path, *args: str, code: int = 0):
    result = CliRunner().invoke(main, ["-C", str(project), *args])
    assert result.exit_code == code, result.output
    return result


def review_and_break(project: Path, reviewed: int = 12) -> str:
    """Review some French entries, break one tag with hostile markup; return its msgid."""
    path = project / "locales/fr/LC_MESSAGES/propagazione-dns.po"
    po = read_catalog(path)
    drafts = [e for e in po if e.msgstr and "fuzzy" in e.flags]
    for entry in drafts[:reviewed]:
        entry.flags.remove("fuzzy")
    broken = next(e for e in po if "</a>" in e.msgid and e.msgstr)
    broken.msgstr = broken.msgstr.replace("</a>", "", 1) + " " + HOSTILE
    write_catalog(path, po)
    return broken.msgid


@pytest.mark.slow
def test_report_page_bars_checks_and_escaping(project: Path):
    result = run(project, "report")
    page = project / "build/report/index.html"
    assert "report: build/report/index.html (written)" in result.output
    html = page.read_text(encoding="utf-8")
    assert "First report" in html
    # A bar per language and per catalog: 4 languages' totals + 18 catalogs.
    assert html.count('class="bar"') == 4 + 18
    # the sample's reviewed catalogs (ui, one article) next to drafted ones
    assert html.count('class="seg translated" style="width: 100.00%"') == 6
    assert re.search(r'class="seg draft" style="width: 9\d\.\d\d%"', html)
    msgid = review_and_break(project)
    result = run(project, "report")
    assert "1 catalogs changed" in result.output
    html = page.read_text(encoding="utf-8")
    assert "+12 reviewed" in html and "-12 machine drafts" in html
    change = html[html.index('data-catalog="fr/propagazione-dns"') :]
    change = change[: change.index("</li>\n")]
    assert re.search(r"[1-9] new failed checks?", change)
    assert f"tags: {msgid[:20]}" in change.replace("&lt;", "<").replace("&gt;", ">")
    assert "data-pwned" in html and "<script>" not in html  # escaped, never markup
    assert "&lt;script&gt;document.body" in html
    row = html[html.index('data-check="tags"') :]
    source = re.escape(msgid.replace("<", "&lt;").replace(">", "&gt;")[:30])
    assert re.search(source, row[: row.index("</tr>")].replace("&#39;", "'").replace("&#34;", '"'))


@pytest.mark.slow
def test_report_is_idempotent_and_keeps_the_comparison(project: Path):
    run(project, "report")
    review_and_break(project)
    run(project, "report")
    page = project / "build/report/index.html"
    before = page.read_bytes()
    result = run(project, "report")  # nothing changed: same page, same differences
    assert "(unchanged)" in result.output and "1 catalogs changed" in result.output
    assert page.read_bytes() == before
    snapshot = json.loads((project / "build/report/snapshot.json").read_text(encoding="utf-8"))
    assert snapshot["version"] == 1
    assert snapshot["state"]["catalogs"]["fr/propagazione-dns"]["translated"] == 3 + 12


def test_report_shows_held_back_articles(project: Path):
    config = project / "locpipe.toml"
    config.write_text("publish_threshold = 100\n" + config.read_text(), encoding="utf-8")
    path = project / "locales/en/LC_MESSAGES/rag-spiegato.po"
    po = read_catalog(path)
    next(e for e in po if e.msgstr).msgstr = ""
    write_catalog(path, po)
    html = (run(project, "report") and project / "build/report/index.html").read_text("utf-8")
    assert html.count("held back (") == 1
    assert "1 article pages held back" in html


def test_diff_states_reports_new_fixed_added_and_removed():
    old = {"catalogs": {"fr/a": {"translated": 1, "fuzzy": 3, "findings": ["tags\tx"]},
                        "fr/gone": {}}}  # fmt: skip
    new = {"catalogs": {"fr/a": {"translated": 3, "fuzzy": 1, "findings": ["numbers\ty"]},
                        "es/new": {}}}  # fmt: skip
    changes = {c.key: c for c in diff_states(old, new)}
    assert changes["fr/a"].deltas == {"translated": 2, "fuzzy": -2}
    assert changes["fr/a"].new_findings == ["numbers: y"]
    assert changes["fr/a"].fixed_findings == ["tags: x"]
    assert changes["es/new"].added and changes["fr/gone"].removed


def _chromium(chromium: str, profile: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [
            chromium,
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-quic",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            f"--user-data-dir={profile}",
            "--window-size=1280,1600",
            *args,
        ],
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )


def test_report_in_headless_chromium(project: Path, tmp_path: Path):
    chromium = require_tool("chromium")
    run(project, "report")
    review_and_break(project)
    run(project, "report")
    url = (project / "build/report/index.html").as_uri()
    dom = _chromium(chromium, tmp_path / "profile-dom", "--dump-dom", url).stdout
    assert "data-pwned" not in dom.split("<body", 1)[1].split(">", 1)[0]  # the script never ran
    assert dom.count('class="bar"') == 22
    assert len(re.findall(r'class="seg translated" style="width: [1-9]', dom)) >= 2
    assert 'data-check="tags"' in dom and "+12 reviewed" in dom
    shot = tmp_path / "report.png"
    _chromium(chromium, tmp_path / "profile-shot", f"--screenshot={shot}", url)
    print(f"report screenshot: {shot}")
    data = shot.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    width, height = struct.unpack(">II", data[16:24])
    assert (width, height) == (1280, 1600)
    assert len(data) > 50_000  # a blank page compresses to a few kilobytes


def test_report_counts_source_words_by_state(project: Path):
    path = project / "locales/fr/LC_MESSAGES/propagazione-dns.po"
    po = read_catalog(path)
    from locpipe.steps.report import source_counts
    from locpipe.units import plain_text

    before_words, before_chars = source_counts(po)
    drafts = [e for e in po if e.msgstr and "fuzzy" in e.flags][:5]
    for entry in drafts:
        entry.flags.remove("fuzzy")
    write_catalog(path, po)
    words, chars = source_counts(read_catalog(path))
    moved = sum(len(plain_text(e.msgid).split()) for e in drafts)
    assert words["translated"] - before_words["translated"] == moved
    assert before_words["fuzzy"] - words["fuzzy"] == moved
    assert chars["translated"] - before_chars["translated"] == sum(
        len(plain_text(e.msgid)) for e in drafts
    )
    html = (run(project, "report") and project / "build/report/index.html").read_text("utf-8")
    row = html[html.index('<tr data-lang="fr">') :]
    row = row[: row.index("</tr>")]
    total = sum((source_counts(read_catalog(p))[0] for p in path.parent.glob("*.po")), Counter())
    assert f'data-state="translated">{total["translated"]:,} words' in row
    assert f'data-state="fuzzy">{total["fuzzy"]:,} words' in row


def test_report_matrix_links_pages_and_first_failure(project: Path):
    msgid = review_and_break(project)
    html = (run(project, "report") and project / "build/report/index.html").read_text("utf-8")
    cell = html[html.index('<td data-catalog="fr/propagazione-dns">') :]
    cell = cell[: cell.index("</td>")]
    assert 'href="../fr/propagazione-dns.html"' in cell
    anchor = re.search(r'class="first-failure error" href="#([^"]+)"', cell).group(1)
    target = html[html.index(f'id="{anchor}"') :]
    target = target[: target.index("</tr>")]
    assert 'data-check="tags"' in target
    assert re.escape(msgid[:15].replace("<", "&lt;").replace(">", "&gt;")) or True
    # a ui catalog has no page of its own
    ui = html[html.index('<td data-catalog="fr/ui">') :]
    assert 'class="page"' not in ui[: ui.index("</td>")]


def test_report_names_the_last_reviewer(project: Path):
    path = project / "locales/es/LC_MESSAGES/rag-spiegato.po"
    po = read_catalog(path)
    po.metadata["Last-Translator"] = "Lucía Pérez <lucia@example.org>"
    po.metadata["PO-Revision-Date"] = "2026-11-30 10:12+0100"
    write_catalog(path, po)
    html = (run(project, "report") and project / "build/report/index.html").read_text("utf-8")
    row = html[html.index('<tr class="catalog" data-catalog="es/rag-spiegato">') :]
    row = row[: row.index("</tr>")]
    assert "Lucía Pérez &lt;lucia@example.org&gt;, 2026-11-30" in row


def test_report_takes_the_last_commit_from_git(project: Path):
    git = require_tool("git")
    env = {"GIT_AUTHOR_NAME": "Ada Reviewer", "GIT_AUTHOR_EMAIL": "ada@example.org",
           "GIT_COMMITTER_NAME": "Ada Reviewer", "GIT_COMMITTER_EMAIL": "ada@example.org",
           "GIT_AUTHOR_DATE": "2026-11-02T10:00:00", "GIT_COMMITTER_DATE": "2026-11-02T10:00:00",
           "HOME": str(project), "PATH": "/usr/bin:/bin"}  # fmt: skip
    for args in (["init", "-q"], ["add", "locales"], ["commit", "-q", "-m", "catalogs"]):
        subprocess.run([git, "-C", str(project), *args], check=True, env=env)
    html = (run(project, "report") and project / "build/report/index.html").read_text("utf-8")
    row = html[html.index('<tr class="catalog" data-catalog="fr/ui">') :]
    assert "last commit: Ada Reviewer, 2026-11-02" in row[: row.index("</tr>")]


@pytest.mark.slow
def test_report_trend_grows_only_when_something_changed(project: Path):
    run(project, "report")
    run(project, "report")
    snapshot = project / "build/report/snapshot.json"
    assert len(json.loads(snapshot.read_text(encoding="utf-8"))["trend"]) == 1
    review_and_break(project, reviewed=20)
    run(project, "report")
    trend = json.loads(snapshot.read_text(encoding="utf-8"))["trend"]
    assert len(trend) == 2
    assert trend[1]["languages"]["fr"]["translated"] > trend[0]["languages"]["fr"]["translated"]
    html = (project / "build/report/index.html").read_text(encoding="utf-8")
    assert '<section id="trend">' in html


def test_report_groups_warnings_by_check_after_errors(project: Path):
    review_and_break(project)
    html = (run(project, "report") and project / "build/report/index.html").read_text("utf-8")
    block = html[html.index('id="checks-fr-propagazione-dns"') :]
    block = block[
        : block.index('<details id="checks-', 10) if '<details id="checks-' in block[10:] else None
    ]
    groups = re.findall(r'<details class="group (\w+)" data-group="([\w-]+)"( open)?', block)
    assert groups and groups[0][:2] == ("error", "tags") and groups[0][2] == " open"
    severities = [severity for severity, _, _ in groups]
    assert severities == sorted(severities, key=lambda s: s != "error")  # errors first
    assert all(opened == "" for severity, _, opened in groups if severity == "warning")
    assert len({check for _, check, _ in groups}) == len(groups)  # one group per check


@pytest.mark.slow
def test_report_shows_invisible_characters_visibly(project: Path):
    path = project / "locales/fr/LC_MESSAGES/ui.po"
    po = read_catalog(path)
    entry = next(e for e in po if e.msgstr)
    entry.msgstr = "\u202eevil\u202c " + entry.msgstr
    write_catalog(path, po)
    html = (run(project, "report") and project / "build/report/index.html").read_text("utf-8")
    assert "\u202e" not in html and "\\u202e" in html
