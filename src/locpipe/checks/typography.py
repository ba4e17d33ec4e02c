"""Typography checks: whitespace, final punctuation, doubled spaces and words,
French spacing, and the length of UI strings."""

from __future__ import annotations

import re

from locpipe.checks.base import WARNING, QAContext, check
from locpipe.checks.text import visible_prose
from locpipe.units import plain_text

#: Short UI strings may grow by this many characters whatever the ratio ("OK" → "Aceptar").
UI_LENGTH_SLACK = 8

_DOUBLE_WORD_RE = re.compile(r"(?<!\w)([^\W\d_]+)\s+\1(?!\w)", re.I)
_DOUBLE_WORD_OK = {"nous", "vous", "that", "had", "is", "la"}
_SPACES = " \t\n\r\u00a0\u202f\u2009"
_CLOSERS = ")]}»”’\"'›"
_END_PUNCT = {
    ".": ".",
    "。": ".",
    "．": ".",
    "…": "…",
    "!": "!",
    "！": "!",
    "?": "?",
    "？": "?",
    ":": ":",
    "：": ":",
    ";": ";",
    "；": ";",
}
#: Before these French puts a no-break space (U+00A0, or the narrow U+202F); after «.
_FR_BEFORE = ";:!?»"
_NBSP = "\u00a0\u202f"


def _final_punctuation(text: str) -> str:
    visible = plain_text(text).rstrip(_SPACES).rstrip(_CLOSERS).rstrip(_SPACES)
    if visible.endswith("..."):
        return "…"
    return _END_PUNCT.get(visible[-1:], "") if visible else ""


@check("whitespace", WARNING, "leading or trailing whitespace differs")
def whitespace(source: str, target: str, ctx: QAContext) -> list[str]:
    found = []
    lead_s = source[: len(source) - len(source.lstrip())]
    lead_t = target[: len(target) - len(target.lstrip())]
    if lead_s != lead_t:
        found.append(f"leading whitespace differs: {lead_s!r} vs {lead_t!r}")
    trail_s = source[len(source.rstrip()) :]
    trail_t = target[len(target.rstrip()) :]
    if trail_s != trail_t:
        found.append(f"trailing whitespace differs: {trail_s!r} vs {trail_t!r}")
    return found


@check("punctuation", WARNING, "final punctuation differs")
def punctuation(source: str, target: str, ctx: QAContext) -> list[str]:
    end_s, end_t = _final_punctuation(source), _final_punctuation(target)
    if end_s == end_t:
        return []
    return [f"final punctuation differs: {end_s or 'none'!r} vs {end_t or 'none'!r}"]


@check("doublespace", WARNING, "doubled space in the translation")
def doublespace(source: str, target: str, ctx: QAContext) -> list[str]:
    if "  " in target.strip() and "  " not in source.strip():
        return ["doubled space in the translation"]
    return []


@check("doublewords", WARNING, "a word is repeated (the the)")
def doublewords(source: str, target: str, ctx: QAContext) -> list[str]:
    in_source = {m.group(1).lower() for m in _DOUBLE_WORD_RE.finditer(plain_text(source))}
    words = [
        m.group(1)
        for m in _DOUBLE_WORD_RE.finditer(plain_text(target))
        if m.group(1).lower() not in in_source and m.group(1).lower() not in _DOUBLE_WORD_OK
    ]
    return [f"doubled word: {', '.join(f'{w} {w}' for w in words)}"] if words else []


@check("length", WARNING, "a UI string is much longer than its source")
def length(source: str, target: str, ctx: QAContext) -> list[str]:
    if not ctx.is_ui:
        return []
    s, t = len(plain_text(source).strip()), len(plain_text(target).strip())
    if t > max(s * ctx.ui_length_ratio, s + UI_LENGTH_SLACK):
        return [
            f"{t} characters for a {s}-character source (more than {ctx.ui_length_ratio:g}×): "
            "it may overflow the layout"
        ]
    return []


@check("french-spacing", WARNING, "French: no no-break space before ; : ! ? » or after «")
def french_spacing(source: str, target: str, ctx: QAContext) -> list[str]:
    if not ctx.french_spacing:
        return []
    text = visible_prose(target)
    wrong: list[str] = []
    for match in re.finditer(rf"(.)([{re.escape(_FR_BEFORE)}])(?=\s|$|[)\]»])", text, re.S):
        before, mark = match.groups()
        if before not in _NBSP and not (mark in "!?" and before in "!?"):
            wrong.append(f"before {mark!r}")
    for match in re.finditer(r"«(.)", text, re.S):
        if match.group(1) not in _NBSP:
            wrong.append("after '«'")
    if not wrong:
        return []
    unique = ", ".join(dict.fromkeys(wrong))
    return [f"French puts a no-break space (U+00A0 or U+202F) {unique}"]
