"""format_catalog must write exactly what GNU msgcat writes (the oracle)."""

from __future__ import annotations

import random
import subprocess
import sys
from pathlib import Path

import polib
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from conftest import require_tool
from locpipe import po_format, po_linebreak
from locpipe.catalog import (
    CatalogStats,
    format_catalog,
    new_catalog,
    new_template,
    parse_catalog,
    read_catalog,
    stats,
    write_catalog,
    write_mo,
)
from locpipe.errors import LocpipeError

HEADER = (
    'msgid ""\nmsgstr ""\n"Project-Id-Version: locpipe\\n"\n"Language: it\\n"\n'
    '"MIME-Version: 1.0\\n"\n"Content-Type: text/plain; charset=UTF-8\\n"\n'
    '"Content-Transfer-Encoding: 8bit\\n"\n'
)
_WORDS_TEXT = (
    "la casa è bella e il cielo è azzurro perché oggi c'è il sole l'università "
    "dell'Aquila très-long mot‑insécable «guillemets» “virgolette” ‘singole’ "
    "précisément naïve Ærø São Paulo 50\u00a0% 10\u202fkm l’été — – … ! ? ; : , . "
    "https://example.org/path/to/a/very/long/resource?query=value&other=1 "
    "a/b/c foo-bar-baz %(name)s %(count)d %s {name} <a1> </a1> <strong> </strong> "
    "<br/> &lt; &amp; \\ \" ' \t 中文字符 日本語のテキスト 😀 👍🏽 🇮🇹 x"
)
WORDS = _WORDS_TEXT.split(" ")


def escape(text: str) -> str:
    return polib.escape(text)


def msgcat(tmp: Path, text: str) -> str:
    tool = require_tool("msgcat")
    src = tmp / "in.po"
    src.write_text(text, encoding="utf-8")
    done = subprocess.run([tool, str(src)], capture_output=True, check=True)
    return done.stdout.decode("utf-8")


def paragraph(rng: random.Random, words: int) -> str:
    parts = []
    for _ in range(words):
        word = rng.choice(WORDS)
        if rng.random() < 0.05:
            word = word * rng.randint(2, 12)
        parts.append(word)
        parts.append(rng.choice([" ", " ", " ", " ", "", "\n", "\u00a0", "-", "/"]))
    return "".join(parts)


def entry_text(rng: random.Random, index: int) -> str:
    msgid = paragraph(rng, rng.randint(0, 60)) + f" #{index}"
    msgstr = paragraph(rng, rng.randint(0, 60)) if rng.random() < 0.7 else ""
    lines = []
    if rng.random() < 0.3:
        note = paragraph(rng, 3).replace("\n", " ").replace("\\", "")
        lines.append("# translator note " + note)
    if rng.random() < 0.5:
        lines.append("#. p")
    if rng.random() < 0.5:
        refs = " ".join(
            f"articles/some-long-name-{i}.html:{i * 7}" for i in range(rng.randint(1, 9))
        )
        lines.append("#: " + refs)
    flags = [f for f in ("fuzzy", "python-format") if rng.random() < 0.3]
    if flags:
        lines.append("#, " + ", ".join(flags))
    obsolete = rng.random() < 0.1
    pre = "#~ " if obsolete else ""
    if rng.random() < 0.2:
        lines.append(f'#{"~" if obsolete else ""}| msgid "{escape(paragraph(rng, 20))}"')
    if rng.random() < 0.1:
        lines.append(f'{pre}msgctxt "{escape(paragraph(rng, 3))}"')
    lines.append(f'{pre}msgid "{escape(msgid)}"')
    if rng.random() < 0.1:
        lines.append(f'{pre}msgid_plural "{escape(msgid)} (plural)"')
        lines.append(f'{pre}msgstr[0] "{escape(msgstr)}"')
        lines.append(f'{pre}msgstr[1] "{escape(msgstr)}"')
    else:
        lines.append(f'{pre}msgstr "{escape(msgstr)}"')
    return "\n".join(lines) + "\n"


def catalog_text(seed: int, count: int) -> str:
    rng = random.Random(seed)
    return HEADER + "".join("\n" + entry_text(rng, i) for i in range(count))


def assert_same(tmp: Path, text: str) -> None:
    expected = msgcat(tmp, text)
    assert format_catalog(parse_catalog(text)) == expected


@pytest.mark.parametrize("seed", range(8))
def test_random_catalogs_match_msgcat(tmp_path: Path, seed: int) -> None:
    assert_same(tmp_path, catalog_text(seed, 60))


def test_every_length_of_a_long_line(tmp_path: Path) -> None:
    """A 64-letter word then short words: the break lands at every column in turn."""
    entries = []
    for n in range(40, 100):
        for sep in (" ", "-", "/", "\u00a0", "\\", '"', "\t", "%(x)s "):
            text = "a" * n + sep + "bb ccc dddd eeeee ffffff ggggggg hhhhhhhh"
            entries.append(f'msgid "{escape(text)}"\nmsgstr "{escape(text[::-1])}"\n')
    text = HEADER + "".join(f"\n#, python-format\n{e}" for e in entries)
    assert_same(tmp_path, text)


def test_wide_characters_and_emoji(tmp_path: Path) -> None:
    entries = []
    for n in range(20, 50):
        for chunk in ("中文", "日本語。", "😀 ", "👍🏽", "🇮🇹🇫🇷", "한국어 ", "「引用」"):
            text = "x " * (n // 2) + chunk * (n // 3) + f" {len(entries)}"
            entries.append(f'msgid "{escape(text)}"\nmsgstr ""\n')
    assert_same(tmp_path, HEADER + "".join("\n" + e for e in entries))


def test_header_comments_flags_obsolete_previous(tmp_path: Path) -> None:
    text = (
        "# Italian translation.\n#\n#, fuzzy\n" + HEADER + "\n"
        "#  two spaces\n#\n#. extracted\n#. \n#: a.html:1 b.html\n"
        "#, no-wrap, python-format, fuzzy\n"
        '#| msgctxt "old"\n#| msgid "old text"\nmsgctxt "ctx"\n'
        'msgid "Hello %(name)s, this is a rather long line that would normally wrap here"\n'
        'msgstr "Ciao\\nmondo\\n"\n\n'
        '#~ msgid "gone"\n#~ msgstr "andato"\n\n'
        "# note\n#, fuzzy\n"
        '#~| msgid "older"\n#~ msgid "gone too"\n#~ msgstr "andato anche"\n\n'
        'msgid ""\n"multi\\n"\n"line\\n"\nmsgstr ""\n\n'
        'msgid "trailing newline only\\n"\nmsgstr ""\n'
    )
    assert_same(tmp_path, text)


WEBLATE_FLAGS = (
    "ignore-same, read-only, max-length:80, priority:200, forbidden, strict-same, "
    "case-insensitive, safe-html, url, md-text, rst-text, es-format, "
    'placeholders:"%(a)s, %(b)s":r"\\d+", locpipe-ignore:numbers'
)


def test_flags_gettext_does_not_know_are_kept(tmp_path: Path) -> None:
    """Weblate's and Poedit's flags survive a rewrite, after gettext's own flags.

    The one deliberate departure from msgcat (which drops them): without those
    flags the output is still exactly msgcat's.
    """
    text = (
        HEADER + "\n"
        f"#, {WEBLATE_FLAGS}, python-format fuzzy\n"
        'msgid "Il %(a)s e %(b)s"\nmsgstr "The %(a)s and %(b)s"\n\n'
        "#, ignore-same ignore-same\n"  # space-separated, as gettext reads flags; once
        'msgid "DNS"\nmsgstr "DNS"\n\n'
        "#, read-only\n"
        '#~ msgid "gone"\n#~ msgstr "andato"\n'
    )
    ours = format_catalog(parse_catalog(text))
    assert f"#, fuzzy, python-format, {WEBLATE_FLAGS}\n" in ours
    assert '#, ignore-same\nmsgid "DNS"' in ours
    assert '#, read-only\n#~ msgid "gone"' in ours
    # Written again, nothing changes.
    assert format_catalog(parse_catalog(ours)) == ours
    # Everything else is msgcat's, byte for byte.
    plain = ours.replace(f", {WEBLATE_FLAGS}", "")
    plain = plain.replace("#, ignore-same\n", "").replace("#, read-only\n", "")
    assert plain == msgcat(tmp_path, text)


def test_flags_split_as_gettext_splits_them(tmp_path: Path) -> None:
    """Flags separated by spaces only (gettext accepts them) are not one unknown flag."""
    text = HEADER + '\n#, fuzzy python-format\nmsgid "a %s"\nmsgstr "b %s"\n'
    assert format_catalog(parse_catalog(text)) == msgcat(tmp_path, text)


def test_no_header(tmp_path: Path) -> None:
    assert_same(tmp_path, 'msgid "a"\nmsgstr "b"\n')


TEXT_ALPHABET = st.characters(blacklist_categories=("Cs",), blacklist_characters="\x00\x04")
words = st.lists(st.sampled_from(WORDS), min_size=0, max_size=40)
seps = st.sampled_from([" ", " ", "", "\n", "\u00a0", "-", "/", "  "])


@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@pytest.mark.slow
@given(st.lists(st.tuples(words, seps, st.booleans()), min_size=1, max_size=8), st.data())
def test_hypothesis_strings_match_msgcat(tmp_path: Path, items, data) -> None:
    entries = []
    for i, (chosen, sep, python) in enumerate(items):
        text = sep.join(chosen) + f" {i}"
        extra = data.draw(st.text(TEXT_ALPHABET, max_size=30))
        msgstr = text + extra
        flag = "#, python-format\n" if python else ""
        entries.append(f'{flag}msgid "{escape(text)}"\nmsgstr "{escape(msgstr)}"\n')
    text = HEADER + "".join("\n" + e for e in entries)
    assert_same(tmp_path, text)


# --- the fast paths of the writer and the parser ----------------------------------

#: Printable ASCII (every break class it has), Latin text, and the characters
#: that send a string to the full line breaker (wide, combining, ZWJ, RI...).
FAST_ALPHABET = st.sampled_from(
    list(" " * 12 + "abcdefghij" * 3 + "0123456789!\"#$%&'()*+,-./:;<=>?@[\\]^_`{|}~")
    + list("éàçÉœ«»“”‘’–—…\u00a0\u202f·¿¡§°€£´")
)
SLOW_ALPHABET = st.sampled_from(list("中。😀\u0301\u200d\u200b🇮\u05d0\t\n\x01\x7f"))


def slow_wrapped(monkeypatch: pytest.MonkeyPatch, *args) -> str:
    """The writer's lines with the fast line breaker switched off (libunistring's algorithm)."""
    with monkeypatch.context() as patch:
        patch.setattr(po_format, "class_codes", lambda text: None)
        po_format._wrapped.cache_clear()
        try:
            return po_format._wrapped(*args)
        finally:
            po_format._wrapped.cache_clear()


@settings(max_examples=400, deadline=None)
@given(
    st.text(st.one_of(FAST_ALPHABET, FAST_ALPHABET, FAST_ALPHABET, SLOW_ALPHABET), max_size=300),
    st.sampled_from([("", "msgid"), ("", "msgstr[1]"), ("#~ ", "msgstr"), ("#| ", "msgctxt")]),
    st.booleans(),
    st.booleans(),
)
def test_fast_line_breaking_equals_the_full_algorithm(text, where, python, do_wrap) -> None:
    """The regex + greedy fit gives the break positions of the per-character algorithm."""
    prefix, name = where
    no_break = frozenset(po_format._python_directives(text)) if python else frozenset()
    args = (prefix, name, text, no_break, do_wrap)
    po_format._wrapped.cache_clear()
    fast = po_format._wrapped(*args)
    with pytest.MonkeyPatch.context() as monkeypatch:
        assert fast == slow_wrapped(monkeypatch, *args)


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(st.lists(st.text(FAST_ALPHABET, min_size=1, max_size=200), min_size=1, max_size=6))
def test_hypothesis_ascii_and_latin_strings_match_msgcat(tmp_path: Path, texts) -> None:
    """Strings that take the fast line breaker, against the oracle."""
    entries = [
        f'#, python-format\nmsgid "{escape(t)} {i}"\nmsgstr "{escape(t[::-1])}"\n'
        for i, t in enumerate(texts)
    ]
    assert_same(tmp_path, HEADER + "".join("\n" + e for e in entries))


def test_every_break_class_pair_at_the_margin(tmp_path: Path) -> None:
    """Each pair of printable ASCII characters (with and without a space) at the right margin."""
    marks = "!\"#$%&'()*+,-./:;<=>?@[\\]^_`{|}~a0é«—"
    entries = []
    for i, a in enumerate(marks):
        for sep in ("", " "):
            for b in marks:
                text = f"{'x' * 70}{a}{sep}{b}yyyy {len(entries)}"
                entries.append(f'msgid "{escape(text)}"\nmsgstr "{escape(text[i:])}"\n')
    assert_same(tmp_path, HEADER + "".join("\n" + e for e in entries))


def test_written_out_class_tables_are_uniseg_s() -> None:
    """The Latin and punctuation tables (no Unicode database at start-up) agree with _lb_class."""
    from uniseg.linebreak import LineBreak

    assert tuple(c.name for c in LineBreak) == po_linebreak._LB_CLASSES
    ranges = [
        (0, len(po_linebreak._LATIN_CODES)),
        (0x2000, 0x2000 + len(po_linebreak._PUNCTUATION_CODES)),
    ]
    po_linebreak._lb_class.cache_clear()
    for start, end in ranges:
        for code in range(start, end):
            assert po_linebreak._CODES[code] == po_linebreak._code(chr(code)), hex(code)


def test_formatting_latin_text_does_not_load_the_unicode_database() -> None:
    """Start-up cost: uniseg (and Babel) load only when a text needs them."""
    code = (
        "import sys, polib\n"
        "from locpipe.catalog import format_catalog\n"
        "po = polib.POFile()\n"
        "po.append(polib.POEntry(msgid='Perché è così « lungo » — ' * 9, msgstr=''))\n"
        "format_catalog(po)\n"
        "assert 'uniseg' not in sys.modules and 'babel' not in sys.modules, sys.modules\n"
        "po.append(polib.POEntry(msgid='漢字テキスト' * 20, msgstr=''))\n"
        "format_catalog(po)\n"
        "assert 'uniseg' in sys.modules\n"
    )
    subprocess.run([sys.executable, "-c", code], check=True)


def test_wrapped_lines_are_cached() -> None:
    po = parse_catalog(catalog_text(5, 30))
    po_format._wrapped.cache_clear()
    first = format_catalog(po)
    misses = po_format._wrapped.cache_info().misses
    assert format_catalog(po) == first
    info = po_format._wrapped.cache_info()
    assert info.misses == misses and info.hits >= misses


@pytest.mark.parametrize(
    ("token", "value"),
    [
        ('"plain text"', "plain text"),
        ('""', ""),
        ('"l\'été  "', "l'été  "),
        ('"a\\"b"', 'a"b'),
        ('"tab\\there\\n"', "tab\there\n"),
        ('"\\\\"', "\\"),
        ('"\\101\\x42"', "AB"),
    ],
)
def test_unquote_fast_path_and_decoder(token: str, value: str) -> None:
    entry = parse_catalog(f'msgctxt "c"\nmsgid {token}\nmsgstr {token}\n')[0]
    assert entry.msgid == entry.msgstr == value


def test_unescaped_quote_is_still_an_error() -> None:
    with pytest.raises(LocpipeError, match="unescaped double quote"):
        parse_catalog('msgid "a"b"\nmsgstr ""\n', "x.po")


# --- parsing errors, header, writing, .mo, stats -------------------------------------


@pytest.mark.parametrize(
    ("text", "line"),
    [
        ('msgid "a"\nmsgstr "b"\n\nmsgid "c\nmsgstr ""\n', 4),
        ('msgid "a"\nmsgstr "b"\n\nbogus line\n', 4),
        ('msgid "a"\nmsgstr "b"\n\nmsgid "a"\nmsgstr "c"\n', 4),
        ('msgctxt "x"\nmsgid "a"\nmsgstr "b"\n\nmsgctxt "x"\nmsgid "a"\nmsgstr "c"\n', 6),
        ('msgid "a"\nmsgstr "b\\q"\n', 2),
    ],
)
def test_errors_name_the_line(text: str, line: int) -> None:
    with pytest.raises(LocpipeError) as info:
        parse_catalog(text, "x.po")
    assert info.value.line == line
    assert str(info.value).startswith(f"x.po:{line}: ")


def test_same_msgid_other_context_is_not_duplicate() -> None:
    po = parse_catalog('msgid "a"\nmsgstr "b"\n\nmsgctxt "x"\nmsgid "a"\nmsgstr "c"\n')
    assert len(po) == 2


def test_not_utf8_and_missing_file(tmp_path: Path) -> None:
    path = tmp_path / "bad.po"
    path.write_bytes(b'msgid "a"\nmsgstr "b"\n\nmsgid "caf\xe9"\nmsgstr ""\n')
    with pytest.raises(LocpipeError) as info:
        read_catalog(path)
    assert info.value.line == 4
    with pytest.raises(LocpipeError, match="not found"):
        read_catalog(tmp_path / "missing.po")


def test_header_is_deterministic_and_passes_msgfmt_check(tmp_path: Path) -> None:
    tool = require_tool("msgfmt")
    for language in ("it", "fr", "pt_BR", "pl", "ja"):
        po = new_catalog(language)
        po.append(
            polib.POEntry(msgid="Hello %(name)s", msgstr="X %(name)s", flags=["python-format"])
        )
        po.append(polib.POEntry(msgid="one", msgid_plural="many", msgstr_plural={0: "", 1: ""}))
        path = tmp_path / f"{language}.po"
        assert write_catalog(path, po) is True
        assert write_catalog(path, read_catalog(path)) is False  # byte-identical round trip
        done = subprocess.run(
            [tool, "--check", "-o", str(tmp_path / "x.mo"), str(path)], capture_output=True
        )
        assert done.returncode == 0, done.stderr.decode()
        assert format_catalog(po) == msgcat(tmp_path, path.read_text(encoding="utf-8"))
    template = format_catalog(new_template())
    assert template == format_catalog(new_template()) and "Language: \\n" in template


def test_write_mo_checked_with_msgunfmt(tmp_path: Path) -> None:
    tool = require_tool("msgunfmt")
    po = new_catalog("it")
    po.append(polib.POEntry(msgid="Hello", msgstr="Ciao"))
    po.append(polib.POEntry(msgid="Draft", msgstr="Bozza", flags=["fuzzy"]))
    po.append(polib.POEntry(msgid="Empty", msgstr=""))
    po.append(polib.POEntry(msgid="file", msgid_plural="files", msgstr_plural={0: "f", 1: "ff"}))
    mo = tmp_path / "it.mo"
    assert write_mo(po, mo) is True
    assert write_mo(po, mo) is False
    text = subprocess.run([tool, str(mo)], capture_output=True, check=True).stdout.decode()
    back = parse_catalog(text)
    assert {e.msgid: e.msgstr for e in back if not e.msgid_plural} == {"Hello": "Ciao"}
    assert back.find("file").msgstr_plural == {0: "f", 1: "ff"}
    assert back.metadata["Language"] == "it"
    write_mo(po, mo, include_fuzzy=True)
    text = subprocess.run([tool, str(mo)], capture_output=True, check=True).stdout.decode()
    assert "Bozza" in text


def test_stats() -> None:
    po = new_catalog("it")
    po.append(polib.POEntry(msgid="a", msgstr="A"))
    po.append(polib.POEntry(msgid="b", msgstr="B", flags=["fuzzy"]))
    po.append(polib.POEntry(msgid="c", msgstr=""))
    po.append(polib.POEntry(msgid="d", msgstr="D", obsolete=True))
    result = stats(po)
    assert result == CatalogStats(total=3, translated=1, fuzzy=1, untranslated=1)
    assert round(result.percent_complete, 2) == 33.33
    assert stats(new_catalog("it")).percent_complete == 100.0


def test_header_field_with_a_space_before_its_colon_and_a_continuation() -> None:
    # Found by fuzzing: a KeyError instead of a parsed header.
    text = 'msgid ""\nmsgstr ""\n"X-Foo :a\\n"\n"more\\n"\n'
    po = parse_catalog(text, "x.po")
    assert po.metadata["X-Foo"] == "a\nmore"


@settings(max_examples=200, deadline=None)
@given(st.text(alphabet=' ,\t\f\v"\\:xyé-', max_size=30))
def test_any_flags_line_is_stable_once_written(flags: str) -> None:
    """Whatever a `#,` line holds (quotes left open, escapes, odd spacing), the
    catalog locpipe writes reads back to the same bytes."""
    text = HEADER + f'\n#, {flags}\nmsgid "a"\nmsgstr "b"\n'
    once = format_catalog(parse_catalog(text))
    assert format_catalog(parse_catalog(once)) == once
