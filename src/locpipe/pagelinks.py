"""Links between source pages, pointed at the pages the build writes.

A page is built under its format's output name (``guida/a.htm`` →
``guida/a.html``) in a tree that mirrors the source folder, so a relative
link stays right unless its target page was renamed.  :func:`rewrite_links`
rewrites exactly those: the path of an ``href`` of ``<a>``, ``<area>`` or
``<link>`` that leads, from the page's folder, to a renamed source page; the
query and fragment are kept, and so is every other byte of the page.
"""

from __future__ import annotations

import posixpath
from collections.abc import Mapping
from dataclasses import dataclass
from html import escape, unescape
from urllib.parse import quote, unquote, urlsplit

from locpipe.formats.html import attribute_spans, tokenize

#: Elements whose ``href`` leads to another page.
LINKING = frozenset({"a", "area", "link"})


@dataclass
class LinkCount:
    """Relative links of the pages seen: rewritten, and left as they were."""

    rewritten: int = 0
    left: int = 0


def _target(value: str, folder: str) -> tuple[str, int] | None:
    """The source path a raw ``href`` value leads to from ``folder``, and where
    its path ends in the raw value; None for another site, the site's root or a
    fragment of the page itself."""
    parts = urlsplit(unescape(value))
    if parts.scheme or parts.netloc or not parts.path or parts.path.startswith("/"):
        return None
    end = min((i for i in (value.find("?"), value.find("#")) if i >= 0), default=len(value))
    return posixpath.normpath(posixpath.join(folder, unquote(parts.path))), end


def rewrite_links(
    html: str, page: str, renamed: Mapping[str, str], count: LinkCount | None = None
) -> str:
    """``html`` (the page built from source file ``page``, e.g. ``guida/a.htm``)
    with each link to a renamed source page (``renamed``: source path → built
    path, both relative to the source folder) pointed at the built page."""
    folder = posixpath.dirname(page)
    built_folder = posixpath.dirname(renamed.get(page, page))
    edits: list[tuple[int, int, str]] = []
    for token in tokenize(html):
        if token.kind != "start" or token.tag not in LINKING:
            continue
        span = attribute_spans(html, token).get("href")
        if span is None:
            continue
        start, end, _quote = span
        value = html[start:end]
        found = _target(value, folder)
        if found is None:
            continue
        target, path_end = found
        built = renamed.get(target)
        if built is None:
            if count is not None:
                count.left += 1
            continue
        new_path = posixpath.relpath(built, built_folder)
        if "%" in value[:path_end]:
            new_path = quote(new_path)
        edits.append((start, start + path_end, escape(new_path)))
        if count is not None:
            count.rewritten += 1
    out, pos = [], 0
    for start, end, value in edits:
        out += [html[pos:start], value]
        pos = end
    out.append(html[pos:])
    return "".join(out)
