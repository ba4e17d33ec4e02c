"""extract: articles and page templates → gettext templates (.pot)."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import polib

from locpipe.project import UI_DOMAIN, Article, Project
from locpipe.state import key


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


def article_template(project: Project, article: Article) -> polib.POFile:
    """The .pot of one article: its units in document order."""
    from locpipe.catalog import new_template

    pot = new_template()
    entries: dict[str, polib.POEntry] = {}
    source = project.relative(article.path)
    for unit in article.document.units:
        _add(entries, unit.msgid, unit.element, _occurrence(project, source, unit.line))
    pot.extend(entries.values())
    return pot


def ui_template(project: Project) -> polib.POFile:
    """The .pot of the site's UI strings, from the page templates."""
    from locpipe.catalog import new_template
    from locpipe.site import extract_ui_messages  # Babel and Jinja2: only when needed

    pot = new_template()
    entries: dict[str, polib.POEntry] = {}
    for message in extract_ui_messages(project.paths.templates, root=project.root):
        for path, line in message.locations or [("", 0)]:
            where = _occurrence(project, path, line)
            _add(entries, message.msgid, "; ".join(message.comments), where, sorted(message.flags))
    pot.extend(entries.values())
    return pot


def extract(project: Project) -> ExtractResult:
    """Write one template per article and ``ui.pot``; stale article templates are removed.

    A template whose inputs (the article's bytes, or the page templates, the
    configuration and locpipe itself) have the digests stamped when it was
    last written, and whose bytes are still those, is left alone without
    walking anything (:mod:`locpipe.state`).  Articles are read one at a time.
    """
    from locpipe.catalog import write_catalog  # imported once something is written

    result = ExtractResult()
    stamps = project.stamps("extract")
    domains = {UI_DOMAIN}
    infos = project.article_infos  # every article decoded and walked before the first write
    try:
        path = project.template_path(UI_DOMAIN)
        inputs = key("ui", project.templates_digest)
        units = stamps.data(UI_DOMAIN, inputs)
        if isinstance(units, int):
            result.unchanged.append(path)
        else:
            pot = ui_template(project)
            units = len(pot)
            (result.written if write_catalog(path, pot) else result.unchanged).append(path)
            stamps.record(UI_DOMAIN, inputs, [path], data=units)
        result.units += units
        for info in infos:
            domains.add(info.slug)
            path = project.template_path(info.slug)
            inputs = key("article", info.digest, project.relative(info.path))
            units = stamps.data(info.slug, inputs)
            if isinstance(units, int):
                result.unchanged.append(path)
            else:
                pot = article_template(project, project.read_article(info.path))
                units = len(pot)
                (result.written if write_catalog(path, pot) else result.unchanged).append(path)
                stamps.record(info.slug, inputs, [path], data=units)
            result.units += units
        folder = project.template_path(UI_DOMAIN).parent
        for stale in sorted(folder.glob("*.pot")):
            if stale.stem not in domains:
                stale.unlink()
                stamps.forget(stale.stem)
                result.removed.append(stale)
    finally:
        project.save_stamps()
    return result
