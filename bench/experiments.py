"""Measured evidence for the performance fixes proposed in bench/ANALYSIS.md.

Not part of ``make bench``.  Run after a bench run (it reads the catalogs the
update case wrote under ``bench/.work/update/``)::

    .venv/bin/python bench/experiments.py

Each fix is applied by monkeypatching locpipe in this process only; the
output is checked to be identical to the unpatched code's.
"""

from __future__ import annotations

import bisect
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path

from locpipe import catalog, merge, po_format, po_parse

sys.path.insert(0, str(Path(__file__).resolve().parent))
WORK = Path(__file__).resolve().parent / ".work" / "update"


def timed(func: Callable[[], object], repeat: int = 3) -> tuple[float, object]:
    """Median seconds of ``repeat`` calls, and the last result."""
    times, result = [], None
    for _ in range(repeat):
        start = time.perf_counter()
        result = func()
        times.append(time.perf_counter() - start)
    return statistics.median(times), result


# -- fix 1: po_parse._unquote fast path ------------------------------------------------
_orig_unquote = po_parse._unquote


def fast_unquote(token: str, path, line: int) -> str:
    """No backslash and no inner quote: the body is the value (else the full decoder)."""
    stripped = token.strip(po_parse._WS)
    body = stripped[1:-1]
    if (
        len(stripped) >= 2
        and stripped[0] == '"'
        and stripped[-1] == '"'
        and "\\" not in body
        and '"' not in body
    ):
        return body
    return _orig_unquote(token, path, line)


# -- fix 2: po_format._wrap fast path ---------------------------------------------------
_orig_wrap = po_format._wrap


def fast_wrap(out, prefix, name, value, no_break, do_wrap=True) -> None:
    """A printable ASCII value that fits on the first line needs no line breaking."""
    if value.isascii() and value.isprintable():
        text = value.replace("\\", "\\\\").replace('"', '\\"')
        after_break = len(prefix) + 1
        width = (po_format.PAGE_WIDTH if do_wrap else 2**31 - 1) - 1 - after_break
        if len(name) + 1 + len(text) <= width:
            out.append(f'{prefix}{name} "{text}"\n')
            return
    _orig_wrap(out, prefix, name, value, no_break, do_wrap)


# -- fix 3: merge._FuzzyIndex window by bisection -----------------------------------
_orig_window = merge._FuzzyIndex._window


def fast_window(self, text: str, pool: list[int]) -> list[int]:
    """The short-candidate pool sorted by length once; the window is two bisections."""
    if pool is not self.wordless:
        return _orig_window(self, text, pool)
    if not hasattr(self, "_by_length"):
        self._by_length = sorted((len(self.texts[i]), i) for i in self.wordless)
        self._lengths = [n for n, _ in self._by_length]
    n = len(text)
    low = n * merge.FUZZY_CUTOFF / (200 - merge.FUZZY_CUTOFF)
    high = n * (200 - merge.FUZZY_CUTOFF) / merge.FUZZY_CUTOFF
    a = bisect.bisect_left(self._lengths, low)
    b = bisect.bisect_right(self._lengths, high)
    return sorted(i for _, i in self._by_length[a:b])


def translate_concurrency(limit: int = 1500) -> None:
    """Fix 4: translate the target languages concurrently (one thread per pipeline)."""
    import json
    from concurrent.futures import ThreadPoolExecutor

    from locpipe.mt import get_backend

    texts_path = WORK.parent / "translate" / "texts.json"
    if not texts_path.exists():
        print("translate: run the bench first")
        return
    texts = json.loads(texts_path.read_text(encoding="utf-8"))[:limit]

    def one(backend, target: str) -> None:
        for start in range(0, len(texts), 200):
            backend.translate(texts[start : start + 200], "it", target)

    for mode in ("sequential", "concurrent"):
        with get_backend("apertium") as backend:
            for target in ("es", "fr"):  # start both pipelines before timing
                backend.translate(texts[:1], "it", target)
            start = time.perf_counter()
            if mode == "sequential":
                for target in ("es", "fr"):
                    one(backend, target)
            else:
                with ThreadPoolExecutor(2) as pool:
                    list(pool.map(lambda t, b=backend: one(b, t), ("es", "fr")))
            print(f"translate es+fr {mode}: {time.perf_counter() - start:.2f} s")


def word_rule(min_words: int = 3, floor: float = 75.0) -> None:
    """Fix 5 (correctness): accept an old entry one *word* away, on the real-catalog input.

    Rule: if the new msgid has >= ``min_words`` words and old translated
    entries are at word-level Levenshtein distance <= 1 (same length ±1), take
    the one with the best character ratio when it is the only one or scores
    >= ``floor``; otherwise fall back to the character ratio >= 80 over all
    candidates (no pruning).  Brute force here; see ANALYSIS.md for an index.
    """
    import re

    from locbench.edits import apply_edits
    from locbench.peers import ensure_peers
    from locbench.real import real_catalog
    from rapidfuzz import fuzz, process
    from rapidfuzz.distance import Levenshtein

    real = real_catalog(ensure_peers())
    truth = apply_edits(list(real), header=real)
    old = [e for e in truth.old if e.msgstr]
    texts = [e.msgid for e in old]
    words_re = re.compile(r"\w+|[^\w\s]")
    old_words = [words_re.findall(t.lower()) for t in texts]
    old_keys = {(e.msgctxt or None, e.msgid) for e in truth.old}

    def find(msgid: str):
        words = words_re.findall(msgid.lower())
        if len(words) >= min_words:
            hits = [
                i
                for i, other in enumerate(old_words)
                if abs(len(other) - len(words)) <= 1
                and Levenshtein.distance(words, other, score_cutoff=1) <= 1
            ]
            if hits:
                best = max(hits, key=lambda i: fuzz.ratio(msgid, texts[i]))
                if len(hits) == 1 or fuzz.ratio(msgid, texts[best]) >= floor:
                    return old[best]
        found = process.extractOne(msgid, texts, scorer=fuzz.ratio, score_cutoff=80)
        return old[found[2]] if found else None

    right = wrong = added = 0
    for entry in truth.template:
        key = (entry.msgctxt or None, entry.msgid)
        if key in old_keys:
            continue
        source = find(entry.msgid)
        if key in truth.edited and source is not None:
            if source.msgstr == truth.edited[key].msgstr:
                right += 1
            else:
                wrong += 1
        elif key in truth.added and source is not None:
            added += 1
    print(
        f"word rule on real catalogs: {right} right, {wrong} wrong "
        f"({100 * right / max(1, right + wrong):.1f}%) of {len(truth.edited)} edited; "
        f"{added} of {len(truth.added)} new entries matched"
    )


def main() -> None:
    for name in ("real", "gen8000"):
        folder = WORK / name
        old_path, pot_path = folder / "old.po", folder / "new.pot"
        if not old_path.exists():
            print(f"{name}: run the bench first")
            continue
        print(f"== {name}")
        t_parse, (old, pot) = timed(
            lambda o=old_path, p=pot_path: (catalog.read_catalog(o), catalog.read_catalog(p))
        )
        po_parse._unquote = fast_unquote
        t_parse_fast, (old2, _) = timed(
            lambda o=old_path, p=pot_path: (catalog.read_catalog(o), catalog.read_catalog(p))
        )
        po_parse._unquote = _orig_unquote
        same = catalog.format_catalog(old) == catalog.format_catalog(old2)
        print(f"parse old+template: {t_parse:.3f} s -> {t_parse_fast:.3f} s (same result: {same})")

        t_merge, merged = timed(lambda o=old, p=pot: merge.merge(o, p, "fr"))
        merge._FuzzyIndex._window = fast_window
        t_merge_fast, merged2 = timed(lambda o=old, p=pot: merge.merge(o, p, "fr"))
        merge._FuzzyIndex._window = _orig_window
        text = catalog.format_catalog(merged)
        same = text == catalog.format_catalog(merged2)
        print(f"merge: {t_merge:.3f} s -> {t_merge_fast:.3f} s (same result: {same})")

        t_format, _ = timed(lambda m=merged: catalog.format_catalog(m))
        po_format._wrap = fast_wrap
        t_format_fast, text2 = timed(lambda m=merged: catalog.format_catalog(m))
        po_format._wrap = _orig_wrap
        print(f"format: {t_format:.3f} s -> {t_format_fast:.3f} s (same bytes: {text == text2})")
    word_rule()
    translate_concurrency()


if __name__ == "__main__":
    main()
