"""The ``content`` selector: which units of a page are its own, which are shared chrome.

A page's units inside an element the selector matches (``main``,
``article``, ``#content``...) belong to the article's domain; the units of
its ``<body>`` outside every such element (header, navigation, tag cloud,
footer: repeated on every page) belong to the shared ``site`` domain.  Outside
the body, the page's ``<title>`` and ``<meta>`` descriptions are its own; other
units there (``<link title>`` of the home, previous and next pages) are chrome.
A page in which the selector matches nothing is all its own.

The selector is matched by soupsieve on a tree BeautifulSoup's ``html.parser``
builds, which records where each element starts (``sourceline``,
``sourcepos``); an element ends at the last ``</name`` before the first
element after it.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from collections.abc import Sequence
from functools import lru_cache

from locpipe.units import Unit

#: The shared domain of the chrome's strings.
SITE_DOMAIN = "site"


def _line_starts(text: str) -> list[int]:
    return [0, *(m.end() for m in re.finditer("\n", text))]


@lru_cache(maxsize=4)  # build asks once per language of a page
def content_spans(text: str, selector: str) -> tuple[tuple[int, int], ...]:
    """The source spans (start of the start tag, end of the element) the selector matches."""
    import soupsieve
    from bs4 import BeautifulSoup

    soup = BeautifulSoup(text, "html.parser")
    starts = _line_starts(text)

    def offset(tag) -> int | None:
        if tag.sourceline is None or tag.sourcepos is None:
            return None
        return starts[tag.sourceline - 1] + tag.sourcepos

    spans = []
    for element in soupsieve.select(selector, soup):
        start = offset(element)
        if start is None:
            continue
        last = next(reversed(list(element.descendants)), element)
        following = last.find_next(True)
        bound = offset(following) if following is not None else None
        bound = len(text) if bound is None else bound
        close = text.lower().rfind(f"</{element.name.lower()}", start, bound)
        spans.append((start, close if close > start else bound))
    return tuple(_merged(spans))


def _merged(spans: list[tuple[int, int]]) -> list[tuple[int, int]]:
    merged: list[tuple[int, int]] = []
    for start, end in sorted(spans):
        if merged and start <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(end, merged[-1][1]))
        else:
            merged.append((start, end))
    return merged


def chrome_units(
    text: str, units: Sequence[Unit], body: tuple[int, int], selector: str | None
) -> list[Unit]:
    """The units of the body outside every element ``selector`` matches (none without one)."""
    if selector is None:
        return []
    spans = content_spans(text, selector)
    if not spans:
        return []  # a page without such an element (a home page, a list): all its own
    lows = [start for start, _ in spans]
    chrome = []
    for unit in units:
        if not (body[0] <= unit.start and unit.end <= body[1]):
            if not _own_head_unit(unit):
                chrome.append(unit)
            continue
        i = bisect_right(lows, unit.start) - 1
        if i < 0 or unit.end > spans[i][1]:
            chrome.append(unit)
    return chrome


def _own_head_unit(unit: Unit) -> bool:
    """A unit of ``<head>`` that describes this page alone: its title, its ``<meta>``."""
    return unit.element == "title" or unit.element.startswith("meta[")
