"""mt/apertium.py: routing (pure) and real translations through Apertium."""

from __future__ import annotations

import math
import re
import shutil
import sys
import time
from collections.abc import Callable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from pathlib import Path

import pytest

from conftest import require_tool
from locpipe.errors import LocpipeError
from locpipe.mt import get_backend
from locpipe.mt.apertium import (
    ApertiumBackend,
    StreamPipeline,
    check_sequence,
    decode,
    encode,
    find_route,
    in_step,
    packages_for,
    translate_batch,
)
from locpipe.mt.languages import Lang, from_babel, parse_mode
from locpipe.mt.protect import Protector, restore
from locpipe.units import TAG_RE

DNT = ["LLM", "SEO", "GPT-3", "DinoGeek"]
INSTALLED = [
    "cat-eng", "cat-eng_US", "cat-fra", "cat-ita", "eco-es-fr", "eng-cat", "eng-spa",
    "es-fr", "fr-es", "fra-cat", "fra-cat_pre2017", "ita-cat", "ita-cat_pre2017",
    "ita-spa", "spa-eng", "spa-eng_US", "spa-ita",
]  # fmt: skip
SENTENCES = [
    "Quando si cambia provider, le modifiche ai record DNS possono richiedere fino a 48 ore.",
    "I link interni aiutano Google a capire la struttura del sito.",
    "Il fine-tuning di un modello linguistico richiede dati puliti e una GPU.",
    "La cache del resolver conserva la risposta per il tempo indicato dal TTL.",
    "Un buon titolo è la prima cosa che legge chi cerca su Google",
    "Se il server non risponde, riavvia il servizio e prova di nuovo.",
    "Gli LLM possono sbagliare con sicurezza: controlla sempre le fonti.",
    "La velocità della pagina conta per gli utenti e per il posizionamento.",
]


# --------------------------------------------------------------------------- pure parts


def test_language_codes() -> None:
    assert from_babel("it") == Lang("ita")
    assert from_babel("pt_BR") == Lang("por", "BR")
    assert parse_mode("fr-es") == (Lang("fra"), Lang("spa"))
    assert parse_mode("cat-eng_US") == (Lang("cat"), Lang("eng", "US"))
    assert parse_mode("eco-es-fr") is None


@pytest.mark.parametrize(
    ("source", "target", "chain"),
    [
        ("it", "es", ("ita-spa",)),
        ("it", "ca", ("ita-cat",)),
        ("it", "fr", ("ita-cat", "cat-fra")),
        ("it", "en", ("ita-spa", "spa-eng")),
        ("it", "en_US", ("ita-spa", "spa-eng_US")),
        ("fr", "it", ("fra-cat", "cat-ita")),
        ("fr", "es", ("fr-es",)),
        ("fr", "en", ("fra-cat", "cat-eng")),
        ("es", "fr", ("es-fr",)),
        ("en", "it", ("eng-cat", "cat-ita")),
        ("ca", "es", ("cat-ita", "ita-spa")),
    ],
)
def test_routes(source: str, target: str, chain: tuple[str, ...]) -> None:
    assert find_route(INSTALLED, from_babel(source), from_babel(target)) == chain


def test_unreachable_routes_name_packages() -> None:
    assert find_route(INSTALLED, from_babel("it"), from_babel("pt")) is None
    assert packages_for(INSTALLED, from_babel("it"), from_babel("pt")) == ["apertium-es-pt"]
    assert packages_for(["ita-spa", "spa-ita"], Lang("ita"), Lang("fra")) == ["apertium-fr-es"]
    assert packages_for(INSTALLED, from_babel("it"), from_babel("de")) is None


def test_stream_format_roundtrip() -> None:
    masked = Protector(["SEO"]).mask("a [b] {c} ^d$ @ \\ / <strong>SEO</strong>\nx &lt;y")
    data = encode(masked)
    assert data.endswith(b"[]\0") and b"[\n]" in data and b"[Zq1x]" in data
    assert decode(data[:-1]) == masked.render(lambda i: f"Zq{i.index}x")
    assert decode(b"[@3]a \\[b\\] [Zq1x]c\\\\[]") == "@3a [b] Zq1xc\\"
    assert decode(b"plain [] text") == "plain  text" and decode(b"end\\") == "end"


# --------------------------------------------------------------------------- process handling

_FAKE_ENGINE = r"""
import sys, time
buf = b""
while chunk := sys.stdin.buffer.read1(4096):
    buf += chunk
    *done, buf = buf.split(b"\0")
    for seg in done:
        if seg == b"hang[]":
            time.sleep(60)
        sys.stdout.buffer.write(seg.upper() + b"\0")
        sys.stdout.buffer.flush()
"""


def test_pipeline_identity_and_order() -> None:
    pipeline = StreamPipeline("cat")
    try:
        segments = [f"seg {i}\n[]\0".encode() for i in range(2000)]
        assert pipeline.run(segments) == [s[:-1] for s in segments]
        assert pipeline.run([b"again\0"]) == [b"again"]
        assert pipeline.starts == 1
    finally:
        pipeline.close()


def test_stalled_segment_is_skipped_and_pipeline_restarted() -> None:
    command = f"{sys.executable} -c '{_FAKE_ENGINE}'"
    pipeline = StreamPipeline(command, timeout=1.0)
    try:
        out = translate_batch(pipeline, [b"a[]\0", b"hang[]\0", b"b[]\0"])
        assert out == [b"A[]", None, b"B[]"]
        assert pipeline.starts == 3
    finally:
        pipeline.close()


def test_dead_pipeline_is_a_clear_error() -> None:
    pipeline = StreamPipeline("echo 'lt-proc: cannot open file' >&2; exit 3")
    with pytest.raises(LocpipeError, match=r"exited \(status 3\).*cannot open file"):
        pipeline.run([b"x\0"])


_HOLDING_ENGINE = r"""
import sys
buf, held, released = b"", [], False
while chunk := sys.stdin.buffer.read1(4096):
    buf += chunk
    *done, buf = buf.split(b"\0")
    held += [seg.replace(b"split", b"sp\0lit") for seg in done]  # a stage adding a NUL
    released = released or any(b"go" in seg for seg in done)
    if released:  # nothing comes out before a segment with "go" went in
        sys.stdout.buffer.write(b"".join(seg + b"\0" for seg in held))
        sys.stdout.buffer.flush()
        held = []
"""


def _in_thread(function: Callable[[], list[bytes | None]]) -> Future[list[bytes | None]]:
    pool = ThreadPoolExecutor(1)
    future = pool.submit(function)
    pool.shutdown(wait=False)
    return future


def _wait_for_runs(pipeline: StreamPipeline, runs: int) -> None:
    deadline = time.monotonic() + 10
    while pipeline.runs < runs and time.monotonic() < deadline:
        time.sleep(0.01)
    assert pipeline.runs >= runs


def test_next_batch_goes_in_while_the_previous_one_is_read() -> None:
    # The engine answers nothing before the second batch arrives: a pipeline that
    # waited for the first batch's results before writing the next would stall.
    pipeline = StreamPipeline(f"{sys.executable} -c '{_HOLDING_ENGINE}'", timeout=10.0)
    try:
        first = _in_thread(lambda: pipeline.run([b"a[]\0", b"b[]\0"]))
        _wait_for_runs(pipeline, 1)
        assert pipeline.run([b"go[]\0"]) == [b"go[]"]
        assert first.result(timeout=10) == [b"a[]", b"b[]"]
        assert pipeline.starts == 1
    finally:
        pipeline.close()


def test_batch_behind_a_stalled_one_is_sent_again() -> None:
    pipeline = StreamPipeline(f"{sys.executable} -c '{_FAKE_ENGINE}'", timeout=1.0)
    try:
        first = _in_thread(lambda: translate_batch(pipeline, [b"a[]\0", b"hang[]\0", b"b[]\0"]))
        _wait_for_runs(pipeline, 1)
        assert translate_batch(pipeline, [b"c[]\0", b"d[]\0"]) == [b"C[]", b"D[]"]
        assert first.result(timeout=10) == [b"A[]", None, b"B[]"]
    finally:
        pipeline.close()


def test_batch_behind_one_out_of_step_is_sent_again() -> None:
    pipeline = StreamPipeline(f"{sys.executable} -c '{_HOLDING_ENGINE}'", timeout=10.0)
    try:
        broken = [b"[@0]uno[]\0", b"[@1]due split[]\0", b"[@2][]\0"]
        first = _in_thread(lambda: translate_batch(pipeline, broken, in_step))
        _wait_for_runs(pipeline, 1)
        # Written behind the broken batch, its results would come one place late.
        second = translate_batch(pipeline, [b"[@3]go[]\0", b"[@4][]\0"], in_step)
        assert second == [b"[@3]go[]", b"[@4][]"]
        assert check_sequence(first.result(timeout=10), 0) == [b"uno[]", None]
        assert pipeline.resyncs == 1 and pipeline.starts == 2
    finally:
        pipeline.close()


_MISSTEP_ENGINE = r"""
import sys
buf = b""
while chunk := sys.stdin.buffer.read1(4096):
    buf += chunk
    *done, buf = buf.split(b"\0")
    for seg in done:
        if b"split" in seg:  # a stage that emits one NUL too many
            seg = seg.replace(b"split", b"sp\0lit")
        end = b"" if b"merge" in seg else b"\0"  # ... or swallows one
        sys.stdout.buffer.write(seg + end)
        sys.stdout.buffer.flush()
"""


def test_sequence_tags_catch_lost_and_extra_nuls() -> None:
    # Extra NUL inside segment 1: it and everything after it are rejected.
    split = [b"[@5]a[]", b"[@6]sp", b"lit[]", b"[@7]b[]"]
    assert check_sequence(split, 5) == [b"a[]", None, None]
    # Lost NUL after segment 0: the merged result carries two tags, and the
    # rest are one place early (the closing segment is sent again after the stall).
    merged = [b"[@0]a[][@1]b[]", b"[@2]c[]", b"[@3][]", b"[@3][]"]
    assert check_sequence(merged, 0) == [None, None, None]
    # A segment given up after a stall (None) does not condemn its neighbours.
    assert check_sequence([b"[@0]a[]", None, b"[@2]c[]", b"[@3][]"], 0) == [b"a[]", None, b"c[]"]
    assert check_sequence([b"[@0][]"], 0) == []


@pytest.mark.parametrize("fault", ["split", "merge"])
def test_backend_rejects_out_of_step_results_and_restarts(
    fault: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    backend = ApertiumBackend()
    fake = StreamPipeline(f"{sys.executable} -c '{_MISSTEP_ENGINE}'", timeout=2.0)
    monkeypatch.setattr(backend, "pipeline", lambda source, target: fake)
    try:
        texts = ["uno", f"due {fault}", "tre", "quattro"]
        out = backend.translate(texts, "it", "es")
        # Only the unit that breaks the stream fails: the others are sent again.
        assert out == ["uno", None, "tre", "quattro"]
        # An extra NUL is caught by the tags; a lost one, alone in the pipeline,
        # leaves the call waiting for its last result: a stall, restarted too.
        assert (fake.resyncs > 0) == (fault == "split")
        # The next call runs on a fresh pipeline, in step again.
        assert backend.translate(["cinque", "sei"], "it", "es") == ["cinque", "sei"]
        assert fake.starts >= 2
    finally:
        fake.close()


# --------------------------------------------------------------------------- real Apertium


@pytest.fixture(scope="module")
def apertium() -> Iterator[ApertiumBackend]:
    require_tool("apertium")
    backend = get_backend("apertium", do_not_translate=DNT)
    assert isinstance(backend, ApertiumBackend)
    with backend:
        yield backend


def test_spanish_is_real_and_markup_intact(apertium: ApertiumBackend) -> None:
    texts = [
        "La casa è bianca e il cane è nero.",
        "Il <strong>SEO</strong> tecnico aiuta i <a1>motori di ricerca</a1> a leggere il sito.",
        "Scrivi a %(email)s per ricevere la guida sui record DNS.",
        "Lo trovi su https://example.com/guida?x=1&y=2 o in <code>dig +short example.com</code>.",
        "Riga uno<br/>riga due",
    ]
    out = apertium.translate(texts, "it", "es")
    assert out[0] == "La casa es blanca y el perro es negro."
    assert out[1] is not None and TAG_RE.findall(out[1]) == TAG_RE.findall(texts[1])
    assert "<strong>SEO</strong>" in out[1] and "<a1>motores de" in out[1]
    assert out[2] is not None and "%(email)s" in out[2] and "Escribe" in out[2]
    assert out[3] is not None and "https://example.com/guida?x=1&y=2" in out[3]
    assert "<code>dig +short example.com</code>" in out[3]
    assert out[4] is not None and "<br/>" in out[4]
    assert apertium.describe("it", "es") == "apertium ita-spa"


def test_batch_keeps_boundaries(apertium: ApertiumBackend) -> None:
    tricky = [
        "Senza punto finale",
        "Lui ha detto: «Il DNS è lento» e “non va”.",
        "Parentesi [nota] {graffe} ^caret$ @chiocciola \\ barra / e <tag> finto",
        "",
        "Prima riga\nseconda riga",
        "Prezzo: 1.299,50 € (IVA al 22%)",
        "   ",
    ]
    texts = [f"Il record numero {i} punta al server {i}." for i in range(50)] + tricky
    out = apertium.translate(texts, "it", "es")
    assert len(out) == len(texts)
    for i in range(50):
        assert out[i] == f"El récord número {i} punta al servidor {i}."
    by_text = dict(zip(tricky, out[50:], strict=True))
    assert by_text["Senza punto finale"] == "Sin punto final"
    assert by_text[""] == "" and by_text["   "] == "   "
    assert re.fullmatch(r"\w+ línea\n\w+ línea", by_text["Prima riga\nseconda riga"] or "")
    assert "[nota]" in (by_text[tricky[2]] or "") and "\\" in (by_text[tricky[2]] or "")
    assert "22%" in (by_text[tricky[5]] or "")
    assert sum(o is None for o in out) <= 1


def test_french_pivot_via_catalan(apertium: ApertiumBackend) -> None:
    assert apertium.describe("it", "fr") == "apertium ita-cat|cat-fra"
    out = apertium.translate(
        ["La casa è bianca.", "Il <strong>SEO</strong> su example.com"], "it", "fr"
    )
    assert out[0] == "La maison est blanche."
    assert out[1] is not None and "<strong>SEO</strong>" in out[1] and "example.com" in out[1]


def test_english_pivot_keeps_dnt_terms(apertium: ApertiumBackend) -> None:
    assert apertium.describe("it", "en") == "apertium ita-spa|spa-eng"
    out = apertium.translate(
        ["La casa è bianca.", "Il SEO tecnico e gli LLM come GPT-3."], "it", "en"
    )
    assert out[0] == "The house is white."
    assert out[1] is not None and all(term in out[1] for term in ("SEO", "LLM", "GPT-3"))


def test_no_marks_reach_the_output(apertium: ApertiumBackend) -> None:
    texts = SENTENCES + ["Il fine-tuning xyzzyqwe riavvia il brontolio"]
    for target in ("es", "fr", "en"):
        for text, out in zip(texts, apertium.translate(texts, "it", target), strict=True):
            assert out is not None, (target, text)
            assert "*" not in out and "#" not in out and "@" not in out, (target, out)


def test_other_sources_and_override(apertium: ApertiumBackend) -> None:
    assert apertium.describe("fr", "it") == "apertium fra-cat|cat-ita"
    assert apertium.translate(["La maison est blanche."], "fr", "it") == ["La casa è bianca."]
    assert apertium.describe("fr", "es") == "apertium fr-es"
    with ApertiumBackend(options={"chains": {"en": ["ita-cat", "cat-eng"]}}) as custom:
        assert custom.describe("it", "en") == "apertium ita-cat|cat-eng"
        assert custom.describe("fr", "en") == "apertium fra-cat|cat-eng"  # other source
        [out] = custom.translate(["La casa è bianca."], "it", "en")
        assert out == "The home is white."


def test_pipeline_is_reused(apertium: ApertiumBackend) -> None:
    pipeline = apertium.pipeline("it", "es")
    starts = pipeline.starts
    for _ in range(3):
        apertium.translate(["Ciao mondo"], "it", "es")
    assert pipeline.starts == starts <= 1


def test_unreachable_pair_names_package(tmp_path: Path) -> None:
    require_tool("apertium")
    for mode in ("ita-spa", "spa-ita"):
        shutil.copy(f"/usr/share/apertium/modes/{mode}.mode", tmp_path)
    backend = ApertiumBackend(options={"modes_dir": str(tmp_path)})
    with pytest.raises(LocpipeError, match=r"it→fr.*apt-get install -y apertium-fr-es"):
        backend.check_pair("it", "fr")
    with pytest.raises(LocpipeError, match=r"it→de.*no Debian Apertium package"):
        backend.check_pair("it", "de")
    with pytest.raises(LocpipeError, match=r"cat-eng.*apertium-eng-cat"):
        ApertiumBackend(
            options={"modes_dir": str(tmp_path), "chains": {"en": "ita-cat|cat-eng"}}
        ).check_pair("it", "en")


def test_abbreviations_come_back_untouched(apertium: ApertiumBackend) -> None:
    # Unprotected, Apertium reads "CI" as the Italian pronoun and empties the element.
    [out] = apertium.translate(["La pipeline di <abbr>CI</abbr> esegue i test."], "it", "fr")
    assert out is not None and "<abbr>CI</abbr>" in out


def test_a_unit_the_engine_mangles_is_retried_run_by_run(apertium: ApertiumBackend) -> None:
    # Whole, Apertium moves "alignement" out of <em> (verification fails); the
    # fallback translates the text between the tags separately.
    text = "l’<em>alignement</em>, la règle propre à DMARC\u00a0:"
    [out] = apertium.translate([text], "fr", "en")
    assert out is not None
    assert re.search(r"<em>\w+</em>", out) and "DMARC" in out


def test_fallback_reassembly_keeps_items_and_run_spacing() -> None:
    masked = Protector(["SEO"]).mask(" Il <b>SEO</b> conta  ")
    assert masked.text_runs() == ["Il", "conta"]
    output = masked.with_runs(["The", "counts"], lambda item: f"Zq{item.index}x")
    assert restore(masked, output, re.compile(r"Zq(\d+)x")) == " The <b>SEO</b> counts  "


_POISONED_ENGINE = r"""
import re, sys
buf, poisoned = b"", False
while chunk := sys.stdin.buffer.read1(4096):
    buf += chunk
    *done, buf = buf.split(b"\0")
    for seg in done:
        if re.fullmatch(rb"\[@\d+\]\[\]", seg):  # the closing segment of a batch
            poisoned = False
        elif b"poison" in seg:  # like lrx-proc reading an escaped ^: the rest of the batch is lost
            poisoned = True
        if poisoned:
            seg = re.sub(rb"^\[@\d+\]", b"", seg)
        sys.stdout.buffer.write(seg + b"\0")
        sys.stdout.buffer.flush()
"""


@pytest.mark.parametrize(("size", "bad"), [(64, [10]), (64, [0]), (64, [63]), (300, [7, 200])])
def test_one_bad_unit_does_not_fail_its_batch(
    size: int, bad: list[int], monkeypatch: pytest.MonkeyPatch
) -> None:
    backend = ApertiumBackend()
    fake = StreamPipeline(f"{sys.executable} -c '{_POISONED_ENGINE}'", timeout=10.0)
    monkeypatch.setattr(backend, "pipeline", lambda source, target: fake)
    try:
        texts = [f"poison {i}" if i in bad else f"testo {i}" for i in range(size)]
        out = backend.translate(texts, "it", "es")
        assert out == [None if i in bad else text for i, text in enumerate(texts)]
        # The batch, then a binary search per bad unit: ceil(log2(n)) + 2 calls each.
        extra = fake.runs - 1
        assert extra <= len(bad) * (math.ceil(math.log2(size)) + 2), extra
    finally:
        fake.close()


def test_special_characters_travel_as_superblanks() -> None:
    masked = Protector().mask("s/^/# / ${HOME} ~/.bashrc *.deb C:\\path")
    data = encode(masked, 4)
    body = data[len(b"[@4]") : -len(b"[]\0")]
    # Never as text: not even escaped (lrx-proc opened a word at "\^").
    assert not re.search(rb"[\\^$@/<>{}*#~]", re.sub(rb"\[Zs[0-9a-f.]+x\]", b"", body))
    assert decode(data[:-1]) == "@4" + masked.render(lambda i: f"Zq{i.index}x")
