"""Weblate out of the box: `locpipe weblate-config` against Weblate's own discovery code.

translation-finder is the library Weblate runs on a repository to suggest
components; :func:`weblate_discovery` is Weblate's component discovery add-on
(``weblate/trans/discovery.py``: ``compile_match``, ``matches`` and
``matched_components``) restated, so the regular expressions locpipe prints
are tried the way Weblate tries them.
"""

from __future__ import annotations

import json
import os
import re
from pathlib import Path

import pytest
from click.testing import CliRunner
from translation_finder import discover
from translation_finder.finder import Finder

from conftest import copy_sample_site
from locpipe.catalog import read_catalog
from locpipe.cli import main
from locpipe.project import Project
from locpipe.weblate import Discovery, weblate_config

ARTICLE = "propagazione-dns"


def run(project: Path, *args: str, code: int = 0):
    result = CliRunner().invoke(main, ["-C", str(project), *args])
    assert result.exit_code == code, result.output
    return result


@pytest.fixture
def site(tmp_path: Path) -> Path:
    """The sample site with its committed catalogs."""
    project = tmp_path / "site"
    project.mkdir()
    return copy_sample_site(project, with_locales=True)


def catalogs(project: Path) -> set[str]:
    """Every catalog of the project, relative to it."""
    return {p.relative_to(project).as_posix() for p in project.glob("locales/*/LC_MESSAGES/*.po")}


def weblate_discovery(root: Path, discovery: Discovery) -> dict[str, dict]:
    """What Weblate's discovery add-on matches under ``root``: mask → component."""
    match = discovery.match
    parts = match.split("(?P=language)")
    offset = 1
    while len(parts) > 1:
        parts[0:2] = [f"{parts[0]}(?P<_language_{offset}>(?P=language)){parts[1]}"]
        offset += 1
    path_match = re.compile(f"^{parts[0]}$")
    language_match = re.compile(discovery.language_regex)
    found: dict[str, dict] = {}
    for folder, dirnames, filenames in os.walk(root, followlinks=True):
        for name in [*filenames, *dirnames]:
            path = Path(folder, name).relative_to(root).as_posix()
            matches = path_match.match(path)
            if not matches:
                continue
            language = matches.group("language")
            if language is None or not language_match.match(language):
                continue
            start, end = matches.span("language")
            mask = path[:start] + "*" + path[end:]
            groups = matches.groupdict()
            component = found.setdefault(
                mask,
                {
                    "files": set(),
                    "languages": set(),
                    "name": discovery.name_template.replace("{{ component }}", groups["component"]),
                    "new_base": discovery.new_base_template.replace(
                        "{{ component }}", groups["component"]
                    ),
                    "base_file": discovery.base_file_template,
                },
            )
            component["files"].add(path)
            component["languages"].add(language)
    return found


def created(root: Path, discovery: Discovery) -> set[str]:
    """The masks Weblate creates components for (``check_valid``: the base files exist)."""
    return {
        mask
        for mask, component in weblate_discovery(root, discovery).items()
        if all(
            not name or (root / name).exists()
            for name in (component["base_file"], component["new_base"])
        )
    }


def test_translation_finder_finds_the_catalogs_but_not_what_weblate_needs(site: Path):
    """Weblate's own suggestion (translation-finder) offers each article's catalogs as a
    bilingual PO component, but no base for new languages, and it reads the French slug
    `qu-est-ce-que-dmarc` as a language (`qu`): what docs/weblate.md warns about."""
    config = weblate_config(Project(site))
    ours = {c.filemask: c for c in config.components}
    found = [r.match for r in discover(site)]
    bilingual = {r["filemask"]: r for r in found if r["file_format"] == "po"}
    assert set(ours) <= set(bilingual)  # every component is among its suggestions
    for mask, result in bilingual.items():
        if mask in ours:  # when it finds a base for new languages, it is ours
            assert result.get("new_base", ours[mask].new_base) == ours[mask].new_base
        else:  # the other suggestions take `qu` for a language
            assert mask.endswith("/LC_MESSAGES/*-ce-que-dmarc.po"), mask
    assert all(not r.get("new_base") for r in bilingual.values())
    assert {r["file_format"] for r in found if r["filemask"] in ours} == {"po", "po-mono"}


def test_each_component_has_its_catalogs_and_its_base(site: Path):
    """The components locpipe prints: bilingual PO, a file mask matching exactly the
    domain's catalogs (translation-finder's glob), the .pot as base for new languages,
    the domain's source language and a filter of its target languages."""
    project = Project(site)
    config = weblate_config(project)
    finder = Finder(site)
    assert config.prefix == ""
    assert [c.name for c in config.components] == [d.name for d in project.domains()]
    for component in config.components:
        files = {p.as_posix() for p in finder.mask_matches(component.filemask)}
        assert files == {p for p in catalogs(site) if p.endswith(f"/{component.name}.po")}
        assert component.file_format == "po" and component.template == ""
        assert finder.has_file(component.new_base)
        languages = {f.split("/")[1] for f in files}
        language_filter = re.compile(component.language_regex)
        assert all(language_filter.match(code) for code in languages)
        assert not language_filter.match(component.source_language)
        assert not language_filter.match("templates") and not language_filter.match("de")
    dmarc = next(c for c in config.components if c.name == "qu-est-ce-que-dmarc")
    assert (dmarc.source_language, dmarc.language_regex) == ("fr", "^(?:it|en|es)$")


@pytest.mark.slow
def test_discovery_matches_every_catalog_once_and_nothing_else(site: Path):
    """Weblate's discovery algorithm with the printed add-ons: one add-on per source
    language, together matching every catalog of the project (and no template, page or
    article), each by one add-on only, into the printed components."""
    run(site, "-q", "build")  # pages, .mo files and the cache exist too
    config = weblate_config(Project(site))
    assert [d.source_language for d in config.discoveries] == ["it", "fr"]
    matched: dict[str, str] = {}
    components = {c.filemask: c for c in config.components}
    for discovery in config.discoveries:
        assert discovery.file_format == "po" and discovery.base_file_template == ""
        assert "{{ component }}" in discovery.name_template
        found = weblate_discovery(site, discovery)
        assert discovery.main.filemask in found  # the main component itself matches
        for mask, component in found.items():
            ours = components[mask]
            assert ours.source_language == discovery.source_language
            assert component["name"] == ours.name
            assert component["new_base"] == ours.new_base
            assert (site / component["new_base"]).is_file()
            for path in component["files"]:
                assert path not in matched, f"{path}: matched by two add-ons"
                matched[path] = discovery.source_language
    assert set(matched) == catalogs(site)


def test_a_new_article_gets_its_component_without_new_settings(site: Path):
    """An article added later (in the main source language) is discovered by the
    settings printed before it existed; one in another language needs them printed again."""
    before = weblate_config(Project(site))
    article = site / "source_articles" / f"{ARTICLE}.html"
    text = article.read_text(encoding="utf-8")
    (site / "source_articles" / "nuovo-articolo.html").write_text(text, encoding="utf-8")
    french = text.replace('lang="it"', 'lang="fr"', 1)
    assert french != text
    (site / "source_articles" / "nouvel-article.html").write_text(french, encoding="utf-8")
    run(site, "-q", "extract")
    run(site, "-q", "update")
    found = weblate_discovery(site, before.discoveries[0])
    assert "locales/*/LC_MESSAGES/nuovo-articolo.po" in found
    after = weblate_config(Project(site))
    assert [len(d.components) for d in after.discoveries] == [6, 2]
    found = {
        mask
        for discovery in after.discoveries
        if discovery.source_language == "it"
        for mask in weblate_discovery(site, discovery)
    }
    assert "locales/*/LC_MESSAGES/nouvel-article.po" not in found


def test_weblate_config_prints_json_and_text(site: Path):
    data = json.loads(run(site, "weblate-config", "--format", "json").output)
    first = data["discovery"][0]
    assert first["addon"]["name"] == "weblate.discovery.discovery"
    configuration = first["addon"]["configuration"]
    assert configuration["new_base_template"] == "locales/templates/{{ component }}.pot"
    assert set(configuration) == {
        "match",
        "file_format",
        "name_template",
        "base_file_template",
        "new_base_template",
        "intermediate_template",
        "language_regex",
        "copy_addons",
        "remove",
    }
    assert first["main_component"]["filemask"] == "locales/*/LC_MESSAGES/ui.po"
    assert len(data["components"]) == 6
    text = run(site, "weblate-config").output
    assert "Template for new translations  locales/templates/ui.pot" in text
    assert "Regular expression to match translation files against" in text
    assert configuration["match"] in text
    assert "no catalog yet" not in text


def test_weblate_config_in_a_subfolder_of_the_repository(tmp_path: Path):
    """Weblate's paths are relative to the repository it clones, not to the project."""
    (tmp_path / ".git").mkdir()
    site = tmp_path / "www" / "site"
    site.mkdir(parents=True)
    copy_sample_site(site)
    run(site, "-q", "extract")
    text = run(site, "weblate-config").output
    assert "no catalog yet (run `locpipe update`" in text
    config = weblate_config(Project(site))
    assert config.prefix == "www/site"
    assert config.components[0].filemask == "www/site/locales/*/LC_MESSAGES/ui.po"
    run(site, "-q", "update")
    for discovery in config.discoveries:
        for mask, component in weblate_discovery(tmp_path, discovery).items():
            assert (tmp_path / component["new_base"]).is_file(), mask


def test_update_keeps_weblate_flags_in_the_project(site: Path):
    """`locpipe update` after an article changed keeps `#, ignore-same` set in Weblate."""
    path = site / "locales" / "fr" / "LC_MESSAGES" / f"{ARTICLE}.po"
    text = path.read_text(encoding="utf-8")
    first = next(e for e in read_catalog(path) if e.msgid and e.msgstr)
    marked = text.replace(
        f'msgid "{first.msgid[:30]}',
        f'#, ignore-same, max-length:200\nmsgid "{first.msgid[:30]}',
        1,
    )
    assert marked != text
    path.write_text(marked, encoding="utf-8")
    article = site / "source_articles" / f"{ARTICLE}.html"
    source = article.read_text(encoding="utf-8")
    article.write_text(source.replace("</h1>", " (aggiornato)</h1>", 1), encoding="utf-8")
    run(site, "-q", "extract")
    run(site, "-q", "update", "--lang", "fr")
    assert path.read_text(encoding="utf-8") != marked  # rewritten
    entry = next(e for e in read_catalog(path) if e.msgid == first.msgid)
    assert "ignore-same" in entry.flags and "max-length:200" in entry.flags


def test_the_documented_settings_are_what_locpipe_prints(site: Path):
    """docs/weblate.md shows the sample's settings: they must be the printed ones."""
    docs = (Path(__file__).resolve().parents[1] / "docs" / "weblate.md").read_text("utf-8")
    printed = run(site, "weblate-config").output
    first = printed[printed.index("1. Source language it") : printed.index("\n\n2. ")]
    assert first in docs
    for discovery in weblate_config(Project(site)).discoveries:
        assert discovery.match in docs


def test_a_repository_root_that_does_not_hold_the_project_is_refused(site: Path, tmp_path: Path):
    other = tmp_path / "elsewhere"
    other.mkdir()
    result = run(site, "weblate-config", "--repository-root", str(other), code=2)
    assert "not inside the repository root" in result.output
    assert "--repository-root" in result.output
    data = json.loads(
        run(site, "weblate-config", "--format", "json", "--repository-root", str(tmp_path)).output
    )
    assert data["components"][0]["filemask"] == "site/locales/*/LC_MESSAGES/ui.po"


def test_the_catalogs_of_a_deleted_article_get_no_component(site: Path):
    config = weblate_config(Project(site))
    (site / "source_articles" / f"{ARTICLE}.html").unlink()
    run(site, "-q", "extract")
    mask = f"locales/*/LC_MESSAGES/{ARTICLE}.po"
    assert (site / "locales" / "fr" / "LC_MESSAGES" / f"{ARTICLE}.po").is_file()  # left
    assert mask in weblate_discovery(site, config.discoveries[0])  # matched, but
    assert mask not in created(site, config.discoveries[0])  # its .pot is gone: skipped
    assert len(created(site, config.discoveries[0])) == 4
