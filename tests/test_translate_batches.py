"""The translate step feeds the engine full batches, languages at the same time.

Texts of several catalogs share an engine call, each language runs in its own
thread with a backend that declares itself ``parallel`` (one at a time
otherwise), a failure in one language keeps what every language finished, and
the catalogs written do not depend on batching or timing.
"""

from __future__ import annotations

import re
import shutil
import threading
import time
from collections.abc import Sequence
from pathlib import Path

import polib
import pytest
from click.testing import CliRunner

import locpipe.steps.translate as step
import locpipe.steps.translate.lanes as lanes
from conftest import require_tool
from locpipe.cli import main
from locpipe.errors import LocpipeError
from locpipe.mt import BACKENDS
from locpipe.mt.base import Backend
from locpipe.mt.cache import CACHE_DIR, MTCache
from locpipe.mt.online import OnlineBackend
from locpipe.mt.pseudo import PseudoBackend
from locpipe.project import Project
from locpipe.steps.translate import summary_lines, translate
from locpipe.units import VERBATIM_COMMENT

#: Seconds a test waits for the other language before it fails (never hangs).
TIMEOUT = 20.0


class Recording(Backend):
    """``"ciao"`` → ``"es:ciao"``; records each call (target, texts, thread) and overlaps."""

    name = "recording"

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.lock = threading.Lock()
        self.calls: list[tuple[str, list[str]]] = []
        self.threads: set[str] = set()
        self.returned: list[tuple[str, str]] = []  # (target, text) that came back
        self.running = 0
        self.most_running = 0

    def check_pair(self, source: str, target: str) -> None:
        pass

    def translate(self, texts: Sequence[str], source: str, target: str) -> list[str | None]:
        with self.lock:
            self.calls.append((target, list(texts)))
            call = sum(t == target for t, _ in self.calls)  # this language's call number
            self.threads.add(threading.current_thread().name)
            self.running += 1
            self.most_running = max(self.most_running, self.running)
        try:
            out = self.work(list(texts), source, target, call)
        finally:
            with self.lock:
                self.running -= 1
        with self.lock:
            self.returned += [(target, t) for t in texts]
        return out

    def work(self, texts: list[str], source: str, target: str, call: int) -> list[str | None]:
        return [None if "%(" in t else f"{target}:{t}" for t in texts]  # some failures

    def calls_for(self, target: str) -> list[list[str]]:
        with self.lock:
            return [texts for t, texts in self.calls if t == target]


class Parallel(Recording):
    parallel = True


@pytest.fixture
def prepared(extracted_sample: Path) -> Path:
    return extracted_sample


@pytest.fixture
def project(extracted_project: Path) -> Path:
    return extracted_project


def catalogs(project: Path) -> dict[str, bytes]:
    return {
        str(p.relative_to(project)): p.read_bytes()
        for p in sorted((project / "locales").glob("*/LC_MESSAGES/*.po"))
    }


def filled(project: Path, language: str) -> dict[str, str]:
    """msgid → msgstr of the entries of a language's catalogs the engine filled
    (code units, copied from their source, aside)."""
    return {
        e.msgid: e.msgstr
        for p in sorted((project / "locales" / language / "LC_MESSAGES").glob("*.po"))
        for e in polib.pofile(str(p))
        if e.msgstr and not e.obsolete and VERBATIM_COMMENT not in e.tcomment
    }


def pending_texts(project: Path, language: str) -> dict[str, set[str]]:
    """Catalog name → msgids the engine will be asked for (no memory on a fresh site)."""
    return {
        p.stem: {e.msgid for e in polib.pofile(str(p)) if e.msgid and not e.msgstr}
        for p in sorted((project / "locales" / language / "LC_MESSAGES").glob("*.po"))
    }


def run(project: Path, backend: Backend, **kwargs) -> step.TranslateResult:
    return translate(Project(project), backend=backend, **kwargs)


# --------------------------------------------------------------------------- batches


def test_texts_of_several_catalogs_share_one_engine_call(project: Path):
    texts = pending_texts(project, "es")
    backend = Recording()
    result = run(project, backend, languages=("es",))
    # One call per source language (Italian articles and the French one), not per catalog.
    assert len(backend.calls) == result.engine_calls == 2 < len(texts)
    first = set(backend.calls[0][1])
    assert sum(bool(first & msgids) for msgids in texts.values()) >= 5  # shared by catalogs
    assert result.engine_texts == sum(len(c) for _, c in backend.calls)
    entries = [e for p in (project / "locales/es").glob("*/*.po") for e in polib.pofile(str(p))]
    assert sum(bool(e.msgstr) for e in entries if not e.obsolete) == result.translated


def test_batches_are_full_and_bounded(project: Path):
    backend = Recording()
    result = run(project, backend, languages=("en",), batch_size=25)
    sizes = [len(texts) for _, texts in backend.calls]
    assert len(sizes) == result.engine_calls > 4
    # Sent once a batch holds 25 texts (whole pieces of at most 25 entries are added).
    assert all(25 <= size < 50 for size in sizes[:-2])  # the last per source may be short
    assert max(sizes) < 50
    sent = [t for _, texts in backend.calls for t in texts]
    assert len(sent) == len(set(sent)) == result.engine_texts  # each text once


def test_characters_bound_a_batch(project: Path, monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setattr(lanes, "BATCH_CHARS", 2000)
    backend = Recording()
    run(project, backend, languages=("en",), batch_size=10_000)
    chars = [sum(map(len, texts)) for _, texts in backend.calls]
    assert len(chars) > 3 and all(c >= 2000 for c in chars[:-2])  # the last per source: short


def test_catalogs_waiting_for_the_engine_are_bounded(
    project: Path, monkeypatch: pytest.MonkeyPatch
):
    backend = Recording()
    run(project, backend, languages=("es",), batch_size=10_000)
    assert len(backend.calls) == 2  # one per source language
    monkeypatch.setattr(lanes, "MAX_WAITING", 2)
    reset = Recording()
    for path in (project / "locales/es/LC_MESSAGES").glob("*.po"):
        path.unlink()
    shutil.rmtree(project / CACHE_DIR)
    CliRunner().invoke(main, ["-C", str(project), "update"])
    run(project, reset, languages=("es",), batch_size=10_000)
    assert len(reset.calls) >= 3  # sent before 3 catalogs wait


def test_catalogs_are_not_held_while_their_texts_are_at_the_engine(
    project: Path, monkeypatch: pytest.MonkeyPatch
):
    """Only plans wait for a shared batch: parsed catalogs alive stay few."""
    import gc
    import weakref

    import locpipe.catalog

    monkeypatch.setattr(Project, "CATALOG_CACHE_SIZE", 2)
    alive: list[weakref.ref] = []
    most = 0
    parse = locpipe.catalog.parse_catalog

    def tracked(*args, **kwargs):
        nonlocal alive, most
        gc.collect()
        catalog = parse(*args, **kwargs)
        alive = [ref for ref in alive if ref() is not None] + [weakref.ref(catalog)]
        most = max(most, len(alive))
        return catalog

    monkeypatch.setattr(locpipe.catalog, "parse_catalog", tracked)
    backend = Parallel()
    run(project, backend, languages=("en", "es", "fr"), batch_size=10_000, jobs=2)
    assert len(backend.calls) <= 6  # each language's catalogs in one batch per source
    assert most <= 5, most  # 2 cached, one planned, one filled (18 catalogs waited)


def test_large_catalog_is_saved_piece_by_piece(project: Path, monkeypatch: pytest.MonkeyPatch):
    """A catalog larger than batch_size is written after each piece, as before."""
    import locpipe.catalog

    writes: list[str] = []
    original = locpipe.catalog.write_catalog

    def spy(path, po):
        writes.append(Path(path).stem)
        return original(path, po)

    monkeypatch.setattr(locpipe.catalog, "write_catalog", spy)
    run(project, Recording(), languages=("fr",), batch_size=5)
    pending = {n: len(t) for n, t in pending_texts(project, "fr").items()}
    assert all(writes.count(name) >= 2 for name, count in pending.items() if count > 5)


def test_a_large_catalog_is_written_a_bounded_number_of_times(
    project: Path, monkeypatch: pytest.MonkeyPatch
):
    """Issue 14 part 13: a catalog was written after every batch, each write formatting
    all of it (one of 100,000 units took 274 s with the pseudo backend); now one larger
    than LARGE_CATALOG (here: every one) is written at most SAVES_PER_CATALOG times,
    with the same bytes."""
    import locpipe.catalog

    writes: list[str] = []
    original = locpipe.catalog.write_catalog

    def spy(path, po):
        writes.append(Path(path).stem)
        return original(path, po)

    expected = project.parent / "one-batch"
    shutil.copytree(project, expected)
    run(expected, Recording(), languages=("fr",), batch_size=10_000)
    monkeypatch.setattr(locpipe.catalog, "write_catalog", spy)
    monkeypatch.setattr(lanes, "LARGE_CATALOG", 0)
    pending = {n: len(t) for n, t in pending_texts(project, "fr").items()}
    run(project, Recording(), languages=("fr",), batch_size=2)
    assert max(pending.values()) > 2 * 2 * lanes.SAVES_PER_CATALOG  # many batches each
    for name, count in pending.items():
        assert 1 <= writes.count(name) <= lanes.SAVES_PER_CATALOG, (name, count, writes)
    assert catalogs(project) == catalogs(expected)  # the bytes do not depend on the batches


# --------------------------------------------------------------------------- languages


def test_languages_run_at_the_same_time(project: Path):
    """Each language's first call waits until the other language's call has started."""
    barrier = threading.Barrier(2, timeout=TIMEOUT)

    class Meeting(Parallel):
        def work(self, texts, source, target, call):
            if call == 1:
                barrier.wait()  # BrokenBarrierError (a failure, never a hang) when in turn
            return super().work(texts, source, target, call)

    backend = Meeting()
    result = run(project, backend, languages=("en", "es"), jobs=2)
    assert backend.most_running >= 2 and len(backend.threads) >= 2
    assert threading.current_thread().name not in backend.threads
    assert set(filled(project, "en")) and set(filled(project, "es"))
    assert result.translated > len(filled(project, "en")) + len(filled(project, "es")) / 2


def test_next_batch_is_prepared_while_the_engine_works(project: Path):
    """One language: its second call starts before its first one returns."""
    second = threading.Event()

    class Overlapping(Parallel):
        def work(self, texts, source, target, call):
            if call == 2:
                second.set()
            elif call == 1:
                assert second.wait(TIMEOUT), "the next batch did not start meanwhile"
            return super().work(texts, source, target, call)

    backend = Overlapping()
    result = run(project, backend, languages=("en",), batch_size=20, jobs=1)
    assert backend.most_running == 2 and result.engine_calls > 2
    assert len(filled(project, "en")) > 100


def test_a_failed_call_stops_every_language(project: Path):
    """No batch is sent after a call fails; the real error comes out, not a cancellation."""
    failed = threading.Event()

    class Failing(Parallel):
        def work(self, texts, source, target, call):
            if target == "fr":
                failed.set()
                raise LocpipeError("no route")
            assert failed.wait(TIMEOUT)
            time.sleep(0.2)  # es calls already running finish after the failure
            return super().work(texts, source, target, call)

    backend = Failing()
    with pytest.raises(LocpipeError, match="no route"):
        run(project, backend, languages=("fr", "es"), batch_size=10, jobs=2)
    assert len(backend.calls_for("fr")) <= 2  # the failed one, and one already started
    assert len(backend.calls_for("es")) <= 2
    back = {t for _, t in backend.returned if "%(" not in t}
    assert back and back <= set(filled(project, "es"))  # what came back is saved


def test_backends_not_declared_parallel_run_one_language_at_a_time(project: Path):
    backend = Recording()
    run(project, backend, languages=("en", "es", "fr"), jobs=4)
    assert backend.most_running == 1
    assert backend.threads == {threading.current_thread().name}  # called from this thread
    online = [cls for cls in BACKENDS.values() if issubclass(cls, OnlineBackend)]
    assert online and not any(cls.parallel for cls in online)  # their own rate limits
    assert not PseudoBackend.parallel


def test_catalogs_are_written_while_later_batches_are_at_the_engine(project: Path):
    seen_on_disk: list[bool] = []

    class Watching(Parallel):
        def work(self, texts, source, target, call):
            if call == 3:  # by now the first batch's catalogs must be saved
                first = {t for t in self.calls_for(target)[0] if "%(" not in t}
                deadline = time.monotonic() + TIMEOUT
                while time.monotonic() < deadline and not first <= set(filled(project, target)):
                    time.sleep(0.01)
                seen_on_disk.append(first <= set(filled(project, target)))
            return super().work(texts, source, target, call)

    run(project, Watching(), languages=("en", "es"), batch_size=20, jobs=2)
    assert seen_on_disk == [True, True]


def test_a_failing_language_keeps_every_finished_catalog(project: Path):
    """fr breaks on its second call while es has a batch at the engine: every batch that
    came back (both languages, including es's running one) is saved, the error goes on."""
    es_second = threading.Event()

    class Breaking(Parallel):
        def work(self, texts, source, target, call):
            if target == "es" and call == 2:
                es_second.set()
                time.sleep(0.3)  # still at the engine when fr fails
            if target == "fr" and call == 2:
                assert es_second.wait(TIMEOUT)
                raise LocpipeError("engine died")
            return super().work(texts, source, target, call)

    backend = Breaking()
    with pytest.raises(LocpipeError, match="engine died"):
        run(project, backend, languages=("fr", "es"), batch_size=20, jobs=2)
    for language in ("es", "fr"):
        back = {t for target, t in backend.returned if target == language}
        saved = filled(project, language)
        assert back and back - {t for t in back if "%(" in t} <= set(saved)
        assert all(saved[t] == f"{language}:{t}" for t in back if t in saved)
    es_calls = backend.calls_for("es")
    assert len(es_calls) >= 2 and set(es_calls[1]) <= set(filled(project, "es"))
    failed_fr = set(backend.calls_for("fr")[1])
    assert not failed_fr & set(filled(project, "fr"))  # nothing of the broken call
    with MTCache.for_project(project) as cache:  # all that came back is in the cache
        translated = {(target, t) for target, t in backend.returned if "%(" not in t}
        assert len(cache) == len(translated)  # failures are not: they are sent again


def test_interrupt_while_languages_run_stops_at_once_and_keeps_finished_work(project: Path):
    """Ctrl-C while another language's batch is at the engine: no waiting for it,
    what is saved is right, and nothing that came back is paid for again."""
    release = threading.Event()

    class Interrupted(Parallel):
        def work(self, texts, source, target, call):
            if target == "es" and call == 3:
                assert release.wait(TIMEOUT)  # still at the engine when en is interrupted
            if target == "en" and call == 3:
                time.sleep(0.2)
                raise KeyboardInterrupt
            return super().work(texts, source, target, call)

    backend = Interrupted()
    started = time.monotonic()
    try:
        with pytest.raises(KeyboardInterrupt):
            run(project, backend, languages=("en", "es"), batch_size=10, jobs=2)
        assert time.monotonic() - started < TIMEOUT / 2  # did not wait for es
    finally:
        release.set()
    with MTCache.for_project(project) as cache:
        paid = {(target, text) for _, _, target, text, _ in cache.entries()}
    assert paid
    for target in ("en", "es"):  # what was saved is right (some results wait in the cache)
        saved = filled(project, target)
        assert saved and all(saved[text] == f"{target}:{text}" for text in saved)
        assert {text for t, text in paid if t == target} & set(saved)
    again = Recording()
    run(project, again, languages=("en", "es"))
    sent = {(target, t) for target, texts in again.calls for t in texts}
    assert sent and not sent & paid  # never paid twice


# --------------------------------------------------------------------------- same output


def _summary(result: step.TranslateResult, folder: Path) -> list[str]:
    lines = summary_lines(result, lambda path: str(path.relative_to(folder)))
    return [re.sub(r" in \d+ calls", "", lines[0]), *lines[1:]]  # calls: the batching


def test_output_does_not_depend_on_batching_or_languages_at_once(prepared: Path, tmp_path: Path):
    outputs = []
    for index, (cls, jobs, size) in enumerate(
        [(Recording, 1, 1), (Parallel, 4, 400), (Parallel, 2, 7), (Recording, 1, 200)]
    ):
        folder = tmp_path / f"run{index}"
        shutil.copytree(prepared, folder)
        result = run(folder, cls(), batch_size=size, jobs=jobs)
        assert result.failures  # the listing order is compared too
        outputs.append((catalogs(folder), _summary(result, folder)))
    assert all(out == outputs[0] for out in outputs[1:])


class ParallelPseudo(PseudoBackend):
    parallel = True


def test_cli_output_is_byte_identical_with_languages_at_once(
    prepared: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
):
    """``locpipe translate`` (pseudo): one language at a time, or all at once."""
    import locpipe.mt as mt

    runs = []
    for name, cls in (("in-turn", PseudoBackend), ("together", ParallelPseudo)):
        folder = tmp_path / name
        shutil.copytree(prepared, folder)
        monkeypatch.setattr(mt, "get_backend", lambda *a, cls=cls, **k: cls(**k))
        result = CliRunner().invoke(main, ["-C", str(folder), "translate"])
        assert result.exit_code in (0, 3), result.output
        output = re.sub(r" in \d+ calls", "", result.output)  # calls: the batching
        runs.append((catalogs(folder), output))
    assert runs[0] == runs[1]


def test_apertium_output_is_the_same_whatever_the_batch(prepared: Path, tmp_path: Path):
    """The real engine: shared batches, two languages at once vs one text per call."""
    require_tool("apertium")
    from locpipe.mt.apertium import ApertiumBackend

    outputs = []
    for name, size, jobs in (("together", 400, 2), ("one-by-one", 1, 1)):
        folder = tmp_path / name
        shutil.copytree(prepared, folder)
        config = Project(folder).config
        with ApertiumBackend(do_not_translate=config.do_not_translate) as backend:
            result = run(folder, backend, languages=("es", "fr"), batch_size=size, jobs=jobs)
        outputs.append((catalogs(folder), _summary(result, folder)))
        assert result.translated > 300
    assert outputs[0] == outputs[1]


def test_apertium_prepare_starts_the_engine_once(tmp_path: Path):
    require_tool("apertium")
    from locpipe.mt.apertium import ApertiumBackend

    with ApertiumBackend() as backend:
        backend.prepare("it", "es")
        pipeline = backend.pipeline("it", "es")
        assert pipeline.starts == 1
        [text] = backend.translate(["La casa è bianca."], "it", "es")
        assert text and "casa" in text
        backend.prepare("it", "es")
        assert pipeline.starts == 1
