"""Line breaking as GNU gettext 0.21 does it for PO strings (libunistring 1.0).

``u8_possible_linebreaks`` and ``u8_width_linebreaks`` written in Python: the
UAX #14 pair table as libunistring 1.0 has it (the space kept at the end of
the line), its character widths, and a fast path that maps the characters of
common texts to one-letter class codes and finds the breaks with two regular
expressions.  Line-break classes come from the ``uniseg`` package (Unicode
data), imported only for a character outside the tables written out below.
"""

from __future__ import annotations

import re
import unicodedata
from bisect import bisect_right
from collections import defaultdict
from functools import cache, lru_cache

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
        overflows = last_column + piece_width > width
        if kind in (_POSSIBLE, _MANDATORY) and last_p is not None and overflows:
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
# ``_pair`` find the break opportunities, and the greedy fitting (``fit_breaks``)
# visits only those.  Any other character sends the text to the full
# algorithm.  Tests check that the two agree (tests/test_catalog_format.py).

_STATEFUL = {"BK", "ZW", "CM", "ZWJ", "RI", "HL"}
_LETTERS = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789"
_FAST_CLASSES = sorted({_CLASS_MAP.get(c, c) for c in _LB_CLASSES} - _STATEFUL - {"SP"} | {"OP_EA"})
_CLASS_CODE = dict(zip(_FAST_CLASSES, _LETTERS, strict=False))
_SLOW = "!"  # the code of a character the fast path cannot handle
_COMMON = ("AL", "NU")  # letters and digits: no direct break between them


def _break_patterns() -> tuple[re.Pattern[bytes], re.Pattern[bytes]]:
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
        common = "".join(code[left] for left in _COMMON if _pair(left, right) == _D)
        before_rare[common].append(code[right])
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


def class_codes(text: str) -> bytes | None:
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


def break_positions(codes: bytes, prohibited: set[int]) -> list[int]:
    """The break opportunities of a text of fast-class characters, as a list of offsets."""
    # the ends of the matches of one search, the starts of the other's
    positions = [m.end() for m in _AFTER_RE.finditer(codes)]
    before = [m.start() for m in _BEFORE_RE.finditer(codes)]
    if before:
        positions = sorted(positions + before)
    if prohibited:
        positions = [p for p in positions if p not in prohibited]
    return positions


def fit_breaks(positions: list[int], length: int, width: int, start_column: int) -> list[int]:
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


def slow_breaks(text: str, prohibited: set[int], width: int, start_column: int) -> list[int]:
    """The offsets where lines break, by the full algorithm (any character)."""
    overrides = [_PROHIBITED if i in prohibited else 0 for i in range(len(text))]
    breaks = _width_breaks(text, overrides, width, start_column)
    return [i for i, brk in enumerate(breaks) if brk]
