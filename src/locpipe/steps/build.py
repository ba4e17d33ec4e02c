"""build: localized pages in the site's template, an index per language, .mo files."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path

import polib

from locpipe.assets import asset_paths, copy_assets
from locpipe.drafts import is_stale
from locpipe.errors import LocpipeError
from locpipe.formats.html import reassemble
from locpipe.fsio import atomic_write_text, commit_writes, discard_writes
from locpipe.parallel import first_error, run_each
from locpipe.project import UI_DOMAIN, Article, ArticleInfo, Project
from locpipe.state import file_digest, key
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


def _held(
    project: Project,
    infos: list[ArticleInfo],
    digests: dict[tuple[str, str], str | None],
    reviewed_only: bool,
    threshold: float,
) -> dict[tuple[str, str], HeldBack]:
    """The (language, article) pairs held back by the publish threshold.

    An article catalog's percentage is stamped with its digest, so an
    unchanged catalog is not parsed again to decide.
    """
    held: dict[tuple[str, str], HeldBack] = {}
    if threshold <= 0:
        return held
    stamps = project.stamps("build-percent")
    inputs = key("percent", reviewed_only)
    for info in infos:
        for language in project.config.languages:
            if language == info.language:
                continue
            if digests[language, info.slug] is None:
                held[language, info.slug] = HeldBack(
                    language, info.slug, 0.0, threshold, "no catalog"
                )
                continue
            name = f"{language}/{info.slug}"
            percent = stamps.data(name, inputs)
            if not isinstance(percent, (int, float)):
                path = project.catalog_path(language, info.slug)
                percent = article_percent(project.catalog(path), reviewed_only)
                stamps.record(name, inputs, [path], data=percent)
            if percent < threshold:
                held[language, info.slug] = HeldBack(
                    language, info.slug, percent, threshold, "below threshold"
                )
    return held


class _Lazy:
    """The Jinja2 environment and each language's UI translations, made on first use."""

    def __init__(self, project: Project, reviewed_only: bool):
        self.project = project
        self.reviewed_only = reviewed_only
        self._env = None
        self._translations: dict[str, object] = {}

    @property
    def env(self):
        if self._env is None:
            from locpipe.site import make_environment

            self._env = make_environment(self.project.paths.templates)
        return self._env

    def translations(self, language: str):
        if language not in self._translations:
            from locpipe.site import translations_from_catalog

            path = self.project.catalog_path(language, UI_DOMAIN)
            catalog = self.project.catalog(path) if path.exists() else None
            self._translations[language] = translations_from_catalog(
                catalog, include_fuzzy=not self.reviewed_only
            )
        return self._translations[language]


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

    A page (index, ``.mo`` file) whose inputs have the digests stamped when it
    was last written, and whose bytes are still those, is not rendered again
    (:mod:`locpipe.state`).  Articles are read one at a time.
    """
    threshold = project.config.publish_threshold if publish_threshold is None else publish_threshold
    result = BuildResult(publish_threshold=threshold)
    stamps = project.stamps("build")
    lazy = _Lazy(project, reviewed_only)
    templates = project.templates_digest
    if stamps.data("templates", templates) is not True:
        from locpipe.site import check_templates

        check_templates(lazy.env)  # every input is read and checked before the first write
        stamps.record("templates", templates, data=True)
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
    infos = project.article_infos
    digests = {
        (language, info.slug): None
        if language == info.language
        else file_digest(project.catalog_path(language, info.slug))
        for info in infos
        for language in project.config.languages
    }
    ui_digests = {
        language: file_digest(project.catalog_path(language, UI_DOMAIN)) for language in selected
    }
    held = _held(project, infos, digests, reviewed_only, threshold)
    result.held_back = [
        held[key] for key in sorted(held, key=lambda k: (k[1], k[0])) if key[0] in selected
    ]
    # What each page is made of; the stale ones are rendered below.
    plans: dict[tuple[str, str], str] = {}
    stale: dict[str, list[str]] = {}
    for info in infos:
        published_in = [code for code in project.config.languages if (code, info.slug) not in held]
        for language in selected:
            if (language, info.slug) in held:
                continue
            inputs = key(
                "page",
                info.digest,
                digests[language, info.slug],
                ui_digests[language],
                templates,
                reviewed_only,
                published_in,
            )
            plans[language, info.slug] = inputs
            if stamps.lookup(f"{language}/{info.slug}", inputs) is None:
                stale.setdefault(info.slug, []).append(language)
    mo_stale = _stale_mo(project, stamps, languages)
    # Made before the pages (and before workers fork: they inherit them).
    for language in {
        language for stale_languages in stale.values() for language in stale_languages
    }:
        lazy.translations(language)
    if stale:
        lazy.env  # noqa: B018
    made = _render(project, lazy, site, infos, held, stale, mo_stale)
    try:
        _build_pages(project, result, stamps, lazy, site, selected, infos, held, plans, made)
        _build_mo(project, result, stamps, languages, made, mo_stale)
    finally:
        project.save_stamps()
    return result


@dataclass(frozen=True)
class _Made:
    """A file a worker prepared: its temp file (None: unchanged) and what the index needs."""

    tmp: Path | None
    data: list | None = None  # pages: [title, description, rejected msgids]


def _mo_name(language: str, domain: str) -> str:
    return f"{language}/{domain}.mo"


def _stale_mo(project: Project, stamps, languages: tuple[str, ...]) -> dict[str, dict[str, str]]:
    """domain → {language: catalog digest} of the ``.mo`` files to compile again."""
    stale: dict[str, dict[str, str]] = {}
    for domain in project.domains(languages):
        for language in domain.targets:
            digest = file_digest(project.catalog_path(language, domain.name))
            name = _mo_name(language, domain.name)
            if digest is not None and stamps.lookup(name, key("mo", digest)) is None:
                stale.setdefault(domain.name, {})[language] = digest
    return stale


def _render(
    project: Project,
    lazy: _Lazy,
    site: dict[str, str],
    infos: list[ArticleInfo],
    held: dict[tuple[str, str], HeldBack],
    stale: dict[str, list[str]],
    mo_stale: dict[str, dict[str, str]],
) -> dict[Path, _Made]:
    """Render every stale page and compile every stale ``.mo``, on every core, into temp files.

    One task per article (:mod:`locpipe.parallel`): its catalogs are parsed
    once for its pages and its ``.mo`` files.  Bad input anywhere (a catalog
    that does not parse, a bad date) stops the build before the first write:
    the temp files are removed and the first error, in article order, is raised.
    """
    from locpipe.catalog import mo_bytes
    from locpipe.fsio import prepare_write

    def compile_mo(domain: str) -> dict[Path, _Made]:
        made = {}
        for language in mo_stale.get(domain, {}):
            path = project.catalog_path(language, domain)
            mo = path.with_suffix(".mo")
            made[mo] = _Made(prepare_write(mo, mo_bytes(project.catalog(path))))
        return made

    def render(info: ArticleInfo | None) -> dict[Path, _Made]:
        if info is None:
            return compile_mo(UI_DOMAIN)
        made = {}
        if info.slug in stale:
            article = project.read_article(info.path)
            published_in = [c for c in project.config.languages if (c, info.slug) not in held]
            for language in stale[info.slug]:
                html, data = _page_html(project, lazy, site, article, language, published_in)
                path = project.page_path(language, info.slug)
                made[path] = _Made(prepare_write(path, html), data)
        made.update(compile_mo(info.slug))
        return made

    todo: list[ArticleInfo | None] = [None] if UI_DOMAIN in mo_stale else []
    todo += [info for info in infos if info.slug in stale or info.slug in mo_stale]
    outcomes = run_each(render, todo, project.jobs)
    made = {path: m for done in outcomes for path, m in (done.value or {}).items()}
    error = first_error(outcomes)
    if error is not None:
        discard_writes([(m.tmp, path) for path, m in made.items() if m.tmp is not None])
        raise error
    return made


def _build_pages(project, result, stamps, lazy, site, selected, infos, held, plans, made) -> None:
    writes = [(m.tmp, path) for path, m in made.items() if m.tmp and path.suffix != ".mo"]
    try:
        for language in selected:
            result.assets += copy_assets(
                project.paths.source_articles, project.root, project.paths.build / language
            )
    except BaseException:
        discard_writes(writes)
        raise
    commit_writes(writes)
    index: dict[str, list[tuple[str, str, str, str]]] = {language: [] for language in selected}
    for info in infos:
        for language in selected:
            if (language, info.slug) in held:
                stale_page = project.page_path(language, info.slug)
                if stale_page.exists():
                    stale_page.unlink()
                    result.removed.append(stale_page)
                continue
        for language in selected:
            if (language, info.slug) in held:
                continue
            name = f"{language}/{info.slug}"
            page_path = project.page_path(language, info.slug)
            page = made.get(page_path)
            if page is None:
                data = stamps.data(name, plans[language, info.slug])
                result.unchanged.append(page_path)
            else:
                (result.written if page.tmp is not None else result.unchanged).append(page_path)
                data = page.data
                stamps.record(name, plans[language, info.slug], [page_path], data=data)
            title, description, rejected = data
            for msgid in rejected:
                result.rejected.append((project.catalog_path(language, info.slug), msgid))
            index[language].append((info.slug, title, description, f"{info.slug}.html"))
    for language in selected:
        path = project.paths.build / language / "index.html"
        entries = [list(entry) for entry in index[language]]
        inputs = key(
            "index",
            entries,
            lazy.project.templates_digest,
            file_digest(project.catalog_path(language, UI_DOMAIN)),
            lazy.reviewed_only,
        )
        if stamps.lookup(f"{language}/index", inputs) is not None:
            result.unchanged.append(path)
            continue
        from locpipe.site import IndexEntry, language_links, render_index

        index_html = render_index(
            lazy.env,
            lang=language,
            articles=[IndexEntry(*entry) for entry in index[language]],
            languages=language_links(
                project.config.languages,
                language,
                lambda code, here=language: (
                    f"../{code}/index.html" if code != here else "index.html"
                ),
            ),
            translations=lazy.translations(language),
            site=site,
        )
        _write(path, index_html, result)
        stamps.record(f"{language}/index", inputs, [path])


def _page_html(
    project: Project,
    lazy: _Lazy,
    site: dict[str, str],
    article: Article,
    language: str,
    published_in: list[str],
) -> tuple[bytes, list]:
    """One page's HTML, and [title, description, rejected msgids] for the index and report."""
    from locpipe.site import ArticlePage, language_links, render_article

    path = project.catalog_path(language, article.slug)
    catalog = project.catalog(path) if language != article.language and path.exists() else None
    table = catalog_table(catalog, lazy.reviewed_only)
    rejected: list[Unit] = []
    doc = article.document
    body = reassemble(
        article.text,
        doc.units,
        lambda unit, t=table: t.get(unit.msgid),
        span=doc.body,
        rejected=rejected,
    )
    title = _plain(doc.unit_for("title"), table)
    description = _plain(doc.unit_for("meta[description]"), table)
    alternates = [
        (code.replace("_", "-"), page_href(project, code, article.slug, language))
        for code in published_in
    ]
    alternates.append(("x-default", page_href(project, article.language, article.slug, language)))
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
    html = render_article(lazy.env, page, lazy.translations(language), site)
    return html.encode("utf-8"), [title, description, [unit.msgid for unit in rejected]]


def _build_mo(
    project: Project,
    result: BuildResult,
    stamps,
    languages: tuple[str, ...],
    made: dict[Path, _Made],
    mo_stale: dict[str, dict[str, str]],
) -> None:
    """Put the compiled ``.mo`` files in place (one next to every catalog) and stamp them."""
    commit_writes([(m.tmp, path) for path, m in made.items() if m.tmp and path.suffix == ".mo"])
    for domain in project.domains(languages):
        for language in domain.targets:
            path = project.catalog_path(language, domain.name)
            digest = mo_stale.get(domain.name, {}).get(language)
            if digest is not None:
                stamps.record(
                    _mo_name(language, domain.name), key("mo", digest), [path.with_suffix(".mo")]
                )
            elif not path.exists():
                continue
            result.mo_files.append(path.with_suffix(".mo"))
