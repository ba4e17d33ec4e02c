"""The line breaker and the column widths against libunistring itself (what msgcat calls).

GNU gettext's ``msgcat`` wraps with libunistring's ``u8_width_linebreaks``;
Debian's gettext 0.21 links libunistring 1.0.  Loading that library with
ctypes checks our port character by character: every code point's column
width, and the break opportunities of sampled code points next to a
character of every line-break class, with and without a space between.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import os
import random

import pytest

from locpipe import po_linebreak

#: One character of each class the algorithm tells apart.
PROBES = (
    "a1 ()}中\u0301-/\"'«%$,.!\u00a0\u200b\u200d😀🇮가각각א\u2026\u3005（\u2014\u2010\u00b4"
    "\u2060\U0001f466\U0001f3fb\n"
)


@pytest.fixture(scope="module")
def libunistring() -> ctypes.CDLL:
    name = ctypes.util.find_library("unistring")
    if name is None:
        message = "libunistring is not installed (it comes with gettext: run `make setup`)"
        if os.environ.get("CI") == "true":
            pytest.fail(message)
        pytest.skip(message)
    lib = ctypes.CDLL(name)
    lib.uc_width.argtypes = [ctypes.c_uint32, ctypes.c_char_p]
    lib.uc_width.restype = ctypes.c_int
    lib.u32_possible_linebreaks.argtypes = [
        ctypes.POINTER(ctypes.c_uint32),
        ctypes.c_size_t,
        ctypes.c_char_p,
        ctypes.c_char_p,
    ]
    return lib


def their_breaks(lib: ctypes.CDLL, text: str) -> list[int]:
    codes = (ctypes.c_uint32 * len(text))(*map(ord, text))
    out = ctypes.create_string_buffer(len(text))
    lib.u32_possible_linebreaks(codes, len(text), b"UTF-8", out)
    return list(out.raw)


def test_every_code_point_has_libunistrings_width(libunistring: ctypes.CDLL) -> None:
    wrong = []
    for code in range(0x110000):
        if 0xD800 <= code < 0xE000:
            continue
        theirs = max(libunistring.uc_width(code, b"UTF-8"), 0)  # control characters: -1
        if theirs != po_linebreak._char_width(chr(code)):
            wrong.append(f"U+{code:04X}: {theirs} vs {po_linebreak._char_width(chr(code))}")
    assert not wrong, wrong[:20]


def sample() -> list[int]:
    """Latin, punctuation, every override range's ends, and 3,000 random code points."""
    rng = random.Random(14)
    codes = list(range(0x20, 0x250)) + list(range(0x2000, 0x2070))
    for first, last, _ in po_linebreak._LIBUNISTRING_CLASSES:
        codes += [first, last]
    codes += [rng.randrange(0x110000) for _ in range(3000)]
    return sorted({c for c in codes if not 0xD800 <= c < 0xE000})


def test_break_opportunities_are_libunistrings(libunistring: ctypes.CDLL) -> None:
    """Each sampled character after and before every probe, with and without a space."""
    cells = []
    for code in sample():
        x = chr(code)
        for p in PROBES:
            cells += [p + x + "a", "a" + x + p, p + " " + x, x + " " + p]
    text = "\n".join(cells)  # a newline is a mandatory break: each cell starts afresh
    theirs = their_breaks(libunistring, text)
    ours = po_linebreak._possible_breaks(text)
    if theirs != ours:
        starts = [0]
        for cell in cells:
            starts.append(starts[-1] + len(cell) + 1)
        bad = [
            (cell, theirs[s : s + len(cell)], ours[s : s + len(cell)])
            for cell, s in zip(cells, starts, strict=False)
            if theirs[s : s + len(cell)] != ours[s : s + len(cell)]
        ]
        pytest.fail(f"{len(bad)} contexts differ (text, libunistring, ours): {bad[:10]}")
