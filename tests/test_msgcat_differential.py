"""Differential test: locpipe's catalog writer against the installed GNU ``msgcat``.

Thousands of generated strings (every ASCII punctuation mark, ``<``/``</``,
``~``, ``/``, ``-``, quotes and digits next to letters and spaces, CJK, emoji,
combining marks, no-break spaces, escapes, very long words) go into ONE
catalog as msgctxt, msgid, msgid_plural, msgstr, ``msgstr[n]``, ``#|``
previous strings and obsolete entries; ``msgcat`` rewrites it once and every
entry must come back byte for byte.  The seed is fixed, so CI runs the same
strings every time; a failure prints the first differing entries, ours and
msgcat's.
"""

from __future__ import annotations

import random
import string
import subprocess
from pathlib import Path

import polib
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from conftest import require_tool
from locpipe.catalog import format_catalog

SEED = 17
ENTRIES = 4000

#: Single characters and short clusters, each a line-breaking class or a trap of its own.
MARKS = [
    *string.punctuation,
    *string.digits,
    "</", "<", "~", "/", "-", "'", '"', "«", "»", "“", "”", "‘", "’", "„", "‹", "›",
    "a", "b", "x", "é", "É", "ß", "œ", "ñ", "ç",
    " ", " ", " ", "  ", "\u00a0", "\u202f", "\u2009", "\u200b", "\u2060", "\u00ad",
    "\t", "\n",
    "中", "文", "日本語", "。", "、", "「", "」", "（", "）", "한국어", "가", "ー", "々", "ア",
    "😀", "👍🏽", "🇮🇹", "🇫", "👨\u200d👩\u200d👧", "\u200d", "©", "™", "\ufe0f",
    "\u0301", "e\u0301", "\u0308", "\u05d0\u05d1", "\u0627\u0644", "ก", "\u0e31", "\u1b5c",
    "…", "—", "–", "‐", "‑", "·", "•", "€", "$", "%", "‰", "°", "§", "¿", "¡", "°C",
    "\\", "\a", "\x01", "\x7f", "\r", "\f", "\v", "\b",
]  # fmt: skip

WORDS = [
    "la", "casa", "word", "include:_spf.example.com", "v=spf1", "~all</code>", "<code>",
    "</code>", "<a1>", "</a1>", "<br/>", "https://example.org/a/b?c=d&e=f", "%(name)s", "%s",
    "%d", "%F", "%.2f", "%(a(b)c)s", "50%", "100% e", "{name}", "$5", "10.5", "1,000",
    "e.g.", "l'été", "foo-bar", "a/b", "(x)", "[y]", "{z}", "x" * 90, "abcdefghij" * 5,
    "漢字" * 30, "2026-12-05", "C++", "node:20-slim",
]  # fmt: skip

#: The case that was found on a real article (msgcat breaks after ``~all</``).
SPF = "<code>v=spf1 include:_spf.example.com ~all</code> e attendi…"


def piece(rng: random.Random) -> str:
    roll = rng.random()
    if roll < 0.35:
        return rng.choice(WORDS)
    if roll < 0.7:
        return rng.choice(MARKS)
    return "".join(rng.choice(string.ascii_letters) for _ in range(rng.randint(1, 12)))


def text(rng: random.Random, most: int = 80) -> str:
    """A string of 0 to ``most`` pieces, often separated by spaces."""
    parts: list[str] = []
    for _ in range(rng.randint(0, rng.choice([1, 3, 10, 30, most]))):
        parts.append(piece(rng))
        if rng.random() < 0.5:
            parts.append(" ")
    return "".join(parts)


def comment(rng: random.Random) -> str:
    """Comment text: printable, may span lines, no line ending in a backslash.

    (gettext's reader joins a line that ends in a backslash with the next one,
    in comments too: msgcat itself would write such a catalog unreadable.)
    """
    kept = "".join(c for c in text(rng, 20) if c.isprintable() or c == "\n")
    return "\n".join(line.rstrip("\\") for line in kept.split("\n"))


def entry(rng: random.Random, index: int) -> polib.POEntry:
    """One entry with a unique msgid; the other fields present at random."""
    e = polib.POEntry(msgid=f"{index} {text(rng)}", msgstr=text(rng) if rng.random() < 0.8 else "")
    if rng.random() < 0.2:
        e.msgctxt = text(rng, 10)
    if rng.random() < 0.2:
        e.previous_msgid = text(rng)
        if rng.random() < 0.3:
            e.previous_msgctxt = text(rng, 10)
    if rng.random() < 0.15:
        e.msgid_plural = text(rng) + " pl"
        e.msgstr_plural = {0: text(rng), 1: text(rng), 2: text(rng)}
        e.msgstr = ""
        if e.previous_msgid is not None and rng.random() < 0.5:
            e.previous_msgid_plural = text(rng)
    if rng.random() < 0.3:
        e.tcomment = comment(rng)
    if rng.random() < 0.2:
        e.comment = comment(rng)
    if rng.random() < 0.2:
        name = "".join(c for c in text(rng, 4) if c.isprintable() and not c.isspace())
        e.occurrences = [(f"source_articles/{name}.html", "")]
    for flag, chance in (("python-format", 0.2), ("fuzzy", 0.15), ("no-wrap", 0.05)):
        if rng.random() < chance:
            e.flags.append(flag)
    if rng.random() < 0.05:
        e.obsolete = True
    return e


def spf_entries(start: int) -> list[polib.POEntry]:
    """The reported case at every column, in each kind of line."""
    found = []
    for fill in ("x", "ab ", "é ", "’ ", "a-", "中", '"', "\\"):
        for pad in range(0, 100, 3):
            value = (fill * pad)[:pad] + " " + SPF + " la propagazione."
            index = start + len(found)
            found.append(polib.POEntry(msgid=f"{index}{value}", msgstr=value))
            found.append(polib.POEntry(msgid=f"{index}b", msgstr="", previous_msgid=value))
            found.append(polib.POEntry(msgctxt=value, msgid=f"{index}c", msgstr=""))
    return found


def catalog(seed: int, count: int) -> polib.POFile:
    rng = random.Random(seed)
    po = polib.POFile()
    po.metadata = {"Content-Type": "text/plain; charset=UTF-8"}
    for index in range(count):
        po.append(entry(rng, index))
    for e in spf_entries(count):
        po.append(e)
    return po


def msgcat_rewrite(tmp: Path, ours: str) -> str:
    tool = require_tool("msgcat")
    path = tmp / "generated.po"
    path.write_text(ours, encoding="utf-8")
    # msgcat warns (stderr) about \a, \b... escapes; it must still succeed
    done = subprocess.run([tool, str(path)], capture_output=True)
    assert done.returncode == 0, done.stderr.decode("utf-8", "replace")[:2000]
    return done.stdout.decode("utf-8")


def assert_entries_equal(ours: str, theirs: str, shown: int = 5) -> None:
    """Compare entry by entry; on failure name the first differing ones, both renderings."""
    if ours == theirs:
        return
    mine, gnu = ours.split("\n\n"), theirs.split("\n\n")
    report = []
    if len(mine) != len(gnu):
        report.append(f"{len(mine)} entries written, msgcat kept {len(gnu)}")
    for ours_block, gnu_block in zip(mine, gnu, strict=False):
        if ours_block != gnu_block:
            report.append(f"--- locpipe\n{ours_block}\n--- msgcat\n{gnu_block}")
            if len(report) > shown:
                break
    differing = sum(a != b for a, b in zip(mine, gnu, strict=False))
    pytest.fail(f"{differing} entries differ from msgcat:\n" + "\n\n".join(report))


def test_generated_catalog_is_what_msgcat_writes(tmp_path: Path) -> None:
    po = catalog(SEED, ENTRIES)
    ours = format_catalog(po)
    assert ours.count("\nmsgid ") + ours.count("\n#~ msgid ") >= ENTRIES
    assert_entries_equal(ours, msgcat_rewrite(tmp_path, ours))


def test_the_reported_spf_line_breaks_after_the_closing_tag_slash(tmp_path: Path) -> None:
    """msgcat breaks ``~all</`` | ``code>``: the break after ``/`` before a letter is direct."""
    value = "x" * 30 + " " + SPF
    po = polib.POFile()
    po.metadata = {"Content-Type": "text/plain; charset=UTF-8"}
    po.append(polib.POEntry(msgid=value, msgstr=""))
    ours = format_catalog(po)
    assert '~all</"\n"code> e attendi…' in ours
    assert_entries_equal(ours, msgcat_rewrite(tmp_path, ours))


PIECES = st.one_of(st.sampled_from(MARKS), st.sampled_from(WORDS), st.just(" "))


@settings(
    max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    st.lists(
        st.tuples(
            st.lists(PIECES, max_size=60).map("".join),
            st.sampled_from(["msgid", "msgstr", "msgctxt", "previous", "plural"]),
            st.booleans(),
        ),
        min_size=1,
        max_size=20,
    )
)
def test_hypothesis_pieces_match_msgcat(tmp_path: Path, items) -> None:
    """Hypothesis shrinks a difference to its shortest string."""
    po = polib.POFile()
    po.metadata = {"Content-Type": "text/plain; charset=UTF-8"}
    for index, (value, where, python) in enumerate(items):
        e = polib.POEntry(msgid=f"{index}", msgstr="")
        if where == "msgid":
            e.msgid = f"{index} {value}"
        elif where == "msgstr":
            e.msgstr = value
        elif where == "msgctxt":
            e.msgctxt = value
        elif where == "previous":
            e.previous_msgid = value
        else:
            e.msgid_plural, e.msgstr_plural = value or "p", {0: value, 1: value}
        if python:
            e.flags.append("python-format")
        po.append(e)
    ours = format_catalog(po)
    assert_entries_equal(ours, msgcat_rewrite(tmp_path, ours))
