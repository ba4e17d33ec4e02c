"""extract: articles and page templates → gettext templates (.pot)."""

from __future__ import annotations

import html
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

import polib

from locpipe.content import SITE_DOMAIN, chrome_units
from locpipe.parallel import first_error, run_each
from locpipe.project import UI_DOMAIN, Article, ArticleInfo, Project
from locpipe.stamps import digest_bytes, key
from locpipe.units import PROTECTED_NOTE, collapse_space

if TYPE_CHECKING:
    from locpipe.units import Unit


@dataclass
class ExtractResult:
    """Which templates were written, left as they were, or removed."""

    written: list[Path] = field(default_factory=list)
    unchanged: list[Path] = field(default_factory=list)
    removed: list[Path] = field(default_factory=list)
    units: int = 0


def _occurrence(project: Project, path: str, line: int) -> tuple[str, str] | None:
    mode = project.config.locations
    if mode == "none":
        return None
    return (path, str(line) if mode == "line" else "")


def _add(entries: dict[str, polib.POEntry], msgid: str, comment: str, where, flags=()) -> None:
    """Add one occurrence: identical units are one entry with several occurrences."""
    entry = entries.get(msgid)
    if entry is None:
        entry = polib.POEntry(msgid=msgid, msgstr="", comment=comment, flags=list(flags))
        entries[msgid] = entry
    elif comment not in entry.comment.split(", "):
        entry.comment = f"{entry.comment}, {comment}"
    if where is not None and where not in entry.occurrences:
        entry.occurrences.append(where)


#: Kept-whole elements whose text a translator never needs (or that have none).
_NO_HIDDEN_TEXT = {"comment", "br", "img", "wbr", "hr", "input", "script", "style", "svg",
                   "math", "canvas", "video", "audio", "iframe", "object", "embed", "template",
                   "select", "textarea", "noscript"}  # fmt: skip
_HIDDEN_LIMIT = 80
_MARKUP = re.compile(r"<[^>]*>")


def hidden_texts(text: str, unit: Unit) -> list[str]:
    """``protected: <span/> = Dockerfile`` lines: what each kept-whole element of
    ``unit`` (``translate="no"``, ``notranslate``) shows, so a translator can make
    the sentence agree with it."""
    notes = []
    for name, placeholder in unit.placeholders.items():
        if placeholder.kind != "void" or name.rstrip("0123456789") in _NO_HIDDEN_TEXT:
            continue
        shown = collapse_space(
            html.unescape(_MARKUP.sub(" ", text[placeholder.start : placeholder.end]))
        )
        shown = shown.strip()
        if shown:
            if len(shown) > _HIDDEN_LIMIT:
                shown = shown[: _HIDDEN_LIMIT - 1] + "…"
            notes.append(f"{PROTECTED_NOTE}<{name}/> = {shown}")
    return notes


def chrome_of(project: Project, article: Article) -> list[Unit]:
    """The units of ``article`` that belong to the shared ``site`` domain.

    Those outside the ``content`` selector, in an article of the project's
    source language (the ``site`` domain has that source language).
    """
    if article.language != project.config.source_language:
        return []
    doc = article.document
    return chrome_units(article.text, doc.units, doc.body, project.config.content)


def _add_units(
    project: Project,
    article: Article,
    units: list[Unit],
    entries: dict[str, polib.POEntry],
    hidden: dict[str, list[str]],
) -> None:
    source = project.relative(article.path)
    for unit in units:
        _add(entries, unit.msgid, unit.element, _occurrence(project, source, unit.line))
        for note in hidden_texts(article.text, unit):
            if note not in hidden.setdefault(unit.msgid, []):
                hidden[unit.msgid].append(note)


def _template(entries: dict[str, polib.POEntry], hidden: dict[str, list[str]]) -> polib.POFile:
    from locpipe.catalog import new_template

    pot = new_template()
    for msgid, notes in hidden.items():
        entries[msgid].comment = "\n".join([entries[msgid].comment, *notes])
    pot.extend(entries.values())
    return pot


def article_template(project: Project, article: Article) -> polib.POFile:
    """The .pot of one article: its units in document order (not the chrome's)."""
    return domain_template(project, [article])


def domain_template(project: Project, articles: list[Article]) -> polib.POFile:
    """The .pot of a domain's articles (one, or a section's): their units in
    document order, article after article, each msgid once (not the chrome's)."""
    entries: dict[str, polib.POEntry] = {}
    hidden: dict[str, list[str]] = {}
    for article in articles:
        chrome = {id(unit) for unit in chrome_of(project, article)}
        own = [unit for unit in article.document.units if id(unit) not in chrome]
        _add_units(project, article, own, entries, hidden)
    return _template(entries, hidden)


def site_template(project: Project, paths: list[Path]) -> polib.POFile:
    """The .pot of the shared chrome: every article's units outside ``content``, once each."""
    entries: dict[str, polib.POEntry] = {}
    hidden: dict[str, list[str]] = {}
    outcomes = run_each(lambda path: _chrome_article(project, path), paths, project.jobs)
    error = first_error(outcomes)
    if error is not None:
        raise error
    for path, done in zip(paths, outcomes, strict=True):
        source = project.relative(path)
        for msgid, element, line, notes in done.value or ():
            _add(entries, msgid, element, _occurrence(project, source, line))
            for note in notes:
                if note not in hidden.setdefault(msgid, []):
                    hidden[msgid].append(note)
    return _template(entries, hidden)


def _chrome_article(project: Project, path: Path) -> list[tuple[str, str, int, list[str]]]:
    """(msgid, element, line, hidden-text notes) of an article's chrome units (small:
    what a worker sends back, not the article)."""
    article = project.read_article(path)
    return [
        (unit.msgid, unit.element, unit.line, hidden_texts(article.text, unit))
        for unit in chrome_of(project, article)
    ]


def ui_template(project: Project) -> polib.POFile:
    """The .pot of the site's UI strings, from the page templates."""
    from locpipe.catalog import new_template
    from locpipe.site import extract_ui_messages  # Babel and Jinja2: only when needed

    pot = new_template()
    entries: dict[tuple[str | None, str], polib.POEntry] = {}
    for message in extract_ui_messages(project.paths.templates, root=project.root):
        key = (message.context, message.msgid)
        entry = entries.get(key)
        if entry is None:
            entry = polib.POEntry(
                msgid=message.msgid,
                msgctxt=message.context,
                msgid_plural=message.msgid_plural or "",
                msgstr="",
                comment="; ".join(message.comments),
                flags=sorted(message.flags),
            )
            if message.msgid_plural:
                entry.msgstr_plural = {0: "", 1: ""}
            entries[key] = entry
        for path, line in message.locations or [("", 0)]:
            where = _occurrence(project, path, line)
            if where is not None and where not in entry.occurrences:
                entry.occurrences.append(where)
    pot.extend(entries.values())
    return pot


@dataclass(frozen=True)
class _Made:
    """A template made by a worker: its temp file (None: unchanged) and the facts
    of its articles, ``(language, digest)`` each."""

    tmp: Path | None
    units: int
    facts: tuple[tuple[str, str], ...] = ()


def _make_template(project: Project, group: tuple[Path, ...] | None) -> _Made:
    """Walk a domain's articles (None: the page templates) and prepare its template's write."""
    from locpipe.catalog import format_catalog
    from locpipe.fsio import prepare_write

    if group is None:
        pot = ui_template(project)
        tmp = prepare_write(project.template_path(UI_DOMAIN), format_catalog(pot).encode())
        return _Made(tmp, len(pot))
    articles, facts = [], []
    for path in group:
        data = project.read_article_bytes(path)
        articles.append(project.parse_article(path, data))
        facts.append((articles[-1].language, digest_bytes(data)))
    project.check_domain_languages(group, [article.language for article in articles])
    pot = domain_template(project, articles)
    domain = project.domain_of(articles[0].slug)
    tmp = prepare_write(project.template_path(domain), format_catalog(pot).encode())
    return _Made(tmp, len(pot), tuple(facts))


def _inputs(project: Project, group: list[tuple[Path, str, str | None]]) -> str:
    """What a domain's template is made of: its articles' bytes and paths."""
    if len(group) == 1:
        path, digest, _language = group[0]
        return key("article", digest, project.relative(path))
    return key("section", [(digest, project.relative(path)) for path, digest, _ in group])


def extract(project: Project) -> ExtractResult:
    """Write one template per article and ``ui.pot``; stale article templates are removed.

    A template whose inputs (the article's bytes, or the page templates, the
    configuration and locpipe itself) have the digests stamped when it was
    last written, and whose bytes are still those, is left alone without
    walking anything (:mod:`locpipe.stamps`).  The others are made on every
    core (:mod:`locpipe.parallel`) into temp files, renamed into place only
    once every article walked without error: a bad article names itself and
    nothing is written.
    """
    from locpipe.fsio import commit_or_discard

    result = ExtractResult()
    stamps = project.stamps("extract")
    ui_inputs = key("ui", project.templates_digest)
    todo: list[tuple[Path, ...] | None] = []  # stale templates: a domain's articles, None: ui
    ui_units = stamps.data(UI_DOMAIN, ui_inputs)
    if not isinstance(ui_units, int):
        todo.append(None)
    scanned = project.scan_articles()
    groups: dict[str, list[tuple[Path, str, str | None]]] = {}
    for item in scanned:
        groups.setdefault(project.domain_of(project.slug_of(item[0])), []).append(item)
    fresh: dict[str, int] = {}  # domain → units, when its template is fresh
    for domain, group in groups.items():
        units = stamps.data(domain, _inputs(project, group))
        if all(language is not None for _, _, language in group) and isinstance(units, int):
            fresh[domain] = units
        else:
            todo.append(tuple(path for path, _, _ in group))
    if todo:
        import locpipe.catalog  # noqa: F401  (imported once, before the workers fork)
    outcomes = run_each(lambda group: _make_template(project, group), todo, project.jobs)
    made: dict[tuple[Path, ...] | None, _Made] = {}
    for todo_group, done in zip(todo, outcomes, strict=True):
        if done.value is not None:
            made[todo_group] = done.value
    writes = [
        (m.tmp, project.template_path(project.domain_of(project.slug_of(g[0])) if g else UI_DOMAIN))
        for g, m in made.items()
        if m.tmp is not None
    ]
    commit_or_discard(writes, first_error(outcomes))
    try:
        facts: dict[Path, tuple[str, str]] = {}
        for domain, group in groups.items():
            template = project.template_path(domain)
            paths = tuple(path for path, _, _ in group)
            if paths in made:
                m = made[paths]
                facts.update(zip(paths, m.facts, strict=True))
                (result.written if m.tmp is not None else result.unchanged).append(template)
                stamps.record(domain, _inputs(project, group), [template], data=m.units)
                result.units += m.units
            else:
                for path, digest, language in group:
                    assert language is not None  # a fresh template: every language is known
                    facts[path] = (language, digest)
                result.unchanged.append(template)
                result.units += fresh[domain]
        infos = [ArticleInfo(project.slug_of(path), path, *facts[path]) for path, _, _ in scanned]
        ui_path = project.template_path(UI_DOMAIN)
        if None in made:
            ui_units = made[None].units
            (result.written if made[None].tmp is not None else result.unchanged).append(ui_path)
            stamps.record(UI_DOMAIN, ui_inputs, [ui_path], data=ui_units)
        else:
            result.unchanged.append(ui_path)
        result.units += ui_units
        project.adopt_article_infos(infos)
        if project.config.content is not None:
            result.units += _extract_site(project, result, scanned)
        domains = set(project.shared_domains) | set(groups)
        for stale in sorted(ui_path.parent.rglob("*.pot")):
            domain = stale.relative_to(ui_path.parent).with_suffix("").as_posix()
            if domain not in domains:
                stale.unlink()
                stamps.forget(domain)
                result.removed.append(stale)
    finally:
        project.save_stamps()
    result.written.sort(key=_order)
    result.unchanged.sort(key=_order)
    return result


def _extract_site(
    project: Project, result: ExtractResult, scanned: list[tuple[Path, str, str | None]]
) -> int:
    """Write ``site.pot`` (stamped with every article's digest); its number of entries."""
    from locpipe.catalog import format_catalog
    from locpipe.fsio import atomic_write_text

    stamps = project.stamps("extract")
    path = project.template_path(SITE_DOMAIN)
    inputs = key("site", [(project.relative(p), digest) for p, digest, _ in scanned])
    units = stamps.data(SITE_DOMAIN, inputs)
    if isinstance(units, int):
        result.unchanged.append(path)
        return units
    pot = site_template(project, [p for p, _, _ in scanned])
    written = atomic_write_text(path, format_catalog(pot))
    (result.written if written else result.unchanged).append(path)
    stamps.record(SITE_DOMAIN, inputs, [path], data=len(pot))
    return len(pot)


def _order(path: Path) -> tuple[bool, str]:
    """ui.pot first, then the articles' templates by name (the order of the old serial run)."""
    return (path.stem not in (UI_DOMAIN, SITE_DOMAIN), path.name)
