"""Splicing edits into a source text: what every format's ``reassemble`` shares."""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Callable, Mapping

from locpipe.units import Placeholder

#: ``splice(a, b)``: the source text from ``a`` to ``b`` with the edits inside it.
Splice = Callable[[int, int], str]


def splicer(text: str, edits: Mapping[int, tuple[int, str]]) -> Splice:
    """``splice(a, b)``: ``text[a:b]`` with the edits (start → (end, new text)) that
    lie wholly inside it; an edit overlapping an earlier one is left out."""
    starts = sorted(edits)

    def splice(a: int, b: int) -> str:
        out, pos = [], a
        for s in starts[bisect_right(starts, a - 1) :]:
            e, value = edits[s]
            if e > b:
                break
            if s >= pos:
                out.append(text[pos:s])
                out.append(value)
                pos = e
        out.append(text[pos:b])
        return "".join(out)

    return splice


def placeholder_markup(text: str, splice: Splice) -> Callable[[Placeholder, str], str]:
    """``markup(ph, which)``: the source markup of a placeholder's "open", "void" or
    "close" part (the opening part with the edits inside it, e.g. a translated alt)."""

    def markup(ph: Placeholder, which: str) -> str:
        if which == "close":
            return text[ph.close_start : ph.close_end]
        return splice(ph.start, ph.end)

    return markup
