"""Weblate settings for a project: components and component discovery add-ons.

Weblate's own discovery (translation-finder) finds the catalogs but not their
base for new languages (``locales/templates/<domain>.pot`` sits beside, not
above, ``locales/<lang>/LC_MESSAGES/``) and reads a slug that starts with a
language code (``qu-est-ce-que-dmarc``) as a language.  This module says what
Weblate needs instead, from the project itself:

- one :class:`Component` per domain (the ``ui`` strings and each article):
  bilingual gettext PO, file mask, the ``.pot`` as base for new languages,
  the source language and a language filter of its target languages;
- one :class:`Discovery` per source language: Weblate's component discovery
  add-on (``weblate.discovery.discovery``), installed on a main component
  created by hand, creates all the others, and the ones of articles added
  later.  Discovery copies the main component's source language to the
  components it creates, so articles written in another language get their
  own main component and add-on; the regular expressions of the add-ons
  never match the same file.

Paths are relative to the root of the repository Weblate clones.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import asdict, dataclass
from pathlib import Path

from locpipe.errors import LocpipeError
from locpipe.project import UI_DOMAIN, Project

#: Weblate's identifier of the component discovery add-on.
DISCOVERY_ADDON = "weblate.discovery.discovery"
#: Weblate's file format identifier for bilingual gettext PO files.
FILE_FORMAT = "po"
NAME_TEMPLATE = "{{ component }}"


@dataclass(frozen=True)
class Component:
    """A Weblate component: one gettext domain in every language."""

    name: str
    slug: str
    source_language: str
    file_format: str
    filemask: str
    template: str  # the monolingual base file: empty for bilingual PO
    new_base: str
    language_regex: str
    has_catalogs: bool  # discovery creates a component only once a catalog exists


@dataclass(frozen=True)
class Discovery:
    """A component discovery add-on (on ``main``) for one source language."""

    source_language: str
    main: Component
    match: str
    file_format: str
    name_template: str
    base_file_template: str
    new_base_template: str
    intermediate_template: str
    language_regex: str
    copy_addons: bool
    remove: bool
    components: tuple[str, ...]

    def configuration(self) -> dict[str, object]:
        """The add-on's configuration, as Weblate's form and API name its fields."""
        return {
            "match": self.match,
            "file_format": self.file_format,
            "name_template": self.name_template,
            "base_file_template": self.base_file_template,
            "new_base_template": self.new_base_template,
            "intermediate_template": self.intermediate_template,
            "language_regex": self.language_regex,
            "copy_addons": self.copy_addons,
            "remove": self.remove,
        }


@dataclass(frozen=True)
class WeblateConfig:
    """Everything ``locpipe weblate-config`` prints."""

    repository_root: Path
    prefix: str  # the project's folder in the repository ("" at its root)
    discoveries: tuple[Discovery, ...]
    components: tuple[Component, ...]

    def as_json(self) -> dict[str, object]:
        return {
            "discovery": [
                {
                    "source_language": d.source_language,
                    "main_component": asdict(d.main),
                    "addon": {"name": DISCOVERY_ADDON, "configuration": d.configuration()},
                    "components": list(d.components),
                }
                for d in self.discoveries
            ],
            "components": [asdict(c) for c in self.components],
        }


def repository_root(start: Path) -> Path:
    """The nearest folder from ``start`` up that holds ``.git``; else ``start``."""
    for folder in (start, *start.parents):
        if (folder / ".git").exists():
            return folder
    return start


def slugify(name: str) -> str:
    """The slug Weblate gives a discovered component (Django's ``slugify``)."""
    slug = re.sub(r"[^\w\s-]", "", name.lower(), flags=re.ASCII).strip()
    return re.sub(r"[-\s]+", "-", slug, flags=re.ASCII).strip("-_")


def escape(text: str) -> str:
    """``text`` as a regular expression matching itself (only what must be escaped:
    ``re.escape`` also escapes ``-``, which makes the settings harder to read)."""
    return re.sub(r"([.^$*+?{}\[\]\\|()])", r"\\\1", text)


def language_regex(languages: list[str]) -> str:
    """Weblate's language filter accepting exactly these codes."""
    return "^(?:" + "|".join(escape(code) for code in languages) + ")$"


def weblate_config(project: Project, root: Path | None = None) -> WeblateConfig:
    """The Weblate components and discovery add-ons of ``project`` (see the module doc)."""
    root = (root or repository_root(project.root)).resolve()
    try:
        prefix = project.root.resolve().relative_to(root).as_posix()
    except ValueError:
        raise LocpipeError(
            f"the project is not inside the repository root {root}; Weblate's paths "
            "are relative to the repository it clones (--repository-root)",
            project.root,
        ) from None
    prefix = "" if prefix == "." else prefix

    def path(target: Path) -> str:
        shown = project.relative(target)
        return f"{prefix}/{shown}" if prefix else shown

    components = _components(project, path)
    return WeblateConfig(root, prefix, _discoveries(project, components, path), components)


def _components(project: Project, path: Callable[[Path], str]) -> tuple[Component, ...]:
    """One component per domain, in the project's order (``ui`` first)."""
    locales = path(project.paths.locales)
    components = []
    for domain in project.domains():
        targets = [code for code in project.config.languages if code != domain.source_language]
        components.append(
            Component(
                name=domain.name,
                slug=slugify(domain.name),
                source_language=domain.source_language,
                file_format=FILE_FORMAT,
                filemask=f"{locales}/*/LC_MESSAGES/{domain.name}.po",
                template="",
                new_base=path(project.template_path(domain.name)),
                language_regex=language_regex(targets),
                has_catalogs=any(
                    project.catalog_path(code, domain.name).is_file() for code in targets
                ),
            )
        )
    return tuple(components)


#: A domain's path under ``LC_MESSAGES/``: a name, or names in nested folders ("guida/a").
_NESTED = "[^/]+(?:/[^/]+)*"


def _discoveries(
    project: Project, components: tuple[Component, ...], path: Callable[[Path], str]
) -> tuple[Discovery, ...]:
    """One discovery add-on per source language, the site's own first.

    The site's source language matches every domain, present and future, but
    those of the other source languages, which each match their own by name.
    """
    locales = path(project.paths.locales)
    templates = path(project.template_path(UI_DOMAIN)).rsplit("/", 1)[0]
    by_source: dict[str, list[Component]] = {}
    for component in components:
        by_source.setdefault(component.source_language, []).append(component)
    main_source = project.config.source_language
    others = sorted(c.name for c in components if c.source_language != main_source)
    discoveries = []
    for source in sorted(by_source, key=lambda code: (code != main_source, code)):
        group = by_source[source]
        if source != main_source:
            pattern = "|".join(escape(c.name) for c in group)
        elif others:
            pattern = rf"(?!(?:{'|'.join(escape(n) for n in others)})\.po$){_NESTED}"
        else:
            pattern = _NESTED
        discoveries.append(
            Discovery(
                source_language=source,
                main=group[0],
                match=rf"{escape(locales)}/(?P<language>[^/]+)/LC_MESSAGES/"
                rf"(?P<component>{pattern})\.po",
                file_format=FILE_FORMAT,
                name_template=NAME_TEMPLATE,
                base_file_template="",
                new_base_template=f"{templates}/{{{{ component }}}}.pot",
                intermediate_template="",
                language_regex=group[0].language_regex,
                copy_addons=True,
                remove=False,
                components=tuple(c.name for c in group),
            )
        )
    return tuple(discoveries)
