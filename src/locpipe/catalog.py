"""PO catalogs: parse, format exactly like GNU ``msgcat``, header, write, .mo, stats.

polib objects (``polib.POFile``/``polib.POEntry``) are the in-memory model.
Parsing is our own (so that every error names its line, duplicates are caught
and obsolete ``#~|`` lines survive); formatting reproduces GNU gettext 0.21's
``write-po.c`` with width 79: strings are wrapped at the break opportunities
of libunistring's line breaking (UAX #14 pair table as libunistring 1.0 has
it, with the space kept at the end of the line), ``msgid ""`` opens a string
that wraps or has a ``\\n`` before its end, and breaks are never put inside
an escape sequence or a ``python-format`` directive.  Line-break classes come
from the ``uniseg`` package (Unicode data), imported only for a character
outside the tables written out below; the algorithm is written here.
"""

from __future__ import annotations

import re
import unicodedata
from bisect import bisect_left, bisect_right
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache, lru_cache
from pathlib import Path

import polib

from locpipe.errors import LocpipeError
from locpipe.fsio import atomic_write_bytes, atomic_write_text
from locpipe.plurals import plural_forms

PAGE_WIDTH = 79

# --------------------------------------------------------------------------
# Line breaking (libunistring's u8_possible_linebreaks / u8_width_linebreaks)
# --------------------------------------------------------------------------

_PROHIBITED, _POSSIBLE, _MANDATORY = 1, 2, 3
_D, _I, _P = 1, 2, 3  # direct, indirect (only after a space), prohibited

_CLASS_MAP = {
    "CR": "BK", "LF": "BK", "NL": "BK", "CJ": "NS", "AI": "AL", "CB": "ID",
    "SA": "AL", "XX": "AL", "SG": "AL", "AK": "AL", "AP": "AL", "AS": "AL",
    "VF": "AL", "VI": "AL",
}  # fmt: skip
_HANGUL = {"H2", "H3", "ID", "JL", "JV", "JT"}


#: Every UAX #14 line-break class, as uniseg's ``LineBreak`` names them (a test checks).
_LB_CLASSES = (
    "BK", "CR", "LF", "CM", "NL", "SG", "WJ", "ZW", "GL", "SP", "ZWJ", "B2", "BA", "BB", "HY",
    "CB", "CL", "CP", "EX", "IN", "NS", "OP", "QU", "IS", "NU", "PO", "PR", "SY", "AI", "AK",
    "AL", "AP", "AS", "CJ", "EB", "EM", "H2", "H3", "HL", "ID", "JL", "JV", "JT", "RI", "SA",
    "VF", "VI", "XX",
)  # fmt: skip


#: Where libunistring 1.0 (Unicode 14, what Debian's gettext 0.21 uses) breaks as if
#: a character had another class than uniseg 0.10 gives it: (first, last, class).
#: Read off ``u32_possible_linebreaks`` for every code point (each one probed
#: against every class, with and without a space), so the effective class is
#: listed (SA as AL, unassigned pictographs as EB...); a test re-checks samples.
_LIBUNISTRING_CLASSES = (
    (0x0600, 0x0605, "AL"), (0x06DD, 0x06DD, "AL"), (0x0890, 0x0891, "AL"), (0x0897, 0x0897, "AL"),
    (0x08E2, 0x08E2, "AL"), (0x0CF3, 0x0CF3, "AL"), (0x19DA, 0x19DA, "AL"), (0x1B44, 0x1B44, "CM"),
    (0x1B4E, 0x1B4F, "AL"), (0x1B50, 0x1B59, "NU"), (0x1B5C, 0x1B5C, "AL"), (0x1B61, 0x1B6A, "AL"),
    (0x1B74, 0x1B7C, "AL"), (0x1B7F, 0x1B7F, "AL"), (0x1BF2, 0x1BF3, "CM"), (0x1DCD, 0x1DCD, "CM"),
    (0x1DFC, 0x1DFC, "CM"), (0x2057, 0x2057, "AL"), (0x2E56, 0x2E56, "CL"), (0x2E58, 0x2E58, "CL"),
    (0x2E5A, 0x2E5A, "CL"), (0x2E5C, 0x2E5C, "CL"), (0x2FFC, 0x2FFF, "AL"), (0x31E4, 0x31E5, "AL"),
    (0x31EF, 0x31EF, "AL"), (0xA9C0, 0xA9C0, "CM"), (0xA9C1, 0xA9C6, "AL"), (0xA9CA, 0xA9CD, "AL"),
    (0xA9CF, 0xA9CF, "AL"), (0xA9D0, 0xA9D9, "NU"), (0xA9DE, 0xA9DF, "AL"), (0xAA40, 0xAA42, "AL"),
    (0xAA44, 0xAA4B, "AL"), (0xAA50, 0xAA59, "NU"), (0xAA5C, 0xAA5C, "AL"), (0xFE10, 0xFE10, "IS"),
    (0xFE13, 0xFE14, "IS"), (0xFE20, 0xFE20, "CM"), (0xFE22, 0xFE22, "CM"), (0xFE24, 0xFE24, "CM"),
    (0xFE26, 0xFE27, "CM"), (0xFE29, 0xFE29, "CM"), (0xFE2B, 0xFE2B, "CM"), (0xFE2D, 0xFE2E, "CM"),
    (0x10D40, 0x10D49, "AL"), (0x10D69, 0x10D6E, "AL"), (0x10EFC, 0x10EFF, "AL"),
    (0x11046, 0x11046, "CM"), (0x11049, 0x1104D, "AL"), (0x11052, 0x11065, "AL"),
    (0x11066, 0x1106F, "NU"), (0x1107F, 0x1107F, "CM"), (0x110BD, 0x110BD, "AL"),
    (0x110CD, 0x110CD, "AL"), (0x11241, 0x11241, "AL"), (0x1133D, 0x1133D, "AL"),
    (0x1134D, 0x1134D, "CM"), (0x1135D, 0x1135D, "AL"), (0x113B7, 0x113C0, "AL"),
    (0x113C2, 0x113C2, "AL"), (0x113C5, 0x113C5, "AL"), (0x113C7, 0x113CA, "AL"),
    (0x113CC, 0x113CF, "AL"), (0x113D2, 0x113D5, "AL"), (0x113D7, 0x113D8, "AL"),
    (0x113E1, 0x113E2, "AL"), (0x116D0, 0x116E3, "AL"), (0x1193E, 0x1193E, "CM"),
    (0x11950, 0x11959, "NU"), (0x11B00, 0x11B09, "AL"), (0x11BF0, 0x11BF9, "AL"),
    (0x11EF2, 0x11EF2, "AL"), (0x11EF7, 0x11EF8, "AL"), (0x11F00, 0x11F01, "AL"),
    (0x11F03, 0x11F03, "AL"), (0x11F34, 0x11F3A, "AL"), (0x11F3E, 0x11F41, "AL"),
    (0x11F43, 0x11F4F, "AL"), (0x11F5A, 0x11F5A, "AL"), (0x1342F, 0x1342F, "AL"),
    (0x13439, 0x13440, "AL"), (0x13447, 0x13455, "AL"), (0x1611E, 0x1612F, "AL"),
    (0x16D6E, 0x16D79, "AL"), (0x1B132, 0x1B132, "AL"), (0x1B155, 0x1B155, "AL"),
    (0x1CCF0, 0x1CCF9, "AL"), (0x1E08F, 0x1E08F, "AL"), (0x1E4EC, 0x1E4F9, "AL"),
    (0x1E5EE, 0x1E5EF, "AL"), (0x1E5F1, 0x1E5FA, "AL"), (0x1F02C, 0x1F02F, "EB"),
    (0x1F094, 0x1F09F, "EB"), (0x1F0AF, 0x1F0B0, "EB"), (0x1F0C0, 0x1F0C0, "EB"),
    (0x1F0D0, 0x1F0D0, "EB"), (0x1F0F6, 0x1F0FF, "EB"), (0x1F10D, 0x1F10F, "ID"),
    (0x1F16D, 0x1F16F, "ID"), (0x1F1AD, 0x1F1AD, "ID"), (0x1F1AE, 0x1F1E5, "EB"),
    (0x1F203, 0x1F20F, "EB"), (0x1F23C, 0x1F23F, "EB"), (0x1F249, 0x1F24F, "EB"),
    (0x1F252, 0x1F25F, "EB"), (0x1F266, 0x1F2FF, "EB"), (0x1F6D8, 0x1F6DC, "EB"),
    (0x1F6ED, 0x1F6EF, "EB"), (0x1F6FD, 0x1F6FF, "EB"), (0x1F774, 0x1F77F, "EB"),
    (0x1F7D9, 0x1F7DF, "EB"), (0x1F7EC, 0x1F7EF, "EB"), (0x1F7F1, 0x1F7FF, "EB"),
    (0x1F80C, 0x1F80F, "EB"), (0x1F848, 0x1F84F, "EB"), (0x1F85A, 0x1F85F, "EB"),
    (0x1F888, 0x1F88F, "EB"), (0x1F8AE, 0x1F8AF, "EB"), (0x1F8B0, 0x1F8B1, "ID"),
    (0x1F8B2, 0x1F8FF, "EB"), (0x1FA54, 0x1FA5F, "EB"), (0x1FA6E, 0x1FA6F, "EB"),
    (0x1FA75, 0x1FA77, "EB"), (0x1FA7D, 0x1FA7F, "EB"), (0x1FA87, 0x1FA8F, "EB"),
    (0x1FAAD, 0x1FAAF, "EB"), (0x1FABB, 0x1FABF, "EB"), (0x1FAC6, 0x1FACF, "EB"),
    (0x1FADA, 0x1FADF, "EB"), (0x1FAE8, 0x1FAEF, "EB"), (0x1FAF9, 0x1FAFF, "EB"),
    (0x1FC00, 0x1FFFD, "EB"),
)  # fmt: skip
_OVERRIDE_STARTS = [first for first, _, _ in _LIBUNISTRING_CLASSES]


@cache
def _lb_class(ch: str) -> str:
    code = ord(ch)
    at = bisect_right(_OVERRIDE_STARTS, code) - 1
    if at >= 0 and code <= _LIBUNISTRING_CLASSES[at][1]:
        return _LIBUNISTRING_CLASSES[at][2]
    from uniseg.linebreak import line_break  # Unicode data: only for an unusual character

    name = line_break(ch).name
    if name == "OP" and unicodedata.east_asian_width(ch) in ("F", "W", "H"):
        return "OP_EA"  # a wide opening bracket: LB30 does not hold it to AL/NU
    return _CLASS_MAP.get(name, name)


@cache
def _pair(before: str, after: str) -> int:
    """The UAX #14 pair table (table 7.3 style) as libunistring 1.0 encodes it."""
    if after == "OP_EA":
        after = "OP" if before not in ("AL", "HL", "NU") else "BB"
    before = "OP" if before == "OP_EA" else before
    if after in ("WJ", "CL", "CP", "EX", "IS", "SY") or before == "OP":
        return _P
    if before == "QU" and after == "OP":
        return _P
    if before in ("WJ", "GL", "BB", "QU", "ZWJ"):
        return _I
    if after == "GL":
        return _D if before in ("BA", "HY") else _I
    if after in ("BA", "HY", "IN", "QU", "ZWJ"):
        return _I
    if after == "NS":
        return _P if before == "CL" else _I
    if after == "B2":
        return _P if before == "B2" else _D
    indirect_after = {
        "OP": {"NU", "AL", "HL", "PO", "PR"},
        "NU": {"HY", "CP", "IS", "NU", "PO", "PR", "SY", "AL", "HL"},
        "PO": {"CL", "CP", "NU", "AL", "HL", "EB", "EM"} | _HANGUL,
        "PR": {"CL", "CP", "NU", "AL", "HL"},
        "AL": {"CP", "NU", "PO", "PR", "AL", "HL"},
        "HL": {"CP", "NU", "PO", "PR", "SY", "AL", "HL"},
        "H2": {"PR", "JL"},
        "H3": {"PR", "JL"},
        "JL": {"PR", "JL"},
        "ID": {"PR"},
        "JV": {"PR", "JL", "JV", "H2"},
        "JT": {"PR", "JV", "JT", "H2", "H3"},
        "RI": {"RI"},
        "EB": {"PR"},
        "EM": {"PR", "EB"},
    }.get(after, set())
    return _I if before in indirect_after else _D


def _possible_breaks(chars: str) -> list[int]:
    """Break opportunity before each character (libunistring 1.0's algorithm)."""
    result = [_PROHIBITED] * len(chars)
    last = prev = "BK"  # class of the last non-space character / of the previous one
    seen_space = False
    ri_count = 0
    for i, ch in enumerate(chars):
        prop = _lb_class(ch)
        if prop == "BK":
            result[i] = _MANDATORY
            last = prev = "BK"
            seen_space = False
            ri_count = 0
            continue
        if prop == "SP":
            seen_space = True
        elif prop == "ZW":
            last, seen_space = "ZW", False
        elif prop in ("CM", "ZWJ"):
            if last == "BK":  # treated as AL at the start of a line
                last, seen_space = "AL", False
            elif last == "ZW" or seen_space:  # break after spaces, then as AL
                result[i] = _POSSIBLE
                last, seen_space = "AL", False
        else:
            if last == "ZW":
                result[i] = _POSSIBLE
            elif last == "BK" or prev == "ZWJ" or prev == "HL_BA":
                pass
            elif last == "RI" and prop == "RI":
                if seen_space or ri_count % 2 == 0:
                    result[i] = _POSSIBLE
            else:
                kind = _pair(last, prop)
                if kind == _D or (kind == _I and seen_space):
                    result[i] = _POSSIBLE
            last, seen_space = prop, False
        prev = "HL_BA" if prev == "HL" and prop in ("HY", "BA") else prop
        ri_count = ri_count + 1 if prop == "RI" else 0
    return result


_WIDE_BLOCKS = (
    (0x2E80, 0x303E),
    (0x3040, 0xA4CF),
    (0xAC00, 0xD7A3),
    (0xF900, 0xFAFF),
    (0xFE10, 0xFE1F),
    (0xFE30, 0xFE6F),
    (0xFF00, 0xFF60),
    (0xFFE0, 0xFFE6),
    (0x1F200, 0x1F2FF),
    (0x20000, 0x3FFFF),
)


@lru_cache(maxsize=4096)
def _char_width(ch: str) -> int:
    """Columns of a character as libunistring's uc_width counts them."""
    code = ord(ch)
    if code < 0x20 or 0x7F <= code < 0xA0:
        return 0
    category = unicodedata.category(ch)
    if category == "Cn":  # unassigned: wide inside the CJK blocks, as libunistring has it
        return 2 if any(lo <= code <= hi for lo, hi in _WIDE_BLOCKS) else 1
    if code in (0x0CBF, 0x0CC6, 0x11A07, 0x11A08, 0x11C3F):  # Mn that libunistring counts
        return 1
    if category in ("Mn", "Me", "Cf") or 0x1160 <= code <= 0x11FF or 0xD7B0 <= code <= 0xD7FF:
        return 0
    if code == 0x200B:
        return 0
    if unicodedata.east_asian_width(ch) in ("W", "F"):
        return 2
    return 1


def _width_breaks(chars: str, overrides: list[int], width: int, start_column: int) -> list[bool]:
    """Where to break so that lines fit in ``width`` (u8_width_linebreaks)."""
    possible = _possible_breaks(chars)
    breaks = [False] * len(chars)
    last_p: int | None = None
    last_column = start_column
    piece_width = 0
    for i, ch in enumerate(chars):
        kind = overrides[i] or possible[i]
        fits = last_p is None or last_column + piece_width <= width
        if kind in (_POSSIBLE, _MANDATORY) and not fits:
            breaks[last_p] = True
            last_column = 0
        if kind == _MANDATORY:
            last_p, last_column, piece_width = None, 0, 0
            continue
        if kind == _POSSIBLE:
            last_p = i
            last_column += piece_width
            piece_width = 0
        piece_width += _char_width(ch)
    if last_p is not None and last_column + piece_width > width:
        breaks[last_p] = True
    return breaks


# --------------------------------------------------------------------------
# Fast line breaking for the common case
# --------------------------------------------------------------------------
# In a text whose characters are all one column wide and of none of the
# classes that carry state across characters (BK, ZW, CM, ZWJ, RI, HL),
# ``_possible_breaks`` reduces to: a break before a non-space character when
# the pair (last non-space character, it) is a direct break, or an indirect
# one with spaces between them.  So each character is mapped to a one-letter
# code of its class (``translate``), two regular expressions built from
# ``_pair`` find the break opportunities, and the greedy fitting (``_fit``)
# visits only those.  Any other character sends the text to the full
# algorithm.  Tests check that the two agree (tests/test_catalog_format.py).

_STATEFUL = {"BK", "ZW", "CM", "ZWJ", "RI", "HL"}
_LETTERS = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789"
_FAST_CLASSES = sorted({_CLASS_MAP.get(c, c) for c in _LB_CLASSES} - _STATEFUL - {"SP"} | {"OP_EA"})
_CLASS_CODE = dict(zip(_FAST_CLASSES, _LETTERS, strict=False))
_SLOW = "!"  # the code of a character the fast path cannot handle
_COMMON = ("AL", "NU")  # letters and digits: no direct break between them


def _break_patterns() -> tuple[re.Pattern[str], re.Pattern[str]]:
    """Two searches over the class codes, each starting at a character that is rarely there.

    The first finds breaks after spaces and after a character of a rare class
    (the break is at the match's end); the second breaks after a letter or
    digit, before a rare class (at the match's start).  Starting each branch
    with a character set lets ``re`` skip the letters quickly.
    """
    code = _CLASS_CODE
    spaced: dict[str, list[str]] = defaultdict(list)
    direct: dict[str, list[str]] = defaultdict(list)
    before_rare: dict[str, list[str]] = defaultdict(list)
    for left in _FAST_CLASSES:
        kinds = {right: _pair(left, right) for right in _FAST_CLASSES}
        spaced["".join(code[r] for r, k in kinds.items() if k != _P)].append(code[left])
        if left not in _COMMON:
            direct["".join(code[r] for r, k in kinds.items() if k == _D)].append(code[left])
    for right in _FAST_CLASSES:
        lefts = "".join(code[left] for left in _COMMON if _pair(left, right) == _D)
        before_rare[lefts].append(code[right])
    after = [
        f"(?<=[{''.join(lefts)}] ) *(?=[{rights}])" for rights, lefts in spaced.items() if rights
    ]
    starts = {" "}
    for rights, lefts in direct.items():
        if rights:
            after.append(f"(?<=[{''.join(lefts)}])(?=[{rights}])")
            starts.update(lefts)
    before = [
        f"[{''.join(rights)}](?<=[{lefts}].)" for lefts, rights in before_rare.items() if lefts
    ]
    # Every branch of the first search starts by taking one character of a
    # set (a space, or the left side of a direct break): re then skips the
    # letters between them without trying each branch.
    first = "".join(sorted(starts))
    return (
        re.compile(f"[{first}](?:{'|'.join(after)})".encode()),
        re.compile("|".join(before).encode()),
    )


_AFTER_RE, _BEFORE_RE = _break_patterns()
_CODES: dict[int, str] = {}  # code point -> class code, learnt as characters are met


def _code(ch: str) -> str:
    cls = _lb_class(ch)
    if cls == "SP" and ch == " ":
        return " "
    if cls in _CLASS_CODE and _char_width(ch) == 1:
        return _CLASS_CODE[cls]
    return _SLOW


#: ``_code`` of U+0000–U+024F (Latin) and U+2000–U+206F (punctuation), written
#: out so that most texts need no Unicode database (a test compares them with uniseg's).
_LATIN_CODES = (
    "!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!! IZAYXAZVFAYPMPaUUUUUUUUUUPPAAAI"
    "AAAAAAAAAAAAAAAAAAAAAAAAAAAVYFAAAAAAAAAAAAAAAAAAAAAAAAAAAAAVCEA!"
    "!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!JVXYYYAAAAAZA!AAXYAADAAAAAAZAAAV"
    "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"
    "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"
    "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"
    "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"
    "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"
    "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"
    "AAAAAAAAAAAAAAAA"
)
_PUNCTUATION_CODES = (
    "CCCCCCCJCCC!!!!!CJCCBAAAZZVZZZVZAAAAOOOC!!!!!!!JXXXXXXXXAZZATTAA"
    "AAAAPVETTTAAAAAAAAAAAACACCCCACCC!!!!!A!!!!!!!!!!"
)
_CODES.update(enumerate(_LATIN_CODES))
_CODES.update(enumerate(_PUNCTUATION_CODES, start=0x2000))
#: Byte → code for text that encodes as Latin-1 (most of the European languages).
_LATIN1_CODES = _LATIN_CODES[:256].encode()


def _class_codes(text: str) -> bytes | None:
    """One code per character of ``text``, or None when one needs the full algorithm."""
    if text.isascii():
        codes = text.encode("ascii").translate(_LATIN1_CODES)
    elif max(text) <= "\xff":
        codes = text.encode("latin-1").translate(_LATIN1_CODES)
    else:
        mapped = text.translate(_CODES)
        if not mapped.isascii():  # characters not seen before: learn them
            for ch in set(mapped):
                if ord(ch) >= 128:
                    _CODES[ord(ch)] = _code(ch)
            mapped = text.translate(_CODES)
        codes = mapped.encode("ascii")
    return None if _SLOW.encode() in codes else codes


# --------------------------------------------------------------------------
# Writing (write-po.c)
# --------------------------------------------------------------------------

#: Format flags in gettext 0.21's order.  Flags gettext does not know (Weblate's
#: ``ignore-same``, ``max-length:80``…) are kept after them: see :func:`extra_flags`.
FORMATS = (
    "c", "objc", "sh", "python", "python-brace", "lisp", "elisp", "librep", "scheme",
    "smalltalk", "java", "csharp", "awk", "object-pascal", "ycp", "tcl", "perl",
    "perl-brace", "php", "gcc-internal", "gfc-internal", "qt", "qt-plural", "kde",
    "kde-kuit", "boost", "lua", "javascript",
)  # fmt: skip
_ESCAPES = {"\a": "a", "\b": "b", "\f": "f", "\n": "n", "\r": "r", "\t": "t", "\v": "v"}


def _format_flags(flags: Iterable[str]) -> tuple[dict[str, str], bool, str | None]:
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


def _width(value: str, i: int) -> tuple[int, int]:
    """After a python-format width or precision at ``i``: (next offset, 1 if it was ``*``)."""
    if i < len(value) and value[i] == "*":
        return i + 1, 1
    while i < len(value) and value[i].isascii() and value[i].isdigit():
        i += 1
    return i, 0


def _python_directives(value: str) -> set[int]:
    """Offsets inside (not at the start of) the python-format directives gettext accepts.

    A port of gettext's ``format-python.c`` parser: it stops at the first
    invalid directive (an unknown conversion, an unterminated ``%(name``, or
    named ``%(x)s`` mixed with unnamed ``%s``/``*``), and the directives
    before it keep their marks, as ``write-po.c`` uses them.
    """
    inside: set[int] = set()
    named = unnamed = 0
    n = len(value)
    pos = value.find("%")
    while pos != -1:
        i = pos + 1
        name = None
        if i < n and value[i] == "(":
            depth = 0
            i += 1
            name_start = i
            while i < n and not (value[i] == ")" and depth == 0):
                depth += {"(": 1, ")": -1}.get(value[i], 0)
                i += 1
            if i >= n:
                break  # unterminated name
            name = value[name_start:i]
            i += 1
        while i < n and value[i] in "-+ #0":
            i += 1
        i, star = _width(value, i)  # the field width
        if star and named:
            break
        unnamed += star
        if i < n and value[i] == ".":
            i, star = _width(value, i + 1)  # the precision
            if star and named:
                break
            unnamed += star
        if i < n and value[i] in "hlL":
            i += 1
        if i >= n or value[i] not in "%csridouxXeEfgG":
            break
        if name is not None:
            if unnamed:
                break
            named += 1
        elif value[i] != "%":
            if named:
                break
            unnamed += 1
        inside.update(range(pos + 1, i + 1))
        pos = value.find("%", i + 1)
    return inside


def _break_positions(codes: bytes, prohibited: set[int]) -> list[int]:
    """``_possible_breaks`` for a text of fast-class characters, as a list of offsets."""
    # the ends of the matches of one search, the starts of the other's
    positions = [m.end() for m in _AFTER_RE.finditer(codes)]
    before = [m.start() for m in _BEFORE_RE.finditer(codes)]
    if before:
        positions = sorted(positions + before)
    if prohibited:
        positions = [p for p in positions if p not in prohibited]
    return positions


def _fit(positions: list[int], length: int, width: int, start_column: int) -> list[int]:
    """``_width_breaks`` when every character is one column wide and no break is mandatory.

    Greedy, a line at a time: the last break opportunity that still fits is
    found by bisection, so the cost grows with the lines, not the words.
    """
    breaks: list[int] = []
    if not positions:
        return breaks
    last = len(positions) - 1
    i = 0
    p = positions[0]
    column = start_column + p  # the column of the character at p
    while True:
        j = bisect_right(positions, p + width - column, i + 1) - 1  # the last that fits
        if j > i:
            column += positions[j] - p
            i, p = j, positions[j]
        if i == last:
            break
        breaks.append(p)  # the next piece overflows: it starts a line, even if too long
        column = positions[i + 1] - p
        i, p = i + 1, positions[i + 1]
    if column + length - p > width:
        breaks.append(p)
    return breaks


def _slow_breaks(text: str, prohibited: set[int], width: int, start_column: int) -> list[int]:
    overrides = [_PROHIBITED if i in prohibited else 0 for i in range(len(text))]
    breaks = _width_breaks(text, overrides, width, start_column)
    return [i for i, brk in enumerate(breaks) if brk]


_ESCAPE_TABLE = str.maketrans(
    {**{k: "\\" + v for k, v in _ESCAPES.items()}, "\\": "\\\\", '"': '\\"'}
)
_TO_ESCAPE = re.compile('[\\\\"' + "".join(_ESCAPES) + "]")


def _wrap(
    out: list[str],
    prefix: str,
    name: str,
    value: str,
    no_break: set[int],
    do_wrap: bool = True,
) -> None:
    """Write ``name "value"`` wrapped the way gettext's ``wrap()`` does."""
    out.append(_wrapped(prefix, name, value, frozenset(no_break), do_wrap))


@lru_cache(maxsize=1 << 14)
def _wrapped(prefix: str, name: str, value: str, no_break: frozenset[int], do_wrap: bool) -> str:
    """The lines of :func:`_wrap` (cached: a msgid is written in the .pot and every .po)."""
    after_break = len(prefix) + 1
    width = (PAGE_WIDTH if do_wrap else 2**31 - 1) - 1 - after_break
    lines: list[str] = []
    first_line = True
    start = 0
    while True:
        end = value.find("\n", start)
        end = len(value) if end == -1 else end + 1
        segment = value[start:end]
        text = segment.translate(_ESCAPE_TABLE) if _TO_ESCAPE.search(segment) else segment
        # no break inside an escape sequence, a python-format directive, or before a final \n
        if len(text) == len(segment):
            prohibited = {o - start for o in no_break if start <= o < end}
        else:
            escaped = [m.start() for m in _TO_ESCAPE.finditer(segment)]
            prohibited = {e + k + 1 for k, e in enumerate(escaped)}
            prohibited.update(
                o - start + bisect_left(escaped, o - start) for o in no_break if start <= o < end
            )
            if segment.endswith("\n"):
                prohibited.add(len(text) - 2)
        codes = _class_codes(text)
        positions = None
        while True:
            start_column = len(name) + 1 if first_line else 0
            if codes is None:
                breaks = _slow_breaks(text, prohibited, width, start_column)
            elif start_column + len(text) <= width:
                breaks = []  # it fits: no piece can overflow
            else:
                if positions is None:
                    positions = _break_positions(codes, prohibited)
                breaks = _fit(positions, len(text), width, start_column)
            if first_line and text and (end < len(value) or start_column > width or breaks):
                lines.append(f'{prefix}{name} ""\n')
                first_line = False
                continue
            break
        head = f'{prefix}{name} "' if first_line else f'{prefix}"'
        first_line = False
        pieces = [text[a:b] for a, b in zip([0, *breaks], [*breaks, len(text)], strict=True)]
        lines.append(head + f'"\n{prefix}"'.join(pieces) + '"\n')
        start = end
        if start >= len(value):
            break
    return "".join(lines)


def _comment_lines(out: list[str], mark: str, text: str) -> None:
    for line in text.split("\n"):
        out.append(f"{mark} {line}\n" if line else f"{mark}\n")


def _references(out: list[str], occurrences: Iterable[tuple[str, str]]) -> None:
    parts = [f"{f}:{n}" if str(n) != "" else f for f, n in occurrences]
    if not parts:
        return
    line = "#:"
    for part in parts:
        if len(line) > 2 and len(line) + len(part) + 1 > PAGE_WIDTH:
            out.append(line + "\n")
            line = "#:"
        line += " " + part
    out.append(line + "\n")


def _flags_line(
    formats: dict[str, str], fuzzy: bool, rng: str | None, no_wrap: bool, extra: list[str]
) -> str:
    flags = ["fuzzy"] if fuzzy else []
    for fmt in FORMATS:
        if fmt in formats:
            flags.append(f"{fmt}-format" if formats[fmt] == "yes" else f"no-{fmt}-format")
    if rng:
        flags.append(f"range: {rng}")
    if no_wrap:
        flags.append("no-wrap")
    flags += extra  # not gettext's: msgcat would drop them (see extra_flags)
    return "#, " + ", ".join(flags) + "\n" if flags else ""


def _has_any_msgstr(entry: polib.POEntry) -> bool:
    """Whether gettext counts the entry as translated: its first msgstr is not empty.

    msgcat tests ``msgstr[0]`` alone, so a plural entry whose first form is
    empty loses its fuzzy flag (and, obsolete, the whole entry).
    """
    if entry.msgid_plural:
        forms = entry.msgstr_plural
        return bool(forms) and bool(forms[min(forms)])
    return bool(entry.msgstr)


def _entry_lines(out: list[str], entry: polib.POEntry) -> None:
    if entry.tcomment:
        _comment_lines(out, "#", entry.tcomment)
    if entry.comment:
        _comment_lines(out, "#.", entry.comment)
    _references(out, entry.occurrences)
    formats, no_wrap, rng = _format_flags(entry.flags)
    fuzzy = "fuzzy" in entry.flags and _has_any_msgstr(entry)  # msgcat drops it otherwise
    out.append(_flags_line(formats, fuzzy, rng, no_wrap, extra_flags(entry.flags)))
    fmt = next((f for f in FORMATS if formats.get(f) == "yes"), None) if formats else None

    def no_break(value: str) -> set[int]:
        return _python_directives(value) if fmt == "python" and value else set()

    prefix = "#~ " if entry.obsolete else ""
    prev_prefix = "#~| " if entry.obsolete else "#| "
    wrap = not no_wrap
    for name in ("msgctxt", "msgid", "msgid_plural"):
        value = getattr(entry, f"previous_{name}", None)
        if value is not None:
            _wrap(out, prev_prefix, name, value, no_break(value), wrap)
    if entry.msgctxt is not None:
        _wrap(out, prefix, "msgctxt", entry.msgctxt, no_break(entry.msgctxt), wrap)
    _wrap(out, prefix, "msgid", entry.msgid, no_break(entry.msgid), wrap)
    if entry.msgid_plural:
        _wrap(out, prefix, "msgid_plural", entry.msgid_plural, no_break(entry.msgid_plural), wrap)
        for index in sorted(entry.msgstr_plural):
            value = entry.msgstr_plural[index]
            _wrap(out, prefix, f"msgstr[{index}]", value, no_break(value), wrap)
    else:
        _wrap(out, prefix, "msgstr", entry.msgstr, no_break(entry.msgstr), wrap)


def header_text(po: polib.POFile) -> str:
    """The header entry's msgstr built from ``po.metadata``."""
    return "".join(f"{key}: {value}\n" for key, value in po.metadata.items())


def format_catalog(po: polib.POFile) -> str:
    """The catalog as GNU ``msgcat`` (default options) would write it, byte for byte."""
    blocks: list[str] = []
    if po.metadata or po.header:
        out: list[str] = []
        if po.header:
            _comment_lines(out, "#", po.header)
        if po.metadata_is_fuzzy:
            out.append("#, fuzzy\n")
        _wrap(out, "", "msgid", "", set())
        _wrap(out, "", "msgstr", header_text(po), set())
        blocks.append("".join(out))
    live = [e for e in po if not e.obsolete and not (e.msgid == "" and e.msgctxt is None)]
    dead = [e for e in po if e.obsolete and _has_any_msgstr(e)]  # msgcat drops the rest
    for entry in live + dead:
        out = []
        _entry_lines(out, entry)
        blocks.append("".join(out))
    return "\n".join(blocks)


# --------------------------------------------------------------------------
# Parsing
# --------------------------------------------------------------------------

_UNESCAPE = {"n": "\n", "t": "\t", "r": "\r", "a": "\a", "b": "\b", "f": "\f", "v": "\v"}
_UNESCAPE.update({"\\": "\\", '"': '"', "'": "'", "?": "?"})
_OCTAL_RE = re.compile(r"[0-7]{1,3}")
_HEX_RE = re.compile(r"[0-9A-Fa-f]+")
_WS = " \t\r\f\v"  # PO syntax whitespace (not str.strip()'s Unicode set)
_PLURAL_FORMS_RE = re.compile(r"nplurals\s*=\s*(\d{1,3})\s*;\s*plural\s*=\s*([^;]+?)\s*;?")
_KEYWORD_RE = re.compile(r"(msgctxt|msgid_plural|msgid|msgstr\[(\d+)\]|msgstr)\s*(\".*)$")


def _escaped_char(code: int, escape: str, path: str | Path | None, line: int) -> str:
    """The character of an octal or hex escape; NUL, a surrogate or no character is an error.

    GNU msgfmt takes ``\\0`` and ``\\xd800`` as bytes, but as text they are a
    NUL (which ends a string in a ``.mo`` file and in C) and half of a UTF-16
    pair, which no UTF-8 file can hold.
    """
    if code == 0:
        raise LocpipeError(f"invalid escape sequence {escape}: NUL is not allowed", path, line)
    if 0xD800 <= code <= 0xDFFF:
        raise LocpipeError(
            f"invalid escape sequence {escape}: U+{code:04X} is a surrogate, not a character",
            path,
            line,
        )
    if code > 0x10FFFF:
        raise LocpipeError(f"syntax error: invalid escape sequence {escape}", path, line)
    return chr(code)


def _unquote(token: str, path: str | Path | None, line: int) -> str:
    """Decode one ``"..."`` PO string token."""
    token = token.strip(_WS)
    if len(token) < 2 or not token.startswith('"') or not token.endswith('"'):
        raise LocpipeError("syntax error: expected a quoted string", path, line)
    body = token[1:-1]
    if "\\" not in body and '"' not in body:
        return body  # nothing to decode (most strings)
    out: list[str] = []
    i = 0
    while i < len(body):
        ch = body[i]
        if ch == '"':
            raise LocpipeError("syntax error: unescaped double quote", path, line)
        if ch != "\\":
            out.append(ch)
            i += 1
            continue
        nxt = body[i + 1 : i + 2]
        if nxt in _UNESCAPE:
            out.append(_UNESCAPE[nxt])
            i += 2
        elif nxt and nxt in "01234567":
            match = _OCTAL_RE.match(body, i + 1)  # match at a position: no copy of the rest
            assert match is not None
            out.append(_escaped_char(int(match.group(), 8), f"\\{match.group()}", path, line))
            i = match.end()
        elif nxt == "x" and _HEX_RE.match(body, i + 2):
            match = _HEX_RE.match(body, i + 2)
            assert match is not None
            code = int(match.group(), 16) if len(match.group()) <= 8 else 0x110000
            out.append(_escaped_char(code, f"\\x{match.group()[:8]}", path, line))
            i = match.end()
        else:
            raise LocpipeError(f"syntax error: invalid escape sequence \\{nxt}", path, line)
    return "".join(out)


class _Parser:
    """A line-oriented PO reader producing polib objects."""

    def __init__(self, path: str | Path | None):
        self.path = path
        self.po = polib.POFile(wrapwidth=PAGE_WIDTH)
        self.entry: polib.POEntry | None = None
        self.field: tuple[str, int | None] | None = None  # what continuation lines extend
        self.has_msgstr = False
        self.seen: dict[tuple[str | None, str], int] = {}

    def _current(self, line: int) -> polib.POEntry:
        if self.entry is None or self.has_msgstr:
            self._finish()
            self.entry = polib.POEntry(linenum=line)
            self.entry.previous_msgctxt = None
            self.has_msgstr = False
        return self.entry

    def _finish(self) -> None:
        entry = self.entry
        if entry is None:
            return
        if not self.has_msgstr:
            if entry.msgid or entry.msgid_plural or self.field is not None:
                raise LocpipeError("syntax error: missing msgstr", self.path, entry.linenum)
            self.entry = None  # trailing comments
            return
        key = (entry.msgctxt, entry.msgid)
        if not entry.obsolete:
            if key in self.seen:
                raise LocpipeError(
                    f"duplicate message definition (first at line {self.seen[key]})",
                    self.path,
                    entry.linenum,
                )
            self.seen[key] = entry.linenum
        if entry.msgid == "" and entry.msgctxt is None and not entry.obsolete:
            self._header(entry)
        else:
            self.po.append(entry)
        self.entry = None
        self.field = None

    def _header(self, entry: polib.POEntry) -> None:
        self.po.header = entry.tcomment
        self.po.metadata_is_fuzzy = ["fuzzy"] if "fuzzy" in entry.flags else []
        key = None
        for line in entry.msgstr.split("\n"):
            if ":" in line:
                key, value = line.split(":", 1)
                key = key.strip()
                self.po.metadata[key] = value.strip()
            elif line.strip() and key is not None:
                self.po.metadata[key] += "\n" + line.strip()

    def feed(self, number: int, raw: str) -> None:
        line = raw.strip(_WS)
        if line.startswith("#") and not line.startswith(("#~", "#|")):
            line = raw.lstrip(_WS).rstrip("\r")  # comments keep their trailing spaces
        if not line:
            return
        obsolete = False
        if line.startswith("#~"):
            obsolete = True
            line = line[2:].lstrip(_WS)
            if not line:
                return
            if not line.startswith("|") and line.startswith("#"):
                raise LocpipeError("syntax error", self.path, number)
        if line.startswith("#|") or (obsolete and line.startswith("|")):
            self._previous(number, line[2:] if line.startswith("#|") else line[1:], obsolete)
        elif line.startswith("#") and not obsolete:
            self._comment(number, line)
        elif line.startswith('"'):
            self._continuation(number, line)
        else:
            self._keyword(number, line, obsolete)

    def _comment(self, number: int, line: str) -> None:
        entry = self._current(number)
        self.field = None
        kind, text = line[:2], line[2:]
        if kind == "#.":
            entry.comment = _join(entry.comment, text[1:] if text.startswith(" ") else text)
        elif kind == "#:":
            for ref in text.split():
                file, _, num = ref.rpartition(":")
                entry.occurrences.append((file, num) if file and num.isdigit() else (ref, ""))
        elif kind == "#,":
            entry.flags += split_flags(text)
        else:
            text = line[1:]
            entry.tcomment = _join(entry.tcomment, text[1:] if text.startswith(" ") else text)

    def _previous(self, number: int, rest: str, obsolete: bool) -> None:
        rest = rest.strip(_WS)
        entry = self._current(number)
        if rest.startswith('"'):
            if self.field is None or not self.field[0].startswith("previous_"):
                raise LocpipeError("syntax error: stray continuation line", self.path, number)
            name = self.field[0]
            setattr(entry, name, getattr(entry, name) + _unquote(rest, self.path, number))
            return
        match = re.match(r"(msgctxt|msgid_plural|msgid)\s*(\".*)$", rest)
        if not match:
            raise LocpipeError("syntax error in #| line", self.path, number)
        name = f"previous_{match.group(1)}"
        setattr(entry, name, _unquote(match.group(2), self.path, number))
        self.field = (name, None)

    def _continuation(self, number: int, line: str) -> None:
        if self.entry is None or self.field is None or self.field[0].startswith("previous_"):
            raise LocpipeError("syntax error: stray string", self.path, number)
        name, index = self.field
        value = _unquote(line, self.path, number)
        if index is not None:
            self.entry.msgstr_plural[index] += value
        else:
            setattr(self.entry, name, getattr(self.entry, name) + value)

    def _keyword(self, number: int, line: str, obsolete: bool) -> None:
        match = _KEYWORD_RE.match(line)
        if not match:
            raise LocpipeError("syntax error", self.path, number)
        keyword, index, token = match.group(1), match.group(2), match.group(3)
        value = _unquote(token, self.path, number)
        if keyword in ("msgctxt", "msgid"):
            entry = self._current(number)
            if entry.msgid or (keyword == "msgctxt" and entry.msgctxt is not None):
                raise LocpipeError(f"syntax error: unexpected {keyword}", self.path, number)
            if keyword == "msgid":
                entry.linenum = number
            setattr(entry, keyword, value)
            entry.obsolete = obsolete
            self.field = (keyword, None)
            return
        entry = self.entry
        if entry is None or self.field is None or self.field[0] in ("msgctxt",):
            raise LocpipeError(f"syntax error: {keyword} without msgid", self.path, number)
        if keyword == "msgid_plural":
            entry.msgid_plural = value
            self.field = ("msgid_plural", None)
        elif index is not None:
            entry.msgstr_plural[int(index)] = value
            self.field = ("msgstr_plural", int(index))
            self.has_msgstr = True
        else:
            if entry.msgid_plural:
                raise LocpipeError("syntax error: msgstr needs an index", self.path, number)
            entry.msgstr = value
            self.field = ("msgstr", None)
            self.has_msgstr = True


def _join(old: str, new: str) -> str:
    return f"{old}\n{new}" if old else new


def parse_catalog(text: str | bytes, path: str | Path | None = None) -> polib.POFile:
    """Parse PO text; syntax errors, duplicates and bad UTF-8 raise LocpipeError with a line."""
    if isinstance(text, bytes):
        try:
            text = text.decode("utf-8")
        except UnicodeDecodeError as exc:
            line = text[: exc.start].count(b"\n") + 1
            raise LocpipeError("not UTF-8 text", path, line) from exc
    text = text.removeprefix("\ufeff")
    if "\0" in text:
        line = text.count("\n", 0, text.index("\0")) + 1
        raise LocpipeError("NUL character (byte 0) in the catalog", path, line)
    parser = _Parser(path)
    for number, raw in enumerate(text.split("\n"), start=1):
        parser.feed(number, raw)
    parser._finish()
    po = parser.po
    po.fpath = str(path) if path is not None else None
    po.encoding = "utf-8"
    return po


def read_catalog(path: str | Path, language: str | None = None) -> polib.POFile:
    """Read a .po/.pot file (see :func:`parse_catalog`) and check its header.

    The header of a catalog for a language (``language``, or the ``<lang>`` of
    a ``<lang>/LC_MESSAGES/<domain>.po`` path) must not name another language
    and its ``Plural-Forms`` must be valid (:func:`check_header`).
    """
    path = Path(path)
    try:
        data = path.read_bytes()
    except FileNotFoundError as exc:
        raise LocpipeError("catalog not found", path) from exc
    except OSError as exc:
        raise LocpipeError(f"cannot read: {exc.strerror or exc}", path) from exc
    po = parse_catalog(data, path)
    if language is None and path.suffix == ".po" and path.parent.name == "LC_MESSAGES":
        language = path.parent.parent.name
    if language is not None:
        check_header(po, language, path, data)
    return po


def _header_line(data: bytes | None, key: str) -> int | None:
    """Line of ``"Key: ...`` in the header of the catalog's text, for messages."""
    if data is None:
        return None
    match = re.search(rb'^[ \t]*"' + re.escape(key.encode()) + rb":", data, re.M)
    return data.count(b"\n", 0, match.start()) + 1 if match else None


def _same_language(declared: str, language: str) -> bool:
    """``fr`` and ``fr_FR`` agree (a catalog may name the region); ``fr`` and ``de`` do not."""
    from babel import Locale, UnknownLocaleError

    try:
        a, b = Locale.parse(declared.replace("-", "_")), Locale.parse(language.replace("-", "_"))
    except (ValueError, TypeError, UnknownLocaleError):
        return declared.replace("-", "_").lower() == language.replace("-", "_").lower()
    if a.language != b.language or (a.script and b.script and a.script != b.script):
        return False
    return not (a.territory and b.territory and a.territory != b.territory)


def plural_function(value: str, path: str | Path | None = None, line: int | None = None):
    """``(nplurals, function)`` of a ``Plural-Forms`` value; a bad one raises LocpipeError.

    The expression is compiled with :func:`gettext.c2py` (a C-expression
    parser, never ``eval`` of the raw text) and must give an index below
    ``nplurals`` for every n.
    """
    compiled = _compile_plural(value.strip())
    if isinstance(compiled, str):
        shown = value if len(value) <= 120 else value[:117] + "..."
        raise LocpipeError(f"bad Plural-Forms {shown!r}: {compiled}", path, line)
    return compiled


@lru_cache(maxsize=64)
def _compile_plural(value: str):
    match = _PLURAL_FORMS_RE.fullmatch(value)
    if match is None:
        return "expected 'nplurals=N; plural=EXPRESSION;'"
    nplurals = int(match.group(1))
    if not 1 <= nplurals <= 100:
        return "nplurals must be 1 to 100"
    expression = match.group(2).strip()
    if len(expression) > 1000:
        return "the expression is too long"
    import gettext

    try:
        function = gettext.c2py(expression)
        for n in (*range(0, 1000), 10_000, 100_000, 1_000_000):
            index = int(function(n))
            if not 0 <= index < nplurals:
                return f"plural({n}) = {index} is not below nplurals={nplurals}"
    except (ValueError, SyntaxError, ZeroDivisionError, RecursionError, OverflowError) as exc:
        return str(exc) or type(exc).__name__
    return nplurals, function


def check_header(
    po: polib.POFile, language: str, path: str | Path | None = None, data: bytes | None = None
) -> None:
    """A catalog for ``language``: its Language header agrees, its Plural-Forms is valid.

    A missing Language or Plural-Forms header is accepted (``update`` fills
    them in); a wrong one raises :class:`LocpipeError` naming the header line.
    """
    declared = po.metadata.get("Language", "").strip()
    if declared and not _same_language(declared, language):
        raise LocpipeError(
            f"header says Language: {declared}, but this is the catalog for {language!r}"
            " (wrong folder, or a wrong header?)",
            path,
            _header_line(data, "Language"),
        )
    forms = po.metadata.get("Plural-Forms", "").strip()
    if forms:
        plural_function(forms, path, _header_line(data, "Plural-Forms"))


# --------------------------------------------------------------------------
# Headers, writing, stats
# --------------------------------------------------------------------------


def new_header(language: str | None, project: str = "locpipe") -> dict[str, str]:
    """A deterministic header (no dates that change between runs).

    ``language=None`` gives a template's header.  The fixed PO-Revision-Date,
    Last-Translator and Language-Team values pass ``msgfmt --check``.
    """
    header = {"Project-Id-Version": project, "Report-Msgid-Bugs-To": ""}
    if language is not None:
        header["PO-Revision-Date"] = "1970-01-01 00:00+0000"
        header["Last-Translator"] = "locpipe <locpipe@localhost>"
        header["Language-Team"] = f"{language} <locpipe@localhost>"
    header["Language"] = language or ""
    header["MIME-Version"] = "1.0"
    header["Content-Type"] = "text/plain; charset=UTF-8"
    header["Content-Transfer-Encoding"] = "8bit"
    if language is not None:
        header["Plural-Forms"] = plural_forms(language)
    return header


def new_template(project: str = "locpipe") -> polib.POFile:
    """An empty .pot with the deterministic template header."""
    po = polib.POFile(wrapwidth=PAGE_WIDTH)
    po.metadata = new_header(None, project)
    return po


def new_catalog(language: str, project: str = "locpipe") -> polib.POFile:
    """An empty .po for ``language`` with the deterministic header."""
    po = polib.POFile(wrapwidth=PAGE_WIDTH)
    po.metadata = new_header(language, project)
    return po


def write_catalog(path: str | Path, po: polib.POFile) -> bool:
    """Format and write atomically; False when the file already had these bytes."""
    return atomic_write_text(path, format_catalog(po))


def mo_bytes(po: polib.POFile, include_fuzzy: bool = False) -> bytes:
    """The compiled ``.mo`` of a catalog.

    Fuzzy entries are left out unless ``include_fuzzy``; untranslated and
    obsolete entries are always left out; the header is kept.
    """
    out = polib.POFile(wrapwidth=PAGE_WIDTH, encoding="utf-8")
    out.metadata = dict(po.metadata)
    for entry in po:
        if entry.obsolete or (entry.fuzzy and not include_fuzzy):
            continue
        if entry.msgid_plural:
            done = all(entry.msgstr_plural.values()) and entry.msgstr_plural
        else:
            done = bool(entry.msgstr)
        if done:
            copy = polib.POEntry(
                msgid=entry.msgid,
                msgctxt=entry.msgctxt,
                msgstr=entry.msgstr,
                msgid_plural=entry.msgid_plural,
                msgstr_plural=dict(entry.msgstr_plural),
            )
            out.append(copy)
    return out.to_binary()


def write_mo(po: polib.POFile, path: str | Path, include_fuzzy: bool = False) -> bool:
    """Compile to a .mo file (:func:`mo_bytes`; atomic, no write when unchanged)."""
    return atomic_write_bytes(path, mo_bytes(po, include_fuzzy))


@dataclass(frozen=True)
class CatalogStats:
    """Counts over live entries (no header, no obsolete entries)."""

    total: int
    translated: int
    fuzzy: int
    untranslated: int

    @property
    def percent_complete(self) -> float:
        return 100.0 if self.total == 0 else self.translated * 100.0 / self.total


def _has_translation(entry: polib.POEntry) -> bool:
    if entry.msgid_plural:
        return bool(entry.msgstr_plural) and all(entry.msgstr_plural.values())
    return bool(entry.msgstr)


def stats(po: polib.POFile) -> CatalogStats:
    """Translated (non-fuzzy, non-empty), fuzzy and untranslated counts."""
    total = translated = fuzzy = 0
    for entry in po:
        if entry.obsolete or (entry.msgid == "" and entry.msgctxt is None):
            continue
        total += 1
        if "fuzzy" in entry.flags:
            fuzzy += 1
        elif _has_translation(entry):
            translated += 1
    return CatalogStats(total, translated, fuzzy, total - translated - fuzzy)
