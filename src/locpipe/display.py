"""Text made safe to print on a terminal: no control sequence from untrusted input runs.

A msgid, a draft, a file name or an engine's message may hold ``ESC``
sequences (``\\x1b]0;…\\x07`` sets the window title, ``\\x1b[2K\\r\\x1b[1A``
erases and rewrites the line above: a forged ``draft:`` line), C1 controls
(``\\x9b`` is CSI on many terminals), bidi overrides that reorder what is
shown, or zero-width characters that hide text.  :func:`visible` shows each
of them as a visible symbol: C0 controls and DEL as their Unicode control
pictures (``␛``, ``␇``, ``␡``), every other one as a ``\\u202e``-style escape.
"""

from __future__ import annotations

import re

#: Bidi formatting characters: embeddings, overrides, isolates, and the marks.
BIDI_CONTROLS = "\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069\u200e\u200f\u061c"
#: Characters that take no space: zero-width space/joiners, word joiner, invisible
#: operators, BOM (zero-width no-break space), Mongolian vowel separator.
ZERO_WIDTH = "\u200b\u200c\u200d\u2060\u2061\u2062\u2063\u2064\ufeff\u180e"

_C0 = "\x00-\x08\x0b-\x1f"  # without \t and \n, handled by the flags
_UNSAFE = (
    rf"{_C0}\x7f-\x9f\u2028\u2029{BIDI_CONTROLS}{ZERO_WIDTH}"
    r"\ufff9-\ufffb\U000e0000-\U000e007f\ud800-\udfff"
)
_UNSAFE_RE = re.compile(f"[{_UNSAFE}]")
_UNSAFE_KEEP_TAB_RE = re.compile(f"[{_UNSAFE}\n]")
_UNSAFE_ALL_RE = re.compile(f"[{_UNSAFE}\n\t]")


def _symbol(match: re.Match[str]) -> str:
    code = ord(match.group())
    if code < 0x20:
        return chr(0x2400 + code)  # ␀ … ␟
    if code == 0x7F:
        return "\u2421"  # ␡
    if code <= 0xFF:
        return f"\\x{code:02x}"
    if code <= 0xFFFF:
        return f"\\u{code:04x}"
    return f"\\U{code:08x}"


def visible(text: str, newlines: bool = False, tabs: bool = True) -> str:
    """``text`` with every control, bidi and zero-width character shown as a visible symbol.

    ``newlines`` keeps line breaks (else ``␊``); ``tabs`` keeps tabs (else ``␉``).
    Anything else is unchanged, so plain text prints as it is.
    """
    if newlines:
        pattern = _UNSAFE_RE if tabs else re.compile(f"[{_UNSAFE}\t]")
    else:
        pattern = _UNSAFE_KEEP_TAB_RE if tabs else _UNSAFE_ALL_RE
    return pattern.sub(_symbol, text)


def has_unsafe(text: str) -> bool:
    """Whether :func:`visible` would change ``text`` (line breaks and tabs aside)."""
    return _UNSAFE_RE.search(text) is not None
