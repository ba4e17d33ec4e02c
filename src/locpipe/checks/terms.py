"""Term checks: do-not-translate terms, the glossary, acronyms."""

from __future__ import annotations

import re

from locpipe.checks.base import ERROR, WARNING, QAContext, check
from locpipe.checks.text import term_re, visible_prose
from locpipe.units import plain_text

#: How many letters an inflected form may add to a glossary word ("résolveur" → "résolveurs").
_INFLECTION = 3
#: An acronym: two or more capitals (digits may follow: MP3, IPv6 has a lower-case letter).
_ACRONYM_RE = re.compile(r"(?<![\w&])[A-Z][A-Z0-9]{1,}(?![\w&])")
#: Words in capitals that languages do translate ("OK" → "Aceptar").
_NOT_ACRONYMS = {"OK"}
_ROMAN_RE = re.compile(r"[IVXLCDM]+")


def _inflected_re(term: str) -> re.Pattern[str]:
    """A term, each of its words allowed a short inflection ("résolveur" matches "résolveurs")."""
    words = [rf"{re.escape(word)}\w{{0,{_INFLECTION}}}" for word in term.split()]
    joined = r"\s+".join(words)
    return re.compile(rf"(?<!\w){joined}(?!\w)", re.I)


@check("dnt", ERROR, "a do_not_translate term of the source is missing")
def dnt(source: str, target: str, ctx: QAContext) -> list[str]:
    src, tgt = plain_text(source), plain_text(target)
    missing = [
        term
        for term in ctx.do_not_translate
        if term_re(term).search(src) and not term_re(term).search(tgt)
    ]
    return [f"do-not-translate term missing: {', '.join(missing)}"] if missing else []


@check("glossary", WARNING, "a glossary term's required translation is not used")
def glossary(source: str, target: str, ctx: QAContext) -> list[str]:
    src, tgt = plain_text(source), plain_text(target)
    missing = [
        f"{term} → {forced}"
        for term, forced in ctx.glossary.items()
        if _inflected_re(term).search(src) and not _inflected_re(forced).search(tgt)
    ]
    return [f"glossary translation not used: {'; '.join(missing)}"] if missing else []


@check("acronyms", WARNING, "an acronym of the source (OCI, DNS) is missing")
def acronyms(source: str, target: str, ctx: QAContext) -> list[str]:
    src, tgt = visible_prose(source), visible_prose(target)
    missing = [
        word
        for word in dict.fromkeys(_ACRONYM_RE.findall(src))
        if word not in _NOT_ACRONYMS
        and not _ROMAN_RE.fullmatch(word)
        and not re.search(rf"\d[\s\u00a0\u202f]?{word}\b", src)  # a unit: 1 GB is 1 Go
        and word not in ctx.glossary
        and not term_re(word).search(tgt)
    ]
    return [f"acronym not kept: {', '.join(missing)}"] if missing else []
