"""The contract every source format keeps: what a format module provides.

A format turns a source file into units (:meth:`SourceFormat.walk`) and
splices translations back into the same text (:meth:`SourceFormat.reassemble`),
so everything outside the units comes back byte for byte.  Formats are
registered in :data:`locpipe.formats.FORMATS` (one line each) and found by
suffix with :func:`locpipe.formats.format_for`.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

from locpipe.units import Unit

#: A unit's translation, or None to keep its source text.
Translate = Callable[[Unit], "str | None"]


@dataclass
class Document:
    """What a format's walker found in one source file."""

    units: list[Unit]
    lang: str | None  # the language the file declares (``<html lang>``, front matter), if any
    body: tuple[int, int]  # span of the content a template renders (HTML: the body's content)
    meta: dict[str, str]  # metadata, e.g. "article:published_time", "keywords"

    def unit_for(self, element: str) -> Unit | None:
        """The first unit of an element kind ("title", "meta[description]")."""
        return next((u for u in self.units if u.element == element), None)


class SourceFormat(Protocol):
    """One source format (HTML, Markdown...): a module-level instance named ``FORMAT``.

    Every method is pure (text in, text out); errors are
    :class:`~locpipe.errors.LocpipeError` naming ``path`` and the line.
    """

    #: Short name, as in :data:`locpipe.formats.FORMATS` ("html", "markdown").
    name: str
    #: File suffixes, lower case with the dot (".html", ".htm"); the first is the canonical one.
    suffixes: tuple[str, ...]
    #: True: built as a web page of the site (template or page layout, language
    #: switcher, index entry).  False: the reassembled file is written as is.
    is_page: bool
    #: True: the built file is in the source's format (Markdown → ``.md``).
    keeps_format: bool

    def decode(self, data: bytes, path: Path) -> tuple[str, str]:
        """``(text, encoding)`` of a source file's bytes; a clear error when it cannot."""
        ...

    def walk(self, text: str, path: Path) -> Document:
        """The units of ``text`` in document order, with their source spans."""
        ...

    def reassemble(
        self,
        text: str,
        document: Document,
        translate: Translate,
        span: tuple[int, int] | None = None,
        rejected: list[Unit] | None = None,
    ) -> str:
        """``text`` (or its ``span``) with each unit's translation spliced in.

        ``translate(unit)`` gives the translation or None (keep the source).
        A translation that cannot be used (tags that do not nest like the
        source's) is skipped and its unit appended to ``rejected``.  With
        identity translations the result is ``text`` byte for byte.
        """
        ...

    def output_name(self, slug: str) -> str:
        """The built file's name for ``slug`` ("guide/install" → "guide/install.html")."""
        ...
