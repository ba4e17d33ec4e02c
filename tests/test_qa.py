"""Quality checks (locpipe.qa) and the `locpipe check` gate built on them."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path
from xml.etree import ElementTree as ET

import polib
import pytest
from click.testing import CliRunner

from conftest import copy_sample_site, require_tool
from locpipe.catalog import format_catalog, parse_catalog, read_catalog, write_catalog
from locpipe.cli import main
from locpipe.qa import (
    CHECKS,
    WEBLATE_IGNORES,
    QAContext,
    check_catalog,
    check_entry,
    ignored_checks,
)

ROOT = Path(__file__).resolve().parents[1]


def ctx(**kw) -> QAContext:
    kw.setdefault("language", "fr")
    kw.setdefault("domain", "article")
    return QAContext(**kw)


def names(msgid: str, msgstr: str, context: QAContext | None = None, **entry) -> list[str]:
    e = polib.POEntry(msgid=msgid, msgstr=msgstr, **entry)
    return [f.check for f in check_entry(e, context or ctx())]


def test_every_check_has_a_name_severity_and_explanation():
    assert list(CHECKS) == [
        "tags", "placeholders", "urls", "emails", "numbers", "dnt", "invisible", "code",
        "glossary", "unchanged", "whitespace", "punctuation", "doublespace", "doublewords",
        "length", "french-spacing", "acronyms", "code-case", "moved", "plurals",
        "obsolete-only",
    ]  # fmt: skip
    for check in CHECKS.values():
        assert check.severity in ("error", "warning") and check.description
    assert CHECKS["unchanged"].severity == "warning"
    assert CHECKS["obsolete-only"].severity == "warning"
    assert CHECKS["tags"].severity == "error"
    assert CHECKS["invisible"].severity == "error"


def test_a_good_translation_passes():
    assert names("Il <strong>DNS</strong> usa la cache.", "Le <strong>DNS</strong> cache.") == []


@pytest.mark.parametrize(
    ("msgid", "msgstr", "check"),
    [
        ("Vedi <a1>qui</a1> e <a2>là</a2>.", "Voir <a1>ici</a1> et là.", "tags"),
        ("Un <b>test</b>.", "Un <b>test<b/>.", "tags"),
        ("Un <b><i>test</i></b>.", "Un <b><i>test</b></i>.", "tags"),  # bad nesting
        ("Scrivi a %(email)s", "Écrivez à %(mail)s", "placeholders"),
        ("Ciao {name}", "Salut", "placeholders"),
        ("Vedi https://example.org/a.", "Voir https://example.com/a.", "urls"),
        ("Scrivi a dino@example.org.", "Écrivez à dino@example.com.", "emails"),
        ("Il TTL è 3600 secondi.", "Le TTL est de 360 secondes.", "numbers"),
        ("Il DNS risponde.", "Le SND répond.", "dnt"),
        ("Buona giornata", "Buona giornata", "unchanged"),
        ("Ciao", " Salut", "whitespace"),
        ("Perché?", "Pourquoi.", "punctuation"),
        ("Un test.", "Un  test.", "doublespace"),
        ("Il server risponde.", "Le le serveur répond.", "doublewords"),
        ("Il DNS risponde.", "Le DNS r\u202eépond.", "invisible"),
    ],
)
def test_each_check_catches_its_problem(msgid: str, msgstr: str, check: str):
    assert check in names(msgid, msgstr, ctx(do_not_translate=("DNS",)))


def test_no_false_alarms_for_ordinary_differences():
    c = ctx(do_not_translate=("DNS",))
    assert names("Perché?", "Pourquoi\u00a0?", c) == []  # French no-break space before ?
    assert names("Costa 1.000 euro.", "It costs 1,000 euros.", c) == []  # separators
    assert names("Vedi <a2>qui</a2> e <a1>là</a1>.", "Voir <a1>là</a1> et <a2>ici</a2>.", c) == []
    assert names("DNS", "DNS", c) == []  # only a do-not-translate term: nothing to translate
    assert names("<code>debian:12</code>", "<code>debian:12</code>", c) == []
    assert names("Nous", "Nous nous sommes", c) == []  # legitimate French repetition
    assert names("Vedi https://example.org.", "Voir https://example.org !", c) == ["punctuation"]


def test_glossary_term_must_use_its_translation():
    c = ctx(glossary={"resolver": "résolveur"})
    assert names("Il resolver interroga.", "Le serveur interroge.", c) == ["glossary"]
    assert names("Il Resolver interroga.", "Le Résolveur interroge.", c) == []


def test_length_only_for_ui_strings():
    long = "Une traduction beaucoup trop longue pour ce bouton"
    assert names("Invia il modulo", long, ctx(domain="ui")) == ["length"]
    assert names("Invia il modulo", long, ctx(domain="rag-spiegato")) == []
    assert names("OK", "Aceptar", ctx(domain="ui")) == []  # short strings may grow a little
    assert names("Invia il modulo", long, ctx(domain="ui", ui_length_ratio=5)) == []


def test_plural_forms_count_must_match_the_language():
    po = parse_catalog(
        'msgid ""\nmsgstr ""\n"Language: fr\\n"\n'
        '"Plural-Forms: nplurals=2; plural=(n > 1);\\n"\n\n'
        'msgid "%(n)s file"\nmsgid_plural "%(n)s files"\n'
        'msgstr[0] "%(n)s fichier"\nmsgstr[1] "%(n)s fichiers"\nmsgstr[2] "%(n)s fichierz"\n'
    )
    findings = check_catalog(po, ctx())
    assert [f.check for f in findings] == ["plurals"]
    assert "nplurals=2" in findings[0].message and findings[0].line == 6
    del po[0].msgstr_plural[2]
    assert check_catalog(po, ctx()) == []


def test_fuzzy_machine_drafts_are_checked_too():
    e = polib.POEntry(msgid="Un <b>test</b>", msgstr="Un test", flags=["fuzzy"])
    (finding,) = check_entry(e, ctx())
    assert finding.check == "tags" and finding.fuzzy and finding.msgstr == "Un test"


def test_untranslated_and_obsolete_entries_are_not_checked():
    assert names("Un <b>test</b>", "") == []
    assert names("Un <b>test</b>", "Un test", obsolete=True) == []


def test_obsolete_entry_with_the_only_reviewed_copy_is_a_warning():
    po = parse_catalog(
        'msgid ""\nmsgstr ""\n"Language: fr\\n"\n\n'
        'msgid "Nuovo testo"\nmsgstr ""\n\n'
        '#~ msgid "Vecchio testo"\n#~ msgstr "Ancien texte revu"\n\n'
        '#, fuzzy\n#~ msgid "Bozza"\n#~ msgstr "Brouillon"\n\n'
        '#~ msgid "Copiato"\n#~ msgstr "Copié"\n\n'
        'msgid "Copiato ora"\nmsgstr "Copié"\n'
    )
    findings = check_catalog(po, ctx())
    assert [(f.check, f.severity, f.msgid) for f in findings] == [
        ("obsolete-only", "warning", "Vecchio testo")
    ]


def test_ignore_by_translator_comment_or_flag():
    e = polib.POEntry(msgid="Il TTL è 3600.", msgstr="Le TTL est d’une heure.")
    assert [f.check for f in check_entry(e, ctx())] == ["numbers"]
    e.tcomment = "Numbers spelled out on purpose.\nlocpipe-ignore: numbers, urls"
    assert ignored_checks(e) == {"numbers", "urls"}
    assert check_entry(e, ctx()) == []
    e.tcomment = ""
    e.flags = ["fuzzy", "locpipe-ignore:numbers"]
    assert check_entry(e, ctx()) == []
    e.flags = ["locpipe-ignore:all"]
    assert check_entry(e, ctx()) == []


CATALOG_WITH_IGNORES = (
    'msgid ""\nmsgstr ""\n"Content-Type: text/plain; charset=UTF-8\\n"\n"Language: fr\\n"\n\n'
    "# locpipe-ignore: numbers\n"
    '#, fuzzy, locpipe-ignore:numbers\nmsgid "Ho 3 gatti"\nmsgstr "J’ai trois chats"\n'
)


def test_locpipe_keeps_the_ignore_flag_gnu_gettext_drops_it(tmp_path: Path):
    """locpipe's writer keeps the flag (as every flag gettext does not know); msgcat
    and msgmerge drop it, so the comment is the form every tool keeps."""
    po = parse_catalog(CATALOG_WITH_IGNORES)
    written = format_catalog(po)
    assert "# locpipe-ignore: numbers\n" in written
    assert "#, fuzzy, locpipe-ignore:numbers\n" in written
    again = parse_catalog(written)
    assert check_catalog(again, ctx()) == []  # still silenced
    path = tmp_path / "a.po"
    path.write_text(CATALOG_WITH_IGNORES, encoding="utf-8")
    msgcat = require_tool("msgcat")
    out = subprocess.run([msgcat, str(path)], capture_output=True, text=True, check=True).stdout
    assert out == written.replace(", locpipe-ignore:numbers", "")  # GNU drops the flag only
    assert "# locpipe-ignore: numbers" in out and "locpipe-ignore:numbers" not in out


# --------------------------------------------------------------------------
# locpipe check
# --------------------------------------------------------------------------


@pytest.fixture
def project(tmp_path: Path) -> Path:
    copy_sample_site(tmp_path, with_locales=True)
    return tmp_path


def run(project: Path, *args: str, code: int = 0):
    result = CliRunner().invoke(main, ["-C", str(project), *args])
    assert result.exit_code == code, result.output
    return result


def break_a_tag(project: Path) -> tuple[Path, polib.POEntry]:
    path = project / "locales/fr/LC_MESSAGES/propagazione-dns.po"
    po = read_catalog(path)
    entry = next(e for e in po if "</a>" in e.msgid and e.msgstr)
    entry.msgstr = entry.msgstr.replace("</a>", "", 1)
    entry.flags = [f for f in entry.flags if f != "fuzzy"]
    write_catalog(path, po)
    return path, entry


@pytest.mark.slow
def test_check_fails_on_a_broken_tag_until_it_is_fixed(project: Path):
    run(project, "check", "--min-complete", "0")  # machine drafts: warnings only
    path, entry = break_a_tag(project)
    result = run(project, "check", "--min-complete", "0", code=1)
    line = read_catalog(path).find(entry.msgid).linenum
    assert f"propagazione-dns.po:{line}: [tags] inline tags differ: missing </a>" in result.output
    assert "1 errors" in result.output
    # Fixing the tag passes the gate again.
    original = read_catalog(ROOT / "locales/fr/LC_MESSAGES/propagazione-dns.po")
    po = read_catalog(path)
    po.find(entry.msgid).msgstr = original.find(entry.msgid).msgstr
    write_catalog(path, po)
    run(project, "check", "--min-complete", "0")


def test_strict_makes_warnings_fail(project: Path):
    result = run(project, "check", "--min-complete", "0", "--lang", "en")
    assert "warning" in result.output and "0 errors" in result.output
    run(project, "check", "--min-complete", "0", "--lang", "en", "--strict", code=1)


def test_check_json_lists_findings(project: Path):
    break_a_tag(project)
    data = json.loads(run(project, "check", "--format", "json", "--lang", "fr", code=1).output)
    assert {c["name"] for c in data["checks"]} == set(CHECKS)
    catalog = next(c for c in data["catalogs"] if c["domain"] == "propagazione-dns")
    assert catalog["passed"] is False
    tags = [f for f in catalog["findings"] if f["check"] == "tags"]
    assert len(tags) == 1 and tags[0]["severity"] == "error" and tags[0]["line"] > 0
    assert "</a>" in tags[0]["msgid"] and "</a>" not in tags[0]["msgstr"]


@pytest.mark.slow
def test_check_junit_is_valid_xml_with_testcases_and_failures(project: Path):
    break_a_tag(project)
    result = run(project, "check", "--format", "junit", "--min-complete", "0", code=1)
    root = ET.fromstring(result.output)
    assert root.tag == "testsuites"
    suites = {s.get("name"): s for s in root.iter("testsuite")}
    assert "fr/propagazione-dns" in suites and "en/ui" in suites
    suite = suites["fr/propagazione-dns"]
    cases = {c.get("name"): c for c in suite.iter("testcase")}
    assert set(CHECKS) | {"catalog", "complete"} == set(cases)
    failure = cases["tags"].find("failure")
    assert failure is not None and "missing </a>" in failure.text
    assert cases["numbers"].find("failure") is None
    assert suite.get("failures") == "1" and root.get("failures") == "1"
    assert int(root.get("tests")) == sum(len(list(s.iter("testcase"))) for s in suites.values())
    # Warnings are reported but pass unless --strict.
    assert cases["unchanged"].find("failure") is None
    strict = run(project, "check", "--format", "junit", "--min-complete", "0", "--strict", code=1)
    assert int(ET.fromstring(strict.output).get("failures")) > 1


def test_check_still_gates_completeness_and_parse_errors(project: Path):
    result = run(project, "check", "--lang", "fr", code=1)  # machine drafts are not reviewed
    assert "0 below" not in result.output
    path = project / "locales/fr/LC_MESSAGES/ui.po"
    path.write_text(path.read_text(encoding="utf-8") + 'msgstr "orphan"\n', encoding="utf-8")
    result = run(project, "check", "--lang", "fr", "--min-complete", "0", code=1)
    assert "ui.po:" in result.output and "error" in result.output


def test_glossary_accepts_inflected_forms():
    c = ctx(glossary={"resolver": "résolveur"})
    assert names("I resolver ricorsivi interrogano.", "Les résolveurs récursifs.", c) == []
    assert names("Il resolver interroga.", "Le résolution interroge.", c) == ["glossary"]


@pytest.mark.parametrize(
    ("msgstr", "flagged"),
    [
        ("Pourquoi\u00a0? Parce que\u202f: le cache\u00a0!", False),
        ("« Bonjour »", True),  # regular spaces inside the quotes
        ("Pourquoi ? Parce que : le cache !", True),
        ("Pourquoi? Le cache!", True),
        ("Voir https://example.org/a?b=1 et <code>a:b</code> à 10:30.", False),
        ("Quoi\u00a0?!", False),
    ],
)
def test_french_spacing(msgstr: str, flagged: bool):
    source = "Perché? Perché: la cache!"
    assert ("french-spacing" in names(source, msgstr, ctx(french_spacing=True))) is flagged
    assert "french-spacing" not in names(source, msgstr, ctx(french_spacing=False))


def test_french_spacing_follows_the_configured_languages(tmp_path: Path):
    from locpipe.config import load_config

    site = copy_sample_site(tmp_path)
    config = load_config(site)
    assert QAContext.for_catalog(config, "fr", "ui").french_spacing
    assert QAContext.for_catalog(config, "fr_BE", "ui").french_spacing
    assert not QAContext.for_catalog(config, "es", "ui").french_spacing
    toml = site / "locpipe.toml"
    toml.write_text(toml.read_text(encoding="utf-8") + "\n[qa]\nfrench_spacing = []\n")
    assert not QAContext.for_catalog(load_config(site), "fr", "ui").french_spacing


def test_acronyms_must_be_kept():
    source = "Le immagini OCI e il DNS."
    assert "acronyms" in names(source, "Les images LOISIR et le DNS.")
    assert "acronyms" not in names(source, "Les images OCI et le DNS.")
    assert "acronyms" not in names("OK", "D'accord")
    assert "acronyms" not in names("Capitolo IV", "Chapitre 4")
    assert "acronyms" not in names("Un file di 50\u00a0MB", "Un fichier de 50\u00a0Mo")


def test_code_like_text_keeps_its_case():
    source = "Usa <code>docker</code> con alpine:3.20 e il record v=spf1."
    assert "code-case" in names(source, "Utilisez docker avec Alpine:3.20 et V=spf1.")
    assert "code-case" not in names(source, "Utilisez docker avec alpine:3.20 et v=spf1.")


@pytest.mark.parametrize(
    "text",
    [
        "<cite>RFC 1034 – Domain Names: Concepts and Facilities</cite>, P. Mockapetris",
        "Domain Name System",
        "Time To Live",
        "Retrieval-Augmented Generation",
        "debian:12",
        "distroless/static",
        "pct",
    ],
)
def test_names_codes_and_citations_left_as_they_are_do_not_warn(text: str):
    assert "unchanged" not in names(text, text)


def test_an_untranslated_word_still_warns():
    assert "unchanged" in names("Buono", "Buono")
    assert "unchanged" in names("Apri il file", "Apri il file")


@pytest.mark.parametrize(
    "hidden",
    [
        "\u202a", "\u202b", "\u202c", "\u202d", "\u202e",  # embeddings, overrides
        "\u2066", "\u2067", "\u2068", "\u2069",  # isolates
        "\u200b", "\u2060", "\ufeff",  # zero width space, word joiner, BOM
        "\x00", "\x01", "\x1b", "\x7f", "\x85", "\x9b",  # NUL, C0, DEL, C1
        "\U000e0041",  # a tag character (hidden ASCII)
    ],
)  # fmt: skip
def test_invisible_characters_in_a_translation_are_an_error(hidden: str):
    findings = check_entry(
        polib.POEntry(msgid="Il DNS risponde.", msgstr=f"Le DNS{hidden} répond."), ctx()
    )
    assert [(f.check, f.severity) for f in findings] == [("invisible", "error")]
    assert f"U+{ord(hidden):04X}" in findings[0].message


def test_invisible_characters_the_source_has_are_allowed_count_by_count():
    rlo = "\u202e"
    assert names(f"a{rlo}b", f"x{rlo}y") == []
    assert names(f"a{rlo}b", f"x{rlo}y{rlo}") == ["invisible"]  # one more than the source
    # Tabs and line breaks are text; the bidi marks are ordinary in right-to-left text.
    assert names("Ciao", "Salut\tà\ntous") == []
    assert names("Il DNS", "ה-DNS\u200f") == []
    # Joiners between letters of a script that needs them (Persian), not inside a Latin word.
    assert names("Il DNS", "DNS را می\u200cفرستد") == []
    assert "invisible" in names("Il DNS", "Le D\u200cNS")


def test_the_invisible_check_is_not_silenced_by_an_ignore_comment():
    entry = polib.POEntry(msgid="Il DNS", msgstr="Le DNS\u202e", tcomment="locpipe-ignore: all")
    assert [f.check for f in check_entry(entry, ctx())] == ["invisible"]
    entry.tcomment = "locpipe-ignore: invisible"
    assert [f.check for f in check_entry(entry, ctx())] == ["invisible"]


def test_check_fails_on_a_hidden_override_and_shows_it_visibly(project: Path):
    path = project / "locales/fr/LC_MESSAGES/propagazione-dns.po"
    po = read_catalog(path)
    entry = next(e for e in po if e.msgstr and "DNS" in e.msgid)
    entry.msgstr = "\x1b[2K\r\x1b[1A" + entry.msgstr + "\u202e"
    write_catalog(path, po)
    result = run(project, "check", "--min-complete", "0", "--lang", "fr", code=1)
    assert "[invisible] invisible characters not in the source: U+001B" in result.output
    assert "U+202E RIGHT-TO-LEFT OVERRIDE" in result.output
    assert (
        "\x1b" not in result.output and "\u202e" not in result.output and "\r" not in result.output
    )


def test_weblate_ignore_flags_silence_the_same_warning_only():
    """`#, ignore-same` set in Weblate silences locpipe's `unchanged` warning; Weblate's
    flags never silence an error-level check."""
    msgid = "Questo testo resta uguale."
    assert names(msgid, msgid) == ["unchanged"]
    assert names(msgid, msgid, flags=["ignore-same"]) == []
    assert names("Ciao.", "Salut", flags=["ignore-end-stop"]) == []
    assert "punctuation" in names("Ciao.", "Salut")
    text = "Il TTL è 3600."
    flags = [*WEBLATE_IGNORES, "ignore-numbers", "ignore-placeholders"]
    assert names(text, "Le TTL est d’une heure.", flags=flags) == ["numbers"]
