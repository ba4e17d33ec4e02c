"""Render Markdown files to complete HTML pages (runs in the bench venv).

Usage: render_md.py MARKDOWN_DIR OUT_DIR
"""

from __future__ import annotations

import html
import re
import sys
from pathlib import Path

import markdown

EXTENSIONS = ["extra", "toc", "admonition", "sane_lists", "smarty"]


def page(title: str, body: str) -> str:
    """A complete HTML page around a rendered body."""
    return (
        '<!DOCTYPE html>\n<html lang="en">\n<head>\n<meta charset="utf-8">\n'
        f"<title>{html.escape(title)}</title>\n"
        f'<meta name="description" content="{html.escape(title)} documentation">\n'
        "</head>\n<body>\n<main>\n"
        f"{body}\n</main>\n</body>\n</html>\n"
    )


def main() -> None:
    source, out = Path(sys.argv[1]), Path(sys.argv[2])
    for index, path in enumerate(sorted(source.glob("*.md"))):
        text = path.read_text(encoding="utf-8", errors="replace")
        try:
            body = markdown.markdown(text, extensions=EXTENSIONS)
        except Exception:  # an extension chokes on this file: plain Markdown
            body = markdown.markdown(text)
        heading = re.search(r"^#+\s*(.+)$", text, re.M)
        title = heading.group(1).strip() if heading else path.stem
        slug = re.sub(r"[^A-Za-z0-9]+", "-", path.stem.split("__")[-1]).strip("-").lower()
        (out / f"p{index:03d}-{slug or 'page'}.html").write_text(page(title, body), "utf-8")


if __name__ == "__main__":
    main()
