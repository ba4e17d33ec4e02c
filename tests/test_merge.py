"""merge() against GNU msgmerge --previous (the oracle), and its safety properties."""

from __future__ import annotations

import random
import re
import subprocess
from pathlib import Path

import polib
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from conftest import require_tool
from locpipe.catalog import format_catalog, new_catalog, new_template, parse_catalog
from locpipe.merge import merge

_VOCAB_TEXT = (
    "casa cielo sole mare montagna libro tavolo finestra porta strada città paese "
    "giardino fiume lago bosco albero fiore gatto cane cavallo uccello pesce treno "
    "nave aereo scuola lavoro amico famiglia tempo giorno notte mattina sera estate "
    "inverno primavera autunno rosso verde azzurro grande piccolo nuovo vecchio bello"
)
VOCAB = _VOCAB_TEXT.split()


def sentence(rng: random.Random, n: int) -> str:
    return " ".join(rng.choice(VOCAB) for _ in range(n)).capitalize() + "."


def edit(rng: random.Random, text: str) -> str:
    words = text.rstrip(".").split(" ")
    for _ in range(max(1, len(words) // 10)):
        words[rng.randrange(len(words))] = rng.choice(VOCAB)
    return " ".join(words) + " modificato."


def build(entries: list[tuple[str, str]], language: str | None) -> polib.POFile:
    po = new_catalog(language) if language else new_template()
    for i, (msgid, msgstr) in enumerate(entries):
        po.append(
            polib.POEntry(msgid=msgid, msgstr=msgstr, comment="p", occurrences=[("a.html", str(i))])
        )
    return po


def scenario(seed: int, count: int = 40) -> tuple[polib.POFile, polib.POFile]:
    """An old .po and a new .pot: some kept, some edited, some removed, some added."""
    rng = random.Random(seed)
    old_entries, new_entries = [], []
    for i in range(count):
        msgid = sentence(rng, rng.randint(8, 40)) + f" {i}"
        msgstr = f"TR {i} " + msgid.lower() if rng.random() < 0.8 else ""
        old_entries.append((msgid, msgstr))
        roll = rng.random()
        if roll < 0.6:
            new_entries.append((msgid, ""))
        elif roll < 0.8:
            new_entries.append((edit(rng, msgid), ""))
        elif roll < 0.9:
            new_entries.append((sentence(rng, rng.randint(8, 40)) + f" new {i}", ""))
    rng.shuffle(new_entries)
    return build(old_entries, "it"), build(new_entries, None)


def msgmerge(tmp: Path, old: polib.POFile, pot: polib.POFile) -> str:
    tool = require_tool("msgmerge")
    (tmp / "old.po").write_text(format_catalog(old), encoding="utf-8")
    (tmp / "new.pot").write_text(format_catalog(pot), encoding="utf-8")
    done = subprocess.run(
        [tool, "--previous", "-q", "-o", "-", str(tmp / "old.po"), str(tmp / "new.pot")],
        capture_output=True,
        check=True,
    )
    return re.sub(r'"POT-Creation-Date: [^"]*"\n', "", done.stdout.decode("utf-8"))


def test_fixed_case_equals_msgmerge(tmp_path: Path) -> None:
    old = parse_catalog(
        format_catalog(new_catalog("it"))
        + '\n# keep me\n#, fuzzy\n#| msgid "The cat sat on the mat"\n'
        'msgid "The cat sat on the mat."\nmsgstr "Il gatto era sul tappeto."\n'
        '\nmsgid "The quick brown fox jumps over the lazy dog."\n'
        'msgstr "La volpe veloce salta sopra il cane pigro."\n'
        '\nmsgid "Untranslated and removed."\nmsgstr ""\n'
        '\nmsgid "Translated and removed, nothing like it."\nmsgstr "Tradotto e rimosso."\n'
        '\n#~ msgid "Revive me please."\n#~ msgstr "Rianimami per favore."\n'
    )
    pot = parse_catalog(
        format_catalog(new_template())
        + '\n#. p\n#: a.html:3\nmsgid "Revive me please."\nmsgstr ""\n'
        '\n#. p\n#: a.html:1\n#, python-format\nmsgid "The cat sat on the mat."\nmsgstr ""\n'
        '\n#: a.html:2\nmsgid "The quick brown fox jumped over the lazy dog."\nmsgstr ""\n'
        '\n#. h1\nmsgid "Something new."\nmsgstr ""\n'
    )
    merged = merge(old, pot, "it")
    assert format_catalog(merged) == msgmerge(tmp_path, old, pot)
    fox = merged.find("The quick brown fox jumped over the lazy dog.")
    assert fox.fuzzy and fox.previous_msgid == "The quick brown fox jumps over the lazy dog."


def test_random_scenarios_agree_with_msgmerge(tmp_path: Path) -> None:
    for seed in range(6):
        old, pot = scenario(seed)
        ours = merge(old, pot, "it")
        theirs = parse_catalog(msgmerge(tmp_path, old, pot))
        ours_live = [e for e in ours if not e.obsolete]
        theirs_live = [e for e in theirs if not e.obsolete]
        assert [e.msgid for e in ours_live] == [e.msgid for e in theirs_live]  # template order
        agree = True
        for mine, gnu in zip(ours_live, theirs_live, strict=True):
            if mine.previous_msgid == gnu.previous_msgid:
                assert (mine.msgstr, mine.fuzzy) == (gnu.msgstr, gnu.fuzzy), mine.msgid
            else:
                agree = False
        if agree:
            assert format_catalog(ours) == format_catalog(theirs)
            assert {e.msgid for e in ours if e.obsolete} == {e.msgid for e in theirs if e.obsolete}


def test_merged_output_passes_msgfmt_check(tmp_path: Path) -> None:
    tool = require_tool("msgfmt")
    old, pot = scenario(99)
    path = tmp_path / "it.po"
    path.write_text(format_catalog(merge(old, pot, "it")), encoding="utf-8")
    done = subprocess.run(
        [tool, "--check", "-o", str(tmp_path / "it.mo"), str(path)], capture_output=True
    )
    assert done.returncode == 0, done.stderr.decode()


def test_merge_without_old_catalog() -> None:
    _, pot = scenario(3)
    merged = merge(None, pot, "fr")
    assert merged.metadata["Language"] == "fr"
    assert "nplurals=2" in merged.metadata["Plural-Forms"]
    assert [e.msgid for e in merged] == [e.msgid for e in pot]
    assert all(e.msgstr == "" for e in merged)


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.integers(0, 10**6), st.integers(1, 30))
def test_no_translation_is_ever_lost(seed: int, count: int) -> None:
    old, pot = scenario(seed, count)
    merged = merge(old, pot, "it")
    kept = {e.msgstr for e in merged}
    for entry in old:
        if entry.msgstr:
            assert entry.msgstr in kept
    merged_again = merge(merged, pot, "it")
    assert format_catalog(merged_again) == format_catalog(merge(merged_again, pot, "it"))


def test_finds_the_edited_entries_among_8000() -> None:
    """Each one-word edit of a paragraph is matched to the entry it came from."""
    rng = random.Random(8000)
    old_entries, new_entries = [], []
    for i in range(8000):
        msgid = sentence(rng, rng.randint(30, 90)) + f" {i}"
        old_entries.append((msgid, "TR " + msgid))
        new_entries.append((edit(rng, msgid) if rng.random() < 0.1 else msgid, ""))
    old, pot = build(old_entries, "it"), build(new_entries, None)
    merged = merge(old, pot, "it")
    fuzzy = [e for e in merged if e.fuzzy and not e.obsolete]
    assert len(fuzzy) > 700
    # The translation carried over is the one of the entry the msgid was edited from.
    assert all(e.msgstr == "TR " + e.previous_msgid for e in fuzzy)
