"""The ``unchanged`` check: a translation identical to a source that has words to translate."""

from __future__ import annotations

import re

from locpipe.checks.base import WARNING, QAContext, check
from locpipe.checks.text import CODE_RE, CODE_TOKEN_RE, EMAIL_RE, PLACEHOLDER_RE, URL_RE, term_re
from locpipe.mt.protect import is_code_word
from locpipe.units import has_letter, plain_text

_CITE_RE = re.compile(r"<cite\d*>")


@check("unchanged", WARNING, "the translation is identical to the source")
def unchanged(source: str, target: str, ctx: QAContext) -> list[str]:
    if source != target or ctx.verbatim or _CITE_RE.search(source):
        return []  # code is its own translation; a citation keeps the cited work's title
    rest = plain_text(CODE_RE.sub(" ", source))  # code, commands, file names stay as they are
    rest = URL_RE.sub(" ", EMAIL_RE.sub(" ", PLACEHOLDER_RE.sub(" ", rest)))
    for term in ctx.do_not_translate:
        rest = term_re(term).sub(" ", rest)
    words = [word for word in rest.split() if not is_code_word(word)]
    if not any(has_letter(word) for word in words) or _is_a_name(" ".join(words)):
        return []  # only names, numbers, addresses, paths, options, identifiers
    return ["translation is identical to the source"]


def _is_a_name(text: str) -> bool:
    """A proper name or a term kept in its own language ("Domain Name System", "Time To
    Live"), an identifier (``debian:12``, ``distroless/static``) or a code of three
    letters or fewer (``pct``, ``rua``): text that stays as it is in any language."""
    words = text.split()
    if len(words) == 1 and (CODE_TOKEN_RE.fullmatch(words[0]) or len(words[0]) <= 3):
        return True
    if len(words) < 2:
        return False
    capitalized = [w for w in words if w[:1].isupper()]
    small = [w for w in words if w[:1].islower() and len(w) <= 3]
    return len(capitalized) >= 2 and len(capitalized) + len(small) == len(words)
