"""PO flags (``#,`` lines): how gettext splits them, which ones it knows."""

from __future__ import annotations

import re
from collections.abc import Iterable
from functools import lru_cache

#: Format flags in gettext 0.21's order.  Flags gettext does not know (Weblate's
#: ``ignore-same``, ``max-length:80``…) are kept after them: see :func:`extra_flags`.
FORMATS = (
    "c", "objc", "sh", "python", "python-brace", "lisp", "elisp", "librep", "scheme",
    "smalltalk", "java", "csharp", "awk", "object-pascal", "ycp", "tcl", "perl",
    "perl-brace", "php", "gcc-internal", "gfc-internal", "qt", "qt-plural", "kde",
    "kde-kuit", "boost", "lua", "javascript",
)  # fmt: skip


def format_flags(flags: Iterable[str]) -> tuple[dict[str, str], bool, str | None]:
    """Known format flags (format -> 'yes'/'no'), no-wrap, range."""
    formats: dict[str, str] = {}
    no_wrap = False
    rng = None
    for flag in flags:
        flag = flag.strip()
        if flag == "no-wrap":
            no_wrap = True
        elif flag == "wrap":
            no_wrap = False
        elif flag.startswith("range:"):
            rng = flag[6:].strip()
        elif flag.endswith("-format"):
            base = flag[: -len("-format")]
            value = "yes"
            if base.startswith("no-"):
                base, value = base[3:], "no"
            elif base.startswith("possible-"):
                base = base[9:]
            elif base.startswith("impossible-"):
                base, value = base[11:], "no"
            if base in FORMATS:
                formats[base] = value
    return formats, no_wrap, rng


_FLAG_SEPARATORS = ", \t\r\f\v"
_FLAG_SPLIT_RE = re.compile(r"[, \t\r\f\v]+")


def split_flags(text: str) -> list[str]:
    """The flags of a ``#,`` line, split as GNU gettext splits them.

    Flags are separated by commas and whitespace (``po_parse_comment_special``);
    ``range:`` takes the token after it (``range: 0..5``).  A double-quoted
    part (Weblate's ``placeholders:"%(a)s, %(b)s"``, with ``\\"`` escapes)
    belongs to its flag whatever it holds; gettext's own flags never quote.
    A quote left open makes the rest of the line no flag at all (gettext
    knows no such flag either), so what locpipe writes reads back the same.
    """
    if '"' not in text:  # the common case: no quoted value
        return _with_ranges([t for t in _FLAG_SPLIT_RE.split(text) if t])
    tokens: list[str] = []
    i, n = 0, len(text)
    while i < n:
        while i < n and text[i] in _FLAG_SEPARATORS:
            i += 1
        start = i
        while i < n and text[i] not in _FLAG_SEPARATORS:
            if text[i] == '"':  # to the closing quote
                i += 1
                while i < n and text[i] != '"':
                    i += 2 if text[i] == "\\" else 1
                if i >= n:
                    return _with_ranges(tokens)
            i += 1
        if i > start:
            tokens.append(text[start:i])
    return _with_ranges(tokens)


def _with_ranges(tokens: list[str]) -> list[str]:
    """``range:`` and the token after it as one flag (``range: 0..5``)."""
    flags: list[str] = []
    for token in tokens:
        if flags and flags[-1] == "range:":
            flags[-1] = f"range: {token}"
        else:
            flags.append(token)
    return flags


@lru_cache(maxsize=1024)  # a catalog repeats a few flags thousands of times
def _gettext_flag(flag: str) -> bool:
    """Whether GNU gettext 0.21 reads ``flag`` (fuzzy, a known format, range, wrap)."""
    if flag in ("fuzzy", "wrap", "no-wrap") or flag.startswith("range:"):
        return True
    if not flag.endswith("-format"):
        return False
    base = flag[: -len("-format")]
    for prefix in ("no-", "possible-", "impossible-"):
        if base.startswith(prefix):
            base = base[len(prefix) :]
            break
    return base in FORMATS


def extra_flags(flags: Iterable[str]) -> list[str]:
    """The flags gettext does not know, in order, each once: what Weblate and
    translators write (``ignore-same``, ``read-only``, ``max-length:80``,
    ``placeholders:…``, ``locpipe-ignore:numbers``).

    GNU msgcat and msgmerge drop them; locpipe keeps them (written after
    gettext's flags), so a flag set in Weblate survives ``update`` and ``merge``.
    """
    if not flags:
        return []
    seen: dict[str, None] = {}
    for flag in flags:
        flag = flag.strip()
        if flag and not _gettext_flag(flag):
            seen.setdefault(flag, None)
    return list(seen)
