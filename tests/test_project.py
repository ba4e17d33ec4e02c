"""Reading a project: config validation, article decoding, names and languages."""

from __future__ import annotations

from pathlib import Path

import pytest

from locpipe.errors import LocpipeError
from locpipe.project import Project

CONFIG = """\
source_language = "it"
languages = ["it", "en", "fr", "pt-br"]
do_not_translate = ["SEO"]
"""


@pytest.fixture
def root(tmp_path: Path) -> Path:
    (tmp_path / "source_articles").mkdir()
    (tmp_path / "templates").mkdir()
    (tmp_path / "locpipe.toml").write_text(CONFIG, encoding="utf-8")
    return tmp_path


def article(root: Path, name: str, data: bytes) -> Path:
    path = root / "source_articles" / name
    path.write_bytes(data)
    return path


def test_languages_are_normalized_and_defaults_applied(root: Path):
    config = Project(root).config
    assert config.languages == ("it", "en", "fr", "pt_BR")
    assert config.backend == "apertium" and config.locations == "file"
    assert config.paths.locales == root.resolve() / "locales"


def test_wrong_type_names_the_line(root: Path):
    (root / "locpipe.toml").write_text(CONFIG + 'locations = "everywhere"\n', encoding="utf-8")
    with pytest.raises(LocpipeError) as info:
        Project(root)
    assert info.value.line == 4 and "locations must be one of" in str(info.value)


def test_invalid_toml_names_the_line(root: Path):
    (root / "locpipe.toml").write_text(CONFIG + "oops oops\nbackend = 'x'\n", encoding="utf-8")
    with pytest.raises(LocpipeError, match=r"locpipe.toml:4: invalid TOML"):
        Project(root)


def test_declared_charset_is_honoured(root: Path):
    data = (
        '<html lang="it"><head><meta charset="iso-8859-1"></head><body><p>Città</p></body></html>'
    )
    article(root, "latin.html", data.encode("latin-1"))
    [read] = Project(root).articles
    assert [u.msgid for u in read.document.units] == ["Città"]
    assert read.encoding == "iso8859-1"


def test_binary_and_empty_articles_are_refused(root: Path):
    article(root, "blob.html", b"\x89PNG\r\n\x1a\n\0\0\0IHDR")
    with pytest.raises(LocpipeError, match=r"blob.html:\d+: binary file"):
        _ = Project(root).articles
    (root / "source_articles/blob.html").unlink()
    article(root, "empty.html", b"  \n")
    with pytest.raises(LocpipeError, match="empty.html: empty article"):
        _ = Project(root).articles


def test_symlink_outside_the_project_is_refused(root: Path, tmp_path_factory):
    outside = tmp_path_factory.mktemp("outside") / "secret.html"
    outside.write_text("<p>Segreto</p>", encoding="utf-8")
    (root / "source_articles/link.html").symlink_to(outside)
    with pytest.raises(LocpipeError, match="symlink points outside the project"):
        _ = Project(root).articles


def test_reserved_or_odd_slugs_are_refused(root: Path):
    article(root, "ui.html", b"<p>Ciao</p>")
    with pytest.raises(LocpipeError, match="cannot be a slug"):
        _ = Project(root).articles


def test_article_language_must_be_configured(root: Path):
    article(root, "de.html", b'<html lang="de">\n<body><p>Hallo</p></body></html>')
    with pytest.raises(LocpipeError, match=r'de.html:1: <html lang="de"> is not one of'):
        _ = Project(root).articles


def test_regional_article_language_falls_back_to_its_base(root: Path):
    article(root, "fr.html", b'<html lang="fr-CA"><body><p>Bonjour</p></body></html>')
    [read] = Project(root).articles
    assert read.language == "fr"
    assert [d.name for d in Project(root).domains()] == ["ui", "fr"]
    assert Project(root).domains()[1].targets == ("it", "en", "pt_BR")


def test_a_typo_in_the_mt_table_fails_early(root: Path):
    (root / "locpipe.toml").write_text(CONFIG + "[mt]\ntimout = 5\n", encoding="utf-8")
    with pytest.raises(LocpipeError, match="timout"):
        Project(root)


def test_plain_language_codes_are_what_babel_makes_of_them():
    """Plain codes skip Babel at start-up; they must come out as Locale.parse gives them."""
    import babel
    from babel import Locale

    from locpipe.config import normalize_language

    folder = Path(babel.__file__).parent / "locale-data"
    codes = sorted(p.stem for p in folder.glob("*.dat") if p.stem.isalpha() and p.stem.islower())
    assert len(codes) > 200
    for code in codes:
        assert normalize_language(code) == str(Locale.parse(code)), code
    for code in ("pt-br", "zh-hant", "EN", "sr_Latn"):
        assert normalize_language(code) == str(Locale.parse(code.replace("-", "_")))
    with pytest.raises(LocpipeError, match="unknown language code 'xq'"):
        normalize_language("xq")
