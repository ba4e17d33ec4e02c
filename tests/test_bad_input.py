"""The bad-input matrix: each bad input is a clear error naming the file (and
line), exit 2, and nothing in the project is modified.

Each case starts from the sample site after extract, update, a pseudo
translation and a build, breaks one thing, runs a command and compares a
snapshot of every file of the project (bytes and mtime) before and after.
Some bad inputs are covered elsewhere (see docs/robustness.md): a bad config
key or type, an unknown language code in the config, a missing folder, an
unparseable catalog on `update` (tests/test_cli_pipeline.py).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import CliRunner

from conftest import require_tool
from locpipe.cli import main
from locpipe.lock import LOCK_NAME

ROOT = Path(__file__).resolve().parents[1]


def invoke(project: Path, *args: str):
    return CliRunner().invoke(main, ["-C", str(project), *args])


@pytest.fixture
def project(built_site: Path) -> Path:
    return built_site


def snapshot(folder: Path) -> dict[str, tuple[bytes, int]]:
    """Every file's bytes and mtime (the lock file is runtime state, git-ignored)."""
    return {
        str(p.relative_to(folder)): (p.read_bytes(), p.stat().st_mtime_ns)
        for p in sorted(folder.rglob("*"))
        if p.is_file() and not p.is_symlink() and p.name != LOCK_NAME
    }


def config_with(project: Path, old: str, new: str) -> None:
    config = project / "locpipe.toml"
    text = config.read_text(encoding="utf-8")
    assert old in text
    config.write_text(text.replace(old, new), encoding="utf-8")


def catalog(project: Path, lang: str, domain: str) -> Path:
    return project / "locales" / lang / "LC_MESSAGES" / f"{domain}.po"


def edit(path: Path, old: str, new: str) -> str:
    text = path.read_text(encoding="utf-8")
    assert old in text, (path, old)
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    return path.read_text(encoding="utf-8")


def line_of(path: Path, needle: str) -> int:
    data = path.read_bytes()
    return data[: data.index(needle.encode())].count(b"\n") + 1


# Each case breaks the project and returns (command, expected message regex).
Case = Callable[[Path], tuple[list[str], str]]


def non_utf8_without_charset(project: Path):
    (project / "source_articles/latin.html").write_bytes(
        b"<html lang='it'><body>\n\n<p>Citt\xe0 e libert\xe0</p></body></html>"
    )
    return ["build"], r"source_articles/latin\.html:3: not valid utf-8.*no charset is declared"


def wrong_declared_charset(project: Path):
    (project / "source_articles/shift.html").write_bytes(
        b'<html lang="it"><head><meta charset="utf-8"></head>\n<body><p>Citt\xe0</p></body></html>'
    )
    return ["update"], r"source_articles/shift\.html:2: not valid utf-8: byte 0xe0"


def unknown_charset(project: Path):
    (project / "source_articles/klingon.html").write_bytes(
        b'<html lang="it">\n<head><meta charset="x-klingon"></head><body><p>Qapla</p></body></html>'
    )
    return ["extract"], r"source_articles/klingon\.html:2: unknown charset 'x-klingon'"


def binary_file(project: Path):
    (project / "source_articles/photo.html").write_bytes(b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR" * 20)
    return ["extract"], r"source_articles/photo\.html:3: binary file, not an HTML article"


def empty_article(project: Path):
    (project / "source_articles/vuoto.html").write_bytes(b"\n \n")
    return ["translate", "--backend", "pseudo"], r"source_articles/vuoto\.html: empty article"


def huge_article(project: Path):
    para = b"<p>Il DNS usa una cache e un TTL per ogni risposta del resolver.</p>\n"
    with (project / "source_articles/enorme.html").open("wb") as handle:
        handle.write(b"<html lang='it'><body>\n")
        for _ in range(20 * 2**20 // len(para) + 1):
            handle.write(para)
        handle.write(b"</body></html>\n")
    return ["extract"], r"source_articles/enorme\.html: article is 20\.0 MB; .*up to 10 MB"


def article_language_path(project: Path):
    (project / "source_articles/fuga.html").write_text(
        '<html lang="../../../etc">\n<body><p>Fuga</p></body></html>', encoding="utf-8"
    )
    return ["build"], r"source_articles/fuga\.html:1: unknown language code '\.\./\.\./\.\./etc'"


def odd_slug(project: Path):
    (project / "source_articles/a b.html").write_text("<p>Spazio</p>", encoding="utf-8")
    return ["extract"], r"source_articles/a b\.html: article name 'a b' cannot be a slug"


def symlink_outside(project: Path):
    outside = project.parent / "outside.html"
    outside.write_text("<html><body><p>Segreto</p></body></html>", encoding="utf-8")
    (project / "source_articles/link.html").symlink_to(outside)
    return ["build"], r"source_articles/link\.html: symlink points outside the project"


def lang_option_path(project: Path):
    return ["update", "--lang", "/etc/passwd"], r"unknown language code '/etc/passwd'"


def config_language_path(project: Path):
    config_with(project, '"es"]', '"es", "../../tmp"]')
    return ["extract"], r"locpipe\.toml:2: unknown language code '\.\./\.\./tmp'"


def po_syntax_error(project: Path):
    path = catalog(project, "en", "seo-link-interni")
    edit(path, '\nmsgstr "', '\nmsgstr "\\q')
    line = line_of(path, '"\\q')
    return ["translate", "--backend", "pseudo"], (
        rf"en/LC_MESSAGES/seo-link-interni\.po:{line}: syntax error: invalid escape sequence \\q"
    )


def po_duplicate(project: Path):
    path = catalog(project, "es", "rag-spiegato")
    text = path.read_text(encoding="utf-8")
    copy = next(b for b in text.split("\n\n")[1:] if '\nmsgid ""' not in b and "msgid " in b)
    path.write_text(text + "\n" + copy, encoding="utf-8")
    msgid = next(line for line in copy.splitlines() if line.startswith("msgid "))
    first = line_of(path, msgid)
    again = text.count("\n") + 2 + copy.splitlines().index(msgid)
    return ["update"], (
        rf"es/LC_MESSAGES/rag-spiegato\.po:{again}: duplicate message definition "
        rf"\(first at line {first}\)"
    )


def po_wrong_language(project: Path):
    path = catalog(project, "fr", "propagazione-dns")
    edit(path, '"Language: fr\\n"', '"Language: de\\n"')
    line = line_of(path, '"Language: de')
    return ["build"], (
        rf"fr/LC_MESSAGES/propagazione-dns\.po:{line}: header says Language: de, "
        r"but this is the catalog for 'fr'"
    )


def po_bad_plural_forms(project: Path):
    path = catalog(project, "fr", "docker-immagini-leggere")
    edit(path, "plural=(n > 1);", "plural=(n >>> 1);")
    line = line_of(path, '"Plural-Forms:')
    return ["update"], (
        rf"fr/LC_MESSAGES/docker-immagini-leggere\.po:{line}: bad Plural-Forms .*unexpected token"
    )


def po_plural_out_of_range(project: Path):
    path = catalog(project, "en", "rag-spiegato")
    edit(path, "nplurals=2; plural=(n != 1);", "nplurals=1; plural=(n != 1);")
    line = line_of(path, '"Plural-Forms:')
    return ["translate", "--backend", "pseudo"], (
        rf"en/LC_MESSAGES/rag-spiegato\.po:{line}: bad Plural-Forms .*"
        r"plural\(0\) = 1 is not below nplurals=1"
    )


def po_not_utf8(project: Path):
    path = catalog(project, "es", "propagazione-dns")
    data = path.read_bytes()
    at = data.index(b'msgstr "', 400)
    path.write_bytes(data[: at + 8] + b"\xff\xfe" + data[at + 8 :])
    line = data[:at].count(b"\n") + 1
    return ["build"], rf"es/LC_MESSAGES/propagazione-dns\.po:{line}: not UTF-8 text"


def template_syntax_error(project: Path):
    path = project / "templates/base.html"
    edit(path, "{% ", "{% endfor %}{% ")
    line = line_of(path, "{% endfor %}")
    return ["build"], rf"templates/base\.html:{line}: template syntax error"


def template_syntax_error_on_extract(project: Path):
    path = project / "templates/base.html"
    edit(path, "{{ ", "{{ 1 + }}{{ ")
    line = line_of(path, "{{ 1 + }}")
    return ["extract"], rf"templates/base\.html:{line}: template syntax error"


def po_escape(escape: str, command: str, message: str) -> Callable[[Path], tuple[list[str], str]]:
    """A msgstr with an escape that is no text (issue 14 part 7), met by ``command``."""

    def case(project: Path) -> tuple[list[str], str]:
        path = catalog(project, "fr", "propagazione-dns")
        ttl = 'msgid "2. Il ruolo del TTL"\nmsgstr "'
        edit(path, ttl, ttl + escape)
        line = line_of(path, f'msgstr "{escape}')
        args = {
            "update": ["update"],
            "build": ["build"],
            "export": ["export", "--lang", "fr", "-o", str(project / "to-translator.po")],
            "all": ["all", "--backend", "pseudo"],
            "merge": ["merge", str(path)],
        }[command]
        shown = re.escape(escape)
        return args, rf"fr/LC_MESSAGES/propagazione-dns\.po:{line}: .*{shown}: {message}"

    return case


def po_nul_byte(project: Path):
    path = catalog(project, "it", "qu-est-ce-que-dmarc")
    data = path.read_bytes()
    at = data.index(b'msgstr "', 400)
    path.write_bytes(data[: at + 8] + b"\x00" + data[at + 8 :])
    line = data[:at].count(b"\n") + 1
    return ["build"], rf"it/LC_MESSAGES/qu-est-ce-que-dmarc\.po:{line}: NUL character"


CASES: dict[str, Case] = {
    "non-UTF-8 article without charset (build)": non_utf8_without_charset,
    "article not in its declared charset": wrong_declared_charset,
    "unknown declared charset": unknown_charset,
    "binary file in source_articles": binary_file,
    "empty article": empty_article,
    "20 MB article": huge_article,
    "<html lang> with a path": article_language_path,
    "article name that is no slug": odd_slug,
    "symlink in source_articles pointing outside": symlink_outside,
    "--lang with an absolute path": lang_option_path,
    "language code with .. in the config": config_language_path,
    ".po syntax error (translate)": po_syntax_error,
    ".po duplicate entries": po_duplicate,
    ".po wrong Language header": po_wrong_language,
    ".po unparseable Plural-Forms": po_bad_plural_forms,
    ".po Plural-Forms index out of range": po_plural_out_of_range,
    ".po not UTF-8": po_not_utf8,
    **{
        f".po {escape} escape ({command})": po_escape(escape, command, message)
        for escape, message in [
            ("\\xd800", "U\\+D800 is a surrogate, not a character"),
            ("\\0", "NUL is not allowed"),
        ]
        for command in ("update", "build", "export", "all", "merge")
    },
    ".po NUL byte": po_nul_byte,
    "template syntax error (build)": template_syntax_error,
    "template syntax error (extract)": template_syntax_error_on_extract,
}


@pytest.mark.parametrize("case", list(CASES), ids=list(CASES))
def test_bad_input_is_a_clear_error_and_changes_nothing(project: Path, case: str):
    command, expected = CASES[case](project)
    before = snapshot(project)
    result = invoke(project, *command)
    assert result.exit_code == 2, (result.exit_code, result.output)
    message = result.output.strip().splitlines()[-1]
    assert message.startswith("locpipe: error: "), result.output
    assert re.search(expected, message), (expected, message)
    assert "Traceback" not in result.output
    assert snapshot(project) == before


def test_correct_meta_charset_is_read_and_built_as_utf8(project: Path):
    (project / "source_articles/latino.html").write_bytes(
        '<html lang="it"><head><meta http-equiv="Content-Type" content="text/html; '
        'charset=windows-1252"><title>Città</title></head><body><p>Perché costa 5 €?</p>'
        "</body></html>".encode("cp1252")
    )
    for args in (["extract"], ["update", "--lang", "en"], ["build", "--lang", "en"]):
        result = invoke(project, *args)
        assert result.exit_code == 0, result.output
    pot = (project / "locales/templates/latino.pot").read_text(encoding="utf-8")
    assert 'msgid "Perché costa 5 €?"' in pot
    page = (project / "build/en/latino.html").read_bytes().decode("utf-8")
    assert "Perché costa 5 €?" in page and 'charset="utf-8"' in page.lower().replace("'", '"')


def test_hidden_files_in_source_articles_are_not_articles(project: Path):
    """Editor lock files and backups (``.#draft.html``, ``..html``) are ignored."""
    (project / "source_articles/.#draft.html").symlink_to("root@host.1234")  # dangling, as emacs
    (project / "source_articles/..html").write_text("<p>Fuori</p>", encoding="utf-8")
    before = snapshot(project / "locales")
    result = invoke(project, "extract")
    assert result.exit_code == 0, result.output
    assert snapshot(project / "locales") == before


def test_html_nested_ten_thousand_levels_is_extracted_and_built(project: Path):
    depth = 10_000
    (project / "source_articles/profondo.html").write_text(
        "<html lang='it'><body>"
        + "<div>" * depth
        + "<p>Molto <b>profondo</b></p>"
        + "</div>" * depth
        + "<p>"
        + "<span>" * depth
        + "Annidato"
        + "</span>" * depth
        + "</p></body></html>",
        encoding="utf-8",
    )
    for args in (["extract"], ["update", "--lang", "en"]):
        assert invoke(project, *args).exit_code == 0
    path = catalog(project, "en", "profondo")
    text = path.read_text(encoding="utf-8")
    assert 'msgid "Molto <b>profondo</b>"' in text and 'msgid "Annidato"' in text
    text = text.replace('msgid "Molto <b>profondo</b>"\nmsgstr ""', 'msgid "Molto <b>profondo</b>"'
                        '\nmsgstr "Very <b>deep</b>"')  # fmt: skip
    path.write_text(text, encoding="utf-8")
    assert invoke(project, "build", "--lang", "en").exit_code == 0
    page = (project / "build/en/profondo.html").read_text(encoding="utf-8")
    assert "<p>Very <b>deep</b></p>" in page and page.count("<div>") == depth


def test_missing_apertium_pair_names_the_package_or_says_none_exists(project: Path):
    require_tool("apertium")
    config_with(project, '"es"]', '"es", "de"]')
    assert invoke(project, "extract").exit_code == 0
    assert invoke(project, "update", "--lang", "de").exit_code == 0
    before = snapshot(project)
    result = invoke(project, "translate", "--lang", "de")
    assert result.exit_code == 2, result.output
    message = result.output.strip().splitlines()[-1]
    assert "it→de" in message or "it-de" in message, message
    assert re.search(r"apertium-\w+-\w+|no Debian Apertium package", message), message
    assert snapshot(project) == before
