"""Links between source articles that lead nowhere (a deleted or renamed page)."""

from __future__ import annotations

import posixpath
from dataclasses import dataclass
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urlsplit

from locpipe.project import Project

#: Pages a build writes next to the articles without a source file.
BUILT_PAGES = frozenset({"index.html"})


@dataclass(frozen=True)
class DeadLink:
    """A link in a source article to a file of the source folder that does not exist."""

    article: Path
    line: int
    href: str


class _Links(HTMLParser):
    """``(line, href)`` of every ``<a href>`` and ``<area href>``."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.found: list[tuple[int, str]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in ("a", "area"):
            for name, value in attrs:
                if name == "href" and value:
                    self.found.append((self.getpos()[0], value.strip()))


def local_target(href: str) -> str | None:
    """The file a relative link points to, relative to the article's folder
    (``None``: another site, the site's root, a fragment or a folder)."""
    parts = urlsplit(href)
    if parts.scheme or parts.netloc or not parts.path or parts.path.startswith("/"):
        return None
    if parts.path.endswith("/"):
        return None
    return unquote(parts.path)


def article_links(text: str) -> list[tuple[int, str, str]]:
    """``(line, href, target)`` of every relative link of an article's HTML."""
    parser = _Links()
    parser.feed(text)
    parser.close()
    links = []
    for line, href in parser.found:
        target = local_target(href)
        if target is not None:
            links.append((line, href, target))
    return links


def _well_formed(links: object) -> bool:
    return isinstance(links, list) and all(
        isinstance(link, list)
        and len(link) == 3
        and isinstance(link[0], int)
        and isinstance(link[1], str)
        and isinstance(link[2], str)
        for link in links
    )


def dead_links(project: Project) -> list[DeadLink]:
    """Links of the source articles to pages (or images) of the source folder that
    are not there any more.  An article's links are stamped with its digest."""
    source = project.paths.source_articles
    stamps = project.stamps("links")
    dead = []
    for info in project.article_infos:
        links = stamps.data(project.source_name(info.path), info.digest)
        if not _well_formed(links):  # the cache is not trusted: anything else is redone
            data = project.read_article_bytes(info.path)
            text, _encoding = project.format_of(info.path).decode(data, info.path)
            links = [list(link) for link in article_links(text)]
            stamps.record(project.source_name(info.path), info.digest, data=links)
        folder = posixpath.dirname(project.source_name(info.path))
        for line, href, target in links:
            path = posixpath.normpath(posixpath.join(folder, target))
            if path.startswith("../") or path == ".." or path in BUILT_PAGES:
                continue  # outside the source folder: another language's pages, the site
            if not (source / path).exists():
                dead.append(DeadLink(info.path, line, href))
    project.save_stamps()
    return dead
