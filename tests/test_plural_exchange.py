"""Plural entries sent to a translator (PO, XLIFF) and merged back, form by form."""

from __future__ import annotations

import re
from pathlib import Path

import polib
import pytest
from click.testing import CliRunner
from lxml import etree

from conftest import copy_sample_site
from locpipe.catalog import read_catalog, write_catalog
from locpipe.cli import main
from locpipe.xliff import NS, unit_id
from test_xliff import strict_schema

X = f"{{{NS}}}"
SINGULAR = "%(count)s articolo disponibile"
PLURAL = "%(count)s articoli disponibili"
DRAFT = ["%(count)s article disponible (brouillon)", "%(count)s articles disponibles (brouillon)"]
GROUP = unit_id(None, SINGULAR)


def run(project: Path, *args: str, code: int = 0):
    result = CliRunner().invoke(main, ["-C", str(project), *args])
    assert result.exit_code == code, result.output
    return result


def ui(project: Path, language: str = "fr") -> Path:
    return project / f"locales/{language}/LC_MESSAGES/ui.po"


def plural(project: Path, language: str = "fr") -> polib.POEntry:
    return next(e for e in read_catalog(ui(project, language)) if e.msgid_plural)


@pytest.fixture
def sample(tmp_path: Path) -> Path:
    """The sample site; its French plural entry is a machine draft."""
    project = tmp_path / "site"
    project.mkdir()
    copy_sample_site(project, with_locales=True)
    po = read_catalog(ui(project))
    entry = next(e for e in po if e.msgid_plural)
    entry.msgstr_plural = dict(enumerate(DRAFT))
    entry.flags = ["fuzzy", *entry.flags]
    entry.tcomment = "machine translation: apertium"
    write_catalog(ui(project), po)
    return project


def set_forms(path: Path, forms: list[str]) -> None:
    """A translator in Poedit: every form written, fuzzy cleared."""
    po = polib.pofile(str(path))
    entry = next(e for e in po if e.msgid_plural)
    entry.msgstr_plural = dict(enumerate(forms))
    entry.flags = [f for f in entry.flags if f != "fuzzy"]
    po.save(str(path))


def test_a_po_export_carries_the_plural_entry_and_merge_takes_it_back(sample: Path, tmp_path):
    sent = tmp_path / "fr.po"
    run(sample, "export", "--lang", "fr", "--article", "ui", "-o", str(sent))
    [entry] = [e for e in polib.pofile(str(sent)) if e.msgid_plural]
    assert (entry.msgid, entry.msgid_plural) == (SINGULAR, PLURAL)
    assert [entry.msgstr_plural[i] for i in (0, 1)] == DRAFT
    assert "fuzzy" in entry.flags
    assert "nplurals=2" in polib.pofile(str(sent)).metadata["Plural-Forms"]
    reviewed = ["%(count)s article", "%(count)s articles"]
    set_forms(sent, reviewed)
    result = run(sample, "merge", str(sent))
    assert "1 merged" in result.output, result.output
    back = plural(sample)
    assert [back.msgstr_plural[i] for i in (0, 1)] == reviewed
    assert "fuzzy" not in back.flags and "machine translation" not in back.tcomment
    # merging it again changes nothing
    before = ui(sample).read_bytes()
    assert "1 unchanged" in run(sample, "merge", str(sent)).output
    assert ui(sample).read_bytes() == before


def test_an_xliff_export_writes_a_plural_group_as_po2xliff_does(sample: Path, tmp_path: Path):
    sent = tmp_path / "fr.xlf"
    run(sample, "export", "--lang", "fr", "--article", "ui", "-o", str(sent))
    document = etree.parse(str(sent))
    schema = strict_schema()
    assert schema.validate(document), [f"{e.line}: {e.message}" for e in schema.error_log][:5]
    [group] = document.iter(f"{X}group")
    assert (group.get("restype"), group.get("id")) == ("x-gettext-plurals", GROUP)
    units = group.findall(f"{X}trans-unit")
    assert [u.get("id") for u in units] == [f"{GROUP}[0]", f"{GROUP}[1]"]
    assert ["".join(u.find(f"{X}source").itertext()) for u in units] == [SINGULAR, PLURAL]
    assert [u.find(f"{X}target").get("state") for u in units] == ["needs-review-translation"] * 2
    # A CAT tool confirms each form after editing one: the entry comes back reviewed.
    units[1].find(f"{X}target").text = "%(count)s articles publiés"
    for unit in units:
        unit.set("approved", "yes")
        unit.find(f"{X}target").set("state", "translated")
    document.write(str(sent), xml_declaration=True, encoding="UTF-8")
    result = run(sample, "merge", str(sent))
    assert "1 merged" in result.output, result.output
    back = plural(sample)
    assert [back.msgstr_plural[i] for i in (0, 1)] == [DRAFT[0], "%(count)s articles publiés"]
    assert "fuzzy" not in back.flags


def test_a_plural_form_not_confirmed_leaves_the_entry_a_draft(sample: Path, tmp_path: Path):
    sent = tmp_path / "fr.xlf"
    run(sample, "export", "--lang", "fr", "--article", "ui", "-o", str(sent))
    document = etree.parse(str(sent))
    first = next(document.iter(f"{X}group")).find(f"{X}trans-unit")
    first.set("approved", "yes")
    first.find(f"{X}target").set("state", "translated")
    document.write(str(sent), xml_declaration=True, encoding="UTF-8")
    run(sample, "merge", str(sent))
    assert "fuzzy" in plural(sample).flags


def test_a_plural_group_with_the_wrong_number_of_forms_is_refused(sample: Path, tmp_path: Path):
    sent = tmp_path / "fr.xlf"
    run(sample, "export", "--lang", "fr", "--article", "ui", "-o", str(sent))
    document = etree.parse(str(sent))
    group = next(document.iter(f"{X}group"))
    extra = etree.fromstring(etree.tostring(group.findall(f"{X}trans-unit")[1]))
    extra.set("id", f"{GROUP}[2]")
    group.append(extra)
    for unit in group.iter(f"{X}trans-unit"):
        unit.set("approved", "yes")
    document.write(str(sent), xml_declaration=True, encoding="UTF-8")
    before = ui(sample).read_bytes()
    result = run(sample, "merge", str(sent), code=1)
    assert re.search(rf"fr\.xlf:\d+ \(unit {GROUP}\)", result.output), result.output
    assert "3 plural forms" in result.output and "nplurals=2" in result.output
    assert ui(sample).read_bytes() == before


def test_a_po_plural_with_a_missing_form_is_refused(sample: Path, tmp_path: Path):
    sent = tmp_path / "fr.po"
    run(sample, "export", "--lang", "fr", "--article", "ui", "-o", str(sent))
    set_forms(sent, ["%(count)s article"])
    result = run(sample, "merge", str(sent), code=1)
    assert "1 plural forms" in result.output, result.output
    assert plural(sample).msgstr_plural == dict(enumerate(DRAFT))


def test_each_plural_form_is_checked(sample: Path, tmp_path: Path):
    """An error-level check on any form (here: form 1 lost its placeholder) refuses it."""
    sent = tmp_path / "fr.po"
    run(sample, "export", "--lang", "fr", "--article", "ui", "-o", str(sent))
    set_forms(sent, ["%(count)s article", "des articles"])
    result = run(sample, "merge", str(sent), code=1)
    assert "[placeholders]" in result.output and "missing %(count)s" in result.output
    assert "fuzzy" in plural(sample).flags
