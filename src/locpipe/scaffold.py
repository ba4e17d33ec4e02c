"""``locpipe init``: the files of a new project, and what an existing site's pages say.

Every file is planned first and written only when none of them exists (or
with ``force``), each atomically: a refused init writes nothing.
"""

from __future__ import annotations

import json
import os
import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path

from locpipe.config import CONFIG_NAME, normalize_language
from locpipe.errors import LocpipeError
from locpipe.formats import load_format
from locpipe.fsio import atomic_write_text

#: The page templates ``init`` writes (from :mod:`locpipe`'s ``init_templates``).
TEMPLATE_NAMES = ("base.html", "article.html", "index.html")
DEFAULT_SOURCE = "en"
DEFAULT_TARGETS = ("en", "fr", "es")

#: The UI strings of the templates ``init`` writes, in the source language
#: (the msgids of ``ui.pot`` must be in the language the site is written in).
UI_STRINGS: dict[str, dict[str, str]] = {
    "en": {
        "ARTICLES": "Articles",
        "ALL_ARTICLES": "All articles",
        "LANGUAGE": "Language",
        "NO_ARTICLES": "No article is available in this language yet.",
        "PUBLISHED": "Published on {{ date }}",
    },
    "fr": {
        "ARTICLES": "Articles",
        "ALL_ARTICLES": "Tous les articles",
        "LANGUAGE": "Langue",
        "NO_ARTICLES": "Aucun article n’est encore disponible dans cette langue.",
        "PUBLISHED": "Publié le {{ date }}",
    },
    "es": {
        "ARTICLES": "Artículos",
        "ALL_ARTICLES": "Todos los artículos",
        "LANGUAGE": "Idioma",
        "NO_ARTICLES": "Todavía no hay ningún artículo en este idioma.",
        "PUBLISHED": "Publicado el {{ date }}",
    },
    "it": {
        "ARTICLES": "Articoli",
        "ALL_ARTICLES": "Tutti gli articoli",
        "LANGUAGE": "Lingua",
        "NO_ARTICLES": "Nessun articolo è ancora disponibile in questa lingua.",
        "PUBLISHED": "Pubblicato il {{ date }}",
    },
    "de": {
        "ARTICLES": "Artikel",
        "ALL_ARTICLES": "Alle Artikel",
        "LANGUAGE": "Sprache",
        "NO_ARTICLES": "In dieser Sprache ist noch kein Artikel verfügbar.",
        "PUBLISHED": "Veröffentlicht am {{ date }}",
    },
    "pt": {
        "ARTICLES": "Artigos",
        "ALL_ARTICLES": "Todos os artigos",
        "LANGUAGE": "Idioma",
        "NO_ARTICLES": "Ainda não há nenhum artigo neste idioma.",
        "PUBLISHED": "Publicado em {{ date }}",
    },
    "ca": {
        "ARTICLES": "Articles",
        "ALL_ARTICLES": "Tots els articles",
        "LANGUAGE": "Llengua",
        "NO_ARTICLES": "Encara no hi ha cap article en aquesta llengua.",
        "PUBLISHED": "Publicat el {{ date }}",
    },
}

_SLUG_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]*$")
_HTML_LANG = re.compile(r"""<html\b[^>]*?\blang\s*=\s*["']?([^"'\s>]*)""", re.I)


@dataclass(frozen=True)
class FoundPage:
    """A page of an adopted site: its name and the language its ``<html lang>`` says."""

    path: Path
    lang: str | None  # normalized; None when the page has no (known) lang
    problem: str = ""  # why locpipe will not read it as it is


@dataclass
class SiteScan:
    """What ``init --from-site`` found in a folder of pages."""

    folder: Path
    pages: list[FoundPage] = field(default_factory=list)
    nested: int = 0  # pages in subfolders (their slug is their path: "guida/installare")

    def languages(self) -> list[str]:
        """The pages' languages, the most frequent first (ties: alphabetical)."""
        counts = Counter(page.lang for page in self.pages if page.lang)
        return [lang for lang, _ in sorted(counts.items(), key=lambda item: (-item[1], item[0]))]


def scan_site(folder: Path) -> SiteScan:
    """The pages of ``folder`` (nested folders too) and their ``<html lang>``."""
    if not folder.is_dir():
        raise LocpipeError("not a folder of pages", folder)
    scan = SiteScan(folder)
    suffixes = load_format("html").suffixes  # <html lang> is what this scan reads
    for path in sorted(folder.rglob("*")):
        relative = path.relative_to(folder)
        if path.suffix.lower() not in suffixes or any(p.startswith(".") for p in relative.parts):
            continue
        if path.parent != folder:
            scan.nested += 1
        if path.is_symlink() or not path.is_file():
            scan.pages.append(FoundPage(path, None, "not a regular file"))
            continue
        scan.pages.append(_found_page(path, relative))
    return scan


def _found_page(path: Path, relative: Path) -> FoundPage:
    problem = ""
    slug = relative.with_suffix("").as_posix()
    if not all(_SLUG_RE.match(part) for part in slug.split("/")) or slug in ("ui", "site"):
        problem = (
            "its name cannot be a slug (letters, digits, . _ -; not 'ui' or 'site'): rename it"
        )
    elif slug == "index":
        problem = "build writes each language's article list to index.html: rename it"
    try:
        head = path.read_bytes()[:65536].decode("utf-8", "replace")
    except OSError as exc:
        return FoundPage(path, None, f"cannot read: {exc.strerror}")
    match = _HTML_LANG.search(head)
    lang = None
    if match and match.group(1):
        try:
            lang = normalize_language(match.group(1).split("-")[0])
        except LocpipeError:
            problem = problem or f'<html lang="{match.group(1)}"> is not a language code'
    return FoundPage(path, lang, problem)


def ui_strings(source_language: str) -> dict[str, str]:
    """The templates' UI strings in ``source_language`` (English when locpipe has none)."""
    return UI_STRINGS.get(source_language.split("_")[0], UI_STRINGS["en"])


def template_text(name: str, source_language: str) -> str:
    """One page template of a new project, its UI strings in ``source_language``."""
    text = resources.files("locpipe").joinpath("init_templates", name).read_text(encoding="utf-8")
    for marker, value in ui_strings(source_language).items():
        text = text.replace(f"@{marker}@", value)
    return text


def _toml_string(value: str) -> str:
    """A TOML basic string (JSON's escapes are TOML's)."""
    return json.dumps(value, ensure_ascii=False)


def _toml_list(values: list[str]) -> str:
    return "[" + ", ".join(_toml_string(value) for value in values) + "]"


def config_text(
    source_language: str,
    languages: list[str],
    source_articles: str,
    site_name: str,
    from_site: bool = False,
    content: str | None = None,
) -> str:
    """A commented ``locpipe.toml`` (``content``: the selector suggested for the pages)."""
    layout = ""
    if from_site:
        selector = (
            f"content = {_toml_string(content)}\n"
            if content
            else '# content = "main, article, #content"\n'
        )
        layout = (
            "# Build each page from the page itself: its own <head>, header and footer\n"
            "# stay; <html lang>, hreflang links and a language switcher are set.\n"
            '# (layout = "template" puts each page\'s <body> into templates/article.html.)\n'
            'layout = "page"\n'
            "# Each page's own content (a CSS selector): strings outside it (navigation,\n"
            "# header, footer, repeated on every page) go to one shared catalog, site.po,\n"
            "# translated once. Without it every string is the page's own.\n"
            f"{selector}"
        )
    return f"""\
# locpipe configuration. README: "Localize your own site" and "Configuration".

# The language of the templates' UI strings, and of a page without <html lang>.
source_language = {_toml_string(source_language)}
# Every language to publish (Babel codes: fr, pt_BR, zh_Hant...).
languages = {_toml_list(languages)}
# Machine translation: apertium (offline), deepl, libre, microsoft, google,
# mymemory, pseudo (for layout tests). Drafts are marked fuzzy for review.
backend = "apertium"
# Terms no engine may translate (brand and product names).
do_not_translate = []
# Percent of an article translated before it is built in a language.
# publish_threshold = 80
{layout}
# Folders, relative to this file.
[paths]
# Your pages: one .html per article, at the top level; <html lang> is its language.
source_articles = {_toml_string(source_articles)}
# The page layout: article.html and index.html (both extend base.html).
templates = "templates"
# The catalogs (.pot, .po): commit them.
locales = "locales"
# The localized site, written by `locpipe build`.
build = "build"

# Passed to the templates as site.name, site.email and site.base_url.
[site]
name = {_toml_string(site_name)}
# email = "contact@example.org"
# Absolute canonical and hreflang links; without it they are relative.
# base_url = "https://example.org"
"""


GITIGNORE = """\
# locpipe: built pages, compiled catalogs, caches (commit the .po/.pot catalogs)
build/
*.mo
.locpipe-cache/
.locpipe.lock
"""


def gitignore_text(path: Path) -> str:
    """locpipe's ``.gitignore`` lines, after those of an existing ``.gitignore``
    (kept: only the missing lines are added)."""
    try:
        old = path.read_text(encoding="utf-8") if path.is_file() and not path.is_symlink() else ""
    except (OSError, UnicodeDecodeError) as exc:
        raise LocpipeError(f"cannot read: {exc}", path) from None
    have = {line.strip() for line in old.splitlines()}
    missing = [line for line in GITIGNORE.splitlines()[1:] if line not in have]
    if not old:
        return GITIGNORE
    if not missing:
        return old
    return (
        old
        + ("" if old.endswith("\n") else "\n")
        + "\n".join([GITIGNORE.splitlines()[0], *missing])
        + "\n"
    )


@dataclass
class InitPlan:
    """The files of a new project (path → text) and the folders it needs."""

    root: Path
    files: dict[Path, str] = field(default_factory=dict)
    folders: list[Path] = field(default_factory=list)

    def check_free(self) -> None:
        """Refuse when a file would be overwritten (the first one is named)."""
        for path in self.files:
            if path.name == ".gitignore" and not path.is_symlink():
                continue  # kept, locpipe's lines added (gitignore_text)
            if os.path.lexists(path):
                raise LocpipeError("already exists; locpipe init --force overwrites it", path)

    def write(self) -> list[Path]:
        """Make the folders and write every file atomically; returns the files."""
        for folder in self.folders:
            try:
                folder.mkdir(parents=True, exist_ok=True)
            except OSError as exc:
                raise LocpipeError(f"cannot make the folder: {exc.strerror}", folder) from None
        for path, text in self.files.items():
            atomic_write_text(path, text)
        return list(self.files)


def plan_project(
    root: Path,
    source_language: str,
    languages: list[str],
    source_articles: Path | None = None,
    site_name: str | None = None,
) -> InitPlan:
    """The files ``init`` writes in ``root`` (``source_articles``: an adopted folder)."""
    plan = InitPlan(root)
    articles = source_articles if source_articles is not None else root / "source_articles"
    relative = Path(os.path.relpath(articles, root)).as_posix()
    plan.folders = [root / "templates", articles]
    name = site_name if site_name is not None else root.resolve().name
    plan.files[root / CONFIG_NAME] = config_text(
        source_language,
        languages,
        relative,
        name,
        from_site=source_articles is not None,
        content=suggest_content(source_articles) if source_articles is not None else None,
    )
    plan.files[root / ".gitignore"] = gitignore_text(root / ".gitignore")
    for template in TEMPLATE_NAMES:
        plan.files[root / "templates" / template] = template_text(template, source_language)
    return plan


#: Where sites keep a page's own content, most specific first: HTML5, ARIA,
#: common themes (Hugo, Jekyll), Sphinx, MkDocs, DocBook's chunked HTML.
CONTENT_CANDIDATES = (
    "main",
    "article",
    "[role=main]",
    "#content",
    "div.body",
    ".md-content",
    "div.book, div.part, div.preface, div.chapter, div.appendix, div.glossary, "
    "div.bibliography, div.index, div.article, div.reference, div.refentry",
)
_SUGGEST_PAGES = 20


def suggest_content(folder: Path) -> str | None:
    """A selector of each page's own content: for each of the folder's pages (the
    first twenty), the first of :data:`CONTENT_CANDIDATES` it holds; None when
    fewer than half of the pages hold one."""
    import soupsieve
    from bs4 import BeautifulSoup

    pages = [
        p
        for p in sorted(folder.glob("*"))
        if p.suffix.lower() in (".html", ".htm") and p.is_file() and not p.is_symlink()
    ][:_SUGGEST_PAGES]
    found: set[str] = set()
    matched = 0
    for page in pages:
        try:
            soup = BeautifulSoup(page.read_bytes(), "html.parser")
        except (OSError, ValueError):
            continue
        for candidate in CONTENT_CANDIDATES:
            if soupsieve.select_one(candidate, soup) is not None:
                found.add(candidate)
                matched += 1
                break
    if not found or matched * 2 < len(pages):
        return None
    return ", ".join(c for c in CONTENT_CANDIDATES if c in found)


def choose_languages(
    source: str, requested: list[str], found: Sequence[str] = ()
) -> tuple[str, list[str]]:
    """The source language and the languages list: the requested ones (default: the
    source and a few targets), plus every language a page is written in."""
    source = normalize_language(source)
    languages = [normalize_language(code) for code in requested] or [
        source,
        *(t for t in DEFAULT_TARGETS if t != source),
    ]
    if source not in languages:
        languages.insert(0, source)
    for lang in found:
        if lang not in languages:
            languages.append(lang)
    return source, list(dict.fromkeys(languages))
