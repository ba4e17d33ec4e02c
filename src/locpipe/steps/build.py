"""build: localized pages in the site's template, an index per language, .mo files."""

from __future__ import annotations

import datetime as dt
import posixpath
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import NamedTuple

import polib

from locpipe.assets import asset_paths, copy_assets, is_unsupported, untranslated_reason
from locpipe.content import SITE_DOMAIN
from locpipe.drafts import is_stale
from locpipe.errors import LocpipeError
from locpipe.fsio import atomic_write_text, commit_writes, discard_writes
from locpipe.manifest import remove_unproduced
from locpipe.parallel import first_error, run_each
from locpipe.project import UI_DOMAIN, Article, ArticleInfo, Domain, Project
from locpipe.qa import markup_findings
from locpipe.stamps import Stamps, digest_bytes, file_digest, key
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
    #: Files of the source folder copied untranslated this build: (source file, why);
    #: a file of an unsupported format is listed at every build.
    untranslated: list[tuple[Path, str]] = field(default_factory=list)
    #: Images and other files of source_articles/ copied next to the pages.
    assets: list[Path] = field(default_factory=list)
    #: Files an earlier build wrote that this one no longer produces, removed
    #: (:mod:`locpipe.manifest`), and why the manifest was ignored ("": it was not).
    stale: list[Path] = field(default_factory=list)
    manifest_problem: str = ""


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
    """Link to a page: absolute with ``site.base_url``, else relative to the same
    page in ``from_language`` (``../../en/guida/a.html`` from ``it/guida/a.html``)."""
    base = project.config.site.get("base_url", "").rstrip("/")
    name = project.output_name(slug)
    if base:
        return f"{base}/{language}/{name}"
    here = posixpath.dirname(f"{from_language}/{name}")
    return posixpath.relpath(f"{language}/{name}", here)


def root_href(slug: str) -> str:
    """The relative path from a page to its language's folder ("../" for "guida/a")."""
    return "../" * slug.count("/")


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


def _catalog(project: Project, path: Path) -> polib.POFile:
    """A catalog as a build may publish it: a translation that hides characters
    (the ``invisible`` check, :func:`locpipe.qa.publishable`) is left out."""
    from locpipe.qa import publishable

    return publishable(project.catalog(path))


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
            name = f"{language}/{project.domain_of(info.slug)}"
            percent = stamps.data(name, inputs)
            if not isinstance(percent, (int, float)):
                path = project.catalog_path(language, project.domain_of(info.slug))
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
        self._site: dict[str, tuple[dict[str, str], polib.POFile | None]] = {}

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
            catalog = _catalog(self.project, path) if path.exists() else None
            self._translations[language] = translations_from_catalog(
                catalog, include_fuzzy=not self.reviewed_only
            )
        return self._translations[language]

    def site(self, language: str) -> tuple[dict[str, str], polib.POFile | None]:
        """The ``site`` domain's translations (the shared chrome) and its catalog."""
        if language not in self._site:
            catalog = None
            if self.project.config.content is not None:
                path = self.project.catalog_path(language, SITE_DOMAIN)
                catalog = _catalog(self.project, path) if path.exists() else None
            self._site[language] = (catalog_table(catalog, self.reviewed_only), catalog)
        return self._site[language]


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
    (:mod:`locpipe.stamps`).  Articles are read one at a time; the stamps of
    the pages and ``.mo`` files of a language are a table of their own
    (``build.<lang>``), in memory one language at a time.
    """
    threshold = project.config.publish_threshold if publish_threshold is None else publish_threshold
    result = BuildResult(publish_threshold=threshold)
    lazy = _Lazy(project, reviewed_only)
    _check_templates(project, lazy)
    site = dict(project.config.site)
    selected = languages or project.config.languages
    source = project.paths.source_articles
    assets = [
        project.paths.build / language / path.relative_to(source)
        for path in asset_paths(source, project.root)
        for language in selected
    ]
    project.guard_writes(assets)  # an asset folder symlinked out of build/<lang>/: refused
    plan = _plan(project, reviewed_only, selected, threshold)
    result.held_back = [
        plan.held[key]
        for key in sorted(plan.held, key=lambda k: (k[1], k[0]))
        if key[0] in selected
    ]
    todo = _todo(project, plan, selected, languages)
    # Made before the pages (and before workers fork: they inherit them).
    for language in {language for stale in todo.pages.values() for language in stale}:
        lazy.translations(language)
        lazy.site(language)
    if todo.pages:
        lazy.env  # noqa: B018
    made = _render(project, lazy, site, plan, todo)
    try:
        _finish(project, result, lazy, site, plan, todo, made, selected)
        result.stale, result.manifest_problem = remove_unproduced(
            project.paths.build,
            [*result.written, *result.unchanged, *assets],
            languages or None,  # all languages: also those dropped from the configuration
        )
    except BaseException:
        discard_writes(made.temp_files())  # those not committed yet
        raise
    finally:
        project.save_stamps()
    return result


def _check_templates(project: Project, lazy: _Lazy) -> None:
    """Every template is read, and the page templates rendered once with a sample
    page, before the first write (unless stamped): a missing or broken template
    stops the build with nothing written."""
    stamps = project.stamps("build")
    templates = project.templates_digest
    if stamps.data("templates", templates) is not True:
        from locpipe.site import rehearse_templates

        rehearse_templates(lazy.env, project.config.source_language, project.config.site)
        stamps.record("templates", templates, data=True)


def _language_stamps(project: Project, language: str) -> Stamps:
    """The stamps of a language's pages and ``.mo`` files (not kept by the project)."""
    return Stamps(project.root, f"build.{language}", project.environment)


def _page_name(slug: str) -> str:
    """The stamp key of an article's built page."""
    return f"{slug}.html"


def _mo_name(domain: str) -> str:
    return f"{domain}.mo"


@dataclass
class _Plan:
    """What the pages are made of: the inputs of their stamps."""

    infos: list[ArticleInfo]
    languages: tuple[str, ...]
    digests: dict[tuple[str, str], str | None]  # (language, slug) → catalog digest
    ui_digests: dict[str, str | None]
    site_digests: dict[str, str | None]
    held: dict[tuple[str, str], HeldBack]
    templates: str
    reviewed_only: bool
    #: The pages built under another name: links to them are rewritten in every page.
    renamed: tuple[tuple[str, str], ...] = ()

    def published_in(self, slug: str) -> list[str]:
        return [code for code in self.languages if (code, slug) not in self.held]

    def page_key(self, info: ArticleInfo, language: str) -> str:
        return key(
            "page",
            info.digest,
            self.digests[language, info.slug],
            self.ui_digests[language],
            self.site_digests[language],
            self.templates,
            self.reviewed_only,
            self.published_in(info.slug),
            *([list(self.renamed)] if self.renamed else []),
        )


def _plan(
    project: Project, reviewed_only: bool, selected: tuple[str, ...], threshold: float
) -> _Plan:
    infos = project.article_infos
    digests = {
        (language, info.slug): None
        if language == info.language
        else file_digest(project.catalog_path(language, project.domain_of(info.slug)))
        for info in infos
        for language in project.config.languages
    }
    ui_digests = {
        language: file_digest(project.catalog_path(language, UI_DOMAIN)) for language in selected
    }
    site_digests = {
        language: file_digest(project.catalog_path(language, SITE_DOMAIN))
        if project.config.content is not None
        else None
        for language in selected
    }
    held = _held(project, infos, digests, reviewed_only, threshold)
    return _Plan(
        infos,
        tuple(project.config.languages),
        digests,
        ui_digests,
        site_digests,
        held,
        project.templates_digest,
        reviewed_only,
        tuple(sorted(project.renamed_pages.items())),
    )


@dataclass
class _Todo:
    """The stale pages and ``.mo`` files, and the index data of the other pages."""

    pages: dict[str, list[str]] = field(default_factory=dict)  # slug → languages
    mo: dict[str, dict[str, str]] = field(default_factory=dict)  # domain → {language: digest}
    known: dict[tuple[str, str], list] = field(default_factory=dict)  # (language, slug) → data


def _todo(
    project: Project, plan: _Plan, selected: tuple[str, ...], languages: tuple[str, ...]
) -> _Todo:
    """Look up the stamps of every page and ``.mo`` file, one language's table at a time."""
    todo = _Todo()
    domains = project.domains(languages)
    for language in selected:
        stamps = _language_stamps(project, language)
        _look_up_pages(stamps, plan, language, todo)
        _look_up_mo(project, stamps, domains, language, todo)
    return todo


def _look_up_pages(stamps: Stamps, plan: _Plan, language: str, todo: _Todo) -> None:
    for info in plan.infos:
        if (language, info.slug) in plan.held:
            continue
        data = _page_data(stamps.data(_page_name(info.slug), plan.page_key(info, language)))
        if data is None:
            todo.pages.setdefault(info.slug, []).append(language)
        else:
            todo.known[language, info.slug] = data


def _look_up_mo(
    project: Project, stamps: Stamps, domains: list[Domain], language: str, todo: _Todo
) -> None:
    for domain in domains:
        if language not in domain.targets:
            continue
        digest = file_digest(project.catalog_path(language, domain.name))
        if digest is not None and stamps.lookup(_mo_name(domain.name), key("mo", digest)) is None:
            todo.mo.setdefault(domain.name, {})[language] = digest


def _page_data(data: object) -> list | None:
    """[title, description, rejected msgids of the article's catalog, of site.po] of a
    page's stamp; None when it has no such thing."""
    if not (isinstance(data, list) and len(data) == 4):
        return None
    title, description, rejected, site_rejected = data
    if (
        isinstance(title, str)
        and isinstance(description, str)
        and isinstance(rejected, list)
        and isinstance(site_rejected, list)
    ):
        return data
    return None


class _Made(NamedTuple):
    """A file a worker prepared: its temp file (None: the file has these bytes
    already), the digest of the bytes, and for a page [title, description,
    rejected msgids of the article, of site.po] for the index and the report."""

    tmp: str | None
    digest: str
    data: list | None = None


@dataclass
class _Prepared:
    """What the workers prepared, by language: domain → its page, domain → its ``.mo``.

    A language is let go once its files are in place.
    """

    pages: dict[str, dict[str, _Made]] = field(default_factory=dict)
    mo: dict[str, dict[str, _Made]] = field(default_factory=dict)

    def add(self, domain: str, pages: dict[str, _Made], mo: dict[str, _Made]) -> None:
        for language, made in pages.items():
            self.pages.setdefault(language, {})[domain] = made
        for language, made in mo.items():
            self.mo.setdefault(language, {})[domain] = made

    def done(self, language: str) -> None:
        self.pages.pop(language, None)
        self.mo.pop(language, None)

    def temp_files(self) -> list[tuple[Path, Path]]:
        """The temp files of the languages not let go (:func:`~locpipe.fsio.discard_writes`)."""
        return [
            (Path(m.tmp), Path(m.tmp))
            for by_language in (self.pages, self.mo)
            for made in by_language.values()
            for m in made.values()
            if m.tmp is not None
        ]


def _render(
    project: Project, lazy: _Lazy, site: dict[str, str], plan: _Plan, todo: _Todo
) -> _Prepared:
    """Render every stale page and compile every stale ``.mo``, on every core, into temp files.

    One task per article (:mod:`locpipe.parallel`): its catalogs are parsed
    once for its pages and its ``.mo`` files.  Bad input anywhere (a catalog
    that does not parse, a bad date) stops the build before the first write:
    the temp files are removed and the first error, in article order, is raised.
    """
    from locpipe.catalog import mo_bytes
    from locpipe.fsio import prepare_write

    def prepared(path: Path, data: bytes, page: list | None = None) -> _Made:
        tmp = prepare_write(path, data)
        return _Made(None if tmp is None else str(tmp), digest_bytes(data), page)

    def compile_mo(domain: str) -> dict[str, _Made]:
        made = {}
        for language in todo.mo.get(domain, {}):
            path = project.catalog_path(language, domain)
            made[language] = prepared(path.with_suffix(".mo"), mo_bytes(_catalog(project, path)))
        return made

    def render(domain: str) -> tuple[dict[str, _Made], dict[str, _Made]]:
        pages = {}
        if domain in todo.pages:
            info = infos[domain]
            article = project.read_article(info.path)
            published_in = plan.published_in(info.slug)
            for language in todo.pages[domain]:
                html, data = _page_html(project, lazy, site, article, language, published_in)
                pages[language] = prepared(project.page_path(language, domain), html, data)
        return pages, compile_mo(domain)

    infos = {info.slug: info for info in plan.infos}
    domains = [d for d in (UI_DOMAIN, SITE_DOMAIN) if d in todo.mo]
    domains += [i.slug for i in plan.infos if i.slug in todo.pages or i.slug in todo.mo]
    domains += sorted(set(todo.mo) - set(domains))  # sections (domains = "section")
    outcomes = run_each(render, domains, project.jobs)
    made = _Prepared()
    for domain, done in zip(domains, outcomes, strict=True):
        if done.value is not None:
            made.add(domain, *done.value)
    error = first_error(outcomes)
    if error is not None:
        discard_writes(made.temp_files())
        raise error
    return made


def _finish(
    project: Project,
    result: BuildResult,
    lazy: _Lazy,
    site: dict[str, str],
    plan: _Plan,
    todo: _Todo,
    made: _Prepared,
    selected: tuple[str, ...],
) -> None:
    """Copy the assets, remove the pages held back, then put each language in place."""
    source = project.paths.source_articles
    copied: set[Path] = set()
    for language in selected:
        written = copy_assets(source, project.root, project.paths.build / language)
        result.assets += written
        copied.update(source / p.relative_to(project.paths.build / language) for p in written)
    for path in asset_paths(source, project.root):
        if path in copied or is_unsupported(path):
            result.untranslated.append((path, untranslated_reason(path)))
    for info in plan.infos:
        for language in selected:
            if (language, info.slug) in plan.held:
                stale_page = project.page_path(language, info.slug)
                if stale_page.exists():
                    stale_page.unlink()
                    result.removed.append(stale_page)
    rejected: dict[tuple[str, str], tuple[list[str], list[str]]] = {}
    for language in selected:
        stamps = _language_stamps(project, language)
        try:
            pages = made.pages.get(language, {})
            entries = _finish_pages(project, result, stamps, plan, todo, pages, language, rejected)
            _build_index(project, result, lazy, site, language, entries)
            _finish_mo(project, result, stamps, made.mo.get(language, {}), todo, language)
        finally:
            stamps.save()
        made.done(language)
    shared: set[tuple[str, str]] = set()  # (language, msgid) of site.po, each said once
    for info in plan.infos:  # in the order of the articles, as the pages were planned
        for language in selected:
            msgids, site_msgids = rejected.get((language, info.slug), ((), ()))
            for msgid in msgids:
                catalog = project.catalog_path(language, project.domain_of(info.slug))
                result.rejected.append((catalog, msgid))
            for msgid in site_msgids:
                if (language, msgid) not in shared:
                    shared.add((language, msgid))
                    result.rejected.append((project.catalog_path(language, SITE_DOMAIN), msgid))


def _finish_pages(
    project: Project,
    result: BuildResult,
    stamps: Stamps,
    plan: _Plan,
    todo: _Todo,
    made: dict[str, _Made],
    language: str,
    rejected: dict[tuple[str, str], tuple[list[str], list[str]]],
) -> list[tuple[str, str, str, str]]:
    """Commit a language's pages and stamp them; its index entries."""
    pages = [
        (info, project.page_path(language, info.slug), made.get(info.slug))
        for info in plan.infos
        if (language, info.slug) not in plan.held
    ]
    commit_writes([(Path(m.tmp), path) for _, path, m in pages if m and m.tmp is not None])
    entries = []
    for info, page_path, m in pages:
        if m is None:
            data = todo.known[language, info.slug]
            result.unchanged.append(page_path)
        else:
            assert m.data is not None  # a page rendered here carries its index data
            data = m.data
            (result.written if m.tmp is not None else result.unchanged).append(page_path)
            stamps.stamp(
                _page_name(info.slug),
                plan.page_key(info, language),
                {page_path: m.digest},
                data=data,
            )
        title, description, msgids, site_msgids = data
        if msgids or site_msgids:
            rejected[language, info.slug] = (msgids, site_msgids)
        if project.format_of(info.path).is_page:
            entries.append((info.slug, title, description, project.output_name(info.slug)))
    return entries


def _build_index(
    project: Project,
    result: BuildResult,
    lazy: _Lazy,
    site: dict[str, str],
    language: str,
    entries: list[tuple[str, str, str, str]],
) -> None:
    """A language's index page (stamped in the ``build`` table)."""
    stamps = project.stamps("build")
    path = project.paths.build / language / "index.html"
    inputs = key(
        "index",
        [list(entry) for entry in entries],
        lazy.project.templates_digest,
        file_digest(project.catalog_path(language, UI_DOMAIN)),
        lazy.reviewed_only,
    )
    if stamps.lookup(f"{language}/index", inputs) is not None:
        result.unchanged.append(path)
        return
    from locpipe.site import IndexEntry, language_links, render_index

    index_html = render_index(
        lazy.env,
        lang=language,
        articles=[IndexEntry(*entry) for entry in entries],
        languages=language_links(
            project.config.languages,
            language,
            lambda code, here=language: f"../{code}/index.html" if code != here else "index.html",  # type: ignore[misc]
        ),
        translations=lazy.translations(language),
        site=site,
    )
    _write(path, index_html, result)
    stamps.record(f"{language}/index", inputs, [path])


#: domain → msgid → translation: the tables a page is made with.
Tables = dict[str, dict[str, str]]


def _page_html(
    project: Project,
    lazy: _Lazy,
    site: dict[str, str],
    article: Article,
    language: str,
    published_in: list[str],
) -> tuple[bytes, list]:
    """One page's HTML, and [title, description, rejected msgids of the article,
    of site.po] for the index and the report.

    The units outside the ``content`` selector (the chrome) take their
    translations from the shared ``site`` catalog, the others from the
    article's.
    """
    from locpipe.steps.extract import chrome_of

    path = project.catalog_path(language, project.domain_of(article.slug))
    own = language != article.language
    catalog = _catalog(project, path) if own and path.exists() else None
    doc = article.document
    chrome = {id(unit) for unit in chrome_of(project, article)} if own else set()
    rejected: list[Unit] = []
    tables: Tables = {
        article.slug: _usable(
            catalog_table(catalog, lazy.reviewed_only),
            [u for u in doc.units if id(u) not in chrome],
            rejected,
        )
    }
    catalogs = {article.slug: (path, catalog)}
    if chrome:
        site_table, site_catalog = lazy.site(language)
        tables[SITE_DOMAIN] = _usable(
            site_table, [u for u in doc.units if id(u) in chrome], rejected
        )
        catalogs[SITE_DOMAIN] = (project.catalog_path(language, SITE_DOMAIN), site_catalog)

    def make(chosen: Tables, rejected: list[Unit] | None = None) -> str:
        def lookup(unit: Unit) -> str | None:
            domain = SITE_DOMAIN if id(unit) in chrome else article.slug
            return chosen.get(domain, {}).get(unit.msgid)

        return _make_page(project, lazy, site, article, language, published_in, lookup, rejected)

    html = make(tables, rejected)
    is_page = project.format_of(article.path).is_page
    if is_page and any(tables.values()):
        _check_page(html, make, article, language, tables, project, catalogs)
    table = tables[article.slug]
    title = _plain(doc.unit_for("title"), table)
    description = _plain(doc.unit_for("meta[description]"), table)
    msgids = list(dict.fromkeys(u.msgid for u in rejected if id(u) not in chrome))
    site_msgids = list(dict.fromkeys(u.msgid for u in rejected if id(u) in chrome))
    encoding = article.encoding if project.config.layout == "page" or not is_page else "utf-8"
    return html.encode(encoding, "xmlcharrefreplace"), [title, description, msgids, site_msgids]


def _make_page(
    project: Project,
    lazy: _Lazy,
    site: dict[str, str],
    article: Article,
    language: str,
    published_in: list[str],
    lookup: Callable[[Unit], str | None],
    rejected: list[Unit] | None,
) -> str:
    """A page in the configured layout, each unit translated by ``lookup``, its links
    to pages built under another name rewritten."""
    from locpipe.site import html_lang, language_links

    doc = article.document
    source_format = project.format_of(article.path)
    if not source_format.is_page:  # kept as a file: the whole source, translated
        return source_format.reassemble(article.text, doc, lookup, rejected=rejected)
    alternates = [
        (html_lang(code), page_href(project, code, article.slug, language)) for code in published_in
    ]
    alternates.append(("x-default", page_href(project, article.language, article.slug, language)))
    links = language_links(
        published_in,
        language,
        lambda code, s=article.slug, here=language: page_href(project, code, s, here),  # type: ignore[misc]
    )
    renamed = project.renamed_pages
    if renamed:  # links to pages built under another name (a.htm → a.html)
        from locpipe.pagelinks import rewrite_links

        html = _layout_page(
            project, lazy, site, article, language, lookup, rejected, links, alternates
        )
        return rewrite_links(html, project.source_name(article.path), renamed)
    return _layout_page(project, lazy, site, article, language, lookup, rejected, links, alternates)


def _layout_page(
    project: Project,
    lazy: _Lazy,
    site: dict[str, str],
    article: Article,
    language: str,
    lookup: Callable[[Unit], str | None],
    rejected: list[Unit] | None,
    links: list,
    alternates: list[tuple[str, str]],
) -> str:
    """A page in the configured layout (``page`` or ``template``)."""
    from locpipe.site import ArticlePage, html_lang, render_article, text_direction

    doc = article.document
    source_format = project.format_of(article.path)
    if project.config.layout == "page":
        from locpipe.pagelayout import Switch, render_page

        switches = [
            Switch(link.hreflang, link.native_name, link.href, link.current) for link in links
        ]
        return render_page(
            article.text,
            doc.units,
            lookup,
            html_lang(language),
            text_direction(language),
            alternates,
            switches,
            page_href(project, language, article.slug, language),
            rejected,
        )
    table = {u.msgid: t for u in doc.units if (t := lookup(u)) is not None}
    page = ArticlePage(
        slug=article.slug,
        lang=language,
        title=_plain(doc.unit_for("title"), table),
        description=_plain(doc.unit_for("meta[description]"), table),
        body_html=source_format.reassemble(
            article.text, doc, lookup, span=doc.body, rejected=rejected
        ),
        published=_published(article),
        alternates=alternates,
        languages=links,
        keywords=[k.strip() for k in doc.meta.get("keywords", "").split(",") if k.strip()],
        canonical=page_href(project, language, article.slug, language),
        root=root_href(article.slug),
    )
    return render_article(lazy.env, page, lazy.translations(language), site)


def _check_page(
    html: str,
    make: Callable[[Tables], str],
    article: Article,
    language: str,
    tables: Tables,
    project: Project,
    catalogs: dict[str, tuple[Path, polib.POFile | None]],
) -> None:
    """Refuse a page that html5lib reads with scripts or styles other than the source's,
    or with an element, attribute or URL the page built without translations lacks.

    The error names the translation responsible when one alone is (each is
    tried on its own, only when the page failed).
    """
    from locpipe.pagecheck import differences, page_shape

    source_html = make({})
    if html == source_html:
        return
    source = page_shape(source_html)
    found = differences(page_shape(html), source)
    if not found:
        return
    where = (
        f"{language}/{project.output_name(article.slug)} (from {project.relative(article.path)})"
    )
    for domain, table in tables.items():
        for msgid in dict.fromkeys(u.msgid for u in article.document.units if u.msgid in table):
            if table[msgid] == msgid:
                continue
            why = differences(page_shape(make({domain: {msgid: table[msgid]}})), source)
            if why:
                catalog_path, catalog = catalogs[domain]
                entry = catalog.find(msgid) if catalog is not None else None
                raise LocpipeError(
                    f"the translation of {msgid[:60]!r} is refused: the page {where} would "
                    f"have {'; '.join(why)}, which a browser reads as markup the source lacks",
                    catalog_path,
                    getattr(entry, "linenum", None),
                )
    raise LocpipeError(
        f"the translations are refused: together (none alone) they give the page {where} "
        f"{'; '.join(found)}, which a browser reads as markup the source lacks",
        catalogs[article.slug][0],
    )


def _usable(table: dict[str, str], units: list[Unit], rejected: list[Unit]) -> dict[str, str]:
    """The translations of ``units`` whose inline tags and placeholders are the source's.

    The same condition as check's ``tags`` and ``placeholders``: the same
    multiset (a tag repeated in a translation is not published, nor one left
    out), well nested.  The others are left out (the source text shows) and
    their units appended to ``rejected``.
    """
    usable = {}
    for unit in units:
        target = table.get(unit.msgid)
        if target is None or unit.msgid in usable:
            continue
        if target != unit.msgid and markup_findings(unit.msgid, target):
            rejected.append(unit)
        else:
            usable[unit.msgid] = target
    return usable


def _finish_mo(
    project: Project,
    result: BuildResult,
    stamps: Stamps,
    made: dict[str, _Made],
    todo: _Todo,
    language: str,
) -> None:
    """Put a language's compiled ``.mo`` files in place (one next to every catalog), stamp them."""
    mos = []
    for domain in project.domains((language,)):
        if language in domain.targets:
            path = project.catalog_path(language, domain.name)
            mos.append((domain.name, path, made.get(domain.name)))
    commit_writes(
        [(Path(m.tmp), path.with_suffix(".mo")) for _, path, m in mos if m and m.tmp is not None]
    )
    for name, path, m in mos:
        if m is not None:
            mo_inputs = key("mo", todo.mo[name][language])
            stamps.stamp(_mo_name(name), mo_inputs, {path.with_suffix(".mo"): m.digest})
        elif not path.exists():
            continue
        result.mo_files.append(path.with_suffix(".mo"))
