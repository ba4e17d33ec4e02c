"""Path guards: locpipe writes only inside the project.

A ``locales/`` or ``build/`` folder (or a language's folder in them, or an
asset folder under ``build/<lang>/``) that is a symlink to somewhere outside
the project, or a ``[paths]`` entry outside it, is refused before any write:
exit 2, a message naming the link, nothing changed inside or outside the
project.  Slugs and language codes that would escape are refused elsewhere
(tests/test_bad_input.py: ``<html lang>`` with a path, ``--lang`` with an
absolute path, ``..`` in the config, an article name that is no slug); here
they are also checked against the paths they would make.
"""

from __future__ import annotations

import re
import shutil
from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import CliRunner

from locpipe.cli import main
from locpipe.errors import LocpipeError
from locpipe.lock import LOCK_NAME
from locpipe.project import Project


def invoke(project: Path, *args: str):
    return CliRunner().invoke(main, ["-C", str(project), *args])


@pytest.fixture
def project(built_site: Path, tmp_path: Path) -> Path:
    (tmp_path / "outside").mkdir()
    return built_site


def snapshot(folder: Path) -> dict[str, tuple[bytes, int]]:
    """Every file's bytes and mtime; links are compared by target."""
    result: dict[str, tuple[bytes, int]] = {}
    for path in sorted(folder.rglob("*")):
        if path.name == LOCK_NAME:
            continue
        if path.is_symlink():
            result[str(path.relative_to(folder))] = (str(path.readlink()).encode(), 0)
        elif path.is_file():
            result[str(path.relative_to(folder))] = (path.read_bytes(), path.stat().st_mtime_ns)
    return result


def move_out(project: Path, relative: str) -> Path:
    """Move a folder of the project outside it and leave a symlink in its place."""
    inside = project / relative
    outside = project.parent / "outside" / relative.replace("/", "_")
    shutil.move(inside, outside)
    inside.symlink_to(outside, target_is_directory=True)
    return outside


def link_to_empty(project: Path, relative: str) -> Path:
    """A symlink (to an empty folder outside) where the project has no folder yet."""
    outside = project.parent / "outside" / relative.replace("/", "_")
    outside.mkdir()
    (project / relative).parent.mkdir(parents=True, exist_ok=True)
    (project / relative).symlink_to(outside, target_is_directory=True)
    return outside


def config_paths(project: Path, key: str, value: str) -> None:
    config = project / "locpipe.toml"
    text = config.read_text(encoding="utf-8")
    old = f'{key} = "{key}"'
    assert old in text
    config.write_text(text.replace(old, f'{key} = "{value}"'), encoding="utf-8")


def new_language_linked_out(project: Path) -> tuple[list[str], str]:
    """A language added to the config whose (new) catalog folder is a link out."""
    link_to_empty(project, "locales/de")
    config_edit(project, '"es"]', '"es", "de"]')
    return ["update"], r"/site/locales/de: symlink to .*, outside the project"


def symlink_loop(project: Path) -> tuple[list[str], str]:
    shutil.rmtree(project / "build/es")
    (project / "build/es").symlink_to("es-loop")
    (project / "build/es-loop").symlink_to("es")
    return ["build"], r"/site/build/es: symlink to es-loop, a symlink loop"


def link_cache_file(project: Path, relative: str) -> Path:
    """A file (of the cache, a catalog) replaced by a symlink to a file outside (which
    must stay as is)."""
    outside = project.parent / "outside" / relative.replace("/", "_")
    outside.write_bytes(b"keep me\n")
    inside = project / relative
    inside.parent.mkdir(parents=True, exist_ok=True)
    inside.unlink(missing_ok=True)
    inside.symlink_to(outside)
    return outside


CACHE_REFUSED = "locpipe never follows a link in its cache folder"

# Each case breaks the project and returns (command, regex the error must match).
Case = Callable[[Path], tuple[list[str], str]]

CASES: dict[str, Case] = {
    "locales/ is a symlink outside (update)": lambda p: (
        move_out(p, "locales") and ["update"],
        r"/site/locales: symlink to .*outside.*, outside the project",
    ),
    "locales/ is a symlink outside (check, read-only)": lambda p: (
        move_out(p, "locales") and ["check"],
        r"/site/locales: symlink to .*, outside the project",
    ),
    "locales/fr is a symlink outside (translate)": lambda p: (
        move_out(p, "locales/fr") and ["translate", "--backend", "pseudo", "--lang", "en"],
        r"/site/locales/fr: symlink to .*, outside the project",
    ),
    "locales/fr/LC_MESSAGES is a symlink outside (update)": lambda p: (
        move_out(p, "locales/fr/LC_MESSAGES") and ["update"],
        r"/site/locales/fr/LC_MESSAGES: symlink to .*, outside the project",
    ),
    "locales/templates is a symlink outside (extract)": lambda p: (
        move_out(p, "locales/templates") and ["extract"],
        r"/site/locales/templates: symlink to .*, outside the project",
    ),
    "new locales/de is a symlink outside (update)": lambda p: new_language_linked_out(p),
    "build/ is a symlink outside (build)": lambda p: (
        move_out(p, "build") and ["build"],
        r"/site/build: symlink to .*, outside the project",
    ),
    "build/es is a symlink outside (build)": lambda p: (
        move_out(p, "build/es") and ["build"],
        r"/site/build/es: symlink to .*, outside the project",
    ),
    "build/es/img (an asset folder) is a symlink outside (build)": lambda p: (
        move_out(p, "build/es/img") and ["build"],
        r"/site/build/es/img: symlink to .*, outside the project",
    ),
    "build/report is a symlink outside (report)": lambda p: (
        link_to_empty(p, "build/report") and ["report"],
        r"/site/build/report: symlink to .*, outside the project",
    ),
    "build/es is a symlink loop (build)": lambda p: symlink_loop(p),
    ".locpipe-cache is a symlink outside (update)": lambda p: (
        move_out(p, ".locpipe-cache") and ["update"],
        rf"/site/.locpipe-cache: symlink to .*outside.*; {CACHE_REFUSED}",
    ),
    "new .locpipe-cache is a symlink outside (check, read-only)": lambda p: (
        shutil.rmtree(p / ".locpipe-cache") or link_to_empty(p, ".locpipe-cache") and ["check"],
        rf"/site/.locpipe-cache: symlink to .*; {CACHE_REFUSED}",
    ),
    ".locpipe-cache/stamps is a symlink outside (extract)": lambda p: (
        move_out(p, ".locpipe-cache/stamps") and ["extract"],
        rf"/site/.locpipe-cache/stamps: symlink to .*; {CACHE_REFUSED}",
    ),
    ".locpipe-cache/stamps/check.json is a symlink to a file outside (check)": lambda p: (
        link_cache_file(p, ".locpipe-cache/stamps/check.json") and ["check"],
        rf"/site/.locpipe-cache/stamps/check.json: symlink to .*; {CACHE_REFUSED}",
    ),
    ".locpipe-cache/mt.sqlite3 is a symlink to a file outside (translate)": lambda p: (
        link_cache_file(p, ".locpipe-cache/mt.sqlite3") and ["translate", "--backend", "pseudo"],
        rf"/site/.locpipe-cache/mt.sqlite3: symlink to .*; {CACHE_REFUSED}",
    ),
    ".locpipe-cache/mt.sqlite3-wal is a symlink to a file outside (translate)": lambda p: (
        link_cache_file(p, ".locpipe-cache/mt.sqlite3-wal")
        and ["translate", "--backend", "pseudo"],
        rf"/site/.locpipe-cache/mt.sqlite3-wal: symlink to .*; {CACHE_REFUSED}",
    ),
    ".locpipe-cache/all.json is a symlink to a file outside (all)": lambda p: (
        link_cache_file(p, ".locpipe-cache/all.json") and ["all", "--backend", "pseudo"],
        rf"/site/.locpipe-cache/all.json: symlink to .*; {CACHE_REFUSED}",
    ),
    "a catalog is a symlink to a file outside (check, read-only)": lambda p: (
        link_cache_file(p, "locales/fr/LC_MESSAGES/ui.po") and ["check"],
        r"/site/locales/fr/LC_MESSAGES/ui.po: symlink to .*outside.*, outside the project; "
        "locpipe reads catalogs only inside the project",
    ),
    "a catalog is a dangling symlink outside (update)": lambda p: (
        link_cache_file(p, "locales/es/LC_MESSAGES/ui.po").unlink() or ["update"],
        r"/site/locales/es/LC_MESSAGES/ui.po: symlink to .*, a missing file outside the project",
    ),
    "a template is a symlink to a file outside (build)": lambda p: (
        link_cache_file(p, "locales/templates/ui.pot") and ["build"],
        r"/site/locales/templates/ui.pot: symlink to .*, outside the project",
    ),
    "paths.build is ../elsewhere (build)": lambda p: (
        config_paths(p, "build", "../elsewhere") or ["build"],
        r"/elsewhere: outside the project",
    ),
    "paths.locales is an absolute path outside (update)": lambda p: (
        config_paths(p, "locales", str(p.parent / "outside")) or ["update"],
        r"/outside: outside the project",
    ),
}


def config_edit(project: Path, old: str, new: str) -> None:
    config = project / "locpipe.toml"
    text = config.read_text(encoding="utf-8")
    assert old in text
    config.write_text(text.replace(old, new), encoding="utf-8")


@pytest.mark.parametrize("case", list(CASES), ids=list(CASES))
def test_a_write_outside_the_project_is_refused_before_any_write(project: Path, case: str):
    command, expected = CASES[case](project)
    outside = project.parent / "outside"
    before, before_outside = snapshot(project), snapshot(outside)
    result = invoke(project, *command)
    assert result.exit_code == 2, (result.exit_code, result.output)
    message = result.output.strip().splitlines()[-1]
    assert message.startswith("locpipe: error: "), result.output
    assert re.search(expected, message), (expected, message)
    assert "Traceback" not in result.output
    assert snapshot(project) == before
    assert snapshot(outside) == before_outside
    assert not (project.parent / "elsewhere").exists()


def test_a_symlink_that_stays_inside_the_project_is_fine(project: Path):
    """Only links leading out of the project are refused."""
    real = project / "catalogs-fr"
    shutil.move(project / "locales/fr", real)
    (project / "locales/fr").symlink_to(real, target_is_directory=True)
    before = (real / "LC_MESSAGES/propagazione-dns.po").read_bytes()
    for args in (["update"], ["translate", "--backend", "pseudo", "--lang", "fr"], ["build"]):
        result = invoke(project, *args)
        assert result.exit_code == 0, result.output
    assert (project / "locales/fr").is_symlink()
    assert (real / "LC_MESSAGES/propagazione-dns.po").read_bytes() == before  # all translated
    assert (project / "build/fr/propagazione-dns.html").exists()


@pytest.mark.parametrize("slug", ["..", "../x", "/etc/passwd", "a/../../b"])
def test_a_path_like_slug_or_language_never_becomes_a_path_outside(project: Path, slug: str):
    """Slugs and codes are validated names; were one a path, the guard refuses it too."""
    p = Project(project)
    for path in (p.catalog_path(slug, "ui"), p.page_path("fr", slug), p.catalog_path("fr", slug)):
        resolved = path.resolve()
        if not resolved.is_relative_to(p.root):
            with pytest.raises(LocpipeError, match="outside the project"):
                p.guard_writes([path])
    for name in (f"{slug}.html".replace("/", "_"), "..html", "...html"):
        (project / "source_articles" / name).write_text("<p>Ciao</p>", encoding="utf-8")
    result = invoke(project, "extract")
    assert result.exit_code in (0, 2), result.output
    assert "Traceback" not in result.output
    assert not list(project.parent.glob("*.pot")) and not (project.parent / "x.pot").exists()


def linked_build_in_templates(project: Path) -> None:
    """`build` a link (inside the project) to a folder of the templates."""
    (project / "templates/out").mkdir()
    (project / "site-out").symlink_to(project / "templates/out", target_is_directory=True)
    config_paths(project, "build", "site-out")


OVERLAPS: dict[str, tuple[Callable[[Path], None], str]] = {
    "build inside templates": (
        lambda p: config_paths(p, "build", "templates/out"),
        r'locpipe.toml:\d+: paths.build \("templates/out"\) is inside paths.templates \("templates"\)',
    ),
    "build is a link into templates": (
        linked_build_in_templates,
        r'locpipe.toml:\d+: paths.build \("site-out"\) is inside paths.templates \("templates"\)',
    ),
    "build is the sources": (
        lambda p: config_paths(p, "build", "source_articles"),
        r"paths.source_articles \(.*\) is the same folder as paths.build",
    ),
    "locales inside build": (
        lambda p: config_paths(p, "locales", "build/po"),
        r'paths.locales \("build/po"\) is inside paths.build \("build"\)',
    ),
    "build is the project root (holds the cache)": (
        lambda p: config_paths(p, "build", "."),
        r'paths.locales \("locales"\) is inside paths.build \("."\)',
    ),
    "build inside the cache": (
        lambda p: config_paths(p, "build", ".locpipe-cache/out"),
        r'paths.build \(".locpipe-cache/out"\) is inside the cache folder .locpipe-cache',
    ),
}


@pytest.mark.parametrize("case", list(OVERLAPS), ids=list(OVERLAPS))
@pytest.mark.parametrize("command", ["build", "check"])
def test_overlapping_paths_are_a_config_error(project: Path, case: str, command: str):
    """Issue 14 part 11: `[paths] build = "templates/out"` made built pages Jinja templates."""
    break_config, expected = OVERLAPS[case]
    break_config(project)
    before = snapshot(project)
    result = invoke(project, command)
    assert result.exit_code == 2, result.output
    message = result.output.strip().splitlines()[-1]
    assert message.startswith(f"locpipe: error: {project / 'locpipe.toml'}:"), message
    assert re.search(expected, message), (expected, message)
    assert "must not contain one another" in message
    assert snapshot(project) == before
