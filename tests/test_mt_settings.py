"""``[mt.NAME]`` tables are checked against the options each engine declares."""

from __future__ import annotations

from pathlib import Path

import pytest

from locpipe.config import load_config
from locpipe.errors import LocpipeError
from locpipe.mt import BACKEND_CLASSES, backend_class


def project(tmp_path: Path, tail: str) -> Path:
    (tmp_path / "source_articles").mkdir(parents=True)
    (tmp_path / "templates").mkdir()
    (tmp_path / "locpipe.toml").write_text(
        f'source_language = "it"\nlanguages = ["en"]\n\n{tail}', encoding="utf-8"
    )
    return tmp_path


def refused(tmp_path: Path, tail: str) -> LocpipeError:
    with pytest.raises(LocpipeError) as error:
        load_config(project(tmp_path, tail))
    assert error.value.path == tmp_path / "locpipe.toml"
    return error.value


def test_an_unknown_key_lists_the_keys_of_that_engine(tmp_path: Path):
    error = refused(tmp_path, '[mt.microsoft]\nregion = "westeurope"\nformality = "less"\n')
    assert error.line == 6
    assert "unknown key 'mt.microsoft.formality'; known keys for microsoft:" in str(error)
    assert "region" in str(error) and "timeout" in str(error) and "model" not in str(error)


def test_an_unknown_engine_table_names_the_engines(tmp_path: Path):
    error = refused(tmp_path, '[mt.deepL]\nurl = "http://127.0.0.1:9"\n')
    assert error.line == 4 and "unknown engine table [mt.deepL]" in str(error)
    assert "deepl" in str(error) and "libre" in str(error)


def test_option_kinds_are_checked(tmp_path: Path):
    error = refused(tmp_path, "[mt.openai]\nmodel = 7\n")
    assert error.line == 5 and "mt.openai.model must be a string" in str(error)
    error = refused(tmp_path / "b", "[mt.apertium]\nchains = { en = 'ita-cat' }\n")
    assert "mt.apertium.chains must be a table of lists of strings" in str(error)


def test_apertium_chains_in_either_table(tmp_path: Path):
    new = load_config(project(tmp_path / "new", '[mt.apertium]\nchains = { en-gb = ["a-b"] }\n'))
    old = load_config(project(tmp_path / "old", '[apertium]\nchains = { en-gb = ["a-b"] }\n'))
    assert new.apertium_chains == old.apertium_chains == {"en_GB": ("a-b",)}
    error = refused(tmp_path / "typo", '[apertium]\nchain = { en = ["a-b"] }\n')
    assert "unknown key 'apertium.chain'; known keys for apertium: chains" in str(error)
    both = '[apertium]\nchains = {}\n\n[mt.apertium]\nchains = { en = ["a-b"] }\n'
    assert "in one table" in str(refused(tmp_path / "both", both))


def test_every_engine_declares_known_option_kinds():
    for name in BACKEND_CLASSES:
        for key, kind in backend_class(name).known_options().items():
            assert isinstance(key, str) and kind is not None, (name, key)
