"""Code checks: text that is code in the source stays as it is."""

from __future__ import annotations

from collections import Counter

from locpipe.checks.base import ERROR, WARNING, QAContext, check
from locpipe.checks.text import CODE_RE, CODE_TOKEN_RE, URL_RE, show, term_re
from locpipe.units import plain_text


@check("code", ERROR, "text that is code in the source (<code>, <kbd>…) changed")
def code(source: str, target: str, ctx: QAContext) -> list[str]:
    """Text that was verbatim in the source (a ``<code>``/``<kbd>``/``<samp>``/
    ``<var>``/``<abbr>`` span, or the whole unit when it fills one) changed."""
    if ctx.verbatim:
        if target.strip() != source.strip():
            return [f"the unit is code ({source[:60]!r}): its translation must be the source"]
        return []
    spans = Counter(m.group() for m in CODE_RE.finditer(source))
    changed = spans - Counter(m.group() for m in CODE_RE.finditer(target))
    return [f"verbatim text changed: {show(list(changed.elements()))}"] if changed else []


@check("code-case", WARNING, "code-like text (alpine:3.20, v=spf1) changed its letter case")
def code_case(source: str, target: str, ctx: QAContext) -> list[str]:
    src, tgt = plain_text(URL_RE.sub(" ", source)), plain_text(URL_RE.sub(" ", target))
    changed = []
    for token in dict.fromkeys(CODE_TOKEN_RE.findall(src)):
        if not any(c.isalpha() for c in token) or term_re(token).search(tgt):
            continue
        other = term_re(token, ignore_case=True).search(tgt)
        if other:
            changed.append(f"{token} → {other.group()}")
    return [f"code-like text changed case: {', '.join(changed)}"] if changed else []
