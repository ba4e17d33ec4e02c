"""build: localized pages in the site's template, an index per language, .mo files."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path

import polib

from locpipe.catalog import read_catalog, write_mo
from locpipe.errors import LocpipeError
from locpipe.formats.html import reassemble
from locpipe.fsio import atomic_write_text
from locpipe.project import UI_DOMAIN, Article, Project
from locpipe.site import (
    ArticlePage,
    IndexEntry,
    language_links,
    make_environment,
    render_article,
    render_index,
    translations_from_catalog,
)
from locpipe.units import Unit, unescape_text


@dataclass
class BuildResult:
    """Pages written or unchanged, and translations refused for broken markup."""

    written: list[Path] = field(default_factory=list)
    unchanged: list[Path] = field(default_factory=list)
    rejected: list[tuple[Path, str]] = field(default_factory=list)  # (catalog, msgid)
    mo_files: list[Path] = field(default_factory=list)


def catalog_table(catalog: polib.POFile | None, reviewed_only: bool) -> dict[str, str]:
    """msgid → msgstr for the entries a build may use."""
    if catalog is None:
        return {}
    return {
        e.msgid: e.msgstr
        for e in catalog
        if e.msgstr and not e.obsolete and not (reviewed_only and "fuzzy" in e.flags)
    }


def page_href(project: Project, language: str, slug: str, from_language: str) -> str:
    """Link to a page: absolute with ``site.base_url``, else relative to a page."""
    base = project.config.site.get("base_url", "").rstrip("/")
    if base:
        return f"{base}/{language}/{slug}.html"
    return f"../{language}/{slug}.html" if language != from_language else f"{slug}.html"


def _published(article: Article) -> dt.date | None:
    value = article.document.meta.get("article:published_time") or article.document.meta.get("date")
    if not value:
        return None
    try:
        return dt.date.fromisoformat(value.strip()[:10])
    except ValueError:
        line = article.text.count("\n", 0, article.text.find(value)) + 1
        raise LocpipeError(
            f"article:published_time {value!r} is not a date (YYYY-MM-DD)", article.path, line
        ) from None


def _plain(unit: Unit | None, table: dict[str, str]) -> str:
    if unit is None:
        return ""
    return unescape_text(table.get(unit.msgid, unit.msgid))


def _write(path: Path, text: str, result: BuildResult) -> None:
    (result.written if atomic_write_text(path, text) else result.unchanged).append(path)


def _load(project: Project, language: str, domain: str) -> polib.POFile | None:
    path = project.catalog_path(language, domain)
    return read_catalog(path) if path.exists() else None


def build(
    project: Project, languages: tuple[str, ...] = (), reviewed_only: bool = False
) -> BuildResult:
    """Build every article in every language (or only ``languages``)."""
    result = BuildResult()
    env = make_environment(project.paths.templates)
    site = dict(project.config.site)
    selected = languages or project.config.languages
    for language in selected:
        ui = _load(project, language, UI_DOMAIN)
        translations = translations_from_catalog(ui, include_fuzzy=not reviewed_only)
        index: list[IndexEntry] = []
        for article in project.articles:
            catalog = (
                None if language == article.language else _load(project, language, article.slug)
            )
            table = catalog_table(catalog, reviewed_only)
            rejected: list[Unit] = []
            doc = article.document
            body = reassemble(
                article.text,
                doc.units,
                lambda unit, t=table: t.get(unit.msgid),
                span=doc.body,
                rejected=rejected,
            )
            for unit in rejected:
                result.rejected.append((project.catalog_path(language, article.slug), unit.msgid))
            title = _plain(doc.unit_for("title"), table)
            description = _plain(doc.unit_for("meta[description]"), table)
            alternates = [
                (code.replace("_", "-"), page_href(project, code, article.slug, language))
                for code in project.config.languages
            ]
            alternates.append(
                ("x-default", page_href(project, article.language, article.slug, language))
            )
            page = ArticlePage(
                slug=article.slug,
                lang=language,
                title=title,
                description=description,
                body_html=body,
                published=_published(article),
                alternates=alternates,
                languages=language_links(
                    project.config.languages,
                    language,
                    lambda code, s=article.slug, here=language: page_href(project, code, s, here),
                ),
                keywords=[k.strip() for k in doc.meta.get("keywords", "").split(",") if k.strip()],
                canonical=page_href(project, language, article.slug, language),
            )
            _write(
                project.page_path(language, article.slug),
                render_article(env, page, translations, site),
                result,
            )
            index.append(IndexEntry(article.slug, title, description, f"{article.slug}.html"))
        index_html = render_index(
            env,
            lang=language,
            articles=index,
            languages=language_links(
                project.config.languages,
                language,
                lambda code, here=language: (
                    f"../{code}/index.html" if code != here else "index.html"
                ),
            ),
            translations=translations,
            site=site,
        )
        _write(project.paths.build / language / "index.html", index_html, result)
    for domain in project.domains(languages):
        for language in domain.targets:
            catalog = _load(project, language, domain.name)
            if catalog is not None:
                mo = project.catalog_path(language, domain.name).with_suffix(".mo")
                write_mo(catalog, mo)
                result.mo_files.append(mo)
    return result
