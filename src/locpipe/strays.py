"""Catalogs no step uses: those of deleted articles, and those of unconfigured languages.

Both are kept (a translation is never deleted silently) and reported:
``update`` and ``check`` warn about them, ``locpipe prune`` removes the
orphans after moving their reviewed entries into the translation memory.
Only names are listed here; nothing is read or followed.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from locpipe.config import normalize_language
from locpipe.errors import LocpipeError
from locpipe.project import Project

#: The folder of ``locales/`` holding the ``.pot`` templates (not a language).
TEMPLATES_FOLDER = "templates"


@dataclass(frozen=True)
class StrayCatalog:
    """A catalog file under ``locales/`` that no step reads."""

    path: Path
    language: str  # the language folder's name, as found
    domain: str
    #: For an orphan: its article still exists, written in this very language.
    own_language: bool = False


def _catalog_names(folder: Path) -> list[str]:
    """Paths (relative, with /) of the ``.po`` files under a folder, in nested
    folders too (not hidden, not following links to folders)."""
    names: list[str] = []
    todo = [("", folder)]
    while todo:
        prefix, current = todo.pop()
        try:
            with os.scandir(current) as found:
                entries = list(found)
        except (FileNotFoundError, NotADirectoryError):
            continue
        except OSError as exc:
            raise LocpipeError(f"cannot list: {exc.strerror}", current) from None
        for e in entries:
            if e.name.startswith("."):
                continue
            if e.is_dir(follow_symlinks=False):
                todo.append((f"{prefix}{e.name}/", current / e.name))
            elif e.name.endswith(".po"):
                names.append(prefix + e.name)
    return sorted(names)


def _language_folders(locales: Path) -> list[str]:
    try:
        with os.scandir(locales) as found:
            return sorted(
                e.name
                for e in found
                if e.is_dir(follow_symlinks=False)
                and e.name != TEMPLATES_FOLDER
                and not e.name.startswith(".")
            )
    except (FileNotFoundError, NotADirectoryError):
        return []
    except OSError as exc:
        raise LocpipeError(f"cannot list: {exc.strerror}", locales) from None


def orphan_catalogs(project: Project, languages: tuple[str, ...] = ()) -> list[StrayCatalog]:
    """Catalogs of configured languages (or only ``languages``) whose article is gone.

    A catalog is an orphan when no current domain (article or ``ui``) has its
    language as a target: its article was deleted or renamed.
    """
    wanted: dict[str, set[str]] = {}
    domains = project.domains(languages)
    for domain in domains:
        for language in domain.targets:
            wanted.setdefault(language, set()).add(domain.name)
    names = {domain.name for domain in domains}
    orphans = []
    for language in languages or project.config.languages:
        folder = project.paths.locales / language / "LC_MESSAGES"
        for name in _catalog_names(folder):
            stem = name[: -len(".po")]
            if stem not in wanted.get(language, set()):
                orphans.append(StrayCatalog(folder / name, language, stem, stem in names))
    return orphans


def unconfigured_catalogs(project: Project) -> list[StrayCatalog]:
    """Catalogs under ``locales/<folder>/LC_MESSAGES/`` for a folder that is not a
    configured language (as Weblate or ``msginit`` create for a new language)."""
    strays = []
    configured = set(project.config.languages)
    for folder in _language_folders(project.paths.locales):
        if folder in configured:
            continue
        messages = project.paths.locales / folder / "LC_MESSAGES"
        for name in _catalog_names(messages):
            strays.append(StrayCatalog(messages / name, folder, name[: -len(".po")]))
    return strays


def unconfigured_advice(project: Project, stray: StrayCatalog) -> str:
    """What to do about a catalog of an unconfigured language (one line)."""
    config = project.relative(project.config.path)
    try:
        code = normalize_language(stray.language)
    except LocpipeError:
        return (
            f"{stray.language!r} is not a language code locpipe knows, so the catalog is "
            f"ignored; name the folder after a language (fr, pt_BR...) listed in {config}"
        )
    if code in project.config.languages:
        return (
            f"language {code!r} is configured under the folder name {code!r}, not "
            f"{stray.language!r}; the catalog is ignored: move it to "
            f"{project.relative(project.catalog_path(code, stray.domain))}"
        )
    listed = ", ".join(f'"{lang}"' for lang in (*project.config.languages, code))
    move = ""
    if code != stray.language:
        move = f", move the catalog to {project.relative(project.catalog_path(code, stray.domain))}"
    return (
        f"catalog for {code!r}, which is not in `languages`, so it is ignored; to translate "
        f"and build {code!r}, set languages = [{listed}] in {config}{move} and run "
        "`locpipe update`"
    )


def stray_warnings(
    project: Project, orphans: list[StrayCatalog], unconfigured: Sequence[StrayCatalog] = ()
) -> list[str]:
    """One warning line per stray catalog, naming it and saying what to do."""
    prune = (
        "the catalog is kept: `locpipe prune` moves its reviewed translations into the "
        "translation memory and removes it"
    )
    lines = [
        f"{project.relative(stray.path)}: article {stray.domain!r} is written in "
        f"{stray.language} now (its <html lang>), so this catalog is not used; {prune}"
        if stray.own_language
        else f"{project.relative(stray.path)}: no article {stray.domain!r} any more (deleted "
        f"or renamed?); {prune}"
        for stray in orphans
    ]
    lines += [
        f"{project.relative(stray.path)}: {unconfigured_advice(project, stray)}"
        for stray in unconfigured
    ]
    return lines
