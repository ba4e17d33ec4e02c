"""The process pool, side by side: ``make bench-pool`` or ``.venv/bin/python bench/pool.py``.

Times locpipe's pool (``concurrent.futures.ProcessPoolExecutor``, fork
context, initializer, chunksize) against the home-made fork pool it replaced
(:mod:`locbench.forkpool`) in one run: ``run_each`` on 100 trivial items in
this process, then ``extract``, ``check`` and ``build`` (each cold: its
outputs and stamps removed) as commands on the sample site and on generated
sites.  Runs alternate between the pools; each figure is the median.
Writes the "Process pool" section of ``bench/RESULTS.md`` (replaced in place,
or put before the hand-written part) and prints it.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from locbench.common import BENCH, LOCPIPE_PY, ROOT, WORK, fresh, log, run_once, table  # noqa: E402
from locbench.forkpool import ForkPool  # noqa: E402
from locbench.sites import generated_site  # noqa: E402

from locpipe import parallel  # noqa: E402

POOLS = ("fork", "executor")
STEPS = {
    "extract": (["extract"], ("locales/templates",)),
    "check": (["check", "--min-complete", "0"], ()),
    "build": (["build"], ("build",)),
}


def _square(item: int) -> int:
    return item * item


def micro(repeat: int, jobs: int) -> dict[str, float]:
    """Median seconds of ``run_each`` on 100 trivial items with each pool, imports done.

    The commands' figures include the imports (``multiprocessing`` for the executor).
    """
    saved = parallel._in_pool
    pools = {
        "fork": lambda func, items, workers: ForkPool(func, items, workers).run(),
        "executor": saved,
    }
    times: dict[str, list[float]] = {pool: [] for pool in POOLS}
    try:
        for pool in POOLS:  # a first call imports what the pool needs: not timed here
            parallel._in_pool = pools[pool]
            parallel.run_each(_square, list(range(100)), jobs)
        for _ in range(repeat):
            for pool in POOLS:
                parallel._in_pool = pools[pool]
                start = time.perf_counter()
                done = parallel.run_each(_square, list(range(100)), jobs)
                times[pool].append(time.perf_counter() - start)
                assert [d.value for d in done] == [i * i for i in range(100)]
    finally:
        parallel._in_pool = saved
    return {pool: statistics.median(t) for pool, t in times.items()}


def project_copy(source: Path, name: str) -> Path:
    """A fresh copy of a project's sources, run through ``all`` (pseudo) once."""
    target = fresh(WORK / "pool" / name)
    for part in ("source_articles", "templates", "locpipe.toml", "locales"):
        src = source / part
        if src.exists():
            (shutil.copytree if src.is_dir() else shutil.copy)(src, target / part)
    shutil.rmtree(target / "locales" / "templates", ignore_errors=True)
    done = run_once([LOCPIPE_PY.parent / "locpipe", "-q", "-C", target, "all", "--backend",
                     "pseudo"])  # fmt: skip
    if done.returncode not in (0, 1):
        raise SystemExit(f"bench-pool: `all` failed on {target}: {done.stderr[-500:]}")
    return target


def steps(project: Path, repeat: int, jobs: int) -> dict[str, dict[str, tuple[float, float]]]:
    """(median wall, median CPU) of each step with each pool, cold every time."""
    env = {"PYTHONPATH": str(Path(__file__).resolve().parent)}
    out: dict[str, dict[str, tuple[float, float]]] = {}
    for step, (args, outputs) in STEPS.items():
        runs: dict[str, list[tuple[float, float]]] = {pool: [] for pool in POOLS}
        for _ in range(repeat):
            for pool in POOLS:
                shutil.rmtree(project / ".locpipe-cache", ignore_errors=True)
                for output in outputs:
                    shutil.rmtree(project / output, ignore_errors=True)
                cmd = [LOCPIPE_PY, "-m", "locbench.poolrun", pool, "-q", "-j", str(jobs),
                       "-C", project, *args]  # fmt: skip
                run = run_once(cmd, env=env)
                if run.returncode != 0:
                    raise SystemExit(f"bench-pool: {step} ({pool}) failed: {run.stderr[-500:]}")
                runs[pool].append((run.wall, run.cpu))
        out[step] = {
            pool: (statistics.median(w for w, _ in r), statistics.median(c for _, c in r))
            for pool, r in runs.items()
        }
    return out


def render(micro_s: dict[str, float], sites: dict[str, dict], args: argparse.Namespace) -> str:
    def ms(seconds: float) -> str:
        return f"{seconds * 1000:.1f} ms"

    lines = [
        "## Process pool",
        "",
        f"`make bench-pool` (`bench/pool.py --repeat {args.repeat}`), `-j {args.jobs}`, "
        f"{os.cpu_count()} cores, Python {sys.version.split()[0]}. "
        "*fork*: the home-made pool (`os.fork`, two pipes per worker, "
        "`bench/locbench/forkpool.py`); *executor*: `ProcessPoolExecutor` (fork context, "
        "initializer, chunksize 4), what locpipe runs. Runs alternate; medians.",
        "",
        f"`run_each` on 100 trivial items in one process, after a first call that imports "
        f"what each pool needs ({args.micro} runs each): "
        f"fork {ms(micro_s['fork'])}, executor {ms(micro_s['executor'])}.",
        "",
    ]
    rows = []
    for site, results in sites.items():
        for step, by_pool in results.items():
            (fw, fc), (ew, ec) = by_pool["fork"], by_pool["executor"]
            rows.append([site, step, ms(fw), ms(ew), f"{ew / fw:.2f}", ms(fc), ms(ec)])
    lines.append(
        table(
            [
                "site",
                "step (cold)",
                "fork wall",
                "executor wall",
                "executor/fork",
                "fork CPU",
                "executor CPU",
            ],
            rows,
        )  # fmt: skip
    )
    return "\n".join(lines) + "\n"


def write_section(results: Path, section: str) -> None:
    """Replace the "Process pool" section of ``results``, or insert it before the
    hand-written part (or at the end)."""
    text = results.read_text(encoding="utf-8") if results.exists() else ""
    start = text.find("## Process pool\n")
    if start != -1:
        end = text.find("\n## ", start + 1)
        text = text[:start] + section + (text[end:] if end != -1 else "")
    else:
        at = text.find("## Why targets are missed")
        at = len(text) if at == -1 else at
        text = text[:at] + section + ("\n" if at < len(text) else "") + text[at:]
    results.write_text(text, encoding="utf-8")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=5, help="runs per step and pool (median)")
    parser.add_argument("--micro", type=int, default=30, help="runs of the in-process measure")
    parser.add_argument("--jobs", type=int, default=2, help="workers (-j)")
    parser.add_argument("--sizes", default="100,300", help="generated sites (articles)")
    parser.add_argument("--output", type=Path, default=BENCH / "RESULTS.md")
    args = parser.parse_args(argv)
    log("run_each on 100 items")
    micro_s = micro(args.micro, args.jobs)
    sites: dict[str, dict] = {}
    projects = {"sample site": project_copy(ROOT, "sample")}
    for size in (int(s) for s in args.sizes.split(",") if s):
        projects[f"generated, {size} articles"] = project_copy(
            generated_site(size).project, f"gen{size}"
        )
    for name, project in projects.items():
        log(f"steps on {name}")
        sites[name] = steps(project, args.repeat, args.jobs)
    section = render(micro_s, sites, args)
    write_section(args.output, section)
    print(section)
    return 0


if __name__ == "__main__":
    sys.exit(main())
