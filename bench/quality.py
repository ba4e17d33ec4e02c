"""Translation quality of the Apertium routes, measured: ``make bench-quality``.

Scores every Apertium route locpipe can take from Italian (the direct pair
and each pivot chain) with chrF and BLEU (sacrebleu) against human reference
translations of sample units of the site (``bench/references/{en,fr,es}.json``,
msgid → reference), in four variants that share one engine pipeline per
route:

* ``raw``: the engine alone.  The msgid goes through the driver's low-level
  :func:`locpipe.mt.apertium.translate_batch` only escaped into Apertium's
  stream format (the minimum the ``-z`` pipeline needs): no masking of tags,
  code, URLs, placeholders or terms, no restore, no verification.
* ``markup``: locpipe's protection without do-not-translate terms
  (``ApertiumBackend(do_not_translate=())``): tags and ``&lt;`` as
  superblanks, code, URLs, placeholders and numbers with ``%`` as unknown
  words, restored and verified.
* ``draft``: the backend exactly as ``locpipe translate`` builds it from
  ``locpipe.toml`` (do-not-translate terms and glossary too).  What enters a
  catalog; a unit that fails verification stays untranslated.
* ``glossary``: ``draft`` plus the candidate glossary of
  ``bench/references/glossary.json`` (locpipe.toml configures none).

Scores are on the text with tags stripped (no tag in the score), after
normalising no-break spaces and typographic apostrophes in hypothesis and
reference alike.  An output that fails verification counts as an empty
string (what the catalog holds) in the main columns; ``same units`` rescores
a variant against ``raw`` on only the units the variant translated.

Other engines the machine has are scored on the same units as ``draft``:
``ctranslate2`` with the model directory named by
``LOCPIPE_BENCH_CT2_MODEL_EN`` (``_FR``, ``_ES``: one per target); without
one, the report says it was not available.

Usage: ``.venv/bin/python bench/quality.py [--out bench/QUALITY.md]
[--no-write] [--details] [--bootstrap N]``.
"""

from __future__ import annotations

import argparse
import datetime
import json
import os
import platform
import re
import subprocess
import sys
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))

import numpy as np  # noqa: E402  (sacrebleu's own dependency)
import sacrebleu  # noqa: E402
from sacrebleu.metrics import BLEU, CHRF  # noqa: E402

from locpipe.config import load_config  # noqa: E402
from locpipe.errors import LocpipeError  # noqa: E402
from locpipe.formats.html import walk  # noqa: E402
from locpipe.mt.apertium import (  # noqa: E402
    ApertiumBackend,
    decode,
    discover_modes,
    encode,
    translate_batch,
)
from locpipe.mt.protect import Masked  # noqa: E402
from locpipe.mt.settings import parse_settings  # noqa: E402
from locpipe.units import TAG_RE, tags_well_nested  # noqa: E402

SOURCE = "it"
REFERENCES = Path(__file__).resolve().parent / "references"
#: Target language → candidate routes, in the order they are reported.
ROUTES: dict[str, list[str]] = {
    "en": ["ita-spa|spa-eng", "ita-cat|cat-eng"],
    "fr": ["ita-cat|cat-fra", "ita-spa|es-fr"],
    "es": ["ita-spa", "ita-cat|cat-spa"],
}
VARIANTS = ("raw", "markup", "draft", "glossary")
VARIANT_HELP = {
    "raw": "engine alone: msgid escaped into the stream format, nothing masked, nothing verified",
    "markup": "locpipe's protection without do-not-translate terms (tags, code, URLs, "
    "placeholders masked; restored and verified)",
    "draft": "the backend as `locpipe translate` builds it from locpipe.toml "
    "(+ do-not-translate terms, glossary); failed units stay untranslated",
    "glossary": "`draft` plus the candidate glossary of bench/references/glossary.json",
}
GLOSSARY = REFERENCES / "glossary.json"


def bench_glossary() -> dict[str, dict[str, str]]:
    """The candidate glossary (``{lang: {term: translation}}``), without comments."""
    data = json.loads(GLOSSARY.read_text(encoding="utf-8"))
    return {lang: table for lang, table in data.items() if not lang.startswith("_")}


# --------------------------------------------------------------------------- data


@dataclass
class Sample:
    msgid: str
    article: str
    elements: list[str]
    refs: dict[str, str] = field(default_factory=dict)


def load_samples(languages: list[str]) -> list[Sample]:
    """The reference units, checked against the Italian source articles."""
    tables = {
        lang: json.loads((REFERENCES / f"{lang}.json").read_text(encoding="utf-8"))
        for lang in languages
    }
    keys = [list(t) for t in tables.values()]
    if any(k != keys[0] for k in keys):
        sys.exit("bench/references: the languages do not cover the same msgids in the same order")
    where: dict[str, tuple[str, list[str]]] = {}
    for path in sorted((ROOT / "source_articles").glob("*.html")):
        doc = walk(path.read_text(encoding="utf-8"))
        if doc.lang != SOURCE:
            continue
        for unit in doc.units:
            article, elements = where.setdefault(unit.msgid, (path.stem, []))
            if unit.element not in elements:
                elements.append(unit.element)
    samples = []
    for msgid in keys[0]:
        if msgid not in where:
            sys.exit(f"bench/references: msgid no longer in source_articles: {msgid[:70]!r}")
        sample = Sample(msgid, *where[msgid], refs={lang: tables[lang][msgid] for lang in tables})
        for lang, ref in sample.refs.items():
            if Counter(TAG_RE.findall(ref)) != Counter(TAG_RE.findall(msgid)):
                sys.exit(f"bench/references/{lang}.json: tags differ from the msgid: {ref[:70]!r}")
        samples.append(sample)
    return samples


# --------------------------------------------------------------------------- scoring

_SPACES = re.compile(r"[\s\u00a0\u202f]+")


def plain(text: str | None) -> str:
    """What is scored: tags stripped, spaces and apostrophes normalised."""
    if text is None:
        return ""
    text = TAG_RE.sub("", text).replace("’", "'").replace("‘", "'")
    return _SPACES.sub(" ", text).strip()


def tags_intact(source: str, output: str | None) -> bool:
    """Same rule as locpipe's verification: same tags, nesting as in the source."""
    if output is None:
        return False
    src, out = TAG_RE.findall(source), TAG_RE.findall(output)
    if Counter(src) != Counter(out):
        return False
    return tags_well_nested(out) if tags_well_nested(src) else out == src


def code_intact(source: str, output: str | None) -> bool:
    """Every ``<code>…</code>`` content of the source is still in the output."""
    if output is None:
        return False
    spans = re.findall(r"<code\d*>(.*?)</code\d*>", source)
    return all(span in output for span in spans)


def emptied(source: str, output: str | None) -> bool:
    """An inline element with text in the source comes back empty (``<abbr></abbr>``)."""
    if output is None:
        return False
    full = {m.group(1) for m in re.finditer(r"<(\w+)>[^<]*\w[^<]*</\1>", source)}
    return any(m.group(1) in full for m in re.finditer(r"<(\w+)>\s*</\1>", output))


def around(text: str, width: int = 40) -> str:
    """The text around its first inline element with no text (or its first ``<abbr>``)."""
    found = re.search(r"<(\w+)>\s*</\1>", text) or re.search(r"<abbr>", text)
    at = found.start() if found else 0
    return text[max(0, at - width) : at + width]


def term_hits(source: str, output: str | None, terms: tuple[str, ...]) -> tuple[int, int]:
    """(do-not-translate term occurrences kept, occurrences in the source)."""
    ordered = sorted(terms, key=len, reverse=True)
    pattern = re.compile(r"(?<!\w)(?:" + "|".join(map(re.escape, ordered)) + r")(?!\w)")
    wanted = Counter(pattern.findall(TAG_RE.sub(" ", source)))
    got = Counter(pattern.findall(TAG_RE.sub(" ", output or "")))
    return sum(min(n, got[t]) for t, n in wanted.items()), sum(wanted.values())


class Scorer:
    """Corpus chrF/BLEU from per-unit statistics (so resampling is cheap)."""

    def __init__(self, refs: list[str]):
        self.refs = [plain(r) for r in refs]
        self.chrf, self.bleu = CHRF(), BLEU()

    def stats(self, hyps: list[str | None]) -> tuple[np.ndarray, np.ndarray]:
        clean = [plain(h) for h in hyps]
        return (
            np.array(self.chrf._extract_corpus_statistics(clean, [self.refs])),
            np.array(self.bleu._extract_corpus_statistics(clean, [self.refs])),
        )

    def score(self, stats: tuple[np.ndarray, np.ndarray], rows=None) -> tuple[float, float]:
        chrf, bleu = stats
        if rows is not None:
            chrf, bleu = chrf[rows], bleu[rows]
        return (
            self.chrf._compute_score_from_stats(chrf.sum(axis=0)).score,
            self.bleu._compute_score_from_stats(bleu.sum(axis=0)).score,
        )

    def sentence_chrf(self, hyp: str | None, index: int) -> float:
        return self.chrf.sentence_score(plain(hyp), [self.refs[index]]).score


def paired_bootstrap(scorer: Scorer, a, b, n: int, seed: int = 12345) -> float:
    """Share of unit resamples in which A's corpus chrF beats B's."""
    if n <= 0:
        return float("nan")
    rng = np.random.default_rng(seed)
    size = len(a[0])
    wins = 0
    for _ in range(n):
        rows = rng.integers(0, size, size)
        wins += scorer.score(a, rows)[0] > scorer.score(b, rows)[0]
    return wins / n


# --------------------------------------------------------------------------- engines


def run_route(target: str, chain: str, samples: list[Sample], config) -> dict[str, list]:
    """Outputs of the three variants through one route (one pipeline each backend)."""
    texts = [s.msgid for s in samples]
    options = {"chains": {target: chain}}
    outputs: dict[str, list] = {}
    # draft: as `locpipe translate` builds it (its own route override replaces the config's)
    with ApertiumBackend(
        do_not_translate=config.do_not_translate, options=options, glossary=config.glossary
    ) as draft:
        outputs["draft"] = draft.translate(texts, SOURCE, target)
        # raw: the same pipeline, the msgid only escaped into the stream format
        pipeline = draft.pipeline(SOURCE, target)
        raw = translate_batch(pipeline, [encode(Masked(t, (t,))) for t in texts])
        outputs["raw"] = [None if r is None else decode(r).strip() for r in raw]
    with ApertiumBackend(do_not_translate=(), options=options) as markup:
        outputs["markup"] = markup.translate(texts, SOURCE, target)
    glossary = {k: dict(v) for k, v in config.glossary.items()}
    for lang, table in bench_glossary().items():
        glossary.setdefault(lang, {}).update(table)
    with ApertiumBackend(
        do_not_translate=config.do_not_translate, options=options, glossary=glossary
    ) as forced:
        outputs["glossary"] = forced.translate(texts, SOURCE, target)
    return outputs


#: Environment variable naming the ctranslate2 model of a target language.
CT2_MODEL_ENV = "LOCPIPE_BENCH_CT2_MODEL_{}"


def run_ctranslate2(samples: list[Sample], config) -> list[dict]:
    """The ctranslate2 backend, as ``locpipe translate`` builds it, per target that has a
    model; a row saying why for the others."""
    from locpipe.mt.neural import CTranslate2Backend

    usable, why = CTranslate2Backend.availability()
    rows: list[dict] = []
    for target in ROUTES:
        var = CT2_MODEL_ENV.format(target.upper())
        path = os.environ.get(var, "")
        row: dict = {"engine": "ctranslate2", "target": target}
        if not usable or not path:
            row["missing"] = why if not usable else f"set {var} to a model directory"
            rows.append(row)
            continue
        settings = parse_settings({"ctranslate2": {"models": {f"{SOURCE}-{target}": path}}})
        started = time.perf_counter()
        try:
            with CTranslate2Backend(
                do_not_translate=config.do_not_translate,
                glossary=config.glossary,
                options={"mt": settings},
            ) as engine:
                out = engine.translate([s.msgid for s in samples], SOURCE, target)
                row["engine"] = engine.describe(SOURCE, target)
        except LocpipeError as exc:
            row["missing"] = str(exc)
            rows.append(row)
            continue
        scorer = Scorer([s.refs[target] for s in samples])
        row["chrf"], row["bleu"] = scorer.score(scorer.stats(out))
        row["translated"] = sum(o is not None for o in out)
        row["tags"] = sum(tags_intact(s.msgid, o) for s, o in zip(samples, out, strict=True))
        row["seconds"] = time.perf_counter() - started
        rows.append(row)
    return rows


def other_engines(result: dict) -> list[str]:
    """The report's section on the engines besides Apertium."""
    n = len(result["samples"])
    apertium = {r.target: r.chrf for r in result["rows"] if r.default and r.variant == "draft"}
    lines = [
        "## Other engines",
        "",
        "Each as `locpipe translate` builds it (do-not-translate terms, glossary, "
        "verification), on the same units; a unit that fails verification counts as empty.",
        "",
        "| engine | target | chrF | BLEU | translated | tags intact | seconds "
        "| Apertium draft chrF (default route) |",
        "|---|---|---|---|---|---|---|---|",
    ]
    missing = []
    for row in result["engines"]:
        if "missing" in row:
            missing.append(f"- {row['engine']} → {row['target']}: not available ({row['missing']})")
            continue
        ref = apertium.get(row["target"])
        lines.append(
            f"| {row['engine']} | {row['target']} | {row['chrf']:.1f} | {row['bleu']:.1f} "
            f"| {row['translated']}/{n} | {row['tags']}/{n} | {row['seconds']:.1f} "
            f"| {'—' if ref is None else f'{ref:.1f}'} |"
        )
    if len(lines) == 6:
        lines = lines[:3]  # no engine measured: no empty table
    return lines + ([""] if missing else []) + missing


@dataclass
class Row:
    target: str
    chain: str
    default: bool
    variant: str
    chrf: float
    bleu: float
    translated: int
    tags: int
    code: int
    terms: tuple[int, int]
    emptied: int
    same: tuple[float, float, int] | None = None  # (variant chrF, raw chrF, units) when not all


def measure(args) -> dict:
    config = load_config(ROOT)
    languages = list(ROUTES)
    samples = load_samples(languages)
    modes = discover_modes()
    default_backend = ApertiumBackend(options={"chains": config.apertium_chains})
    result: dict = {"samples": samples, "rows": [], "missing": [], "checks": [], "compare": []}
    result["outputs"] = {}
    for target in languages:
        refs = [s.refs[target] for s in samples]
        scorer = Scorer(refs)
        default = "|".join(default_backend.route(SOURCE, target))
        per_route = {}
        for chain in ROUTES[target]:
            absent = [m for m in chain.split("|") if m not in modes]
            if absent:
                result["missing"].append((target, chain, absent))
                continue
            started = time.perf_counter()
            outputs = run_route(target, chain, samples, config)
            result["outputs"][(target, chain)] = outputs
            stats = {v: scorer.stats(outputs[v]) for v in VARIANTS}
            per_route[chain] = (outputs, stats)
            for variant in VARIANTS:
                out = outputs[variant]
                kept = [i for i, o in enumerate(out) if o is not None]
                chrf, bleu = scorer.score(stats[variant])
                row = Row(
                    target,
                    chain,
                    chain == default,
                    variant,
                    chrf,
                    bleu,
                    len(kept),
                    sum(tags_intact(s.msgid, o) for s, o in zip(samples, out, strict=True)),
                    sum(code_intact(s.msgid, o) for s, o in zip(samples, out, strict=True)),
                    tuple(
                        map(
                            sum,
                            zip(
                                *(
                                    term_hits(s.msgid, o, config.do_not_translate)
                                    for s, o in zip(samples, out, strict=True)
                                ),
                                strict=True,
                            ),
                        )
                    ),
                    sum(emptied(s.msgid, o) for s, o in zip(samples, out, strict=True)),
                )
                if len(kept) < len(samples):
                    row.same = (
                        scorer.score(stats[variant], kept)[0],
                        scorer.score(stats["raw"], kept)[0],
                        len(kept),
                    )
                result["rows"].append(row)
            # never worse than the raw engine, unit by unit and on the corpus
            worse = []
            for i, sample in enumerate(samples):
                d, r = outputs["draft"][i], outputs["raw"][i]
                if d is None:
                    continue
                ds, rs = scorer.sentence_chrf(d, i), scorer.sentence_chrf(r, i)
                if ds < rs - 0.05:
                    worse.append((ds - rs, sample.msgid, r, d))
            d_all = scorer.score(stats["draft"])[0]
            r_all = scorer.score(stats["raw"])[0]
            p_draft = paired_bootstrap(scorer, stats["draft"], stats["raw"], args.bootstrap)
            p_raw = paired_bootstrap(scorer, stats["raw"], stats["draft"], args.bootstrap)
            result["checks"].append(
                dict(
                    target=target,
                    chain=chain,
                    default=chain == default,
                    draft=d_all,
                    raw=r_all,
                    p_draft=p_draft,
                    p_raw=p_raw,
                    worse=sorted(worse)[:3],
                    n_worse=len(worse),
                    n_same=sum(
                        plain(d) == plain(r)
                        for d, r in zip(outputs["draft"], outputs["raw"], strict=True)
                    ),
                    seconds=time.perf_counter() - started,
                )
            )
        # route against route, on the drafts
        chains = list(per_route)
        for i, a in enumerate(chains):
            for b in chains[i + 1 :]:
                sa, sb = per_route[a][1]["draft"], per_route[b][1]["draft"]
                result["compare"].append(
                    dict(
                        target=target,
                        a=a,
                        b=b,
                        chrf_a=scorer.score(sa)[0],
                        chrf_b=scorer.score(sb)[0],
                        p_a=paired_bootstrap(scorer, sa, sb, args.bootstrap),
                        p_b=paired_bootstrap(scorer, sb, sa, args.bootstrap),
                    )
                )
        result.setdefault("defaults", {})[target] = default
    default_backend.close()
    result["engines"] = run_ctranslate2(samples, config)
    result["config"] = config
    return result


# --------------------------------------------------------------------------- report


def fmt_terms(terms: tuple[int, int]) -> str:
    return f"{terms[0]}/{terms[1]}" if terms[1] else "—"


def table(result: dict) -> list[str]:
    n = len(result["samples"])
    lines = [
        "| target | route | variant | chrF | BLEU | translated | tags intact | `<code>` intact "
        "| DNT terms kept | emptied elements | chrF, same units (variant / raw) |",
        "|---|---|---|---|---|---|---|---|---|---|---|",
    ]
    for row in result["rows"]:
        route = f"`{row.chain.replace('|', chr(92) + '|')}`" + (" (default)" if row.default else "")
        same = (
            f"{row.same[0]:.1f} / {row.same[1]:.1f} on {row.same[2]}" if row.same else "all units"
        )
        lines.append(
            f"| {row.target} | {route} | {row.variant} | {row.chrf:.1f} | {row.bleu:.1f} "
            f"| {row.translated}/{n} | {row.tags}/{n} | {row.code}/{n} | {fmt_terms(row.terms)} "
            f"| {row.emptied} | {same} |"
        )
    return lines


def best_routes(result: dict) -> dict[str, tuple[str, float]]:
    best: dict[str, tuple[str, float]] = {}
    for row in result["rows"]:
        if row.variant == "draft" and (row.target not in best or row.chrf > best[row.target][1]):
            best[row.target] = (row.chain, row.chrf)
    return best


def apertium_version() -> str:
    try:
        out = subprocess.run(
            ["dpkg-query", "-W", "-f", "${Version}", "apertium"],
            capture_output=True,
            text=True,
            check=False,
        )
        return out.stdout.strip() or "unknown"
    except OSError:
        return "unknown"


def gain_line(result: dict, target: str, chain: str) -> str:
    rows = {r.variant: r for r in result["rows"] if r.target == target and r.chain == chain}
    raw, markup, draft, forced = rows["raw"], rows["markup"], rows["draft"], rows["glossary"]
    return (
        f"chrF {raw.chrf:.1f} raw → {markup.chrf:.1f} markup ({markup.chrf - raw.chrf:+.1f}) → "
        f"{draft.chrf:.1f} draft ({draft.chrf - markup.chrf:+.1f} from the terms; "
        f"{draft.chrf - raw.chrf:+.1f} in all; candidate glossary {forced.chrf:.1f}, "
        f"{forced.chrf - draft.chrf:+.1f}); tags intact {raw.tags} → {draft.tags} of "
        f"{len(result['samples'])}; DNT terms kept {fmt_terms(raw.terms)} → "
        f"{fmt_terms(draft.terms)}"
    )


def report(result: dict, elapsed: float) -> str:
    samples = result["samples"]
    config = result["config"]
    kinds = Counter(s.elements[0] for s in samples)
    kind_text = ", ".join(f"{n} {k}" for k, n in kinds.most_common())
    best = best_routes(result)
    defaults = result["defaults"]
    boot = result["bootstrap"]
    out = [
        "# Translation quality, measured",
        "",
        f"Generated by `make bench-quality` (`.venv/bin/python bench/quality.py`) on "
        f"{datetime.date.today().isoformat()}, Python {platform.python_version()}, "
        f"sacrebleu {sacrebleu.__version__}, apertium {apertium_version()}, in {elapsed:.0f} s.",
        "",
        f"**Sample:** {len(samples)} units from the four Italian articles of `source_articles/` "
        f"({kind_text}; a `title` unit is also the page's `h1`). Reference translations in "
        "`bench/references/{en,fr,es}.json` (msgid → reference) were written by hand from the "
        "Italian, before any engine output was looked at: natural, faithful translations "
        "that keep the msgid's inline tags exactly, not post-edited MT.",
        "",
        "**Scores:** sacrebleu chrF (chrF2, character 6-grams) and BLEU (13a tokenizer), corpus "
        "level, on the text with the tags stripped; no-break spaces and typographic "
        "apostrophes are normalised in outputs and references alike. An output that fails "
        "verification counts as empty (that is what the catalog holds). With "
        f"{len(samples)} units, BLEU is noisy: chrF is the deciding metric, and differences "
        f"are backed by a paired bootstrap over units ({boot} resamples).",
        "",
        "**Variants** (one engine pipeline per route, shared by every variant):",
        "",
    ]
    out += [f"- `{v}`: {VARIANT_HELP[v]}." for v in VARIANTS]
    out += [
        "",
        f"Do-not-translate terms (locpipe.toml): {', '.join(config.do_not_translate) or 'none'}. "
        + (
            "Glossary: " + ", ".join(f"{k}: {len(v)} terms" for k, v in config.glossary.items())
            if config.glossary
            else "Glossary: **none configured in locpipe.toml**, so `draft` has none; the "
            "`glossary` variant measures a candidate glossary (`bench/references/glossary.json`, "
            + ", ".join(f"{k}: {len(v)} terms" for k, v in bench_glossary().items())
            + ") chosen from terms Apertium gets wrong on these articles. It is scored on the "
            "same units it was chosen from, so its gain is an upper bound, not a forecast."
        ),
        "",
        "## Results",
        "",
        *table(result),
        "",
        "`tags intact`: same tags as the msgid, nesting as in the msgid (locpipe's verification "
        "rule). `<code> intact`: every `<code>` span's content unchanged. `DNT terms kept`: "
        "occurrences of do-not-translate terms found unchanged in the output. "
        "`emptied elements`: outputs in which an inline element that has text in the msgid comes "
        "back empty (`<abbr>CI</abbr>` → `<abbr></abbr>`), which verification does not catch. "
        "`same units`: chrF of the variant and of `raw` on only the units the variant translated.",
    ]
    if result["missing"]:
        out += ["", "Not measured (modes not installed):"]
        out += [
            f"- {t}: `{c}` needs {', '.join(m)} (not in /usr/share/apertium/modes)"
            for t, c, m in result["missing"]
        ]
    out += ["", *other_engines(result)]
    out += ["", "## Pivot chain per language", ""]
    for comp in result["compare"]:
        winner = comp["a"] if comp["chrf_a"] >= comp["chrf_b"] else comp["b"]
        conf = comp["p_a"] if winner == comp["a"] else comp["p_b"]
        out.append(
            f"- **{comp['target']}**: `{comp['a']}` {comp['chrf_a']:.1f} vs "
            f"`{comp['b']}` {comp['chrf_b']:.1f} chrF (drafts): `{winner}` is better in "
            f"{conf:.0%} of the bootstrap resamples."
        )
    for target in ROUTES:
        if target not in best:
            continue
        chain, chrf = best[target]
        verdict = "confirms" if chain == defaults[target] else "**contradicts**"
        out.append(
            f"- **{target} → `{chain}`** (best draft chrF {chrf:.1f}); locpipe's default is "
            f"`{defaults[target]}`: the measurement {verdict} it."
        )
    out += ["", "## What protection gains (drafts never worse than the raw engine?)", ""]
    for check in result["checks"]:
        target, chain = check["target"], check["chain"]
        ok = check["draft"] >= check["raw"]
        verdict = "**yes**" if ok else "**NO**"
        line = (
            f"- **{target}** `{chain}`{' (default)' if check['default'] else ''}: "
            f"{gain_line(result, target, chain)}. Draft ≥ raw on the corpus: {verdict} "
            f"(draft better in {check['p_draft']:.0%} of resamples, raw better in "
            f"{check['p_raw']:.0%}, the rest ties); units where the draft scores lower "
            f"than raw: {check['n_worse']} of {len(samples)} (same text as raw: {check['n_same']})."
        )
        if check["n_same"] == len(samples):
            line += (
                " Protection changes no word of the text on this route: its whole gain is the tags."
            )
        out.append(line)
    lost = [
        (target, chain, sample.msgid, outputs["draft"][i])
        for (target, chain), outputs in result["outputs"].items()
        if chain == defaults[target]
        for i, sample in enumerate(samples)
        if emptied(sample.msgid, outputs["draft"][i])
    ]
    if lost:
        out += ["", "Drafts that pass verification but lose an inline element's text:", ""]
        out += [f"- {t} `{c}`: `…{around(m)}…` → `…{around(d or '')}…`" for t, c, m, d in lost]
    worst = [
        (c["target"], c["chain"], w)
        for c in result["checks"]
        if c["default"]
        for w in c["worse"][:2]
    ]
    if worst:
        out += [
            "",
            "Largest unit-level losses of the draft against raw (default routes; sentence chrF):",
            "",
        ]
        for target, chain, (delta, msgid, raw, draft) in worst:
            out += [
                f"- {target} `{chain}` ({delta:+.1f}): `{msgid[:90]}`",
                f"  - raw: {raw[:160]}",
                f"  - draft: {draft[:160]}",
            ]
    out += [
        "",
        "## Reproduce",
        "",
        "```",
        "make bench-quality                  # .venv/bin/python bench/quality.py",
        ".venv/bin/python bench/quality.py --details --no-write   # every output, no file",
        "```",
        "",
        "Needs the Debian packages apertium, apertium-spa-ita, apertium-cat-ita, "
        "apertium-eng-spa, apertium-eng-cat, apertium-fra-cat and apertium-fr-es "
        "(`make setup` installs them), and sacrebleu in the venv. Routes are forced with "
        'the backend\'s own override (`options={"chains": {target: chain}}`), the same as '
        "`[apertium] chains` in locpipe.toml. No cache, no translation memory: every unit "
        "goes to the engine. To add units, add the same msgid (exactly as `locpipe extract` "
        "writes it, tags included) to all three reference files; the script refuses a msgid "
        "that is no longer in `source_articles/` or a reference whose tags differ from the "
        "msgid's.",
        "",
    ]
    return "\n".join(out)


def print_details(result: dict) -> None:
    for (target, chain), outputs in result["outputs"].items():
        print(f"\n===== {target} {chain}")
        for i, sample in enumerate(result["samples"]):
            print(f"\n[{i}] {sample.msgid}")
            print(f"  ref:    {sample.refs[target]}")
            for variant in VARIANTS:
                print(f"  {variant:7} {outputs[variant][i]}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--out", type=Path, default=Path(__file__).resolve().parent / "QUALITY.md")
    parser.add_argument("--no-write", action="store_true", help="print only")
    parser.add_argument("--details", action="store_true", help="print every output")
    parser.add_argument("--bootstrap", type=int, default=1000, help="paired bootstrap resamples")
    args = parser.parse_args(argv)
    started = time.perf_counter()
    result = measure(args)
    result["bootstrap"] = args.bootstrap
    if args.details:
        print_details(result)
    text = report(result, time.perf_counter() - started)
    print(text)
    if not args.no_write:
        args.out.write_text(text, encoding="utf-8")
        shown = args.out.relative_to(ROOT) if args.out.is_relative_to(ROOT) else args.out
        print(f"written: {shown}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
