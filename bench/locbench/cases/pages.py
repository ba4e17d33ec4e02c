"""1 and 4. extract and build: locpipe vs html2po/po2html (and po4a), floors, fidelity."""

from __future__ import annotations

import shutil
from dataclasses import dataclass, field
from pathlib import Path

import polib

from locbench.common import (
    LOCPIPE_BIN,
    WORK,
    WORKER_ENV,
    Measure,
    fmt_s,
    fresh,
    log,
    measure,
    ratio,
    run_once,
    table,
    worker,
    worker_json,
)
from locbench.peers import Peers
from locbench.sites import Site


@dataclass
class PagesResult:
    """Extract and build measures for one site."""

    site: Site
    extract: dict[str, Measure] = field(default_factory=dict)
    build: dict[str, Measure] = field(default_factory=dict)
    inproc: dict[str, float] = field(default_factory=dict)  # in-process seconds
    fidelity: dict[str, dict] = field(default_factory=dict)


def _identity_po(pot_dir: Path, po_dir: Path, suffix: str = ".pot") -> None:
    """Every template turned into a catalog whose msgstr is its msgid."""
    fresh(po_dir)
    for pot in pot_dir.rglob(f"*{suffix}"):
        po = polib.pofile(str(pot), wrapwidth=79)
        for entry in po:
            entry.msgstr = entry.msgid
            if entry.msgid_plural:
                entry.msgstr_plural = {0: entry.msgid, 1: entry.msgid_plural}
            if "fuzzy" in entry.flags:
                entry.flags.remove("fuzzy")
        target = po_dir / pot.relative_to(pot_dir).with_suffix(".po")
        target.parent.mkdir(parents=True, exist_ok=True)
        po.save(str(target))


def _po4a(peers: Peers, site: Site, out: Path, r: PagesResult) -> None:
    """po4a's xhtml module, one process per page (how po4a runs)."""
    pots, built = fresh(out / "po4a-pot"), fresh(out / "po4a-built")
    pages = site.pages
    gettextize = (
        f'for f in "{pages}"/*.html; do b=$(basename "$f" .html); '
        f'po4a-updatepo -f xhtml -M UTF-8 -m "$f" -p "{pots}/$b.pot" >/dev/null 2>&1 || true; done'
    )
    log(f"extract {site.name}: po4a (one run)")
    r.extract["po4a (xhtml)"] = measure("po4a", ["bash", "-c", gettextize], repeat=1)
    po_dir = out / "po4a-po"
    _identity_po(pots, po_dir)
    translate = (
        f'for f in "{pages}"/*.html; do b=$(basename "$f" .html); '
        f'[ -f "{po_dir}/$b.po" ] && po4a-translate -f xhtml -M UTF-8 -k 0 -m "$f" '
        f'-p "{po_dir}/$b.po" -l "{built}/$b.html" >/dev/null 2>&1 || true; done'
    )
    log(f"build {site.name}: po4a (one run)")
    r.build["po4a (xhtml)"] = measure("po4a", ["bash", "-c", translate], repeat=1)
    done = run_once(worker("fidelity", pages, built), env=WORKER_ENV)
    r.fidelity["po4a (xhtml)"] = worker_json(done)


def extract_only(site: Site) -> None:
    """Run ``locpipe extract`` once (other cases read the templates)."""
    run_once([LOCPIPE_BIN, "-q", "-C", site.project, "extract"])


def run(peers: Peers, site: Site, repeat: int, po4a: bool) -> PagesResult:
    """Extract then build one site with every tool."""
    r = PagesResult(site)
    out = WORK / "pages" / site.project.name
    out.mkdir(parents=True, exist_ok=True)
    pot_dir = out / "html2po-pot"

    def clean_templates() -> None:
        shutil.rmtree(site.templates, ignore_errors=True)

    log(f"extract {site.name}: locpipe extract")
    r.extract["locpipe extract (CLI)"] = measure(
        "locpipe", [LOCPIPE_BIN, "-q", "-C", site.project, "extract"], repeat=repeat,
        setup=clean_templates,
    )  # fmt: skip
    log(f"extract {site.name}: html2po")
    html2po = [peers.tool("html2po"), "--progress=none", "-P", "-i", site.pages, "-o", pot_dir]
    r.extract["html2po"] = measure(
        "html2po", html2po, repeat=repeat,
        setup=lambda: shutil.rmtree(pot_dir, ignore_errors=True),
    )  # fmt: skip
    for jobs in ("1", "2"):
        done = run_once(worker("walk", site.pages, jobs), env=WORKER_ENV)
        r.inproc[f"locpipe walk, {jobs} process(es)"] = worker_json(done).get("walk", float("nan"))
    done = run_once(worker("floor", site.pages), env=WORKER_ENV)
    for name, seconds in worker_json(done).items():
        r.inproc[f"parse floor: {name}"] = seconds

    po_dir = out / "html2po-identity"
    _identity_po(pot_dir, po_dir)
    lp_built, tt_built = out / "locpipe-built", out / "po2html-built"
    log(f"build {site.name}: locpipe splice")
    r.build["locpipe (walk + catalog + splice)"] = measure(
        "locpipe", worker("build", site.pages, site.templates, lp_built, "1", "0"), repeat=repeat,
        env=WORKER_ENV,
    )  # fmt: skip
    r.fidelity["locpipe"] = worker_json(r.build["locpipe (walk + catalog + splice)"].last)
    r.fidelity["locpipe"].update(worker_json(run_once(worker("fidelity", site.pages, lp_built),
                                                      env=WORKER_ENV)))  # fmt: skip
    r.fidelity["locpipe"].update(worker_json(run_once(worker("identity", site.pages),
                                                      env=WORKER_ENV)))  # fmt: skip
    log(f"build {site.name}: po2html")
    r.build["po2html"] = measure(
        "po2html",
        [peers.tool("po2html"), "--progress=none", "-i", po_dir, "-t", site.pages, "-o", tt_built],
        repeat=repeat, setup=lambda: fresh(tt_built),
    )  # fmt: skip
    r.fidelity["po2html"] = worker_json(run_once(worker("fidelity", site.pages, tt_built),
                                                 env=WORKER_ENV))  # fmt: skip
    lang = "fr" if site.source_language == "en" else "en"
    log(f"build {site.name}: locpipe build CLI")
    r.build["locpipe build --lang (CLI, page template, index, .mo)"] = measure(
        "locpipe", [LOCPIPE_BIN, "-q", "-C", site.project, "build", "--lang", lang], repeat=repeat,
    )  # fmt: skip
    if po4a and peers.po4a:
        _po4a(peers, site, out, r)
    return r


def report(results: list[PagesResult], missing: dict[str, str]) -> tuple[str, str]:
    """(extract section, build section)."""
    ex_rows, b_rows, f_rows = [], [], []
    for r in results:
        name = f"{r.site.name} ({r.site.count()} pages, {r.site.size_mb():.1f} MB)"
        ours = r.extract["locpipe extract (CLI)"]
        for tool, m in r.extract.items():
            ex_rows.append([name, tool, fmt_s(m.wall) if m.ok else f"failed: {m.note}",
                            fmt_s(m.cpu), f"{m.rss_mb:.0f}",
                            "1×" if m is ours else ratio(m.wall, ours.wall)])  # fmt: skip
        for label, seconds in r.inproc.items():
            ex_rows.append([name, label + " (in-process)", fmt_s(seconds), "", "",
                            ratio(r.extract["html2po"].wall, seconds) + " vs html2po"])  # fmt: skip
        ours = r.build["locpipe (walk + catalog + splice)"]
        for tool, m in r.build.items():
            b_rows.append([name, tool, fmt_s(m.wall) if m.ok else f"failed: {m.note}",
                           fmt_s(m.cpu), f"{m.rss_mb:.0f}",
                           "1×" if m is ours else ratio(m.wall, ours.wall)])  # fmt: skip
        for tool, f in r.fidelity.items():
            pages = r.site.count()
            shipped = f.get("identical_shipped")
            outside = f.get("outside_identical")
            f_rows.append([name, tool, f"{f.get('identical', '?')} / {pages}",
                           "—" if shipped is None else f"{shipped} / {pages}",
                           "—" if outside is None else f"{outside} / {pages}",
                           f"{f.get('same', '?')} / {pages}", f.get("missing", "?"),
                           f.get("differ", "?"), f.get("rejected", "")])  # fmt: skip
    note = "".join(
        f"\n\n*{peer} skipped: {why}.*" for peer, why in missing.items() if peer == "po4a"
    )
    head = ["input", "tool", "wall (median)", "CPU", "peak MB", "locpipe faster by"]
    jobs = next((r.fidelity["locpipe"].get("jobs") for r in results if "locpipe" in r.fidelity), 0)
    cores = (
        f"\n\nlocpipe's extract, build and splice rows use every core ({jobs} here: `-j`, "
        "default every core, through `locpipe.parallel`), as the issue allows; html2po, "
        "po2html and po4a have no option to use more than one.  CPU is user + system time "
        "of the process and its workers."
    )
    extract = table(head, ex_rows) + cores + note
    build = (
        table(head, b_rows)
        + cores
        + "\n\nRound trip with identity translations (msgstr = msgid; locpipe forced to render "
        "every unit rather than skip translations equal to the source):\n\n"
        + table(["input", "tool", "byte-identical", "byte-identical (locpipe as shipped: "
                 "equal translations skipped)", "identical outside the units",
                 "same document (text)", "pages missing", "pages differing", "units rejected"],
                f_rows)
        + note
    )  # fmt: skip
    return extract, build
