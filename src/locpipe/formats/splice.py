"""Splicing edits into a source text: what every format's ``reassemble`` shares."""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Callable, Mapping, Sequence

from locpipe.units import Placeholder, Unit

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


#: ``markup(ph, which)``: the source markup of part of a placeholder.
Markup = Callable[[Placeholder, str], str]


def placeholder_markup(text: str, splice: Splice) -> Markup:
    """``markup(ph, which)``: the source markup of a placeholder's "open", "void" or
    "close" part (the opening part with the edits inside it, e.g. a translated alt)."""

    def markup(ph: Placeholder, which: str) -> str:
        if which == "close":
            return text[ph.close_start : ph.close_end]
        return splice(ph.start, ph.end)

    return markup


def splice_translations(
    text: str,
    span: tuple[int, int],
    units: Sequence[Unit],
    translate: Callable[[Unit], str | None],
    render: Callable[[Unit, str, Markup], str | None],
    inner: Mapping[int, tuple[int, str]],
    rejected: list[Unit] | None,
) -> str:
    """``text[span]`` with the translation of each unit that is not an attribute
    (``render(unit, translation, markup)``, None: unusable, the unit goes to
    ``rejected``) and the ``inner`` edits (attributes, alt texts) that no
    translated unit covers."""
    lo, hi = span
    markup = placeholder_markup(text, splicer(text, inner))
    edits: list[tuple[int, int, str]] = []
    for unit in units:
        if unit.is_attribute:
            continue
        target = translate(unit)
        if target is None or target == unit.msgid:
            continue
        rendered = render(unit, target, markup)
        if rendered is None:
            if rejected is not None:
                rejected.append(unit)
            continue
        edits.append((unit.start, unit.end, rendered))
    covered = [(s, e) for s, e, _ in edits]
    for s, (e, value) in inner.items():
        if lo <= s and not any(a <= s and e <= b for a, b in covered):
            edits.append((s, e, value))
    edits.sort()
    out, pos = [], lo
    for s, e, value in edits:
        out.append(text[pos:s])
        out.append(value)
        pos = e
    out.append(text[pos:hi])
    return "".join(out)
