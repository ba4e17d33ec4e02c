"""The site's page chrome: Jinja2 environment, UI string extraction, rendering.

Templates use Jinja2's i18n extension in *newstyle* mode with trimmed
``{% trans %}`` blocks. The gettext callables are installed once per
environment and look up the translations of the render in progress through a
:class:`contextvars.ContextVar`, so two languages rendered in turn (or in two
threads) never mix, and macros imported without context are translated too.

Translations are never trusted as HTML: :func:`translations_from_catalog`
returns HTML-escaped text (Jinja2 then wraps it in ``Markup``), so a msgstr
with ``<script>`` or ``{{ 7*7 }}`` shows as plain text.
"""

from __future__ import annotations

import contextvars
import datetime
import gettext
import re
import traceback
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import jinja2
import polib
from babel import Locale
from babel.core import UnknownLocaleError
from babel.dates import format_date
from babel.messages.catalog import PYTHON_FORMAT
from babel.messages.extract import extract_from_dir
from markupsafe import Markup, escape

from locpipe.errors import LocpipeError

__all__ = [
    "ArticlePage",
    "CatalogTranslations",
    "IndexEntry",
    "LanguageLink",
    "UIMessage",
    "check_templates",
    "extract_ui_messages",
    "html_lang",
    "language_links",
    "load_template",
    "make_environment",
    "templates_folder",
    "render_article",
    "render_index",
    "translations_from_catalog",
]

TEMPLATE_GLOB = "**.html"
COMMENT_TAGS = ("NOTE:", "TRANSLATORS:")
# Options shared by the extractor and the rendering environment: the msgids
# Babel extracts must be exactly the strings the templates look up.
_JINJA_OPTIONS = {
    "extensions": "jinja2.ext.i18n",
    "trimmed": "true",
    "newstyle_gettext": "true",
    "silent": "false",
}
_NAMED_PLACEHOLDER = re.compile(r"%\((\w+)\)")


# --------------------------------------------------------------------------
# Translations
# --------------------------------------------------------------------------


def _escaped(text: str) -> str:
    """``text`` as HTML-escaped ``str`` (not Markup: Jinja2 marks it later)."""
    return str(escape(text))


def _format_safe(msgid: str, msgstr: str) -> bool:
    """Whether Jinja2's ``msgstr % variables`` works with msgid's variables.

    A msgstr may only use the named placeholders of its msgid (plus ``num``,
    which Jinja2 adds for plurals) and ``%%``; anything else would crash the
    render or print a dict, so such a translation is ignored.
    """
    names = set(_NAMED_PLACEHOLDER.findall(msgid)) | {"num"}
    for match in PYTHON_FORMAT.finditer(msgstr):
        name, _flags, kind = match.groups()
        if kind != "%" and name not in names:
            return False
    try:
        msgstr % dict.fromkeys(names, 0)  # noqa: B018 - only checking it formats (%d, %s)
    except (KeyError, ValueError, TypeError):
        return False
    return True


class CatalogTranslations(gettext.NullTranslations):
    """Translations from a dict; every returned string is HTML-escaped.

    ``messages`` maps ``(msgctxt or None, msgid)`` to the list of msgstr forms
    (one form for a singular message). Missing messages fall back to the
    (escaped) msgid, or the msgid_plural per the germanic rule ``n != 1``.
    """

    def __init__(
        self,
        messages: Mapping[tuple[str | None, str], Sequence[str]] | None = None,
        plural: Callable[[int], int] | None = None,
    ) -> None:
        super().__init__()
        self.messages: dict[tuple[str | None, str], list[str]] = {
            key: list(forms) for key, forms in (messages or {}).items()
        }
        self.plural = plural or (lambda n: int(n != 1))

    def _lookup(self, context: str | None, msgid: str) -> list[str] | None:
        return self.messages.get((context, msgid))

    def _singular(self, context: str | None, message: str) -> str:
        forms = self._lookup(context, message)
        return _escaped(forms[0] if forms else message)

    def _plural(self, context: str | None, singular: str, plural: str, n: int) -> str:
        forms = self._lookup(context, singular)
        if forms:
            index = self.plural(n)
            if 0 <= index < len(forms):
                return _escaped(forms[index])
        return _escaped(singular if n == 1 else plural)

    def gettext(self, message: str) -> str:
        return self._singular(None, message)

    def ngettext(self, msgid1: str, msgid2: str, n: int) -> str:
        return self._plural(None, msgid1, msgid2, n)

    def pgettext(self, context: str, message: str) -> str:
        return self._singular(context, message)

    def npgettext(self, context: str, msgid1: str, msgid2: str, n: int) -> str:
        return self._plural(context, msgid1, msgid2, n)


def _plural_function(po: polib.POFile) -> Callable[[int], int] | None:
    header = po.metadata.get("Plural-Forms", "")
    match = re.search(r"plural\s*=\s*([^;]+)", header)
    if not match:
        return None
    try:
        function = gettext.c2py(match.group(1).strip())
    except (ValueError, SyntaxError) as exc:
        raise LocpipeError(f"bad Plural-Forms header {header!r}: {exc}", po.fpath) from None
    return lambda n: int(function(n))


def translations_from_catalog(
    po: polib.POFile | None, include_fuzzy: bool = False
) -> CatalogTranslations:
    """Build escaping translations from a parsed catalog (``None``: no catalog).

    Translated entries are used, fuzzy ones only with ``include_fuzzy``;
    obsolete entries, empty msgstrs and msgstrs whose ``%(x)s`` placeholders
    do not fit their msgid are left out, so their msgid shows instead.
    """
    if po is None:
        return CatalogTranslations()
    messages: dict[tuple[str | None, str], list[str]] = {}
    for entry in po:
        if entry.obsolete or not entry.msgid:
            continue
        if entry.fuzzy and not include_fuzzy:
            continue
        if entry.msgid_plural:
            forms = [entry.msgstr_plural[i] for i in sorted(entry.msgstr_plural)]
            sources = [entry.msgid, entry.msgid_plural]
        else:
            forms = [entry.msgstr]
            sources = [entry.msgid]
        if not forms or not all(forms):
            continue
        if not all(_format_safe(" ".join(sources), form) for form in forms):
            continue
        messages[(entry.msgctxt, entry.msgid)] = forms
    return CatalogTranslations(messages, _plural_function(po))


# The translations of the render in progress (see _rendering_with).
_CURRENT: contextvars.ContextVar[gettext.NullTranslations] = contextvars.ContextVar(
    "locpipe_site_translations"
)


def _current() -> gettext.NullTranslations:
    try:
        return _CURRENT.get()
    except LookupError:
        return CatalogTranslations()


@contextmanager
def _rendering_with(translations: gettext.NullTranslations) -> Iterator[None]:
    token = _CURRENT.set(translations)
    try:
        yield
    finally:
        _CURRENT.reset(token)


# --------------------------------------------------------------------------
# Environment and template errors
# --------------------------------------------------------------------------


def make_environment(templates_dir: Path) -> jinja2.Environment:
    """A Jinja2 environment over ``templates_dir`` (i18n, autoescape, strict).

    The gettext callables dispatch to the translations of the current render
    (:func:`render_article`, :func:`render_index`); outside a render they
    return the escaped msgid.
    """
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(str(templates_dir)),
        extensions=["jinja2.ext.i18n"],
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        keep_trailing_newline=True,
    )
    env.policies["ext.i18n.trimmed"] = True
    env.install_gettext_callables(  # type: ignore[attr-defined]
        gettext=lambda message: _current().gettext(message),
        ngettext=lambda singular, plural, n: _current().ngettext(singular, plural, n),
        pgettext=lambda context, message: _current().pgettext(context, message),
        npgettext=lambda context, singular, plural, n: _current().npgettext(
            context, singular, plural, n
        ),
        newstyle=True,
    )
    env.filters["hreflang"] = html_lang
    return env


def _syntax_error(exc: jinja2.TemplateSyntaxError) -> LocpipeError:
    where = exc.filename or exc.name
    return LocpipeError(f"template syntax error: {exc.message}", where, exc.lineno)


def _template_frame(exc: BaseException) -> tuple[str, int] | None:
    """The innermost traceback frame in a template file (Jinja2 rewrites them)."""
    for frame in reversed(traceback.extract_tb(exc.__traceback__)):
        if frame.filename.endswith(".html") and frame.lineno:
            return frame.filename, frame.lineno
    return None


def load_template(env: jinja2.Environment, name: str) -> jinja2.Template:
    """``env.get_template(name)`` with errors as :class:`LocpipeError`."""
    try:
        return env.get_template(name)
    except jinja2.TemplateSyntaxError as exc:
        raise _syntax_error(exc) from None
    except jinja2.TemplateNotFound as exc:
        folder = templates_folder(env)
        missing = exc.name if isinstance(exc.name, str) else None
        raise LocpipeError(f"template not found: {exc.name}", folder or missing) from None


#: The templates a build renders (each may extend or include others).
PAGE_TEMPLATES = ("article.html", "index.html")


def templates_folder(env: jinja2.Environment) -> Path | None:
    """The folder ``env`` loads its templates from (None: not a folder loader)."""
    loader = env.loader
    if isinstance(loader, jinja2.FileSystemLoader) and loader.searchpath:
        return Path(loader.searchpath[0])
    return None


def check_templates(env: jinja2.Environment) -> list[str]:
    """Compile every ``.html`` template up front, the page templates first
    (a missing one is an error naming the templates folder); return their names."""
    names = env.list_templates(filter_func=lambda name: name.endswith(".html"))
    for name in names:
        load_template(env, name)
    for name in PAGE_TEMPLATES:
        load_template(env, name)
    return names


def _render(
    env: jinja2.Environment,
    name: str,
    translations: gettext.NullTranslations,
    context: Mapping[str, Any],
) -> str:
    template = load_template(env, name)
    try:
        with _rendering_with(translations):
            return template.render(context)
    except jinja2.TemplateSyntaxError as exc:  # in an extended or included template
        raise _syntax_error(exc) from None
    except jinja2.TemplateError as exc:
        where = _template_frame(exc) or (template.filename, None)
        raise LocpipeError(f"template error: {exc}", where[0], where[1]) from None


# --------------------------------------------------------------------------
# UI string extraction
# --------------------------------------------------------------------------


@dataclass
class UIMessage:
    """One UI string found in the templates (``ui`` domain)."""

    msgid: str
    locations: list[tuple[str, int]]
    comments: list[str] = field(default_factory=list)
    flags: set[str] = field(default_factory=set)
    msgid_plural: str | None = None
    context: str | None = None


def extract_ui_messages(templates_dir: Path, root: Path | None = None) -> list[UIMessage]:
    """Every translatable string of the ``.html`` templates under ``templates_dir``.

    Locations are POSIX paths relative to ``root`` (default: ``templates_dir``
    itself, i.e. ``base.html``; pass the project root to get
    ``templates/base.html``). Messages are merged by
    (context, msgid) and ordered by first location. A Jinja2 syntax error
    raises :class:`LocpipeError` naming the file and line.
    """
    templates_dir = Path(templates_dir)
    if not templates_dir.is_dir():
        raise LocpipeError("templates folder not found", templates_dir)
    root = Path(root) if root is not None else templates_dir
    found: dict[tuple[str | None, str], UIMessage] = {}
    current_file: list[str] = []

    def callback(filename: str, method: str, options: dict[str, str]) -> None:
        current_file[:] = [filename]

    results = extract_from_dir(
        str(templates_dir),
        method_map=[(TEMPLATE_GLOB, "jinja2.ext:babel_extract")],
        options_map={TEMPLATE_GLOB: dict(_JINJA_OPTIONS)},
        comment_tags=COMMENT_TAGS,
        callback=callback,
        strip_comment_tags=True,
    )
    try:
        for filename, lineno, message, comments, context in results:
            _add_message(
                found, _relative(templates_dir / filename, root), lineno, message, comments, context
            )
    except jinja2.TemplateSyntaxError as exc:
        path = templates_dir / current_file[0] if current_file else templates_dir
        raise LocpipeError(f"template syntax error: {exc.message}", path, exc.lineno) from None
    messages = list(found.values())
    for ui_message in messages:
        ui_message.locations.sort()
    messages.sort(key=lambda m: (m.locations[0], m.context or "", m.msgid))
    return messages


def _relative(path: Path, root: Path) -> str:
    try:
        return path.resolve().relative_to(root.resolve()).as_posix()
    except ValueError:
        return path.as_posix()


def _add_message(
    found: dict[tuple[str | None, str], UIMessage],
    location: str,
    lineno: int,
    message: str | tuple[str, ...],
    comments: Iterable[str],
    context: str | None,
) -> None:
    if isinstance(message, tuple):
        msgid, plural = message[0], message[1] if len(message) > 1 else None
    else:
        msgid, plural = message, None
    if not msgid:
        return
    item = found.setdefault((context, msgid), UIMessage(msgid, [], context=context))
    if plural and not item.msgid_plural:
        item.msgid_plural = plural
    if (location, lineno) not in item.locations:
        item.locations.append((location, lineno))
    item.comments.extend(c for c in comments if c not in item.comments)
    if any(PYTHON_FORMAT.search(text) for text in (msgid, plural) if text):
        item.flags.add("python-format")


# --------------------------------------------------------------------------
# Rendering
# --------------------------------------------------------------------------


def html_lang(code: str) -> str:
    """A Babel/POSIX code as a BCP 47 tag: ``pt_BR`` -> ``pt-BR``."""
    return code.replace("_", "-")


def text_direction(code: str) -> str:
    """``rtl`` for a right-to-left language, else ``ltr``."""
    try:
        order = Locale.parse(code).character_order
    except (ValueError, UnknownLocaleError):
        return "ltr"
    return "rtl" if order == "right-to-left" else "ltr"


@dataclass
class LanguageLink:
    """One entry of the language switcher."""

    code: str
    native_name: str
    href: str
    current: bool = False

    @property
    def hreflang(self) -> str:
        return html_lang(self.code)


def native_name(code: str) -> str:
    """The language's own name as a menu shows it (``fr`` -> ``Français``), or the code.

    CLDR writes language names in lower case for running text (``français``);
    a switcher lists them on their own, where they start with a capital.
    """
    try:
        name = Locale.parse(code).get_display_name(code) or code
    except (ValueError, UnknownLocaleError):
        return code
    return name[:1].upper() + name[1:]


def language_links(
    codes: Iterable[str], current: str, href_for: Callable[[str], str]
) -> list[LanguageLink]:
    """Switcher entries for ``codes``, in the given order."""
    return [
        LanguageLink(code, native_name(code), href_for(code), code == current) for code in codes
    ]


@dataclass
class ArticlePage:
    """What :func:`render_article` needs for one article in one language."""

    slug: str
    lang: str
    title: str
    description: str
    body_html: str
    published: datetime.date | None = None
    alternates: list[tuple[str, str]] = field(default_factory=list)
    languages: list[LanguageLink] = field(default_factory=list)
    keywords: list[str] = field(default_factory=list)
    canonical: str | None = None
    #: The relative path from the page to its language's folder ("../" in a subfolder).
    root: str = ""


@dataclass
class IndexEntry:
    """One article on a language's index page."""

    slug: str
    title: str
    description: str
    href: str


#: The ``[site]`` keys every template may use, empty when locpipe.toml does not set them.
SITE_DEFAULTS = {"name": "", "email": "", "base_url": ""}


def _common_context(lang: str, site: Mapping[str, Any]) -> dict[str, Any]:
    return {
        "lang": lang,
        "html_lang": html_lang(lang),
        "text_direction": text_direction(lang),
        "site": SITE_DEFAULTS | dict(site),
        "root": "",  # an index is at the top of its language's folder
    }


def render_article(
    env: jinja2.Environment,
    page: ArticlePage,
    translations: gettext.NullTranslations,
    site: Mapping[str, Any],
) -> str:
    """Render ``article.html`` for ``page`` with the UI in ``translations``."""
    published_text = None
    if page.published is not None:
        published_text = format_date(page.published, format="long", locale=page.lang)
    context = _common_context(page.lang, site) | {
        "page": page,
        "title": page.title,
        "description": page.description,
        "body": Markup(page.body_html),
        "published": page.published,
        "published_text": published_text,
        "alternates": list(page.alternates),
        "languages": list(page.languages),
        "keywords": list(page.keywords),
        "canonical": page.canonical,
        "root": page.root,
    }
    return _render(env, "article.html", translations, context)


def render_index(
    env: jinja2.Environment,
    *,
    lang: str,
    articles: Sequence[IndexEntry],
    languages: Sequence[LanguageLink],
    translations: gettext.NullTranslations,
    site: Mapping[str, Any],
    alternates: Sequence[tuple[str, str]] = (),
    canonical: str | None = None,
) -> str:
    """Render ``index.html``: the list of ``articles`` available in ``lang``."""
    context = _common_context(lang, site) | {
        "articles": list(articles),
        "languages": list(languages),
        "alternates": list(alternates),
        "canonical": canonical,
    }
    return _render(env, "index.html", translations, context)


def rehearse_templates(env: jinja2.Environment, lang: str, site: Mapping[str, Any]) -> None:
    """Render each page template once with a sample page, writing nothing.

    A build calls this before its first write, so a missing template, a
    variable the configuration does not give (``site.name`` without a
    ``[site]`` table) or any other render error stops it with nothing written.
    """
    check_templates(env)
    here = language_links([lang], lang, lambda code: "index.html")
    page = ArticlePage(
        slug="sample",
        lang=lang,
        title="Title",
        description="Description",
        body_html="<h1>Title</h1>",
        published=datetime.date(2000, 1, 1),
        alternates=[(html_lang(lang), "sample.html")],
        languages=here,
        keywords=["keyword"],
        canonical="sample.html",
    )
    translations = CatalogTranslations()
    render_article(env, page, translations, site)
    entry = IndexEntry("sample", "Title", "Description", "sample.html")
    render_index(
        env, lang=lang, articles=[entry], languages=here, translations=translations, site=site
    )
