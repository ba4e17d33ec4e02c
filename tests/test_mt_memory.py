"""Translation memory, sentence memory and the SQLite cache (engine-independent)."""

from __future__ import annotations

import shutil
from collections.abc import Sequence
from pathlib import Path

import polib
import pytest
from click.testing import CliRunner
from hypothesis import given
from hypothesis import strategies as st

from locpipe.cli import main
from locpipe.mt.base import Backend
from locpipe.mt.cache import CACHE_DIR, MTCache, fingerprint
from locpipe.mt.memory import split_sentences
from locpipe.project import Project
from locpipe.steps.translate import translate
from locpipe.units import VERBATIM_COMMENT

ROOT = Path(__file__).resolve().parents[1]
PARAGRAPH_OLD = "Il TTL è il numero che decide quanto a lungo una risposta resta valida."
PARAGRAPH_NEW = "Il TTL è il valore che decide per quanto tempo una risposta resta valida."


class Counting(Backend):
    """Fake engine: ``"ciao"`` → ``"en:ciao"``; records every text it is asked for."""

    name = "counting"

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.calls: list[list[str]] = []
        self.sent: list[tuple[str, str]] = []  # (target, text)

    def check_pair(self, source: str, target: str) -> None:
        pass

    def translate(self, texts: Sequence[str], source: str, target: str) -> list[str | None]:
        self.calls.append(list(texts))
        self.sent += [(target, text) for text in texts]
        return [f"{target}:{text}" for text in texts]

    @property
    def texts(self) -> list[str]:
        return [t for call in self.calls for t in call]


@pytest.fixture
def project(extracted_project: Path) -> Path:
    return extracted_project


def cli(project: Path, *args: str) -> None:
    result = CliRunner().invoke(main, ["-C", str(project), *args])
    assert result.exit_code == 0, result.output


def run(project: Path, **kwargs):
    backend = Counting(do_not_translate=Project(project).config.do_not_translate)
    result = translate(Project(project), backend=backend, **kwargs)
    return result, backend


def catalog_texts(project: Path) -> dict[str, bytes]:
    return {
        str(p.relative_to(project)): p.read_bytes()
        for p in sorted((project / "locales").glob("*/LC_MESSAGES/*.po"))
    }


def reset_catalogs(project: Path) -> None:
    for lang in ("en", "fr", "es", "it"):
        shutil.rmtree(project / "locales" / lang, ignore_errors=True)
    cli(project, "update")


def edit_article(project: Path, old: str, new: str, name: str = "propagazione-dns.html") -> None:
    path = project / "source_articles" / name
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new), encoding="utf-8")
    cli(project, "extract")
    cli(project, "update")


@pytest.mark.slow
def test_second_run_from_scratch_makes_zero_engine_calls(project: Path):
    first, engine = run(project)
    assert first.translated > 0 and engine.calls
    assert (project / CACHE_DIR / "mt.sqlite3").is_file()
    done = catalog_texts(project)
    reset_catalogs(project)
    second, engine = run(project)
    assert engine.calls == [] and second.engine_calls == 0
    assert second.translated == first.translated
    assert second.cache_hits == first.engine_texts
    assert catalog_texts(project) == done  # byte for byte the same catalogs


def test_identical_units_across_articles_are_sent_once(project: Path):
    result, engine = run(project)
    sent = engine.texts
    assert len(sent) == result.engine_texts
    per_call_unique = all(len(call) == len(set(call)) for call in engine.calls)
    assert per_call_unique
    # Each (target, text) went to the engine exactly once in the whole run.
    pairs, texts, copied = [], [], []  # a plural entry is two texts: msgid and msgid_plural
    projects = Project(project)
    for domain in projects.domains():
        for lang in domain.targets:
            po = polib.pofile(str(projects.catalog_path(lang, domain.name)))
            live = [e for e in po if not e.obsolete]
            pairs += [(domain.source_language, lang, e.msgid) for e in live]
            plurals = [(domain.source_language, lang, e.msgid_plural) for e in live]
            texts += pairs[-len(live) :] + [p for p in plurals if p[2]]
            copied += [e.msgid for e in po if VERBATIM_COMMENT in e.tcomment]
    assert result.translated == len(pairs) and result.verbatim == len(copied) > 0
    sent = {t for t in texts if t[2] not in copied}  # code units are copied, not sent
    assert result.engine_texts == len(sent) < len(pairs)


def test_exact_memory_reuses_a_reviewed_translation_from_another_catalog(project: Path):
    run(project)
    path = project / "locales/en/LC_MESSAGES/propagazione-dns.po"
    po = polib.pofile(str(path))
    entry = next(e for e in po if e.msgid.startswith(PARAGRAPH_OLD))
    entry.msgstr = "The TTL, reviewed by a human."
    entry.flags.remove("fuzzy")
    po.save()
    # Another article repeats the paragraph.
    article = project / "source_articles/rag-spiegato.html"
    text = article.read_text(encoding="utf-8")
    article.write_text(
        text.replace("</body>", f"<p>{entry.msgid}</p>\n</body>", 1), encoding="utf-8"
    )
    cli(project, "extract")
    cli(project, "update")
    result, engine = run(project, languages=("en",))
    assert engine.calls == []  # nothing else is new for English
    assert result.from_memory == 1
    rag = polib.pofile(str(project / "locales/en/LC_MESSAGES/rag-spiegato.po"))
    reused = rag.find(entry.msgid)
    assert reused.msgstr == "The TTL, reviewed by a human."
    assert "fuzzy" in reused.flags
    assert (
        "translation memory: exact match, reviewed in "
        "locales/en/LC_MESSAGES/propagazione-dns.po" in reused.tcomment
    )
    assert "machine translation" not in reused.tcomment


def test_one_changed_sentence_is_the_only_text_sent(project: Path):
    run(project)
    before = polib.pofile(str(project / "locales/fr/LC_MESSAGES/propagazione-dns.po"))
    old = next(e for e in before if e.msgid.startswith(PARAGRAPH_OLD))
    edit_article(project, PARAGRAPH_OLD, PARAGRAPH_NEW)
    result, engine = run(project)
    # Exactly one text per target language of the article (en, fr, es): the changed sentence.
    assert engine.calls == [[PARAGRAPH_NEW]] * 3
    assert result.updated == 3 and result.translated == 0
    after = polib.pofile(str(project / "locales/fr/LC_MESSAGES/propagazione-dns.po"))
    entry = next(e for e in after if e.msgid.startswith(PARAGRAPH_NEW))
    assert "fuzzy" in entry.flags
    assert entry.previous_msgid == old.msgid  # the previous text is kept
    assert old.msgstr == f"fr:{old.msgid}"
    assert entry.msgstr == "fr:" + entry.msgid  # the new sentence + the 3 kept ones
    count = len(split_sentences(entry.msgid, "it"))
    assert count > 1
    assert f"translation memory: {count - 1} of {count} sentences reused" in entry.tcomment
    assert "machine translation: counting" in entry.tcomment
    # Nothing changed since: no engine call, no rewrite.
    snapshot = catalog_texts(project)
    again, engine = run(project)
    assert engine.calls == [] and again.updated == 0
    assert catalog_texts(project) == snapshot


def test_sentence_memory_fills_known_sentences_of_a_new_unit(project: Path):
    run(project, languages=("es",))
    path = project / "locales/es/LC_MESSAGES/propagazione-dns.po"
    po = polib.pofile(str(path))
    entry = next(e for e in po if e.msgid.startswith(PARAGRAPH_OLD))
    sentences = split_sentences(entry.msgid, "it")
    assert len(sentences) > 1
    entry.msgstr = " ".join(f"ES{i}." for i in range(len(sentences)))
    entry.flags.remove("fuzzy")
    po.save()
    new_unit = f"{sentences[1].core} Una frase del tutto nuova."
    article = project / "source_articles/rag-spiegato.html"
    text = article.read_text(encoding="utf-8")
    article.write_text(text.replace("</body>", f"<p>{new_unit}</p>\n</body>", 1), "utf-8")
    cli(project, "extract")
    cli(project, "update", "--lang", "es")
    result, engine = run(project, languages=("es",))
    assert engine.calls == [["Una frase del tutto nuova."]]
    rag = polib.pofile(str(project / "locales/es/LC_MESSAGES/rag-spiegato.po"))
    filled = rag.find(new_unit)
    assert filled.msgstr == "ES1. es:Una frase del tutto nuova."
    assert "translation memory: 1 of 2 sentences reused" in filled.tcomment


def test_interrupted_run_keeps_finished_batches_and_their_cache(project: Path):
    class Interrupted(Counting):
        def translate(self, texts, source, target):
            if len(self.calls) == 2:
                raise KeyboardInterrupt
            return super().translate(texts, source, target)

    backend = Interrupted()
    with pytest.raises(KeyboardInterrupt):
        translate(Project(project), backend=backend, batch_size=10)
    paid = set(backend.sent)
    assert len(backend.calls) == 2 and paid
    with MTCache.for_project(project) as cache:
        assert len(cache) == len(paid)
    saved = [
        e
        for p in (project / "locales").glob("*/LC_MESSAGES/*.po")
        for e in polib.pofile(str(p))
        if (e.msgstr or any(e.msgstr_plural.values())) and not e.obsolete
    ]
    forms = sum(2 if e.msgid_plural else 1 for e in saved)  # a plural entry is two texts
    assert forms >= len(paid)  # the two finished batches are in the catalogs
    result, engine = run(project)
    assert engine.sent and not paid & set(engine.sent)  # never paid twice


def test_cache_key_includes_engine_pair_and_protection(tmp_path: Path):
    with MTCache(tmp_path / "c.sqlite3") as cache:
        fp = fingerprint(["SEO"])
        cache.put_many("deepl", "it", "en", fp, [("ciao", "hello", None), ("x", None, "bad")])
        assert cache.get_many("deepl", "it", "en", fp, ["ciao", "nuovo"]) == {"ciao": "hello"}
        assert cache.get_many("deepl", "it", "fr", fp, ["ciao"]) == {}
        assert cache.get_many("libre", "it", "en", fp, ["ciao"]) == {}
        assert cache.get_many("deepl", "it", "en", fingerprint(["SEO", "DNS"]), ["ciao"]) == {}
        assert fingerprint([], {"a": "b"}) != fingerprint([])
        assert cache.get_many("deepl", "it", "en", fp, ["x"]) == {}  # a stored failure: a miss


def test_cache_can_be_switched_off(project: Path):
    config = project / "locpipe.toml"
    config.write_text(config.read_text() + "\n[mt]\ncache = false\n", encoding="utf-8")
    run(project, languages=("en",))
    assert not (project / CACHE_DIR / "mt.sqlite3").exists()  # (stamps may be there)


def test_dry_run_counts_and_sends_nothing(project: Path):
    before = catalog_texts(project)
    result, engine = run(project, dry_run=True)
    assert engine.calls == [] and catalog_texts(project) == before
    assert set(result.per_language) == {"en", "fr", "es", "it"}
    texts, chars = result.per_language["en"]
    real, _ = run(project, languages=("en",))
    assert texts == real.engine_texts and chars == real.engine_chars > 0
    again, _ = run(project, dry_run=True, languages=("en",))
    assert again.per_language == {}  # nothing left to send for English


_SENTENCE = st.text(alphabet="abc DEF.!?<>/12 \n", max_size=80)


@given(_SENTENCE)
def test_sentences_cover_the_text_exactly(text: str):
    segments = split_sentences(text, "it")
    assert "".join(s.lead + s.core + s.trail for s in segments) == text


def test_sentences_never_cut_through_a_tag():
    text = "Prima frase. <a1>Seconda frase. Terza frase.</a1> Quarta."
    assert [s.core for s in split_sentences(text, "it")] == [text]
    text = "Prima frase. <a1>Seconda frase.</a1> Terza."
    cores = [s.core for s in split_sentences(text, "it")]
    assert cores == ["Prima frase.", "<a1>Seconda frase.</a1>", "Terza."]


def test_tmx_export_holds_the_reviewed_units(project: Path):
    from translate.storage.tmx import tmxfile

    run(project, languages=("en",))
    path = project / "locales/en/LC_MESSAGES/ui.po"
    po = polib.pofile(str(path))
    po[0].msgstr, po[0].flags = "Reviewed <b>one</b>", []
    po.save()
    result = CliRunner().invoke(
        main, ["-C", str(project), "tm", "export", "-o", str(project / "m.tmx")]
    )
    assert result.exit_code == 0, result.output
    tmx = tmxfile.parsefile(str(project / "m.tmx"))
    assert [(u.source, u.target) for u in tmx.units] == [(po[0].msgid, "Reviewed <b>one</b>")]


@pytest.mark.slow
def test_a_translators_text_replaced_by_a_sentence_update_is_kept_in_a_comment(project: Path):
    run(project)
    path = project / "locales/fr/LC_MESSAGES/propagazione-dns.po"
    po = polib.pofile(str(path))
    entry = next(e for e in po if e.msgid.startswith(PARAGRAPH_OLD))
    sentences = split_sentences(entry.msgid, "it")
    human = " ".join(f"Phrase {i} revue." for i in range(len(sentences)))
    entry.msgstr = human
    entry.flags.remove("fuzzy")
    entry.tcomment = ""
    po.save()
    edit_article(project, PARAGRAPH_OLD, PARAGRAPH_NEW)
    run(project, languages=("fr",))
    after = polib.pofile(str(path))
    updated = next(e for e in after if e.msgid.startswith(PARAGRAPH_NEW))
    assert "fuzzy" in updated.flags and updated.msgstr != human
    assert f"previous translation: {human}" in updated.tcomment
