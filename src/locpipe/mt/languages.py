"""Language codes: Babel/POSIX codes (``it``, ``pt_BR``) and Apertium's.

locpipe speaks Babel/POSIX codes everywhere.  Apertium mode names use either
ISO 639-3 codes (``ita-cat``, ``cat-eng_US``) or, for older pairs, ISO 639-1
codes (``fr-es``, ``es-fr``); a ``_suffix`` on the target names a variant
(``_US``, ``_BR``, ``_valencia``, ``_pre2017``).  Here both are reduced to one
ISO 639-3 code plus an optional variant so that routes can be computed.
"""

from __future__ import annotations

import re
from typing import NamedTuple

#: ISO 639-1 → the ISO 639-3 code Apertium uses.
ISO1_TO_3: dict[str, str] = {
    "af": "afr",
    "an": "arg",
    "be": "bel",
    "bg": "bul",
    "br": "bre",
    "ca": "cat",
    "da": "dan",
    "de": "deu",
    "en": "eng",
    "eo": "epo",
    "es": "spa",
    "eu": "eus",
    "fr": "fra",
    "gl": "glg",
    "hi": "hin",
    "id": "ind",
    "is": "isl",
    "it": "ita",
    "mk": "mkd",
    "ms": "zlm",
    "nb": "nob",
    "nl": "nld",
    "nn": "nno",
    "no": "nor",
    "oc": "oci",
    "pl": "pol",
    "pt": "por",
    "ro": "ron",
    "ru": "rus",
    "sc": "srd",
    "sh": "hbs",
    "sl": "slv",
    "sv": "swe",
    "uk": "ukr",
    "ur": "urd",
}

#: Other spellings of ISO 639-3 codes seen in mode or package names.
_ALIASES: dict[str, str] = {"fre": "fra", "ger": "deu", "rum": "ron", "baq": "eus"}

_LOCALE_RE = re.compile(r"^([A-Za-z]{2,3})(?:[_-]([A-Za-z0-9]+))?(?:[.@].*)?$")


class Lang(NamedTuple):
    """A language as Apertium routes it: ISO 639-3 code plus optional variant."""

    code: str  # "ita", "por"
    variant: str | None = None  # "BR", "US", "valencia"


def normalize_code(code: str) -> str:
    """ISO 639-3 code for a 2- or 3-letter code (``es`` → ``spa``)."""
    code = code.lower()
    code = ISO1_TO_3.get(code, code)
    return _ALIASES.get(code, code)


def from_babel(locale: str) -> Lang:
    """``"pt_BR"`` → ``Lang("por", "BR")``; ``"it"`` → ``Lang("ita")``."""
    match = _LOCALE_RE.match(locale.strip())
    if not match:
        raise ValueError(f"not a language code: {locale!r}")
    return Lang(normalize_code(match.group(1)), match.group(2))


def parse_mode(name: str) -> tuple[Lang, Lang] | None:
    """``"cat-eng_US"`` → ``(Lang("cat"), Lang("eng", "US"))``; None for odd names.

    Names with more than one ``-`` (``eco-es-fr``) are not translation modes
    between two languages and give None.
    """
    parts = name.split("-")
    if len(parts) != 2:
        return None
    langs = []
    for part in parts:
        code, _, variant = part.partition("_")
        if not re.fullmatch(r"[a-z]{2,3}", code):
            return None
        langs.append(Lang(normalize_code(code), variant or None))
    return langs[0], langs[1]
