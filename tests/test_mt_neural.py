"""The offline CTranslate2 backend on tiny models the tests build (see ct2_models.py).

The models copy their input token by token through a small dictionary
(``gatto`` → ``cat``), so what comes back is predictable: markup and
protected items must survive, and a model built to break digits, markers or
characters shows that broken output is never published.
"""

from __future__ import annotations

import importlib.util
import os
import re
import shutil
import sys
import tomllib
from pathlib import Path
from typing import Any

import polib
import pytest
from click.testing import CliRunner

from conftest import copy_sample_site
from ct2_models import build_model
from locpipe.cli import main
from locpipe.errors import LocpipeError
from locpipe.mt import get_backend
from locpipe.mt.neural import PACKAGES, CTranslate2Backend
from locpipe.mt.settings import parse_settings
from locpipe.project import Project
from locpipe.steps.translate import translate


def _require_packages() -> None:
    missing = [name for name in PACKAGES if importlib.util.find_spec(name) is None]
    if missing:
        message = f"{', '.join(missing)} not installed (pip install -e '.[test]')"
        if os.environ.get("CI") == "true":
            pytest.fail(message)
        pytest.skip(message)


@pytest.fixture(scope="module")
def models(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """Model directories, built once: copying (both layouts) and broken on purpose."""
    _require_packages()
    base = tmp_path_factory.mktemp("ct2")
    return {
        "opus": build_model(base / "opus-mt-it-en"),
        "argos": build_model(base / "translate-it_en-1_0", layout="argos"),
        # every "2" becomes "3": digits differ whatever the fallback does
        "digits": build_model(base / "digits", mapping={"<0x32>": "<0x33>"}),
        # "⟦" (E2 9F A6) becomes "⟧" (E2 9F A7): every marker is broken
        "markers": build_model(base / "markers", mapping={"<0xA6>": "<0xA7>"}),
        "plain": build_model(base / "plain", plain_target=True),
        # multilingual: each target token comes out as a sign, to show it was sent
        "multi": build_model(
            base / "opus-mt-it-ROMANCE",
            target_tokens=(">>fra<<", ">>es<<", ">>pt_br<<"),
            mapping={">>fra<<": "<0x21>", ">>es<<": "<0x3F>", ">>pt_br<<": "<0x2A>"},
        ),
    }


def backend(model: Path | str | None = None, **engine: Any) -> CTranslate2Backend:
    table = {"model": str(model)} if model is not None else {}
    settings = parse_settings({"ctranslate2": {**table, **engine}})
    made = get_backend(
        "ctranslate2",
        do_not_translate=["DNS"],
        options={"mt": settings},
        glossary={"en": {"divano": "sofa"}},
    )
    assert isinstance(made, CTranslate2Backend)
    return made


TEXTS = [
    "Il <strong>gatto</strong> dorme sul divano.",
    "La domanda del DNS: il 42% dei casi? Una risposta <a1>qui</a1>. Ciao.",
    "Ciao mondo",
]


@pytest.mark.parametrize("layout", ["opus", "argos"])
def test_a_batch_of_units_is_one_model_call_with_markup_kept(models, layout):
    engine = backend(models[layout])
    out = engine.translate(TEXTS, "it", "en")
    assert out == [
        "Il <strong>cat</strong> dorme sul sofa.",  # glossary applied, tags back in place
        "La question del DNS: il 42% dei casi? Una answer <a1>qui</a1>. Ciao.",
        "Ciao mondo",
    ]
    assert engine.requests_sent == 1  # three units, one translate_batch
    assert engine.sentences_sent == 5  # cut into sentences: the models are trained on them


def test_batches_follow_batch_units(models):
    engine = backend(models["opus"], batch_units=2)
    out = engine.translate([f"Ciao gatto {n}%" for n in range(5)], "it", "en")
    assert out == [f"Ciao cat {n}%" for n in range(5)]
    assert engine.requests_sent == 3


def test_output_that_changes_digits_is_never_published(models):
    engine = backend(models["digits"])
    outcomes = engine.translate_outcomes(
        ["Nel 2024 il <strong>gatto</strong> dorme.", "Ciao"], "it", "en"
    )
    assert outcomes[0].text is None
    assert "verification" in (outcomes[0].error or "")
    assert not outcomes[0].transient  # a deterministic model: cached as failed
    assert outcomes[1].text == "Ciao"


def test_broken_markers_fall_back_to_translating_the_runs_alone(models):
    engine = backend(models["markers"])
    [out] = engine.translate(["Il <strong>gatto</strong> dorme."], "it", "en")
    assert out == "Il <strong>cat</strong> dorme."
    assert engine.requests_sent == 2  # the unit, then its runs


def test_unknown_characters_are_refused_not_drafted(models):
    engine = backend(models["plain"])
    outcomes = engine.translate_outcomes(["Ciao 😀 mondo", "Ciao mondo"], "it", "en")
    assert outcomes[0].text is None and "does not know" in (outcomes[0].error or "")
    assert outcomes[1].text == "Ciao mondo"


def test_a_sentence_the_model_fails_on_fails_alone_and_is_tried_again_next_run(models):
    engine = backend(models["opus"])
    too_long = "x" * 600  # more tokens than the test model has positions (512)
    outcomes = engine.translate_outcomes([too_long, "Il gatto"], "it", "en")
    assert outcomes[0].text is None and outcomes[0].transient  # not cached as failed
    assert "the model failed" in (outcomes[0].error or "")
    assert outcomes[1].text == "Il cat"  # the rest of the batch is not lost


def test_a_multilingual_model_gets_the_target_token_first(models):
    engine = backend(models["multi"])
    assert engine.translate(["Il gatto"], "it", "fr") == ["! Il cat"]  # >>fra<< (ISO 639-3)
    assert engine.translate(["Il gatto"], "it", "es") == ["? Il cat"]  # >>es<<
    assert engine.translate(["Il gatto"], "it", "pt_BR") == ["* Il cat"]  # >>pt_br<<
    with pytest.raises(LocpipeError, match=r"no target token for 'de' \(it has: >>es<<"):
        engine.check_pair("it", "de")


def test_models_per_pair_and_relative_paths_from_the_config(models, tmp_path: Path):
    shutil.copytree(models["opus"], tmp_path / "models" / "it-en")
    config = tmp_path / "locpipe.toml"
    config.write_text('[mt.ctranslate2]\nmodels = { "it-en" = "models/it-en" }\n')
    settings = parse_settings({"ctranslate2": {"models": {"it-en": "models/it-en"}}}, config)
    engine = get_backend("ctranslate2", options={"mt": settings})
    assert engine.translate(["Il gatto"], "it", "en_GB") == ["Il cat"]  # en_GB: the en model
    assert engine.describe("it", "en").startswith("ctranslate2 it-en (")
    with pytest.raises(LocpipeError, match=r"no model for it → fr.*\[mt.ctranslate2\]"):
        engine.check_pair("it", "fr")


def test_the_readme_configuration_is_valid(tmp_path: Path):
    readme = (Path(__file__).resolve().parents[1] / "README.md").read_text(encoding="utf-8")
    section = readme.split("### Offline neural models", 1)[1]
    block = section.split("```toml\n", 1)[1].split("```", 1)[0]
    config = tmp_path / "locpipe.toml"
    config.write_text(block, encoding="utf-8")
    data = tomllib.loads(block)
    assert data["backend"] == "ctranslate2"
    engine = get_backend("ctranslate2", options={"mt": parse_settings(data["mt"], config)})
    assert engine.model_dir("it", "fr") == tmp_path / "models/translate-it_fr-1_9"
    assert engine.model_dir("fr", "en") == tmp_path / "models/opus-mt-it-en"  # the default


def test_models_must_be_a_table_of_strings(tmp_path: Path):
    config = tmp_path / "locpipe.toml"
    config.write_text('[mt.ctranslate2]\nmodels = "models/it-en"\n')
    with pytest.raises(LocpipeError, match="must be a table of strings") as error:
        parse_settings({"ctranslate2": {"models": "models/it-en"}}, config)
    assert error.value.path == config and error.value.line == 2


def _broken(tmp_path: Path, models: dict[str, Path], name: str) -> Path:
    """A copy of the OPUS-MT test model with one thing wrong."""
    path = tmp_path / name
    if name == "missing":
        return path
    shutil.copytree(models["opus"], path)
    if name == "no-spm":
        (path / "target.spm").unlink()
    elif name == "bad-bin":
        (path / "model.bin").write_bytes(b"not a model")
    elif name == "bad-spm":
        (path / "source.spm").write_bytes(b"\x00garbage")
    elif name == "bad-config":
        (path / "config.json").write_text("{not json")
    elif name == "empty":
        shutil.rmtree(path)
        path.mkdir()
    return path


@pytest.mark.parametrize(
    ("name", "message", "culprit"),
    [
        ("missing", "model directory does not exist", ""),
        ("empty", "not a CTranslate2 model directory", ""),
        ("no-spm", "without target.spm", ""),
        ("bad-bin", "cannot load the CTranslate2 model", ""),
        ("bad-spm", "not a SentencePiece model", "source.spm"),
        ("bad-config", "unreadable JSON", "config.json"),
    ],
)
def test_a_bad_model_directory_is_a_clear_error_naming_it(models, tmp_path, name, message, culprit):
    path = _broken(tmp_path, models, name)
    with pytest.raises(LocpipeError, match=message) as error:
        backend(path).check_pair("it", "en")
    assert error.value.path == path / culprit if culprit else error.value.path == path


def test_an_argos_package_for_other_languages_is_refused(models):
    with pytest.raises(LocpipeError, match=r"translates it → en, not it → fr") as error:
        backend(models["argos"]).check_pair("it", "fr")
    assert error.value.path == models["argos"] / "metadata.json"


def _backends_row() -> list[str]:
    """The cells of the ctranslate2 row of `locpipe backends`."""
    result = CliRunner().invoke(main, ["backends"])
    assert result.exit_code == 0, result.output
    row = next(line for line in result.output.splitlines() if line.startswith("ctranslate2"))
    return re.split(r"\s{2,}", row, maxsplit=3)


def test_missing_packages_name_the_extra(models, monkeypatch: pytest.MonkeyPatch):
    assert _backends_row()[1:3] == ["offline neural", "yes"]
    monkeypatch.setitem(sys.modules, "ctranslate2", None)  # import fails
    real = importlib.util.find_spec
    monkeypatch.setattr(
        importlib.util, "find_spec", lambda name, *a: None if name == "ctranslate2" else real(name)
    )
    usable, why = CTranslate2Backend.availability()
    assert not usable and "locpipe[neural]" in why
    row = _backends_row()
    assert row[2] == "no" and "locpipe[neural]" in row[3]
    with pytest.raises(
        LocpipeError, match=r"'ctranslate2' is not installed: pip install 'locpipe\[neural\]'"
    ):
        backend(models["opus"]).check_pair("it", "en")


def _site_with_model(tmp_path: Path, models: dict[str, Path], model: str) -> Path:
    site = copy_sample_site(tmp_path / "site")
    for article in (site / "source_articles").glob("*.html"):
        if article.name != "propagazione-dns.html":  # one article is enough (and quick)
            article.unlink()
    for command in ("extract", "update"):
        assert CliRunner().invoke(main, ["-C", str(site), command]).exit_code == 0
    shutil.copytree(models["opus"], site / "models" / "opus-mt")
    config = site / "locpipe.toml"
    text = config.read_text(encoding="utf-8")
    text = text.replace('backend = "apertium"', 'backend = "ctranslate2"')
    config.write_text(text + f'\n[mt.ctranslate2]\nmodel = "{model}"\n', encoding="utf-8")
    return site


def test_the_pipeline_writes_fuzzy_drafts_named_after_the_model(models, tmp_path: Path):
    site = _site_with_model(tmp_path, models, "models/opus-mt")
    result = translate(Project(site), ("en",))
    assert result.translated > 0 and not result.failed
    catalog = polib.pofile(str(site / "locales/en/LC_MESSAGES/propagazione-dns.po"))
    drafts = [e for e in catalog if e.msgstr]
    assert drafts and all(e.fuzzy for e in drafts)  # machine output is for review
    assert all("ctranslate2 opus-mt (" in e.tcomment for e in drafts)
    assert any("question" in e.msgstr or "answer" in e.msgstr for e in drafts)
    again = translate(Project(site), ("en",))
    assert again.engine_texts == 0  # nothing left to send


def test_a_missing_model_stops_the_pipeline_before_anything_is_written(models, tmp_path: Path):
    site = _site_with_model(tmp_path, models, "models/not-there")
    before = {p: p.read_bytes() for p in (site / "locales").rglob("*.po")}
    result = CliRunner().invoke(main, ["-C", str(site), "translate", "--lang", "en"])
    assert result.exit_code == 2
    assert "models/not-there" in result.output and "does not exist" in result.output
    assert {p: p.read_bytes() for p in (site / "locales").rglob("*.po")} == before
