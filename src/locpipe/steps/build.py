"""build: localized pages in the site's template, an index per language, .mo files."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path

import polib

from locpipe.assets import asset_paths, copy_assets
from locpipe.catalog import read_catalog, write_mo
from locpipe.drafts import is_stale
from locpipe.errors import LocpipeError
from locpipe.formats.html import reassemble
from locpipe.fsio import atomic_write_text
from locpipe.project import UI_DOMAIN, Article, Project
from locpipe.site import (
    ArticlePage,
    IndexEntry,
    check_templates,
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
    #: Article pages not built because the article is below the publish threshold.
    held_back: list[HeldBack] = field(default_factory=list)
    #: Pages of held-back articles left over from an earlier build, removed.
    removed: list[Path] = field(default_factory=list)
    publish_threshold: float = 0.0
    #: Images and other files of source_articles/ copied next to the pages.
    assets: list[Path] = field(default_factory=list)


@dataclass(frozen=True)
class HeldBack:
    """An article not published in a language, and why."""

    language: str
    slug: str
    percent: (
        float  # of the article's entries translated (machine drafts count unless reviewed_only)
    )
    threshold: float
    reason: str  # "below threshold" or "no catalog"

    def describe(self) -> str:
        if self.reason == "no catalog":
            return f"{self.language}/{self.slug}: no catalog (run `locpipe update`)"
        return (
            f"{self.language}/{self.slug}: {self.percent:.0f}% translated, "
            f"below the publish threshold of {self.threshold:g}%"
        )


def article_percent(catalog: polib.POFile, reviewed_only: bool) -> float:
    """Percent of an article catalog's live entries a build would translate."""
    total = done = 0
    for entry in catalog:
        if entry.obsolete or (entry.msgid == "" and entry.msgctxt is None):
            continue
        total += 1
        if entry.msgstr and not (reviewed_only and "fuzzy" in entry.flags):
            done += 1
    return 100.0 if total == 0 else done * 100.0 / total


def catalog_table(catalog: polib.POFile | None, reviewed_only: bool) -> dict[str, str]:
    """msgid → msgstr for the entries a build may use.

    Never a stale entry: a translation of an older version of the source
    (the unit then shows its source text until the entry is refreshed or
    reviewed), and no draft at all with ``reviewed_only``.
    """
    if catalog is None:
        return {}
    return {
        e.msgid: e.msgstr
        for e in catalog
        if e.msgstr
        and not e.obsolete
        and not (reviewed_only and "fuzzy" in e.flags)
        and not is_stale(e)
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


def _availability(
    project: Project, reviewed_only: bool, threshold: float
) -> tuple[dict[tuple[str, str], polib.POFile | None], dict[tuple[str, str], HeldBack]]:
    """Catalogs of every (language, article) and the pairs held back by the threshold."""
    catalogs: dict[tuple[str, str], polib.POFile | None] = {}
    held: dict[tuple[str, str], HeldBack] = {}
    for article in project.articles:
        for language in project.config.languages:
            if language == article.language:
                catalogs[language, article.slug] = None
                continue
            catalog = _load(project, language, article.slug)
            catalogs[language, article.slug] = catalog
            if threshold <= 0:
                continue
            if catalog is None:
                held[language, article.slug] = HeldBack(
                    language, article.slug, 0.0, threshold, "no catalog"
                )
                continue
            percent = article_percent(catalog, reviewed_only)
            if percent < threshold:
                held[language, article.slug] = HeldBack(
                    language, article.slug, percent, threshold, "below threshold"
                )
    return catalogs, held


def build(
    project: Project,
    languages: tuple[str, ...] = (),
    reviewed_only: bool = False,
    publish_threshold: float | None = None,
) -> BuildResult:
    """Build every article in every language (or only ``languages``).

    An article whose catalog for a language is below ``publish_threshold``
    (default: the config's ``publish_threshold``) percent translated is not
    built in that language and left out of that language's index and of the
    other pages' hreflang alternates and language switcher.
    """
    threshold = project.config.publish_threshold if publish_threshold is None else publish_threshold
    result = BuildResult(publish_threshold=threshold)
    env = make_environment(project.paths.templates)
    check_templates(env)  # every input is read and checked before the first write
    site = dict(project.config.site)
    selected = languages or project.config.languages
    source = project.paths.source_articles
    project.guard_writes(  # an asset folder symlinked out of build/<lang>/: refused before writing
        [
            project.paths.build / language / path.relative_to(source)
            for path in asset_paths(source, project.root)
            for language in selected
        ]
    )
    ui_catalogs = {language: _load(project, language, UI_DOMAIN) for language in selected}
    catalogs, held = _availability(project, reviewed_only, threshold)
    result.held_back = [
        held[key] for key in sorted(held, key=lambda k: (k[1], k[0])) if key[0] in selected
    ]
    for language in selected:
        translations = translations_from_catalog(
            ui_catalogs[language], include_fuzzy=not reviewed_only
        )
        result.assets += copy_assets(
            project.paths.source_articles, project.root, project.paths.build / language
        )
        index: list[IndexEntry] = []
        for article in project.articles:
            if (language, article.slug) in held:
                stale = project.page_path(language, article.slug)
                if stale.exists():
                    stale.unlink()
                    result.removed.append(stale)
                continue
            published_in = [
                code for code in project.config.languages if (code, article.slug) not in held
            ]
            catalog = catalogs[language, article.slug]
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
                for code in published_in
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
                    published_in,
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
