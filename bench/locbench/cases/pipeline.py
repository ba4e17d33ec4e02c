"""5 and 6. The whole ``locpipe all``: cold, no-op, one article edited; peak memory per step."""

from __future__ import annotations

import shutil
from dataclasses import dataclass, field
from pathlib import Path

from locbench.common import LOCPIPE_BIN, WORK, Measure, fmt_s, fresh, log, measure, table
from locbench.sites import Site


@dataclass
class PipelineResult:
    site: Site
    backend: str
    runs: dict[str, Measure] = field(default_factory=dict)
    written: dict[str, list[str]] = field(default_factory=dict)  # run → files written
    files: int = 0


def _snapshot(project: Path) -> dict[Path, tuple[int, int]]:
    return {
        p: (p.stat().st_mtime_ns, p.stat().st_size)
        for folder in ("locales", "build")
        for p in (project / folder).rglob("*")
        if p.is_file()
    }


def _changed(before: dict, after: dict) -> list[str]:
    """Files written since ``before`` (as ``build/en/x.html``, relative to the project)."""
    return sorted("/".join(p.parts[-3:]) for p, stamp in after.items() if before.get(p) != stamp)


def _copy(site: Site, name: str) -> Path:
    """A fresh copy of a site's project (sources and templates only)."""
    target = fresh(WORK / "pipeline" / name)
    for part in ("source_articles", "templates", "locpipe.toml"):
        src = site.project / part
        (shutil.copytree if src.is_dir() else shutil.copy)(src, target / part)
    return target


def run_all(site: Site, backend: str, repeat: int, timeout: float) -> PipelineResult:
    """Cold, no-op and one-edit runs of ``locpipe all``."""
    project = _copy(site, f"{site.project.name}-{backend}")
    cmd = [LOCPIPE_BIN, "-q", "-C", project, "all", "--backend", backend]
    r = PipelineResult(site, backend)

    def cold() -> None:
        for folder in ("locales", "build"):
            shutil.rmtree(project / folder, ignore_errors=True)

    log(f"all ({backend}) {site.name}: cold")
    r.runs["cold"] = measure("cold", cmd, repeat=repeat, setup=cold, timeout=timeout)
    if not r.runs["cold"].ok:
        return r
    before = _snapshot(project)
    log(f"all ({backend}) {site.name}: nothing changed")
    r.runs["nothing changed"] = measure("noop", cmd, repeat=repeat, timeout=timeout)
    r.written["nothing changed"] = _changed(before, _snapshot(project))
    article = sorted((project / "source_articles").glob("*.html"))[0]
    original = article.read_text(encoding="utf-8")
    counter = iter(range(1000))
    snapshots: list[dict] = []

    def edit() -> None:
        snapshots.append(_snapshot(project))
        start = original.index("<p>") + 3
        article.write_text(f"{original[:start]}Modifica{next(counter)} {original[start:]}", "utf-8")

    log(f"all ({backend}) {site.name}: one article edited")
    r.runs["one article edited"] = measure("edit", cmd, repeat=repeat, setup=edit, timeout=timeout)
    r.written["one article edited"] = _changed(snapshots[-1], _snapshot(project))
    r.files = len(_snapshot(project))
    return r


def run_steps(site: Site, timeout: float) -> dict[str, Measure]:
    """Each step once, cold, as its own process: wall and peak memory."""
    project = _copy(site, f"{site.project.name}-steps")
    steps: dict[str, list] = {
        "extract": ["extract"],
        "update": ["update"],
        "translate (pseudo)": ["translate", "--backend", "pseudo"],
        "check": ["check", "--min-complete", "0"],
        "build": ["build"],
    }
    out = {}
    for name, args in steps.items():
        log(f"step {name} on {site.name}")
        out[name] = measure(name, [LOCPIPE_BIN, "-q", "-C", project, *args], repeat=1,
                            timeout=timeout)  # fmt: skip
    return out


def _written(files: list[str] | None) -> str:
    if files is None:
        return ""
    shown = ", ".join(f"`{f}`" for f in files[:8])
    return f"{len(files)}" + (f": {shown}" if files else "") + (" …" if len(files) > 8 else "")


def report(results: list[PipelineResult], steps: dict[str, Measure], steps_site: Site) -> str:
    rows = []
    for r in results:
        cold = r.runs["cold"].wall
        if not r.runs["cold"].ok:
            rows.append([f"{r.site.name}, {r.backend}", "cold",
                         f"failed: {r.runs['cold'].note}", "", "", ""])  # fmt: skip
            continue
        for name, m in r.runs.items():
            share = "100%" if name == "cold" else f"{100 * m.wall / cold:.1f}%"
            if name == "nothing changed" and len(m.runs) > 1:  # the first one records
                name += f" (runs: {', '.join(fmt_s(run.wall) for run in m.runs)})"
            rows.append([f"{r.site.name}, {r.backend}", name,
                         fmt_s(m.wall) if m.ok else f"failed: {m.note}", share,
                         f"{m.rss_mb:.0f}", _written(r.written.get(name))])  # fmt: skip
    out = table(["input", "run", "wall (median)", "of cold", "peak MB",
                 f"files written (of {results[0].files if results else '?'})"], rows)  # fmt: skip
    out += (
        "\n\nThe first run with nothing changed runs every step (they find nothing to do) "
        "and records that; the next ones see every file's bytes unchanged and print what it "
        "printed without loading the steps (`locpipe/all_replay.py`)."
    )
    step_rows = [[name, fmt_s(m.wall) if m.ok else f"failed: {m.note}", fmt_s(m.cpu),
                  f"{m.rss_mb:.0f}"] for name, m in steps.items()]  # fmt: skip
    out += (
        f"\n\nEach step as its own process, cold, on {steps_site.name} "
        f"({steps_site.count()} articles, 4 languages):\n\n"
    )
    out += table(["step", "wall", "CPU", "peak MB"], step_rows)
    return out
