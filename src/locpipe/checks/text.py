"""What the checks find in a text: placeholders, URLs, e-mails, numbers, code spans, terms.

Shared by the check families; pure functions over compact msgid text
(:mod:`locpipe.units`).
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable

from locpipe.units import VERBATIM_ELEMENTS, plain_text

PLACEHOLDER_RE = re.compile(
    r"%\([^)\s]+\)[-#0 +]*\d*(?:\.\d+)?[diouxXeEfFgGcrsa]|%[sd]|\{[A-Za-z_][\w.]*\}"
)
URL_RE = re.compile(r"\b(?:https?|ftp)://[^\s<>\"']+|\bwww\.[^\s<>\"']+", re.I)
EMAIL_RE = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
_URL_TRAIL = ".,;:!?)]}»”’'\""
_NUMBER_RE = re.compile(r"\d+(?:[.,\u00a0\u202f' ]\d+)*")
#: A span of code (``<code>``, ``<kbd>``…, numbered or not) with its content.
CODE_RE = re.compile(rf"<({'|'.join(VERBATIM_ELEMENTS)})(\d*)>.*?</\1\2>")
#: A code-like token: letters and digits joined by ``:``, ``=``, ``/``, ``_`` or ``.``
#: (``alpine:3.20``, ``v=spf1``, ``_spf.example.com``, ``max_tokens``).
CODE_TOKEN_RE = re.compile(r"(?<![\w.:/=-])\w+(?:[:=/_.]\w+)+(?![\w:/=])")


def placeholders_in(text: str) -> list[str]:
    """The format placeholders of a string: ``%(name)s``, ``{name}``, ``%s``."""
    return PLACEHOLDER_RE.findall(text)


def urls_in(text: str) -> list[str]:
    return [m.group().rstrip(_URL_TRAIL) for m in URL_RE.finditer(plain_text(text))]


def emails_in(text: str) -> list[str]:
    return EMAIL_RE.findall(URL_RE.sub(" ", plain_text(text)))


def numbers_in(text: str) -> list[str]:
    """Numbers of the visible text, digits only (``1.000`` = ``1,000`` = ``1 000``)."""
    visible = EMAIL_RE.sub(" ", URL_RE.sub(" ", plain_text(text)))
    visible = PLACEHOLDER_RE.sub(" ", visible)
    return [re.sub(r"\D", "", m.group()) for m in _NUMBER_RE.finditer(visible)]


def visible_prose(text: str) -> str:
    """The visible text without code, URLs, e-mail addresses and placeholders."""
    rest = plain_text(CODE_RE.sub(" ", text))
    return URL_RE.sub(" ", EMAIL_RE.sub(" ", PLACEHOLDER_RE.sub(" ", rest)))


def term_re(term: str, ignore_case: bool = False) -> re.Pattern[str]:
    """``term`` as a whole word (or words)."""
    flags = re.I if ignore_case else 0
    return re.compile(rf"(?<!\w){re.escape(term)}(?!\w)", flags)


def show(items: Iterable[str]) -> str:
    return " ".join(items) or "none"


def differ(what: str, source: list[str], target: list[str]) -> list[str]:
    """``[what] differ: missing …, extra …`` when the two lists differ as multisets."""
    if Counter(source) == Counter(target):
        return []
    missing = list((Counter(source) - Counter(target)).elements())
    extra = list((Counter(target) - Counter(source)).elements())
    detail = []
    if missing:
        detail.append(f"missing {show(missing)}")
    if extra:
        detail.append(f"extra {show(extra)}")
    return [f"{what} differ: {', '.join(detail)}"]
