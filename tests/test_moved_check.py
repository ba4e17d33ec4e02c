"""The ``moved`` check: a protected element an engine moved past a word, in drafts only."""

from __future__ import annotations

import polib
import pytest
from click.testing import CliRunner

from conftest import copy_sample_site
from locpipe.catalog import read_catalog, write_catalog
from locpipe.cli import main
from locpipe.project import Project
from locpipe.qa import MACHINE_MARK, QAContext, check_entry
from locpipe.steps.review import review
from locpipe.steps.translate import MT_COMMENT

SOURCE = "Ogni istruzione del <span/> crea un livello."
MOVED = "Chaque instruction du crée <span/> un niveau."


def moved(msgid: str, msgstr: str, machine: bool = True) -> list[str]:
    comment = "machine translation: apertium ita-cat|cat-fra" if machine else ""
    entry = polib.POEntry(msgid=msgid, msgstr=msgstr, tcomment=comment, flags=["fuzzy"])
    return [f.message for f in check_entry(entry, QAContext(language="fr")) if f.check == "moved"]


def test_the_engine_moving_a_protected_element_past_a_verb_is_flagged():
    assert moved(SOURCE, MOVED) == [
        "protected element moved past a word: du crée <span/> (in the source: del <span/>)"
    ]


def test_a_reviewed_translation_is_never_flagged():
    assert moved(SOURCE, MOVED, machine=False) == []


@pytest.mark.parametrize(
    ("msgid", "msgstr"),
    [
        (SOURCE, "Chaque instruction du <span/> crée un niveau."),  # where it was
        (SOURCE, "Chaque instruction de <span/> crée un niveau."),
        ("Strumenti come <span/> o altri.", "Instruments comme <span/> ou d’autres."),
        ("Il file <span/> crea un livello.", "Le fichier crée <span/> un niveau."),  # not after
        # an article or preposition in the source: nothing to say where it belongs
        ("Una riga del <br/> crea un livello.", "Une ligne du crée <br/> un niveau."),  # markup
        ("Una riga del <img/> crea un livello.", "Une ligne du crée <img/> un niveau."),
        ("Con la <span/> del sito.", "Avec la <span/> du site."),
    ],
)
def test_an_element_left_in_its_place_or_markup_is_not_flagged(msgid: str, msgstr: str):
    assert moved(msgid, msgstr) == []


def test_an_elided_article_counts_and_paired_tags_are_ignored():
    assert moved(
        "Chiede al <span/> la <strong>risposta</strong>.",
        "Il demande à l'interne <span/> la <strong>réponse</strong>.",
    ) == ["protected element moved past a word: l’ interne <span/> (in the source: al <span/>)"]


def test_the_mark_is_the_comment_translate_writes():
    assert MT_COMMENT.startswith(MACHINE_MARK)


def test_review_shows_it_on_the_draft_and_not_on_the_reviewer_s_text(tmp_path):
    site = tmp_path / "site"
    site.mkdir()
    copy_sample_site(site, with_locales=True)
    path = site / "locales/fr/LC_MESSAGES/propagazione-dns.po"
    po = read_catalog(path)
    draft = next(e for e in po if "fuzzy" in e.flags and MT_COMMENT in e.tcomment)
    draft.msgid, draft.msgstr = SOURCE, MOVED
    write_catalog(path, po)
    shown: list[str] = []
    keys = iter(["e", "q"])
    result = review(
        Project(site),
        "fr",
        "propagazione-dns",
        "Ada <ada@example.org>",
        lambda prompt: next(keys),
        shown.append,
        lambda text, entry: MOVED,  # the reviewer wants it there after all
    )
    text = "\n".join(shown)
    assert "check:    moved (warning): protected element moved past a word" in text
    assert result.edited == 1 and "warning:" not in text
    edited = next(e for e in read_catalog(path) if e.msgid == SOURCE)
    assert edited.msgstr == MOVED and "fuzzy" not in edited.flags


def test_a_translator_s_merged_text_is_not_flagged(tmp_path):
    site = tmp_path / "site"
    site.mkdir()
    copy_sample_site(site, with_locales=True)
    path = site / "locales/fr/LC_MESSAGES/propagazione-dns.po"
    po = read_catalog(path)
    draft = next(e for e in po if "fuzzy" in e.flags and MT_COMMENT in e.tcomment)
    draft.msgid, draft.msgstr = SOURCE, MOVED
    write_catalog(path, po)
    sent = tmp_path / "fr.po"
    args = ["-C", str(site), "export", "--lang", "fr", "--article", "propagazione-dns"]
    assert CliRunner().invoke(main, [*args, "-o", str(sent)]).exit_code == 0
    theirs = polib.pofile(str(sent))
    entry = next(e for e in theirs if e.msgid == SOURCE)
    entry.flags.remove("fuzzy")
    theirs.save(str(sent))
    result = CliRunner().invoke(main, ["-C", str(site), "merge", str(sent)])
    assert result.exit_code == 0, result.output
    assert "1 merged" in result.output and "moved" not in result.output
