"""``layout = "page"``: the built page is the source page, its units spliced in place.

Besides the translations, four things change, each escaped and each the
same in the page built with identity translations (so the html5lib check
of :mod:`locpipe.pagecheck` compares like with like):

- ``<html lang>`` is set to the page's language (added when missing), and
  ``<html dir>`` to its direction (added only for a right-to-left language);
- the source's own ``<link rel="alternate" hreflang>`` are replaced by the
  page's alternates, where the first one stood, else just before ``</head>``;
- the ``href`` of a ``<link rel="canonical">`` is the page's own URL;
- a language switcher ``<nav class="locpipe-languages">`` goes right after
  the ``<body>`` start tag, or inside the element marked ``data-locpipe-languages``.

Everything else (the site's ``<head>``, stylesheets, scripts, chrome) comes
back byte for byte.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from html import escape

from locpipe.formats.html import Translate, attribute_spans, reassemble, tokenize
from locpipe.units import Unit

#: The attribute that marks where a page wants its language switcher.
SWITCHER_MARK = "data-locpipe-languages"
SWITCHER_CLASS = "locpipe-languages"


@dataclass(frozen=True)
class Switch:
    """One language of the switcher: BCP 47 code, its own name, link, current or not."""

    hreflang: str
    name: str
    href: str
    current: bool


@dataclass
class Marks:
    """Where a source page is edited (source offsets)."""

    #: (start, end) of the ``<html lang>`` value, or (at, at) where `` lang=""`` goes.
    lang: tuple[int, int] | None = None
    lang_insert: bool = False
    #: (start, end) of the ``<html dir>`` value, or (at, at) where `` dir=""`` goes.
    dir: tuple[int, int] | None = None
    dir_insert: bool = False
    alternates: list[tuple[int, int]] = field(default_factory=list)
    alternates_at: int | None = None
    switcher_at: int | None = None
    #: (start, end) of the ``href`` value of ``<link rel="canonical">``.
    canonical: tuple[int, int] | None = None


def _is_alternate(attrs: dict[str, str | None]) -> bool:
    rel = (attrs.get("rel") or "").lower().split()
    return "alternate" in rel and attrs.get("hreflang") is not None


def _is_canonical(attrs: dict[str, str | None]) -> bool:
    return "canonical" in (attrs.get("rel") or "").lower().split()


def find_marks(text: str) -> Marks:
    """Where ``text``'s ``<html lang>``, hreflang links and switcher go."""
    marks = Marks()
    body_end: int | None = None
    head_close: int | None = None
    head_start_end: int | None = None
    for token in tokenize(text):
        if token.kind == "start":
            attrs = {name: value for name, value in reversed(token.attrs)}
            if token.tag == "html" and marks.lang is None:
                spans = attribute_spans(text, token)
                if "lang" in spans:
                    marks.lang = spans["lang"][:2]
                elif "lang" not in attrs:
                    at = token.start + len("<html")
                    marks.lang, marks.lang_insert = (at, at), True
                if "dir" in spans:
                    marks.dir = spans["dir"][:2]
                elif "dir" not in attrs:
                    at = token.start + len("<html")
                    marks.dir, marks.dir_insert = (at, at), True
            elif token.tag == "head" and head_start_end is None:
                head_start_end = token.end
            elif token.tag == "link" and _is_alternate(attrs):
                marks.alternates.append(_whole_line(text, token.start, token.end))
            elif token.tag == "link" and _is_canonical(attrs) and marks.canonical is None:
                href = attribute_spans(text, token).get("href")
                marks.canonical = href[:2] if href is not None and href[2] else None
            elif token.tag == "body" and body_end is None:
                body_end = token.end
            if SWITCHER_MARK in attrs and marks.switcher_at is None:
                marks.switcher_at = token.end
        elif token.kind == "end" and token.tag == "head" and head_close is None:
            head_close = token.start
    if marks.alternates:
        marks.alternates_at = marks.alternates[0][0]
    else:
        marks.alternates_at = head_close if head_close is not None else head_start_end
    if marks.switcher_at is None:
        marks.switcher_at = body_end
    return marks


def _whole_line(text: str, start: int, end: int) -> tuple[int, int]:
    """``(start, end)`` grown to its whole line when it stands alone on it."""
    line = text.rfind("\n", 0, start) + 1
    stop = text.find("\n", end)
    if text[line:start].strip(" \t") or stop < 0 or text[end:stop].strip(" \t\r"):
        return start, end
    return line, stop + 1


def alternates_html(alternates: Sequence[tuple[str, str]], indent: str = "") -> str:
    """``<link rel="alternate" hreflang href>`` lines, escaped, each after ``indent``."""
    return "".join(
        f'{indent}<link rel="alternate" hreflang="{escape(code)}" href="{escape(href)}">\n'
        for code, href in alternates
    )


def _line_start(text: str, at: int) -> tuple[int, str]:
    """Where ``at``'s line starts and its indentation, when only white space precedes
    ``at`` on it; else ``(at, "")``."""
    start = text.rfind("\n", 0, at) + 1
    before = text[start:at]
    return (start, before) if not before.strip(" \t") else (at, "")


def switcher_html(languages: Sequence[Switch]) -> str:
    """The language switcher: one link per language, the current one marked."""
    links = " ".join(
        f'<a href="{escape(s.href)}" hreflang="{escape(s.hreflang)}" lang="{escape(s.hreflang)}"'
        + (' aria-current="page"' if s.current else "")
        + f">{escape(s.name)}</a>"
        for s in languages
    )
    return f'<nav class="{SWITCHER_CLASS}">{links}</nav>'


def render_page(
    text: str,
    units: Sequence[Unit],
    translate: Translate,
    lang: str,
    direction: str,
    alternates: Sequence[tuple[str, str]],
    languages: Sequence[Switch],
    canonical: str,
    rejected: list[Unit] | None = None,
) -> str:
    """The whole source page with its units translated and its language set."""
    marks = find_marks(text)
    edits: list[tuple[int, int, str]] = []
    if marks.lang is not None:
        value = escape(lang)
        edits.append((*marks.lang, f' lang="{value}"' if marks.lang_insert else value))
    if marks.dir is not None and not (marks.dir_insert and direction == "ltr"):
        value = escape(direction)
        edits.append((*marks.dir, f' dir="{value}"' if marks.dir_insert else value))
    if marks.canonical is not None:
        edits.append((*marks.canonical, escape(canonical)))
    for start, end in marks.alternates:
        edits.append((start, end, ""))
    if marks.alternates_at is not None and alternates:
        at, indent = _line_start(text, marks.alternates_at)
        if marks.alternates:  # where the first stood: take the next line's indentation
            rest = text[at:]
            indent = rest[: len(rest) - len(rest.lstrip(" \t"))]
        edits.append((at, at, alternates_html(alternates, indent)))
    if marks.switcher_at is not None and len(languages) > 1:
        edits.append((marks.switcher_at, marks.switcher_at, switcher_html(languages)))
    edits.sort(key=lambda edit: (edit[0], edit[1]))
    out, pos = [], 0
    for start, end, value in edits:
        out.append(reassemble(text, units, translate, span=(pos, start), rejected=rejected))
        out.append(value)
        pos = max(pos, end)
    out.append(reassemble(text, units, translate, span=(pos, len(text)), rejected=rejected))
    return "".join(out)
