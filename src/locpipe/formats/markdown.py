"""Markdown sources (``.md``, ``.markdown``): the format registered in
:data:`locpipe.formats.FORMATS`.

This module is light on purpose: finding a page's format loads every
registered format, and a site of HTML pages should not pay for markdown-it-py
and PyYAML.  The walker and splicer, :mod:`locpipe.formats.mdwalk`, are
imported on the first Markdown file.
"""

from __future__ import annotations

from pathlib import Path

from locpipe.formats.base import Document, Translate
from locpipe.units import Unit


class MarkdownFormat:
    """Markdown sources: built as Markdown in ``build/<lang>/``, not as pages."""

    name = "markdown"
    suffixes = (".md", ".markdown")
    is_page = False
    keeps_format = True

    def decode(self, data: bytes, path: Path) -> tuple[str, str]:
        from locpipe.formats.mdwalk import decode_markdown

        return decode_markdown(data, path)

    def walk(self, text: str, path: Path) -> Document:
        from locpipe.formats.mdwalk import walk_markdown

        return walk_markdown(text, path)

    def reassemble(
        self,
        text: str,
        document: Document,
        translate: Translate,
        span: tuple[int, int] | None = None,
        rejected: list[Unit] | None = None,
    ) -> str:
        from locpipe.formats.mdwalk import reassemble_markdown

        return reassemble_markdown(text, document.units, translate, span, rejected)

    def output_name(self, slug: str) -> str:
        return f"{slug}.md"


FORMAT = MarkdownFormat()
