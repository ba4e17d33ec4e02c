"""2. update: locpipe's merge vs msgmerge, pot2po and pybabel, speed and correctness."""

from __future__ import annotations

import shutil
from dataclasses import dataclass, field
from pathlib import Path

import polib

from locbench.common import (
    WORK,
    WORKER_ENV,
    Measure,
    fmt_s,
    fresh,
    log,
    measure,
    ratio,
    table,
    worker,
    worker_json,
)
from locbench.edits import EditedSet, Score, apply_edits, score
from locbench.gen import paragraphs
from locbench.peers import Peers
from locbench.real import real_catalog


@dataclass
class UpdateRow:
    """All tools on one input."""

    name: str
    entries: int
    truth: EditedSet
    measures: dict[str, Measure] = field(default_factory=dict)
    scores: dict[str, Score] = field(default_factory=dict)


def generated_entries(count: int) -> list[polib.POEntry]:
    """``count`` paragraph-sized entries with a (fake, unique) French translation."""
    return [
        polib.POEntry(msgid=text, msgstr=f"[fr {i}] {text[::-1]}", occurrences=[(f"a{i}.html", "")])
        for i, text in enumerate(paragraphs(count))
    ]


def read_lenient(path: Path) -> tuple[polib.POFile, bool]:
    """Parse a tool's output; if it is not valid PO, retry without its ``#|`` lines."""
    try:
        return polib.pofile(str(path), wrapwidth=79), True
    except OSError:
        text = path.read_text(encoding="utf-8")
        kept = "\n".join(line for line in text.splitlines() if not line.startswith("#|"))
        return polib.pofile(kept, wrapwidth=79), False


def _tools(peers: Peers, old: Path, pot: Path, out: Path, pybabel: bool) -> dict[str, list]:
    tools: dict[str, list] = {"locpipe": worker("update", old, pot, out)}
    if peers.msgmerge:
        tools["msgmerge"] = [peers.msgmerge, "-q", "--previous", "-o", out, old, pot]
        tools["msgmerge -N"] = [peers.msgmerge, "-q", "--no-fuzzy-matching", "-o", out, old, pot]
    tools["pot2po"] = [peers.tool("pot2po"), "--progress=none", "-t", old, "-i", pot, "-o", out]
    if pybabel:
        tools["pybabel update"] = [
            peers.tool("pybabel"), "-q", "update", "--previous", "-l", "fr", "-i", pot, "-o", out,
        ]  # fmt: skip
    return tools


def run_input(
    peers: Peers, name: str, truth: EditedSet, repeat: int, pybabel: bool, timeout: float
) -> UpdateRow:
    """Every tool on one edited catalog; each output is scored."""
    folder = fresh(WORK / "update" / name)
    old, pot = folder / "old.po", folder / "new.pot"
    truth.old.save(str(old))
    truth.template.save(str(pot))
    row = UpdateRow(name, len(truth.template), truth)
    for tool, cmd in _tools(peers, old, pot, folder / "out.po", pybabel).items():
        out = folder / f"{tool.replace(' ', '_')}.po"
        cmd = [out if str(c) == str(folder / "out.po") else c for c in cmd]

        def setup(out: Path = out) -> None:
            out.unlink(missing_ok=True)
            shutil.copy(old, out)  # pybabel updates in place; the others overwrite

        log(f"update {name}: {tool}")
        tries = 1 if tool == "pybabel update" else repeat
        m = measure(tool, cmd, repeat=tries, setup=setup, timeout=timeout, env=WORKER_ENV)
        row.measures[tool] = m
        if m.ok:
            merged, valid = read_lenient(out)
            row.scores[tool] = score(merged, truth)
            if not valid:
                m.note = "wrote invalid PO (broken `#|` lines; scored without them)"
    return row


def run(peers: Peers, sizes: list[int], repeat: int, timeout: float) -> list[UpdateRow]:
    """The real catalogs, then generated catalogs of ``sizes`` entries."""
    real = real_catalog(peers)
    rows = [run_input(peers, "real", apply_edits(list(real), header=real), repeat, False, timeout)]
    for size in sizes:
        truth = apply_edits(generated_entries(int(size / 0.95)))
        rows.append(run_input(peers, f"gen{size}", truth, repeat, size <= 1000, timeout))
    return rows


def _pct(a: int, b: int) -> str:
    return f"{100 * a / b:.1f}%" if b else "—"


def report(rows: list[UpdateRow]) -> str:
    """Speed and correctness tables."""
    speed = []
    for row in rows:
        ours = row.measures["locpipe"]
        for tool, m in row.measures.items():
            speed.append(
                [
                    row.name,
                    row.entries,
                    tool,
                    (fmt_s(m.wall) if m.ok else "—") + (f" ({m.note})" if m.note else ""),
                    fmt_s(m.cpu) if m.ok else "—",
                    f"{m.rss_mb:.0f}",
                    "1×" if tool == "locpipe" else (ratio(m.wall, ours.wall) if m.ok else "—"),
                ]
            )
    correct = []
    for row in rows:
        for tool, s in row.scores.items():
            correct.append(
                [
                    row.name,
                    tool,
                    s.edited,
                    s.fuzzy,
                    s.right,
                    _pct(s.right, s.fuzzy),
                    _pct(s.right, s.edited),
                    f"{s.added_matched} / {s.added}",
                    s.unchanged_lost,
                ]
            )
    split = []
    for row in rows:
        m = row.measures["locpipe"]
        if m.ok:
            data = worker_json(m.last)
            parts = ", ".join(f"{k} {data.get(k, 0):.2f} s" for k in ("parse", "merge", "format"))
            split.append(f"{row.name}: {parts}")
    return "\n\n".join(
        [
            "locpipe in-process (last run): " + "; ".join(split) + ". The rest is interpreter "
            "startup and imports.",
            table(
                ["input", "template entries", "tool", "wall (median)", "CPU", "peak MB",
                 "locpipe faster by"],
                speed,
            ),
            table(
                ["input", "tool", "edited", "marked fuzzy", "fuzzy with the right translation",
                 "precision", "recall", "new entries wrongly matched", "unchanged entries lost"],
                correct,
            ),
        ]
    )  # fmt: skip
