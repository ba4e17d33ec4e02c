"""3. translate: ``locpipe translate`` with Apertium vs the raw ``apertium`` command, same text.

The input is a project made of the generated site's first articles (about
``--segments`` distinct units, the UI strings included), extracted and
updated once; each ``locpipe translate`` run starts from its untranslated
catalogs and an empty MT cache.  The raw engine translates the same distinct
units as plain text (tags dropped), one paragraph each.

Rows: each target language alone, and all of them at once (locpipe
translating them in one run; the raw chains started together with ``&`` and
``wait``).  Tools per row: the raw engine, ``locpipe translate`` (the whole
command: start-up, catalogs, cache, writing) and locpipe's ApertiumBackend
alone (in-process, for the backend's own cost).

The machine is shared and noisy, so the runs are interleaved (every round
runs every tool of every row once, in a rotating order), there are at least
:data:`MIN_ROUNDS` rounds, and a tool's ratio to the raw engine is the median
of its per-round ratios (each against the raw run of the same round).
"""

from __future__ import annotations

import html
import json
import re
import shutil
import statistics
from dataclasses import dataclass, field
from pathlib import Path

import polib

from locbench.common import (
    LOCPIPE_BIN,
    WORK,
    WORKER_ENV,
    Measure,
    Run,
    fmt_s,
    fresh,
    log,
    measure,
    run_once,
    table,
    worker,
)
from locbench.peers import Peers
from locbench.sites import Site, make_project

TAG_RE = re.compile(r"</?[a-z]+[0-9]*/?>")
#: Target → the chain locpipe uses from Italian (see locpipe.mt.apertium).
CHAINS = {"es": ["ita-spa"], "fr": ["ita-cat", "cat-fra"]}
ALL = "+".join(CHAINS)  # the row of every target language at once
RAW = "apertium -u (raw engine)"
STEP = "locpipe translate"
BACKEND = "locpipe ApertiumBackend (in-process)"
#: Rounds of interleaved runs, whatever ``--repeat`` says (medians need several).
MIN_ROUNDS = 5
#: ``locpipe translate`` exits 3 when some units could not be translated: still a run.
UNITS_FAILED = 3


@dataclass
class TranslateResult:
    segments: int  # distinct units per target language
    words: int
    articles: int
    rounds: int = 0
    measures: dict[str, dict[str, Measure]] = field(default_factory=dict)  # row → tool → m
    #: row → tool → wall / raw engine wall, one per round
    ratios: dict[str, dict[str, list[float]]] = field(default_factory=dict)
    failed_units: int = 0  # units locpipe could not translate (last run of each row)


def _units(pot: Path) -> list[str]:
    return [e.msgid for e in polib.pofile(str(pot)) if e.msgid]


def texts_of(site: Site, limit: int) -> list[str]:
    """The first ``limit`` distinct msgids of a site's templates (run extract first)."""
    seen: dict[str, None] = {}
    for pot in sorted(site.templates.glob("*.pot")):
        if pot.stem == "ui":
            continue
        for msgid in _units(pot):
            seen.setdefault(msgid)
            if len(seen) >= limit:
                return list(seen)
    return list(seen)


def make_input(site: Site, limit: int, folder: Path) -> tuple[Path, list[str], int]:
    """A project of the site's first articles holding at least ``limit`` distinct units.

    Returns the project (extracted and updated: untranslated catalogs for
    every target, kept in ``locales.pristine``), its distinct units (what
    ``locpipe translate`` sends to the engine per language) and the number
    of articles.
    """
    seen: dict[str, None] = {}
    slugs = []
    for pot in sorted(site.templates.glob("*.pot")):
        if pot.stem == "ui":
            continue
        slugs.append(pot.stem)
        seen.update(dict.fromkeys(_units(pot)))
        if len(seen) >= limit:
            break
    project = make_project(fresh(folder / "project"), "it", ["it", *CHAINS])
    for slug in slugs:
        shutil.copy(site.pages / f"{slug}.html", project / "source_articles" / f"{slug}.html")
    for command in ("extract", "update"):
        done = run_once([LOCPIPE_BIN, "-q", "-C", project, command])
        if done.returncode != 0:
            raise RuntimeError(f"locpipe {command} failed: {done.stderr}")
    shutil.copytree(project / "locales", project / "locales.pristine")
    units: dict[str, None] = {}
    for pot in sorted((project / "locales" / "templates").glob("*.pot")):
        units.update(dict.fromkeys(_units(pot)))
    return project, list(units), len(slugs)


def _plain(text: str) -> str:
    return html.unescape(TAG_RE.sub("", text))


def _restore(project: Path) -> None:
    """Untranslated catalogs and no MT cache, as after ``extract`` and ``update``."""
    shutil.rmtree(project / "locales")
    shutil.copytree(project / "locales.pristine", project / "locales")
    shutil.rmtree(project / ".locpipe-cache", ignore_errors=True)


def _raw_command(plain: Path, folder: Path, langs: list[str]) -> list[str]:
    jobs = []
    for lang in langs:
        stages = " | ".join(f"apertium -u {mode}" for mode in CHAINS[lang])
        # '<' first: it feeds the first stage (after the pipe it fed only the last one)
        jobs.append(f'( < "{plain}" {stages} > "{folder}/raw.{lang}.txt" )')
    script = jobs[0] if len(jobs) == 1 else " & ".join(jobs) + " & wait"
    return ["bash", "-c", script]


def _failed_units(run: Run) -> int:
    match = re.search(r"translate: (\d+) units not translated", run.stdout + run.stderr)
    return int(match.group(1)) if match else 0


def run(
    peers: Peers, site: Site, limit: int, repeat: int, timeout: float = 900.0
) -> TranslateResult | None:
    """Every row's tools, interleaved round by round; pseudo as a bonus."""
    folder = WORK / "translate"
    folder.mkdir(parents=True, exist_ok=True)
    project, texts, articles = make_input(site, limit, folder)
    texts_path = folder / "texts.json"
    texts_path.write_text(json.dumps(texts, ensure_ascii=False), encoding="utf-8")
    plain = folder / "plain.txt"  # one paragraph per segment, blank-line separated
    plain.write_text("\n\n".join(_plain(t) for t in texts) + "\n", encoding="utf-8")
    result = TranslateResult(len(texts), sum(len(_plain(t).split()) for t in texts), articles)
    if peers.apertium is not None:
        rows = {lang: [lang] for lang in CHAINS} | {ALL: list(CHAINS)}
        specs = []  # (row, tool, command, setup)
        for row, langs in rows.items():
            step = [LOCPIPE_BIN, "-C", project, "translate", "--backend", "apertium"]
            specs += [
                (row, RAW, _raw_command(plain, folder, langs), None),
                (row, STEP, step + [a for lang in langs for a in ("--lang", lang)], _restore),
                (row, BACKEND, worker("translate", "apertium", texts_path, ",".join(langs)), None),
            ]
        result.rounds = max(repeat, MIN_ROUNDS)
        for row, tool, *_ in specs:
            result.measures.setdefault(row, {})[tool] = Measure(tool)
        for round_ in range(result.rounds):
            log(f"translate: round {round_ + 1} of {result.rounds} ({len(specs)} runs)")
            shift = round_ % len(specs)
            walls: dict[tuple[str, str], float] = {}
            for row, tool, command, setup in specs[shift:] + specs[:shift]:
                m = result.measures[row][tool]
                if m.note:
                    continue  # failed once: not run again
                if setup is not None:
                    setup(project)
                done = run_once(command, env=WORKER_ENV, timeout=timeout)
                if tool == STEP and done.returncode == UNITS_FAILED:
                    result.failed_units = _failed_units(done)
                    done.returncode = 0
                m.runs.append(done)
                if done.returncode != 0:
                    m.note = (done.stderr.strip().splitlines() or ["failed"])[-1][:160]
                    continue
                walls[(row, tool)] = done.wall
            for row in rows:
                raw = walls.get((row, RAW))
                for tool in (STEP, BACKEND):
                    if raw and (row, tool) in walls:
                        ratios = result.ratios.setdefault(row, {}).setdefault(tool, [])
                        ratios.append(walls[(row, tool)] / raw)
    log("translate: pseudo")
    result.measures["pseudo"] = {
        "locpipe PseudoBackend (in-process)": measure(
            "pseudo", worker("translate", "pseudo", texts_path, "es"), repeat=repeat,
            env=WORKER_ENV,
        )
    }  # fmt: skip
    return result


def _ratio(values: list[float]) -> str:
    if not values:
        return "—"
    median = statistics.median(values)
    return f"{median:.2f}× ({min(values):.2f}–{max(values):.2f})"


def report(r: TranslateResult | None, missing: dict[str, str]) -> str:
    if r is None:
        return f"*Skipped: {missing.get('apertium', 'no engine')}.*"
    rows = []
    for row, tools in r.measures.items():
        languages = len(row.split("+")) if row != "pseudo" else 1
        for name, m in tools.items():
            rate = languages * r.segments / m.wall if m.ok and m.wall else float("nan")
            ratio = "—" if name == RAW else _ratio(r.ratios.get(row, {}).get(name, []))
            rows.append([row, name, fmt_s(m.wall) if m.ok else f"failed: {m.note}",
                         fmt_s(m.cpu), f"{rate:.0f}", ratio])  # fmt: skip
    head = (
        f"{r.segments} distinct units ({r.words} words) per target language: the first "
        f"{r.articles} articles of the generated site and the UI strings. Interleaved runs, "
        f"{r.rounds} rounds; wall and CPU are medians, the ratio is the median of the "
        "per-round ratios to the raw engine (range in brackets). "
        f"`{ALL}`: every target at once (locpipe in one run; the raw chains with `&` and "
        "`wait`). "
    )
    if "apertium" in missing and not r.ratios:
        head += f"*Apertium rows skipped: {missing['apertium']}.* "
    if r.failed_units:
        head += f"locpipe left {r.failed_units} units untranslated (verification). "
    header = ["target", "tool", "wall (median)", "CPU", "segments/s", "wall vs raw engine"]
    return head + "\n\n" + table(header, rows)


def raw_ratio(r: TranslateResult | None) -> dict[str, float]:
    """Target (or every target at once) → ``locpipe translate`` wall / raw engine wall."""
    out: dict[str, float] = {}
    if r is None:
        return out
    for row, tools in r.ratios.items():
        if tools.get(STEP):
            out[row] = statistics.median(tools[STEP])
    return out
