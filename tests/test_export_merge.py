"""locpipe export / merge: the round trip with a translator's CAT tool or Poedit."""

from __future__ import annotations

import re
import shutil
from collections.abc import Callable
from pathlib import Path

import polib
import pytest
from click.testing import CliRunner
from lxml import etree

from conftest import copy_sample_site
from locpipe.catalog import read_catalog, write_catalog
from locpipe.cli import main
from locpipe.units import VERBATIM_COMMENT, tags_in
from locpipe.xliff import NS, unit_id

ROOT = Path(__file__).resolve().parents[1]
X = f"{{{NS}}}"
DNS = "propagazione-dns"


def run(project: Path, *args: str, code: int = 0):
    result = CliRunner().invoke(main, ["-C", str(project), *args])
    assert result.exit_code == code, result.output
    return result


@pytest.fixture
def drafted(tmp_path: Path) -> Path:
    """The sample site with French catalogs full of (pseudo) machine drafts."""
    project = tmp_path / "site"
    project.mkdir()
    copy_sample_site(project)
    run(project, "-q", "extract")
    run(project, "-q", "update", "--lang", "fr")
    run(project, "-q", "translate", "--backend", "pseudo", "--lang", "fr")
    return project


def catalog(project: Path, domain: str = DNS) -> Path:
    return project / f"locales/fr/LC_MESSAGES/{domain}.po"


def snapshot(project: Path) -> dict[str, tuple[bytes, int]]:
    return {
        str(p): (p.read_bytes(), p.stat().st_mtime_ns)
        for p in sorted((project / "locales").rglob("*.po"))
    }


def entry(project: Path, msgid: str, domain: str = DNS) -> polib.POEntry:
    return next(e for e in read_catalog(catalog(project, domain)) if e.msgid == msgid)


def key(e: polib.POEntry) -> str:
    """The trans-unit id of a catalog entry."""
    return unit_id(e.msgctxt, e.msgid)


def text(e: polib.POEntry) -> str | tuple[str, ...]:
    """An entry's msgstr, or its plural forms."""
    if e.msgid_plural:
        forms = tuple(e.msgstr_plural[i] for i in sorted(e.msgstr_plural))
        return forms if any(forms) else ""
    return e.msgstr


def live(project: Path) -> dict[str, list[tuple[str | None, str, str | tuple[str, ...]]]]:
    """Every catalog's live entries: (msgctxt, msgid, msgstr or plural forms)."""
    return {
        str(p): [(e.msgctxt, e.msgid, text(e)) for e in read_catalog(p) if not e.obsolete]
        for p in sorted((project / "locales").rglob("*.po"))
    }


# -- what the translator's tool does --------------------------------------------------------


Edit = str | Callable[[etree._Element], None]


def cat_tool_edit(path: Path, edits: dict[str, Edit]) -> dict[str, int]:
    """Edit targets like a CAT tool, by trans-unit id: a string is the new text (no inline
    tags), a function edits the ``<target>`` element; then state translated, approved.
    Returns the units' lines."""
    tree = etree.parse(str(path))
    for unit in tree.iter(f"{X}trans-unit"):
        edit = edits.get(unit.get("id"))
        if edit is None:
            continue
        target = unit.find(f"{X}target")
        if target is None:
            target = etree.Element(f"{X}target")
            unit.find(f"{X}source").addnext(target)
        if isinstance(edit, str):
            target.clear()
            target.text = edit
        else:
            edit(target)
        target.set("state", "translated")
        unit.set("approved", "yes")
    tree.write(str(path), xml_declaration=True, encoding="UTF-8")
    return {
        unit.get("id"): unit.sourceline
        for unit in etree.parse(str(path)).iter(f"{X}trans-unit")
        if unit.get("id") in edits
    }


def drop_tag(ident: str) -> Callable[[etree._Element], None]:
    """A translator who deletes an inline tag (``<g id="…">``) and keeps its text."""

    def edit(target: etree._Element) -> None:
        for code in target.iterfind(f".//{X}g[@id='{ident}']"):
            code.tag = "dropped"
        etree.strip_tags(target, "dropped")

    return edit


@pytest.mark.slow
def test_translator_returns_an_xliff_with_edits_and_one_broken_tag(drafted: Path, tmp_path: Path):
    """Done means: the good edits are merged, the broken tag is refused by name."""
    sent = tmp_path / "dinogeek-fr.xlf"
    result = run(drafted, "export", "--lang", "fr", "--article", DNS, "-o", str(sent))
    assert "to " in result.output and sent.exists()
    root = etree.parse(str(sent)).getroot()
    assert root.get("version") == "1.2" and root.tag == f"{X}xliff"
    (file_node,) = root.iter(f"{X}file")
    assert file_node.get("original") == DNS
    assert file_node.get("target-language") == "fr"
    assert file_node.get("product-name") == "DinoGeek"

    po = read_catalog(catalog(drafted))
    drafts = [e for e in po if "fuzzy" in e.flags]
    plain = [e for e in drafts if "<" not in e.msgid]
    tagged = next(e for e in drafts if "<strong>" in e.msgid)
    # The CAT tool sees the inline tags as protected codes, not as text.
    unit = next(u for u in root.iter(f"{X}trans-unit") if u.get("id") == key(tagged))
    bold = unit.find(f"{X}source").find(f"{X}g[@id='strong']")
    assert bold is not None and bold.get("ctype") == "bold"
    assert "<strong>" not in "".join(unit.find(f"{X}source").itertext())
    assert unit.find(f"{X}target").find(f"{X}g[@id='strong']") is not None
    good = {
        plain[0].msgid: "Pourquoi la propagation DNS prend-elle du temps ?",
        plain[1].msgid: "Ce qui se passe vraiment quand on modifie un enregistrement DNS.",
    }
    edits: dict[str, Edit] = {key(e): good[e.msgid] for e in plain[:2]}
    lines = cat_tool_edit(sent, {**edits, key(tagged): drop_tag("strong")})

    result = run(drafted, "merge", str(sent), code=1)
    assert "2 merged" in result.output and "1 refused" in result.output
    assert f"refused: {sent}:{lines[key(tagged)]} (unit {key(tagged)})" in result.output
    assert "inline tags differ: missing <strong> </strong>" in result.output
    for msgid, text in good.items():
        merged = entry(drafted, msgid)
        assert merged.msgstr == text and "fuzzy" not in merged.flags
        assert "machine translation" not in merged.tcomment
    kept = entry(drafted, tagged.msgid)
    assert kept.msgstr == tagged.msgstr and "fuzzy" in kept.flags  # the draft, untouched

    # The CI gate still fails on the draft; merging the same file again changes nothing.
    before = snapshot(drafted)
    again = run(drafted, "merge", str(sent), code=1)
    assert "0 merged" in again.output and "2 unchanged" in again.output
    assert snapshot(drafted) == before


def test_po_round_trip_with_a_conflict(drafted: Path, tmp_path: Path):
    # The team already reviewed the title; the translator has another idea for it.
    path = catalog(drafted)
    po = read_catalog(path)
    title, second, third = [e for e in po if "fuzzy" in e.flags][:3]
    title.msgstr = "Pourquoi la propagation DNS prend du temps"
    title.flags.remove("fuzzy")
    write_catalog(path, po)

    sent = tmp_path / "fr.po"
    run(drafted, "export", "--lang", "fr", "--article", DNS, "--only", "all", "-o", str(sent))
    exported = polib.pofile(str(sent))
    assert exported.metadata["X-Locpipe-Project"] == "DinoGeek"
    assert exported.metadata["X-Locpipe-Domain"] == DNS
    assert exported.metadata["Language"] == "fr"
    # In Poedit: three entries corrected and "Needs work" turned off, one left as it was.
    for e in exported:
        if e.msgid == title.msgid:
            e.msgstr = "Pourquoi la propagation du DNS est-elle lente ?"
        elif e.msgid == second.msgid:
            e.msgstr = "Ce qui se passe vraiment avec le DNS et le TTL."
            e.flags.remove("fuzzy")
    exported.metadata["Last-Translator"] = "Marie Curie <marie@example.org>"
    exported.save()

    dry = run(drafted, "merge", "--dry-run", str(sent))
    assert "merge (dry run): 1 merged, 1 conflict," in dry.output
    assert "would be written" in dry.output
    assert entry(drafted, second.msgid).msgstr == second.msgstr  # nothing written

    result = run(drafted, "merge", "--lang", "fr", str(sent))
    assert "1 merged, 1 conflict" in result.output
    assert f"conflict: {sent}:" in result.output and "ours kept" in result.output
    assert entry(drafted, title.msgid).msgstr == "Pourquoi la propagation DNS prend du temps"
    assert entry(drafted, second.msgid).msgstr == "Ce qui se passe vraiment avec le DNS et le TTL."
    assert entry(drafted, third.msgid).msgstr == third.msgstr  # still a draft
    assert read_catalog(path).metadata["Last-Translator"] == "Marie Curie <marie@example.org>"

    result = run(drafted, "merge", "--prefer", "theirs", str(sent))
    assert "theirs taken" in result.output
    assert entry(drafted, title.msgid).msgstr == "Pourquoi la propagation du DNS est-elle lente ?"


@pytest.mark.slow
def test_stale_entries_are_kept_as_obsolete(drafted: Path, tmp_path: Path):
    sent = tmp_path / "fr.xlf"
    run(drafted, "export", "--lang", "fr", "--article", DNS, "-o", str(sent))
    caption = next(e for e in read_catalog(catalog(drafted)) if e.comment == "figcaption")
    cat_tool_edit(sent, {key(caption): "Le parcours d’une requête."})
    # Meanwhile the author edits the article: the caption's source text changes.
    article = drafted / "source_articles" / f"{DNS}.html"
    text = article.read_text(encoding="utf-8")
    article.write_text(text.replace("non ancora presente", "non presente"), encoding="utf-8")
    run(drafted, "-q", "extract")
    run(drafted, "-q", "update", "--lang", "fr")

    result = run(drafted, "merge", str(sent))
    assert "1 stale" in result.output and "kept as obsolete" in result.output
    gone = [e for e in read_catalog(catalog(drafted)) if e.obsolete]
    assert any(e.msgid == caption.msgid and e.msgstr == "Le parcours d’une requête." for e in gone)
    before = snapshot(drafted)
    run(drafted, "merge", str(sent))
    assert snapshot(drafted) == before


def test_a_po_export_of_every_article_names_each_entrys_article(drafted: Path, tmp_path: Path):
    sent = tmp_path / "fr-all.po"
    result = run(drafted, "export", "--lang", "fr", "-o", str(sent))
    assert "from 5 catalogs" in result.output
    exported = polib.pofile(str(sent))
    assert exported.metadata["X-Locpipe-Domain"] == "*"
    ui = next(e for e in exported if e.msgctxt == "ui")
    dns = next(e for e in exported if e.msgctxt == DNS)
    for e in (ui, dns):
        e.msgstr = "Relu : " + e.msgid
        e.flags.remove("fuzzy")
    exported.save()
    result = run(drafted, "merge", str(sent))
    assert "2 merged" in result.output
    assert entry(drafted, ui.msgid, "ui").msgstr == "Relu : " + ui.msgid
    assert entry(drafted, dns.msgid).msgstr == "Relu : " + dns.msgid


def test_a_file_for_another_language_or_project_is_refused(drafted: Path, tmp_path: Path):
    sent = tmp_path / "fr.po"
    run(drafted, "export", "--lang", "fr", "--article", DNS, "-o", str(sent))
    before = snapshot(drafted)
    result = run(drafted, "merge", "--lang", "es", str(sent), code=2)
    assert "for language 'fr', not 'es'" in result.output

    other = tmp_path / "other.po"
    other.write_text(
        sent.read_text(encoding="utf-8").replace(
            "X-Locpipe-Project: DinoGeek", "X-Locpipe-Project: Elsewhere"
        ),
        encoding="utf-8",
    )
    result = run(drafted, "merge", str(other), code=2)
    assert "for project 'Elsewhere'" in result.output

    xlf = tmp_path / "fr.xlf"
    run(drafted, "export", "--lang", "fr", "--article", DNS, "-o", str(xlf))
    xlf.write_text(
        xlf.read_text(encoding="utf-8").replace('target-language="fr"', 'target-language="es"'),
        encoding="utf-8",
    )
    result = run(drafted, "merge", "--lang", "fr", str(xlf), code=2)
    assert "for language 'es'" in result.output

    plain = tmp_path / "plain.po"
    shutil.copy(catalog(drafted), plain)
    result = run(drafted, "merge", str(plain), code=2)
    assert "not a file from `locpipe export`" in result.output
    assert snapshot(drafted) == before


def test_export_options_are_checked(drafted: Path, tmp_path: Path):
    run(drafted, "export", "--lang", "fr", "-o", str(tmp_path / "x.txt"), code=2)
    result = run(
        drafted, "export", "--lang", "fr", "--only", "done", "-o", str(tmp_path / "x.po"), code=2
    )
    assert "--only done" in result.output
    result = run(
        drafted, "export", "--lang", "fr", "--article", "nope", "-o", str(tmp_path / "x.po"), code=2
    )
    assert "no such article" in result.output
    # Nothing reviewed yet: "translated" exports only the code units translate copied
    # (<td><code>debian:12</code></td>), in a file that still says what it is.
    run(drafted, "export", "--lang", "fr", "--only", "translated", "-o", str(tmp_path / "t.po"))
    exported = polib.pofile(str(tmp_path / "t.po"))
    assert all(e.msgstr == e.msgid and VERBATIM_COMMENT in e.tcomment for e in exported)
    assert exported.metadata["X-Locpipe-Project"] == "DinoGeek"


# -- inline tags in XLIFF ---------------------------------------------------------------------


@pytest.fixture
def sample(tmp_path: Path) -> Path:
    """The sample site with its catalogs (machine drafts and reviewed translations)."""
    project = tmp_path / "site"
    project.mkdir()
    return copy_sample_site(project, with_locales=True)


def approve_all(path: Path) -> None:
    """A CAT tool's "confirm all": every target approved as it is."""
    tree = etree.parse(str(path))
    for unit in tree.iter(f"{X}trans-unit"):
        target = unit.find(f"{X}target")
        if target is not None:
            target.set("state", "translated")
            unit.set("approved", "yes")
    tree.write(str(path), xml_declaration=True, encoding="UTF-8")


@pytest.mark.slow
def test_an_xliff_round_trip_changes_no_text(sample: Path, tmp_path: Path):
    """export → confirm every unit → merge: every translation comes back byte for byte."""
    before = live(sample)
    total = 0
    for language in ("en", "fr", "es", "it"):
        sent = tmp_path / f"{language}.xlf"
        run(sample, "export", "--lang", language, "--only", "all", "-o", str(sent))
        assert next(etree.parse(str(sent)).iter(f"{X}g"), None) is not None
        approve_all(sent)
        result = run(sample, "merge", str(sent))
        counts = {word: int(n) for n, word in re.findall(r"(\d+) (\w+)", result.output)}
        assert counts["stale"] == counts["refused"] == 0, result.output
        translated = [
            e
            for path, entries in before.items()
            if f"/{language}/" in path
            for e in entries
            if e[2]
        ]
        assert counts["merged"] + counts["unchanged"] == len(translated)
        total += len(translated)
    assert total > 300
    assert live(sample) == before  # same entries, same msgstr: only the fuzzy flags went


def test_tags_a_cat_tool_moves_or_splits_are_merged(drafted: Path, tmp_path: Path):
    sent = tmp_path / "fr.xlf"
    run(drafted, "export", "--lang", "fr", "--article", DNS, "-o", str(sent))
    po = read_catalog(catalog(drafted))
    two = next(e for e in po if e.msgid.count("<code>") >= 1 and "<strong>" in e.msgid)
    link = next(e for e in po if e.msgid.startswith("<cite>") and "<a>" in e.msgid)

    def reorder(target: etree._Element) -> None:
        # Translated from scratch, codes put back in another order; the pair
        # <strong> written as <bx/>…<ex/> as some tools do.
        codes = [c for c in target if c.get("id") != "strong"]
        target.clear()
        target.text = "Exemple : "
        bx = etree.SubElement(target, f"{X}bx", id="strong", ctype="bold")
        bx.tail = "Exemple :"
        etree.SubElement(target, f"{X}ex", id="strong").tail = " "
        for code in reversed(codes):
            code.tail = " et "
            target.append(code)

    def unknown(target: etree._Element) -> None:
        etree.SubElement(target, f"{X}x", id="img7").tail = "!"

    lines = cat_tool_edit(sent, {key(two): reorder, key(link): unknown})
    result = run(drafted, "merge", str(sent), code=1)
    assert "1 merged" in result.output and "1 refused" in result.output
    merged = entry(drafted, two.msgid).msgstr
    assert merged.startswith("Exemple : <strong>Exemple :</strong> ")
    assert sorted(tags_in(merged)) == sorted(tags_in(two.msgid))
    assert (
        f"refused: {sent}:{lines[key(link)]} (unit {key(link)}): {DNS}: " in result.output
        and "unknown inline tag id 'img7' in <x> (not in the source)" in result.output
    )
    assert entry(drafted, link.msgid).msgstr == link.msgstr  # the draft, untouched


# -- what a careless or hostile translator's file holds (issues 14 and 15) -------------------


def test_every_error_level_check_refuses_a_translation_and_warnings_only_show(
    drafted: Path, tmp_path: Path
):
    sent = tmp_path / "fr.xlf"
    run(drafted, "export", "--lang", "fr", "--article", DNS, "-o", str(sent))
    drafts = {e.msgid: e for e in read_catalog(catalog(drafted)) if "fuzzy" in e.flags}
    dns = next(m for m in drafts if m.startswith("1. Chi risponde"))  # DNS and a number
    ttl = next(m for m in drafts if m.startswith("2. Il ruolo"))
    hours = next(m for m in drafts if m == "24\u00a0ore")
    hidden = next(m for m in drafts if m == "1\u00a0ora")
    fine = next(m for m in drafts if m == "5\u00a0minuti")
    edits: dict[str, Edit] = {
        key(drafts[dns]): "1. Qui répond vraiment à une requête de noms",  # DNS dropped
        key(drafts[ttl]): "3. Le rôle du TTL",  # wrong number
        key(drafts[hours]): "24\u00a0heures.",  # a warning (final punctuation): merged
        key(drafts[hidden]): "1\u00a0h\u202eeure",  # a right-to-left override
        key(drafts[fine]): "5\u00a0minutes",
    }
    lines = cat_tool_edit(sent, edits)
    result = run(drafted, "merge", str(sent), code=1)
    assert "2 merged" in result.output and "3 refused" in result.output
    for msgid, reason in [
        (dns, "[dnt] do-not-translate term missing: DNS"),
        (ttl, "[numbers] numbers differ: missing 2, extra 3"),
        (hidden, "[invisible] invisible characters not in the source: U+202E"),
    ]:
        unit = key(drafts[msgid])
        assert f"refused: {sent}:{lines[unit]} (unit {unit}): {DNS}: {msgid!r}: {reason}" in (
            result.output
        )
        kept = entry(drafted, msgid)  # left as it was: the machine draft
        assert kept.msgstr == drafts[msgid].msgstr and "fuzzy" in kept.flags
    assert "\u202e" not in result.output  # shown as \u202e, not reordering the line
    assert f"warning: {sent}:{lines[key(drafts[hours])]}" in result.output
    assert "[punctuation] final punctuation differs" in result.output
    for msgid in (hours, fine):
        merged = entry(drafted, msgid)
        assert merged.msgstr == edits[key(drafts[msgid])] and "fuzzy" not in merged.flags
    # A check silenced in the catalog (`# locpipe-ignore: numbers`) is silenced at merge too;
    # the invisible check never is.
    po = read_catalog(catalog(drafted))
    for msgid in (ttl, hidden):
        po.find(msgid).tcomment = "locpipe-ignore: numbers, invisible"
    write_catalog(catalog(drafted), po)
    again = run(drafted, "merge", str(sent), code=1)
    assert "1 merged" in again.output and "2 refused" in again.output
    assert entry(drafted, ttl).msgstr == "3. Le rôle du TTL"
    assert (
        "[invisible]" in again.output
        and entry(drafted, hidden).msgstr != edits[key(drafts[hidden])]
    )


@pytest.mark.slow
def test_units_the_project_never_had_are_counted_and_refused_not_stored(
    drafted: Path, tmp_path: Path
):
    """A big file of units that were never exported does not grow the catalog."""
    sent = tmp_path / "fr.xlf"
    run(drafted, "export", "--lang", "fr", "--article", DNS, "-o", str(sent))
    fine = next(e for e in read_catalog(catalog(drafted)) if e.msgid == "5\u00a0minuti")
    cat_tool_edit(sent, {key(fine): "5\u00a0minutes"})
    tree = etree.parse(str(sent))
    body = next(tree.iter(f"{X}body"))
    template = next(body.iter(f"{X}trans-unit"))
    for number in range(5000):
        unit = etree.fromstring(etree.tostring(template))
        unit.set("id", f"forged{number}")
        unit.set("approved", "yes")
        unit.find(f"{X}source").text = f"Testo inventato numero {number}"
        target = unit.find(f"{X}target")
        target.clear()
        target.text = f"Texte inventé numéro {number}"
        target.set("state", "translated")
        body.append(unit)
    tree.write(str(sent), xml_declaration=True, encoding="UTF-8")
    size = catalog(drafted).stat().st_size

    result = run(drafted, "merge", str(sent), code=1)
    assert "1 merged" in result.output and "5000 unknown" in result.output
    assert "refused: 5000 entries whose source this project's catalogs do not have" in (
        result.output
    )
    assert "(unit forged0)" in result.output and "(unit forged4)" in result.output
    assert "(unit forged5)" not in result.output  # the first five named, the rest counted
    po = read_catalog(catalog(drafted))
    assert not [e for e in po if "inventé" in e.msgstr]
    assert po.find("5\u00a0minuti").msgstr == "5\u00a0minutes"
    assert catalog(drafted).stat().st_size < size + 200  # one translation more, nothing else


def test_a_target_with_an_entity_reference_is_refused_by_name(drafted: Path, tmp_path: Path):
    """Issue 14 part 8: ``&de;`` vanished and the rest was merged as reviewed."""
    sent = tmp_path / "fr.xlf"
    run(drafted, "export", "--lang", "fr", "--article", DNS, "-o", str(sent))
    drafts = {e.msgid: e for e in read_catalog(catalog(drafted)) if "fuzzy" in e.flags}
    hours, fine = drafts["24\u00a0ore"], drafts["5\u00a0minuti"]
    lines = cat_tool_edit(sent, {key(hours): "24 ENTITY heures", key(fine): "5\u00a0minutes"})
    text = sent.read_text(encoding="utf-8").replace("ENTITY", "&de;")
    head, rest = text.split("\n", 1)
    sent.write_text(f'{head}\n<!DOCTYPE xliff [<!ENTITY de "de">]>{rest}', encoding="utf-8")

    result = run(drafted, "merge", str(sent), code=1)
    assert "1 merged" in result.output and "1 refused" in result.output
    unit = key(hours)
    assert f"refused: {sent}:{lines[unit]} (unit {unit}): {DNS}: {hours.msgid!r}: " in (
        result.output
    )
    assert "<target>: entity reference &de; (not expanded" in result.output
    assert entry(drafted, hours.msgid).msgstr == hours.msgstr  # the draft, untouched
    assert entry(drafted, fine.msgid).msgstr == "5\u00a0minutes"


def test_merge_keeps_weblate_flags_and_takes_the_translators(drafted: Path, tmp_path: Path):
    """Flags set in Weblate stay on merged entries; a translator's new Weblate flags
    are added, but never one that silences locpipe's checks."""
    path = catalog(drafted)
    po = read_catalog(path)
    title, second = [e for e in po if "fuzzy" in e.flags][:2]
    title.flags += ["ignore-same", "max-length:120"]
    second.flags += ["read-only"]
    write_catalog(path, po)

    sent = tmp_path / "fr.po"
    run(drafted, "export", "--lang", "fr", "--article", DNS, "--only", "all", "-o", str(sent))
    exported = polib.pofile(str(sent))
    for e in exported:  # Poedit: corrected, "Needs work" off; the flags come back as sent
        if e.msgid == title.msgid:
            e.msgstr = "Pourquoi la propagation DNS prend du temps"
            e.flags.remove("fuzzy")
            e.flags += ["priority:200", "locpipe-ignore:all"]
    exported.save()

    result = run(drafted, "merge", str(sent))
    assert "1 merged" in result.output
    merged = entry(drafted, title.msgid)
    assert merged.msgstr == "Pourquoi la propagation DNS prend du temps"
    assert merged.flags == ["ignore-same", "max-length:120", "priority:200"]
    assert entry(drafted, second.msgid).flags == ["fuzzy", "read-only"]  # not merged: as it was
    text = path.read_text(encoding="utf-8")
    assert "#, ignore-same, max-length:120, priority:200\n" in text
