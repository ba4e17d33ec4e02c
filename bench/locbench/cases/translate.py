"""3. translate: locpipe's Apertium backend vs the raw ``apertium`` command on the same text."""

from __future__ import annotations

import html
import json
import re
from dataclasses import dataclass, field

import polib

from locbench.common import WORK, WORKER_ENV, Measure, fmt_s, log, measure, table, worker
from locbench.peers import Peers
from locbench.sites import Site

TAG_RE = re.compile(r"</?[a-z]+[0-9]*/?>")
#: Target → the chain locpipe uses from Italian (see locpipe.mt.apertium).
CHAINS = {"es": ["ita-spa"], "fr": ["ita-cat", "cat-fra"]}


@dataclass
class TranslateResult:
    segments: int
    words: int
    measures: dict[str, dict[str, Measure]] = field(default_factory=dict)  # lang → tool → m


def texts_of(site: Site, limit: int) -> list[str]:
    """The first ``limit`` distinct msgids of a site's templates (run extract first)."""
    seen: dict[str, None] = {}
    for pot in sorted(site.templates.glob("*.pot")):
        if pot.stem == "ui":
            continue
        for entry in polib.pofile(str(pot)):
            seen.setdefault(entry.msgid)
            if len(seen) >= limit:
                return list(seen)
    return list(seen)


def _plain(text: str) -> str:
    return html.unescape(TAG_RE.sub("", text))


def run(peers: Peers, site: Site, limit: int, repeat: int) -> TranslateResult | None:
    """Each target language through locpipe and through the raw engine; pseudo as a bonus."""
    folder = WORK / "translate"
    folder.mkdir(parents=True, exist_ok=True)
    texts = texts_of(site, limit)
    texts_path = folder / "texts.json"
    texts_path.write_text(json.dumps(texts, ensure_ascii=False), encoding="utf-8")
    plain = folder / "plain.txt"  # one paragraph per segment, blank-line separated
    plain.write_text("\n\n".join(_plain(t) for t in texts) + "\n", encoding="utf-8")
    result = TranslateResult(len(texts), sum(len(_plain(t).split()) for t in texts))
    if peers.apertium is None:
        return result
    for lang, chain in CHAINS.items():
        stages = " | ".join(f"apertium -u {mode}" for mode in chain)
        # '<' first: it feeds the first stage (after the pipe it fed only the last one)
        raw = f'< "{plain}" {stages} > "{folder}/raw.{lang}.txt"'
        log(f"translate {lang}: raw apertium {'|'.join(chain)}")
        result.measures[lang] = {
            f"apertium -u {'|'.join(chain)} (raw engine)": measure(
                "raw", ["bash", "-c", raw], repeat=repeat
            )
        }
        log(f"translate {lang}: locpipe ApertiumBackend")
        result.measures[lang]["locpipe ApertiumBackend"] = measure(
            "locpipe", worker("translate", "apertium", texts_path, lang), repeat=repeat,
            env=WORKER_ENV,
        )  # fmt: skip
    log("translate: pseudo")
    result.measures["pseudo"] = {
        "locpipe PseudoBackend": measure(
            "pseudo", worker("translate", "pseudo", texts_path, "es"), repeat=repeat,
            env=WORKER_ENV,
        )
    }  # fmt: skip
    return result


def report(r: TranslateResult | None, missing: dict[str, str]) -> str:
    if r is None or not r.measures:
        return f"*Skipped: {missing.get('apertium', 'no engine')}.*"
    rows = []
    for lang, tools in r.measures.items():
        raw = next((m for name, m in tools.items() if "raw" in name), None)
        for name, m in tools.items():
            rate = r.segments / m.wall if m.ok and m.wall else float("nan")
            vs = "—" if raw is None or m is raw else f"{m.wall / raw.wall:.2f}× the engine"
            rows.append([lang, name, fmt_s(m.wall) if m.ok else f"failed: {m.note}",
                         fmt_s(m.cpu), f"{rate:.0f}", vs])  # fmt: skip
    head = f"{r.segments} distinct units ({r.words} words) of the generated site.\n\n"
    return head + table(["target", "tool", "wall (median)", "CPU", "segments/s",
                         "wall vs raw engine"], rows)  # fmt: skip


def raw_ratio(r: TranslateResult | None) -> dict[str, float]:
    """Target → locpipe wall / raw engine wall."""
    out: dict[str, float] = {}
    if r is None:
        return out
    for lang, tools in r.measures.items():
        raw = next((m for name, m in tools.items() if "raw" in name), None)
        ours = tools.get("locpipe ApertiumBackend")
        if raw and ours and ours.ok and raw.ok:
            out[lang] = ours.wall / raw.wall
    return out
