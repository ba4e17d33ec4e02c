"""Update's fuzzy matching, evaluated on real catalogs it was not tuned on.

``.venv/bin/python bench/update_eval.py`` (``make bench-update``):

1. builds edited catalogs from each project's real French catalogs, for each
   edit kind and seed (:mod:`locbench.evalset`, :mod:`locbench.edit_kinds`);
2. ``--tune``: tries a grid of thresholds on the TUNING projects only and
   prints, for each, right matches and precision (to choose the defaults);
3. reports locpipe (its defaults), ``msgmerge --previous`` and pot2po on the
   HELD_OUT projects, per edit kind and in total, and the speed of locpipe's
   ``update`` beside ``msgmerge`` on the largest held-out catalog;
4. writes the tables to ``bench/UPDATE_EVAL.md``.
"""

from __future__ import annotations

import argparse
import itertools
import sys
import time
from dataclasses import replace
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import polib  # noqa: E402
from locbench.common import BENCH, WORK, WORKER_ENV, fmt_s, fresh, log, measure, table, worker  # noqa: E402
from locbench.edit_kinds import KINDS  # noqa: E402
from locbench.evalset import HELD_OUT, TUNING, Score, Truth, edit_script, project_catalog, score  # noqa: E402
from locbench.peers import ensure_peers  # noqa: E402

from locpipe.msgmerge import DEFAULT_RULE, FuzzyRule, merge  # noqa: E402

TUNING_SEEDS = (1, 2)
HELD_OUT_SEEDS = (101, 102)


def truths(
    python: Path, projects: list[str], seeds: tuple[int, ...]
) -> list[tuple[str, str, Truth]]:
    """(project, kind, truth) for every project, edit kind and seed."""
    out = []
    for project in projects:
        entries = list(project_catalog(python, project))
        for kind, seed in itertools.product(KINDS, seeds):
            out.append((project, kind, edit_script(entries, kind, seed)))
    return out


def locpipe_score(truth: Truth, rule: FuzzyRule) -> Score:
    return score(merge(truth.old, truth.template, "fr", rule), truth)


def tune(cases: list[tuple[str, str, Truth]]) -> str:
    """Every rule of the grid on the tuning cases: right matches and precision."""
    rows = []
    grid = itertools.product((0.2, 0.3, 0.4, 0.5), (2, 3), (75.0, 80.0, 85.0))
    for share, kept, cutoff in grid:
        rule = replace(DEFAULT_RULE, hunk_share=share, hunk_min=kept, cutoff=cutoff)
        total = Score()
        for _, _, truth in cases:
            total += locpipe_score(truth, rule)
        rows.append([share, kept, cutoff, total.edited, total.right, total.fuzzy,
                     f"{100 * total.precision:.2f}%", total.added_matched])  # fmt: skip
        log(f"tune {rule}: {total.right}/{total.fuzzy} right")
    rows.sort(key=lambda r: -r[4])
    return table(["one-change share", "kept tokens", "ratio cutoff", "edited", "right", "fuzzy",
                  "precision", "new strings wrongly matched"], rows)  # fmt: skip


def peer_scores(peers, truth: Truth, folder: Path) -> dict[str, Score]:  # noqa: ANN001
    """msgmerge and pot2po on one case."""
    old, pot = folder / "old.po", folder / "new.pot"
    truth.old.save(str(old))
    truth.template.save(str(pot))
    out: dict[str, Score] = {}
    commands = {
        "msgmerge": [peers.msgmerge, "-q", "--previous", "-o", folder / "msgmerge.po", old, pot],
        "pot2po": [peers.tool("pot2po"), "--progress=none", "-t", old, "-i", pot,
                   "-o", folder / "pot2po.po"],
    }  # fmt: skip
    for name, cmd in commands.items():
        m = measure(name, cmd, repeat=1, timeout=600)
        if m.ok:
            out[name] = score(polib.pofile(str(folder / f"{name}.po"), wrapwidth=79), truth)
    return out


def held_out_report(peers, cases: list[tuple[str, str, Truth]]) -> str:  # noqa: ANN001
    totals: dict[tuple[str, str], Score] = {}
    for project, kind, truth in cases:
        folder = fresh(WORK / "update-eval" / f"{project}-{kind}")
        scores = {
            "locpipe": locpipe_score(truth, DEFAULT_RULE),
            **peer_scores(peers, truth, folder),
        }
        for tool, s in scores.items():
            for group in (kind, "all kinds"):
                totals.setdefault((group, tool), Score())
                totals[(group, tool)] += s
        log(
            f"held out {project} {kind}: "
            + ", ".join(f"{t} {s.right}/{s.fuzzy}" for t, s in scores.items())
        )
    rows = []
    order = [*KINDS, "all kinds"]
    for (group, tool), s in sorted(totals.items(), key=lambda item: order.index(item[0][0])):
        rows.append([group, tool, s.edited, s.fuzzy, s.right, f"{100 * s.precision:.1f}%",
                     f"{100 * s.recall:.1f}%", s.added_matched, s.unchanged_lost])  # fmt: skip
    return table(["edit kind", "tool", "edited", "fuzzy", "right", "precision", "recall",
                  "new strings wrongly matched", "unchanged lost"], rows)  # fmt: skip


def joined(python: Path, projects: list[str]) -> list[polib.POEntry]:
    """The projects' catalogs as one list (first occurrence of a key wins)."""
    seen: set[tuple[str | None, str]] = set()
    out = []
    for project in projects:
        for entry in project_catalog(python, project):
            key = (entry.msgctxt or None, entry.msgid)
            if key not in seen:
                seen.add(key)
                out.append(entry)
    return out


def speed_report(peers, python: Path, projects: list[str], repeat: int) -> str:  # noqa: ANN001
    """locpipe update (its worker process) beside msgmerge on held-out catalogs joined."""
    entries = joined(python, projects)
    project = "+".join(projects)
    folder = fresh(WORK / "update-eval" / "speed")
    rows = []
    for kind in ("word", "clause", "split", "join"):
        truth = edit_script(entries, kind, 7)
        old, pot = folder / "old.po", folder / "new.pot"
        truth.old.save(str(old))
        truth.template.save(str(pot))
        tools = {
            "locpipe": worker("update", old, pot, folder / "locpipe.po"),
            "msgmerge": [
                peers.msgmerge,
                "-q",
                "--previous",
                "-o",
                folder / "msgmerge.po",
                old,
                pot,
            ],
        }
        walls = {}
        for round_ in range(repeat):  # interleaved
            for name, cmd in tools.items():
                m = measure(name, cmd, repeat=1, timeout=600, env=WORKER_ENV)
                walls.setdefault(name, []).append(m.wall)
            log(f"speed {kind} round {round_}")
        med = {k: sorted(v)[len(v) // 2] for k, v in walls.items()}
        faster = f"{med['msgmerge'] / med['locpipe']:.2f}×"
        rows.append([project, len(truth.template), kind, fmt_s(med["locpipe"]),
                     fmt_s(med["msgmerge"]), faster])  # fmt: skip
    return table(["catalog", "template entries", "edit kind", "locpipe update", "msgmerge",
                  "locpipe faster by"], rows)  # fmt: skip


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tune", action="store_true", help="also print the threshold grid")
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--output", type=Path, default=BENCH / "UPDATE_EVAL.md")
    args = parser.parse_args(argv)
    peers = ensure_peers()
    python = peers.python
    sections = [f"# Update evaluation ({time.strftime('%Y-%m-%d %H:%M')})", __doc__]
    if args.tune:
        sections += [
            "## Tuning projects: " + ", ".join(TUNING),
            tune(truths(python, TUNING, TUNING_SEEDS)),
        ]
    held = truths(python, HELD_OUT, HELD_OUT_SEEDS)
    sections += ["## Held-out projects: " + ", ".join(HELD_OUT), held_out_report(peers, held)]
    sections += [
        "## Speed beside msgmerge",
        speed_report(peers, python, ["indico", "mailman", "django-allauth"], args.repeat),
        speed_report(peers, python, HELD_OUT, args.repeat),
    ]
    args.output.write_text("\n\n".join(sections) + "\n", encoding="utf-8")
    print(args.output.read_text(encoding="utf-8"))


if __name__ == "__main__":
    main()
