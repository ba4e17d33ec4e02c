"""The one place that knows a project's paths, articles, domains and catalogs."""

from __future__ import annotations

import os
import re
from collections import OrderedDict
from collections.abc import Iterator
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING

import polib

from locpipe.cachedir import check_cache_folder
from locpipe.config import Config, load_config, normalize_language
from locpipe.content import SITE_DOMAIN
from locpipe.errors import LocpipeError
from locpipe.formats import format_for, load_format, source_suffixes
from locpipe.parallel import available_cpus, first_error, run_each
from locpipe.stamps import Stamps, code_digest, digest_bytes, file_digest, key, tree_digest

if TYPE_CHECKING:
    from locpipe.formats.base import Document, SourceFormat

UI_DOMAIN = "ui"
_SLUG_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]*$")
#: The largest article locpipe reads (every command walks every article).
MAX_ARTICLE_BYTES = 10 * 1024 * 1024


@dataclass
class Article:
    """A source article: its text, what the walker found, and its language."""

    slug: str
    path: Path
    text: str
    encoding: str
    document: Document
    language: str


@dataclass(frozen=True)
class ArticleInfo:
    """What every step needs of an article without walking it: its slug, path,
    language and the digest of its bytes (an :class:`Article` is read on demand)."""

    slug: str
    path: Path
    language: str
    digest: str


@dataclass(frozen=True)
class Domain:
    """A gettext domain: one article, or the site's UI strings."""

    name: str
    source_language: str
    targets: tuple[str, ...]


class Project:
    """A locpipe project rooted at a folder holding ``locpipe.toml``."""

    def __init__(self, root: Path, config: Config | None = None, jobs: int | None = None):
        self.root = root.resolve()
        self._relative: dict[Path, str] = {}  # path → what :meth:`relative` shows
        self._sources: dict[str, Path] = {}  # slug → source file (see :meth:`article_paths`)
        #: Worker processes for per-article work (:mod:`locpipe.parallel`); None: every core.
        self.jobs = jobs if jobs is not None else available_cpus()
        self.config = config or load_config(self.root)
        self.paths = self.config.paths
        self.check_write_folders()
        self.check_catalog_links()
        check_cache_folder(self.root)
        self._stamps: dict[str, Stamps] = {}
        #: (path, digest) → parsed catalog, the few most recent (see :meth:`catalog`).
        self._catalogs: OrderedDict[tuple[Path, str], polib.POFile] = OrderedDict()
        #: Catalog parses this project object made (tests count them).
        self.catalog_reads = 0

    # -- stamps and parsed catalogs ------------------------------------------
    @cached_property
    def environment(self) -> str:
        """Digest of what affects every output: locpipe's code and the configuration
        (its paths relative to the project: a moved or copied project keeps its stamps)."""
        return key(code_digest(), repr(self.config).replace(str(self.root), "<project>"))

    def stamps(self, table: str) -> Stamps:
        """The stamp table ``table`` (:mod:`locpipe.stamps`), one object per project."""
        stamps = self._stamps.get(table)
        if stamps is None:
            stamps = self._stamps[table] = Stamps(self.root, table, self.environment)
        return stamps

    def save_stamps(self) -> None:
        """Write the stamp tables that changed (after the outputs they vouch for)."""
        for stamps in self._stamps.values():
            stamps.save()

    @cached_property
    def templates_digest(self) -> str:
        """Digest of every file of the page templates folder."""
        return tree_digest(self.paths.templates)

    #: Parsed catalogs kept for reuse within one command (a small LRU: memory stays flat).
    CATALOG_CACHE_SIZE = 64

    def catalog(self, path: Path, language: str | None = None) -> polib.POFile:
        """:func:`~locpipe.catalog.read_catalog`, parsed once per content within one command.

        Keyed by the file's digest, so a catalog changed on disk is parsed
        again.  The object is shared: a caller that changes it in place calls
        :meth:`forget_catalog` first.
        """
        from locpipe.catalog import read_catalog

        digest = file_digest(path)
        if digest is None:
            return read_catalog(path, language)  # its own error message
        cache_key = (path, digest)
        catalog = self._catalogs.get(cache_key)
        if catalog is not None:
            self._catalogs.move_to_end(cache_key)
            return catalog
        self.catalog_reads += 1
        catalog = read_catalog(path, language)
        self._catalogs[cache_key] = catalog
        while len(self._catalogs) > self.CATALOG_CACHE_SIZE:
            self._catalogs.popitem(last=False)
        return catalog

    def forget_catalog(self, path: Path) -> None:
        """Drop ``path``'s parsed versions (its object is about to be changed in place)."""
        for cache_key in [k for k in self._catalogs if k[0] == path]:
            del self._catalogs[cache_key]

    def remember_catalog(self, path: Path, catalog: polib.POFile) -> None:
        """``catalog`` is what ``path`` holds now (just written): reuse it."""
        self.forget_catalog(path)
        digest = file_digest(path)
        if digest is not None:
            self._catalogs[(path, digest)] = catalog

    # -- path guards --------------------------------------------------------
    def escaping_link(self, path: Path) -> Path | None:
        """``path`` or the first folder on the way to it that leads outside the project.

        Walks from the project root down ``path``'s components (as written,
        not resolved): a component that is a symlink to somewhere outside the
        root is returned; so is ``path`` itself when it lies outside the root.
        """
        path = Path(os.path.normpath(path))
        try:
            parts = path.relative_to(self.root).parts
        except ValueError:
            return path
        current = self.root
        for part in parts:
            current = current / part
            if not os.path.lexists(current):
                return None  # the rest will be created by locpipe, inside
            try:
                inside = current.resolve().is_relative_to(self.root)
            except (OSError, RuntimeError):  # a symlink loop: nowhere to write either
                return current
            if not inside:
                return current
        return None

    def guard_writes(self, paths: list[Path]) -> None:
        """Refuse (before any write) when a path would be written outside the project."""
        for path in paths:
            link = self.escaping_link(path)
            if link is None:
                continue
            if os.path.islink(link):
                try:
                    link.resolve()
                    where = "outside the project"
                except (OSError, RuntimeError):
                    where = "a symlink loop"
                message = (
                    f"symlink to {os.readlink(link)}, {where}; "
                    "locpipe writes only inside the project (replace the link with a folder)"
                )
            else:
                message = "outside the project; locpipe writes only inside the project"
            raise LocpipeError(message, link)

    def check_write_folders(self) -> None:
        """The folders locpipe writes (``locales/``, ``build/`` and each language's
        folder in them, ``build/report/``) stay inside the project: a symlink out of it is
        an error."""
        locales, build = self.paths.locales, self.paths.build
        folders = [locales, locales / "templates", build, build / "report"]
        for language in self.config.languages:
            folders += [locales / language / "LC_MESSAGES", build / language]
        self.guard_writes(folders)

    def check_catalog_links(self) -> None:
        """Refuse a symlink under ``locales/`` (a catalog or a folder) that leads outside
        the project: locpipe would read it as a catalog (check would report on it, build
        publish its text), as it reads nothing it did not make outside the project.
        Links that stay inside are followed (each folder once)."""
        seen: set[str] = set()
        todo = [os.fspath(self.paths.locales)]
        while todo:
            folder = todo.pop()
            real = os.path.realpath(folder)
            if real in seen:
                continue
            seen.add(real)
            try:
                entries = list(os.scandir(folder))
            except OSError:
                continue  # missing or unreadable: the step that needs it says so
            for entry in entries:
                try:
                    folder_entry = entry.is_dir()  # through a link
                except OSError:  # a symlink loop
                    folder_entry = False
                if entry.is_symlink():
                    self._check_catalog_link(Path(entry.path), folder_entry)
                if folder_entry:  # follows a link that stays inside
                    todo.append(entry.path)

    def _check_catalog_link(self, path: Path, folder: bool) -> None:
        if folder:
            self.guard_writes([path])  # a folder leading outside
        elif self.escaping_link(path) is not None:  # also a dangling link or a loop
            try:
                path.resolve(strict=True)
                where = "outside the project"
            except FileNotFoundError:
                where = "a missing file outside the project"
            except (OSError, RuntimeError):
                where = "a symlink loop"
            raise LocpipeError(
                f"symlink to {os.readlink(path)}, {where}; locpipe reads catalogs only "
                "inside the project (replace the link with the file)",
                path,
            )

    # -- paths --------------------------------------------------------------
    def template_path(self, domain: str) -> Path:
        return self.paths.locales / "templates" / f"{domain}.pot"

    def catalog_path(self, language: str, domain: str) -> Path:
        return self.paths.locales / language / "LC_MESSAGES" / f"{domain}.po"

    def output_name(self, slug: str) -> str:
        """The built file of article ``slug``, relative to a language's folder
        (its format's :meth:`~locpipe.formats.base.SourceFormat.output_name`)."""
        source = self._sources.get(slug)
        if source is None:
            self.article_paths()
            source = self._sources.get(slug)
        found = format_for(source) if source is not None else None
        return (found or load_format("html")).output_name(slug)

    def catalog_domain(self, path: Path) -> str:
        """The domain of a catalog under ``locales/<lang>/LC_MESSAGES/`` ("guida/a")."""
        parts = path.with_suffix("").parts
        if "LC_MESSAGES" in parts:
            at = len(parts) - 1 - parts[::-1].index("LC_MESSAGES")
            return "/".join(parts[at + 1 :])
        return path.stem

    @cached_property
    def renamed_pages(self) -> dict[str, str]:
        """Source path → built path of the pages built under another name
        (``guida/a.htm`` → ``guida/a.html``), relative to the source folder."""
        renamed = {}
        for info in self.article_infos:
            source, built = self.source_name(info.path), self.output_name(info.slug)
            if source != built:
                renamed[source] = built
        return renamed

    def page_path(self, language: str, slug: str) -> Path:
        return self.paths.build / language / self.output_name(slug)

    def relative(self, path: Path) -> str:
        """A path as shown in catalogs and messages: relative to the project, with /
        (worked out once per path: resolving looks at every folder on the way)."""
        shown = self._relative.get(path)
        if shown is None:
            try:
                shown = path.resolve().relative_to(self.root).as_posix()
            except ValueError:
                shown = path.as_posix()
            self._relative[path] = shown
        return shown

    # -- sources ------------------------------------------------------------
    def _source_entries(self) -> list[tuple[str, os.DirEntry[str]]]:
        """``(relative path, entry)`` of every source file under the source folder,
        in nested folders too, sorted by relative path.  Hidden files and folders
        (editor locks and backups such as .#draft.html) and locpipe's own folders
        are left out; links to folders are not followed."""
        suffixes = source_suffixes()
        own = {self.paths.build, self.paths.locales, self.paths.templates, self.root / ".git"}
        found: list[tuple[str, os.DirEntry[str]]] = []
        todo = [("", self.paths.source_articles)]
        while todo:
            prefix, folder = todo.pop()
            with os.scandir(folder) as entries:
                for entry in entries:
                    if entry.name.startswith("."):
                        continue
                    if entry.is_dir(follow_symlinks=False):
                        if folder / entry.name not in own:
                            todo.append((f"{prefix}{entry.name}/", folder / entry.name))
                    elif os.path.splitext(entry.name)[1].lower() in suffixes:
                        found.append((prefix + entry.name, entry))
        return sorted(found, key=lambda item: item[0])

    def article_paths(self) -> list[Path]:
        """The source articles (nested folders too), sorted by relative path; a bad
        name, two files for one slug or an escaping symlink is an error."""
        folder = self.paths.source_articles
        real_folder = folder.resolve()
        paths = []
        slugs: dict[str, Path] = {}
        for relative, entry in self._source_entries():
            path = folder / relative
            slug = self.slug_of(path)
            parts = slug.split("/")
            if not all(_SLUG_RE.match(part) for part in parts) or slug in self.shared_domains:
                raise LocpipeError(
                    f"article name {slug!r} cannot be a slug (letters, digits, . _ -; "
                    f"not {' or '.join(repr(d) for d in self.shared_domains)})",
                    path,
                )
            if slug in slugs:
                raise LocpipeError(
                    f"two source files for the page {slug!r}: this one and "
                    f"{slugs[slug].name} (rename one)",
                    path,
                )
            slugs[slug] = path
            # The folder's entry says whether it is a link (no stat); only a link is resolved.
            link = entry.is_symlink()
            real = path.resolve() if link else real_folder / relative
            if not real.is_relative_to(self.root):
                raise LocpipeError("symlink points outside the project", path)
            if not (real.is_file() if link else entry.is_file(follow_symlinks=False)):
                raise LocpipeError("not a regular file", path)
            self._relative.setdefault(path, real.relative_to(self.root).as_posix())
            self._sources[slug] = path
            paths.append(path)
        return paths

    def source_name(self, path: Path) -> str:
        """A source file's path relative to the source folder, with / ("guida/a.html")."""
        try:
            return path.relative_to(self.paths.source_articles).as_posix()
        except ValueError:
            return path.name

    def slug_of(self, path: Path) -> str:
        """An article's slug: its path under the source folder without the suffix
        ("guida/installare"); catalogs and built pages mirror it."""
        name = self.source_name(path)
        return name[: -len(path.suffix)] if path.suffix else name

    def format_of(self, path: Path) -> SourceFormat:
        """The registered format that reads the source file ``path``."""
        found = format_for(path)
        if found is None:
            raise LocpipeError(
                f"unsupported format (locpipe reads {', '.join(source_suffixes())})", path
            )
        return found

    def read_article(self, path: Path) -> Article:
        """Read, decode and walk one article."""
        return self.parse_article(path, self.read_article_bytes(path))

    def read_article_bytes(self, path: Path) -> bytes:
        """An article's bytes (size and emptiness checked)."""
        try:
            size = path.stat().st_size
            if size > MAX_ARTICLE_BYTES:
                raise LocpipeError(
                    f"article is {size / 2**20:.1f} MB; locpipe reads articles up to "
                    f"{MAX_ARTICLE_BYTES // 2**20} MB (split it into several articles)",
                    path,
                )
            data = path.read_bytes()
        except OSError as exc:
            raise LocpipeError(f"cannot read: {exc.strerror}", path) from None
        if not data.strip():
            raise LocpipeError("empty article", path)
        return data

    def parse_article(self, path: Path, data: bytes) -> Article:
        """Decode and walk an article's bytes; check its language."""
        source_format = self.format_of(path)
        text, encoding = source_format.decode(data, path)
        document = source_format.walk(text, path)
        language = self.config.source_language
        if document.lang:
            line = text.count("\n", 0, text.find("lang")) + 1
            language = normalize_language(document.lang, path, line)
            if language not in self.config.languages:
                base = language.split("_")[0]
                if base in self.config.languages:
                    language = base
                else:
                    raise LocpipeError(
                        f'<html lang="{document.lang}"> is not one of the configured '
                        f"languages ({', '.join(self.config.languages)})",
                        path,
                        line,
                    )
        return Article(self.slug_of(path), path, text, encoding, document, language)

    @cached_property
    def articles(self) -> list[Article]:
        """Every article, read and walked (all held at once: prefer :meth:`iter_articles`)."""
        return [self.read_article(p) for p in self.article_paths()]

    def scan_articles(self) -> list[tuple[Path, str, str | None]]:
        """``(path, digest, language)`` of every article, hashing only.

        The language is the one stamped for these bytes (and this
        configuration and locpipe), or None when the article must be walked
        to know it (and to check it).
        """
        stamps = self.stamps("articles")
        scanned = []
        for path in self.article_paths():
            digest = digest_bytes(self.read_article_bytes(path))
            language = stamps.data(self.source_name(path), digest)
            scanned.append((path, digest, language if isinstance(language, str) else None))
        return scanned

    def adopt_article_infos(self, infos: list[ArticleInfo]) -> None:
        """Take the infos a step worked out itself (it walked the articles anyway)."""
        stamps = self.stamps("articles")
        for info in infos:
            stamps.record(self.source_name(info.path), info.digest, data=info.language)
        stamps.save()
        self.__dict__["article_infos"] = infos

    @cached_property
    def article_infos(self) -> list[ArticleInfo]:
        """Slug, path, language and digest of every article.

        An article is walked only when its bytes (or the configuration, or
        locpipe) changed since its language was stamped; otherwise hashing
        it is enough.  Every check of :meth:`read_article` passed for those
        same bytes.  The walks run on every core; a bad article raises its
        error (the first, in path order) before anything is returned.
        """
        scanned = self.scan_articles()
        unknown = [path for path, _digest, language in scanned if language is None]
        outcomes = run_each(self._language_of, unknown, self.jobs)
        error = first_error(outcomes)
        if error is not None:
            raise error
        walked = {p: done.value for p, done in zip(unknown, outcomes, strict=True) if done.value}
        infos = []
        for path, digest, language in scanned:
            if language is None:
                language, digest = walked[path]
            infos.append(ArticleInfo(self.slug_of(path), path, language, digest))
        self.adopt_article_infos(infos)
        return infos

    def _language_of(self, path: Path) -> tuple[str, str]:
        """(language, digest) of one article, walked and checked."""
        data = self.read_article_bytes(path)
        return self.parse_article(path, data).language, digest_bytes(data)

    def iter_articles(self) -> Iterator[Article]:
        """Read and walk the articles one at a time (only one held at once)."""
        for info in self.article_infos:
            yield self.read_article(info.path)

    # -- domains ------------------------------------------------------------
    @property
    def shared_domains(self) -> tuple[str, ...]:
        """The domains that are no article's: ``ui``, and ``site`` with a ``content`` selector."""
        return (UI_DOMAIN, SITE_DOMAIN) if self.config.content is not None else (UI_DOMAIN,)

    def targets(self, source_language: str, only: tuple[str, ...] = ()) -> tuple[str, ...]:
        return tuple(
            lang
            for lang in self.config.languages
            if lang != source_language and (not only or lang in only)
        )

    def domain_of(self, slug: str) -> str:
        """The domain of article ``slug``: the slug itself, or with ``domains =
        "section"`` the top-level folder it is in ("guida/installare" → "guida")."""
        if self.config.domains == "section" and "/" in slug:
            return slug.split("/", 1)[0]
        return slug

    def check_domain_languages(self, paths: tuple[Path, ...], languages: list[str]) -> None:
        """The articles of one domain (a section) are written in one language."""
        for path, language in zip(paths, languages, strict=True):
            if language != languages[0]:
                raise LocpipeError(
                    f"written in {language}, but {self.relative(paths[0])} of the same "
                    f"section is in {languages[0]}: one section, one source language "
                    '(move the page, or set domains = "article")',
                    path,
                )

    def domains(self, only: tuple[str, ...] = ()) -> list[Domain]:
        """Every domain with its target languages (optionally limited to ``only``)."""
        source = self.config.source_language
        result = [Domain(UI_DOMAIN, source, self.targets(source, only))]
        if self.config.content is not None:
            result.append(Domain(SITE_DOMAIN, source, self.targets(source, only)))
        seen: set[str] = set()
        for article in self.article_infos:
            name = self.domain_of(article.slug)
            if name not in seen:
                seen.add(name)
                result.append(Domain(name, article.language, self.targets(article.language, only)))
        return result

    def check_languages(self, languages: tuple[str, ...]) -> tuple[str, ...]:
        """Validate ``--lang`` values against the configuration."""
        result = []
        for code in languages:
            normalized = normalize_language(code)
            if normalized not in self.config.languages:
                raise LocpipeError(
                    f"--lang {code}: not a configured language "
                    f"({', '.join(self.config.languages)})",
                    self.config.path,
                )
            result.append(normalized)
        return tuple(result)
