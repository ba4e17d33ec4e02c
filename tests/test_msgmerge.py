"""merge() against GNU msgmerge --previous (the oracle), and its safety properties."""

from __future__ import annotations

import random
import re
import subprocess
from pathlib import Path

import polib
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from rapidfuzz import fuzz
from rapidfuzz.distance import Levenshtein

from conftest import require_tool
from locpipe.catalog import extra_flags, format_catalog, new_catalog, new_template, parse_catalog
from locpipe.msgmerge import (
    FUZZY_CUTOFF,
    WORD_RULE_FLOOR,
    WORD_RULE_MAX_WORDS,
    WORD_RULE_MIN_WORDS,
    _FuzzyIndex,
    _tokens,
    merge,
)

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


@pytest.mark.slow
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


# --- the one-word-away rule ----------------------------------------------------------


def catalogs(old: dict[str, str], new: list[str]) -> tuple[polib.POFile, polib.POFile]:
    po = new_catalog("fr")
    for msgid, msgstr in old.items():
        po.append(polib.POEntry(msgid=msgid, msgstr=msgstr))
    pot = new_template()
    for msgid in new:
        pot.append(polib.POEntry(msgid=msgid))
    return po, pot


def test_one_changed_word_in_a_short_string_is_found() -> None:
    """A UI string with one word changed scores below FUZZY_CUTOFF but is the same message."""
    old, pot = catalogs(
        {
            "Add a new user": "Ajouter un utilisateur",
            "Delete selected %(verbose_name_plural)s": "Supprimer les %(verbose_name_plural)s",
            "Show all items": "Afficher tous les éléments",
            "This field is required.": "Ce champ est obligatoire.",
        },
        ["Add a new group", "Show all the items", "This field is optional."],
    )
    assert fuzz.ratio("Add a new group", "Add a new user") < FUZZY_CUTOFF
    assert fuzz.ratio("This field is optional.", "This field is required.") < FUZZY_CUTOFF
    merged = merge(old, pot, "fr")
    got = {e.msgid: (e.msgstr, e.fuzzy, e.previous_msgid) for e in merged if not e.obsolete}
    assert got == {
        "Add a new group": ("Ajouter un utilisateur", True, "Add a new user"),
        "Show all the items": ("Afficher tous les éléments", True, "Show all items"),
        "This field is optional.": (
            "Ce champ est obligatoire.",
            True,
            "This field is required.",
        ),
    }


def test_several_one_word_neighbours_need_a_good_ratio() -> None:
    """Of several old strings one word away, the best ratio is taken only if >= the floor."""
    neighbours = {"Open the file": "Ouvrir le fichier", "Open the door": "Ouvrir la porte"}
    old, pot = catalogs(neighbours, ["Open the files", "Open the garage"])
    merged = merge(old, pot, "fr")
    files, garage = merged.find("Open the files"), merged.find("Open the garage")
    assert fuzz.ratio("Open the files", "Open the file") >= WORD_RULE_FLOOR
    assert (files.msgstr, files.fuzzy) == ("Ouvrir le fichier", True)
    assert max(fuzz.ratio("Open the garage", k) for k in neighbours) < WORD_RULE_FLOOR
    assert garage.msgstr == "" and not garage.fuzzy  # two equally weak guesses: none


def test_word_rule_needs_three_words_and_one_edit() -> None:
    old, pot = catalogs(
        {"Log in": "Se connecter", "Go to the next page": "Aller à la page suivante"},
        ["Log out", "Go back to the previous page"],
    )
    merged = merge(old, pot, "fr")
    assert all(e.msgstr == "" for e in merged if not e.obsolete)


def test_reordered_words_keep_their_translation() -> None:
    """The same words in another order are the same message (msgmerge's ratio often misses it)."""
    old, pot = catalogs(
        {"Go to the next page": "Aller à la page suivante", "Next": "Suivant"},
        ["Go to page the next", "Go to the page"],
    )
    merged = merge(old, pot, "fr")
    moved = merged.find("Go to page the next")
    assert (moved.msgstr, moved.fuzzy, moved.previous_msgid) == (
        "Aller à la page suivante",
        True,
        "Go to the next page",
    )


def test_a_clause_inserted_or_a_sentence_split_off_keeps_the_translation() -> None:
    """One contiguous run of words added or removed: the kept words decide, not the ratio."""
    old, pot = catalogs(
        {
            "Save the draft": "Enregistrer le brouillon",
            "The file was deleted. You can restore it from the trash.": (
                "Le fichier a été supprimé. Vous pouvez le restaurer depuis la corbeille."
            ),
            "Cancel": "Annuler",
        },
        [
            "Save the draft, if needed, before you leave",
            "The file was deleted.",
            "Cancel the upload of all the selected files now",
        ],
    )
    assert (
        fuzz.ratio("Save the draft, if needed, before you leave", "Save the draft") < FUZZY_CUTOFF
    )
    merged = merge(old, pot, "fr")
    assert merged.find("Save the draft, if needed, before you leave").msgstr == (
        "Enregistrer le brouillon"
    )
    split = merged.find("The file was deleted.")
    assert split.fuzzy and split.previous_msgid.startswith("The file was deleted. You can")
    # one word kept out of nine is no evidence
    assert merged.find("Cancel the upload of all the selected files now").msgstr == ""


@settings(max_examples=200, deadline=None)
@given(
    st.lists(st.lists(st.sampled_from(["a", "b", "c", "d", "."]), max_size=7), max_size=25),
    st.lists(st.sampled_from(["a", "b", "c", "d", "."]), max_size=7),
)
@pytest.mark.slow
def test_one_word_away_index_equals_brute_force(olds: list[list[str]], query: list[str]) -> None:
    """The deletion-tuple index finds exactly the old msgids at word distance <= 1."""
    texts = list(dict.fromkeys(" ".join(words) for words in olds))
    index = _FuzzyIndex([polib.POEntry(msgid=t, msgstr="x") for t in texts])
    text = " ".join(query)
    expected = []
    if WORD_RULE_MIN_WORDS <= len(query) <= WORD_RULE_MAX_WORDS:
        expected = [
            i
            for i, t in enumerate(texts)
            if Levenshtein.distance(_tokens(t), _tokens(text), score_cutoff=1) <= 1
        ]
    assert index.one_word_away(text) == expected


def test_same_context_wins_a_tie() -> None:
    old = new_catalog("fr")
    old.append(polib.POEntry(msgid="Open the file", msgstr="Ouvrir (menu)", msgctxt="menu"))
    old.append(polib.POEntry(msgid="Open the file", msgstr="Ouvrir (bouton)", msgctxt="button"))
    pot = new_template()
    pot.append(polib.POEntry(msgid="Open this file", msgctxt="button"))
    entry = merge(old, pot, "fr").find("Open this file", msgctxt="button")
    assert (entry.msgstr, entry.fuzzy, entry.previous_msgctxt) == (
        "Ouvrir (bouton)",
        True,
        "button",
    )


#: Flags Weblate writes (or a manager sets in Weblate) and GNU msgmerge drops.
WEBLATE_FLAGS = 'ignore-same, read-only, max-length:80, priority:200, placeholders:"%(a)s, %(b)s"'


def test_update_keeps_the_flags_weblate_and_translators_set(tmp_path: Path) -> None:
    """ignore-same and the other flags gettext does not know survive `update`: kept on an
    exact match, a fuzzy match of an edited msgid, a revived and an obsolete entry;
    everything else is msgmerge's output."""
    old = parse_catalog(
        format_catalog(new_catalog("it"))
        + f'\n#, {WEBLATE_FLAGS}\nmsgid "DNS and TTL."\nmsgstr "DNS e TTL."\n'
        '\n#, ignore-same\nmsgid "The quick brown fox jumps over the lazy dog."\n'
        'msgstr "La volpe veloce salta sopra il cane pigro."\n'
        '\n#, forbidden\n#~ msgid "Revive me please."\n#~ msgstr "Rianimami per favore."\n'
        '\n#, strict-same\nmsgid "Translated and removed, nothing like it."\n'
        'msgstr "Tradotto e rimosso."\n'
    )
    pot = parse_catalog(
        format_catalog(new_template())
        + '\n#. p\n#, python-format\nmsgid "DNS and TTL."\nmsgstr ""\n'
        '\n#: a.html:2\nmsgid "The quick brown fox jumped over the lazy dog."\nmsgstr ""\n'
        '\n#: a.html:3\n#, url\nmsgid "Revive me please."\nmsgstr ""\n'
    )
    merged = merge(old, pot, "it")
    flags = {e.msgid: e.flags for e in merged}
    assert flags["DNS and TTL."] == [
        "python-format",
        "ignore-same",
        "read-only",
        "max-length:80",
        "priority:200",
        'placeholders:"%(a)s, %(b)s"',
    ]
    assert flags["The quick brown fox jumped over the lazy dog."] == ["fuzzy", "ignore-same"]
    assert flags["Revive me please."] == ["url", "forbidden"]  # the template's, then the old
    assert flags["Translated and removed, nothing like it."] == ["strict-same"]  # obsolete
    text = format_catalog(merged)
    assert f"#. p\n#, python-format, {WEBLATE_FLAGS}\nmsgid" in text
    assert "#, strict-same\n#~ msgid" in text
    # Merged again: nothing changes (no flag doubled).
    assert format_catalog(merge(parse_catalog(text), pot, "it")) == text
    # Without those flags the result is msgmerge's, byte for byte.
    plain = parse_catalog(text)
    for e in plain:
        e.flags = [f for f in e.flags if f not in extra_flags(e.flags)]
    assert format_catalog(plain) == msgmerge(tmp_path, old, pot)
