"""locpipe's benchmark suite (issue 5): ``make bench`` or ``.venv/bin/python bench/run.py``.

Installs the peers it needs under ``bench/.work/`` (git-ignored), builds the
inputs, runs locpipe and the peers side by side and writes ``bench/RESULTS.md``.
The default run takes about 10 minutes on 2 cores; ``--large`` adds the
1,000- and 10,000-article sites (much longer).
"""

from __future__ import annotations

import argparse
import platform
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from locbench.cases import pages, pipeline, translate, update  # noqa: E402
from locbench.common import BENCH, log  # noqa: E402
from locbench.peers import ensure_peers  # noqa: E402
from locbench.real import real_pages  # noqa: E402
from locbench.sites import generated_site, real_site  # noqa: E402
from locbench.targets import evaluate  # noqa: E402


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--large", action="store_true", help="also 1,000 and 10,000 articles")
    parser.add_argument("--repeat", type=int, default=3, help="runs per measure (median)")
    parser.add_argument(
        "--only",
        default="update,pages,translate,pipeline",
        help="comma-separated cases: update, pages, translate, pipeline",
    )
    parser.add_argument("--catalog-sizes", default="1000,2000,8000")
    parser.add_argument("--segments", type=int, default=1500, help="units for the MT case")
    parser.add_argument(
        "--apertium-all", action="store_true", help="also `locpipe all` with Apertium"
    )
    parser.add_argument(
        "--no-po4a", action="store_true", help="skip po4a (slow: one process per page)"
    )
    parser.add_argument(
        "--memory-size", type=int, default=0, help="articles for the per-step memory run"
    )
    parser.add_argument("--timeout", type=float, default=900.0, help="seconds per peer run")
    parser.add_argument("--output", type=Path, default=BENCH / "RESULTS.md")
    return parser.parse_args(argv)


def compile_locpipe() -> None:
    """Byte-compile locpipe's modules, as ``pip install`` does for a regular install.

    ``make setup`` installs locpipe editable, which compiles nothing; where
    ``PYTHONDONTWRITEBYTECODE`` is set (this project's machines set it) every
    run would compile each module from source, while pip byte-compiled the
    peers' packages when it installed them.
    """
    import compileall

    compileall.compile_dir(BENCH.parent / "src" / "locpipe", quiet=1)


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    only = set(args.only.split(","))
    started = time.time()
    peers = ensure_peers()
    compile_locpipe()
    sizes = [100, 1000, 10000] if args.large else [100]
    sections: list[tuple[str, str]] = []
    found: dict[str, object] = {"sizes": sizes}

    if "update" in only:
        catalog_sizes = [int(s) for s in args.catalog_sizes.split(",") if s]
        rows = update.run(peers, catalog_sizes, args.repeat, args.timeout)
        found["update"] = rows
        sections.append(("2. update: merging catalogs", update.report(rows)))
    if "pages" in only:
        sites = [generated_site(n) for n in sizes] + [real_site(real_pages(peers))]
        results = [
            pages.run(peers, site, args.repeat, po4a=not args.no_po4a and site.count() <= 1000)
            for site in sites
        ]
        found["pages"] = results
        extract_md, build_md = pages.report(results, peers.missing)
        sections.insert(0, ("1. extract", extract_md))
        sections.append(("4. build and round-trip fidelity", build_md))
    if "translate" in only:
        site = generated_site(100)
        if not any(site.templates.glob("*.pot")):
            pages.extract_only(site)
        result = translate.run(peers, site, args.segments, args.repeat)
        found["translate"] = result
        sections.append(("3. translate (Apertium)", translate.report(result, peers.missing)))
    if "pipeline" in only:
        backends = ["pseudo"] + (["apertium"] if args.apertium_all and peers.apertium else [])
        runs = [
            pipeline.run_all(generated_site(100), b, args.repeat, args.timeout) for b in backends
        ]
        biggest = generated_site(args.memory_size or max(sizes))
        steps = pipeline.run_steps(biggest, args.timeout * 4)
        found["pipeline"] = runs
        found["steps"] = (biggest, steps)
        sections.append(
            ("5 and 6. the whole pipeline, peak memory", pipeline.report(runs, steps, biggest))
        )

    elapsed = time.time() - started
    args.output.write_text(
        render(sections, evaluate(found), peers, args, elapsed), encoding="utf-8"
    )
    log(f"wrote {args.output} in {elapsed / 60:.1f} min")
    return 0


def render(sections, targets_md: str, peers, args, elapsed: float) -> str:
    versions = ", ".join(f"{k} {v}" for k, v in peers.versions().items())
    cpu = platform.processor() or platform.machine()
    import os

    lines = [
        "# locpipe benchmark results",
        "",
        f"Generated by `make bench` (`.venv/bin/python bench/run.py {' '.join(sys.argv[1:])}`) "
        f"on {time.strftime('%Y-%m-%d')}, {os.cpu_count()} cores ({cpu}), "
        f"Python {platform.python_version()}, in {elapsed / 60:.1f} min.",
        f"Peers: {versions}.",
        "",
        f"Times are medians of {args.repeat} runs (a run over 15 s is not repeated) of the "
        "whole process, startup included, unless marked *in-process*. The machine is shared "
        "and noisy: compare the ratios, measured in the same run, more than the seconds. "
        "Peak MB is the largest resident set of the measured process (GNU `time -f %M`).",
        "",
        "## Targets of issue 5",
        "",
        targets_md,
    ]
    for title, body in sorted(sections):
        lines += ["", f"## {title}", "", body]
    analysis = BENCH / "ANALYSIS.md"
    if analysis.exists():
        lines += ["", analysis.read_text(encoding="utf-8").strip()]
    return "\n".join(lines) + "\n"


if __name__ == "__main__":
    sys.exit(main())
