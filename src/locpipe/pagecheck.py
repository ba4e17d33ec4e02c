"""The build's safety net: a built page read by a spec-compliant parser.

Translations are untrusted.  The walker escapes them and splices only the
source's own markup back, but it decides what is text with its own
tokenizer; html5lib follows the WHATWG parsing algorithm (tokenizer *and*
tree builder), as browsers do, so it is the final judge.  A page built with
translations must have, read by html5lib, exactly the scripts and styles of
the same page built without them (same contents, same order) and no element,
attribute (per element) or URL value that page lacks.

html5lib is used directly with its ``etree`` tree builder (the parser
BeautifulSoup's ``"html5lib"`` builder runs, without building a soup: about
40% faster).  Documents are parsed with scripting enabled, as browsers run
(``<noscript>`` is raw text).
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache

import html5lib

__all__ = ["PageShape", "differences", "page_shape"]

#: Attributes whose value is a URL (or a list of them), on any element.
URL_ATTRIBUTES = frozenset(
    [
        "action",
        "archive",
        "background",
        "cite",
        "classid",
        "codebase",
        "data",
        "dynsrc",
        "formaction",
        "href",
        "icon",
        "imagesrcset",
        "itemid",
        "itemtype",
        "longdesc",
        "lowsrc",
        "manifest",
        "ping",
        "poster",
        "profile",
        "src",
        "srcdoc",
        "srcset",
        "usemap",
        "xmlns",
    ]
)
_RAW = ("script", "style")
#: The spec's JavaScript MIME types: a script of another type is a data block.
_JAVASCRIPT_TYPES = frozenset(
    f"{kind}/{name}"
    for kind in ("application", "text")
    for name in (
        "ecmascript",
        "javascript",
        "javascript1.0",
        "javascript1.1",
        "javascript1.2",
        "javascript1.3",
        "javascript1.4",
        "javascript1.5",
        "jscript",
        "livescript",
        "x-ecmascript",
        "x-javascript",
    )
)


@dataclass(frozen=True)
class PageShape:
    """What a page may not gain from its translations."""

    #: Contents of script and style elements, in document order (of a data
    #: block, such as JSON-LD, only its place: a browser does not run it).
    scripts: tuple[str, ...]
    elements: frozenset[str]
    attributes: frozenset[tuple[str, str]]  # (element, attribute)
    urls: frozenset[str]


def _local(name: str) -> str:
    """A name without its ``{namespace}``."""
    return name.rpartition("}")[2]


@cache
def _parser() -> html5lib.HTMLParser:
    """One parser, made once: it resets itself for every document (about 5% faster)."""
    builder = html5lib.getTreeBuilder("etree")
    return html5lib.HTMLParser(tree=builder, namespaceHTMLElements=False)


def page_shape(html: str) -> PageShape:
    """The shape of a page as html5lib (a browser) builds it."""
    tree = _parser().parse(html, scripting=True)
    scripts: list[str] = []
    elements: set[str] = set()
    attributes: set[tuple[str, str]] = set()
    urls: set[str] = set()
    for element in tree.iter():
        tag = element.tag
        if not isinstance(tag, str):  # a comment
            continue
        elements.add(tag)
        local = _local(tag)
        if local in _RAW:
            if local == "script" and _is_data_block(element.attrib):
                scripts.append("<script data block>")  # not run: a translated title may be in it
            else:
                scripts.append(f"<{local}>" + "".join(element.itertext()))
        for name, value in element.attrib.items():
            attributes.add((tag, name))
            if _local(name) in URL_ATTRIBUTES or (
                local == "meta" and name == "content" and _is_refresh(element.attrib)
            ):
                urls.add(value)
    return PageShape(tuple(scripts), frozenset(elements), frozenset(attributes), frozenset(urls))


def _is_data_block(attributes: dict[str, str]) -> bool:
    """True for a script a browser does not run (``type="application/ld+json"``...)."""
    kind = attributes.get("type")
    if kind is None:
        return False
    kind = kind.strip().lower()
    return bool(kind) and kind != "module" and kind not in _JAVASCRIPT_TYPES


def _is_refresh(attributes: dict[str, str]) -> bool:
    return attributes.get("http-equiv", "").strip().lower() == "refresh"


def differences(page: PageShape, source: PageShape) -> list[str]:
    """What ``page`` has that ``source`` lacks (scripts and styles: any change), described."""
    found = []
    if page.scripts != source.scripts:
        found.append("script or style contents unlike the source's")
    for what, extra in (
        ("element", sorted(page.elements - source.elements)),
        ("attribute", sorted(f"{e}[{a}]" for e, a in page.attributes - source.attributes)),
        ("URL", sorted(page.urls - source.urls)),
    ):
        if extra:
            shown = ", ".join(repr(item[:80]) for item in extra[:5])
            found.append(f"new {what}{'s' if len(extra) > 1 else ''} {shown}")
    return found
