"""Copy an article folder's assets (images, ...) next to each language's pages.

Every file of the source folder that no registered format reads is copied
untranslated; :func:`untranslated_reason` says why, for build's warnings.
"""

from __future__ import annotations

from pathlib import Path

from locpipe.errors import LocpipeError
from locpipe.formats import source_suffixes
from locpipe.fsio import atomic_write_bytes

#: Suffixes of documents a reader would expect translated: such a file that no
#: registered format reads is an "unsupported format", not an asset.
DOCUMENT_SUFFIXES = frozenset(
    {
        ".adoc", ".asciidoc", ".docx", ".htm", ".html", ".markdown", ".md", ".odt",
        ".org", ".php", ".rst", ".rtf", ".shtml", ".tex", ".txt", ".xhtml",
    }
)  # fmt: skip


def is_unsupported(path: Path) -> bool:
    """A document that no registered format reads (a ``.txt`` or ``.rst`` page)."""
    return path.suffix.lower() in DOCUMENT_SUFFIXES


def untranslated_reason(path: Path) -> str:
    """Why a file of the source folder is copied untranslated (build's warning)."""
    if is_unsupported(path):
        return (
            f"unsupported format, copied untranslated (locpipe translates "
            f"{', '.join(source_suffixes())})"
        )
    return "copied as an asset (not translated)"


def asset_paths(source: Path, root: Path) -> list[Path]:
    """Files under ``source`` that are not source pages (at any depth), sorted."""
    found = []
    suffixes = source_suffixes()
    for path in sorted(source.rglob("*")):
        if not path.is_file() or path.name.startswith("."):
            continue
        if path.suffix.lower() in suffixes:
            continue
        if not path.resolve().is_relative_to(root):
            raise LocpipeError("symlink points outside the project", path)
        found.append(path)
    return found


def copy_assets(source: Path, root: Path, destination: Path) -> list[Path]:
    """Copy the assets into ``destination`` with their relative paths; returns what was written."""
    written = []
    for path in asset_paths(source, root):
        target = destination / path.relative_to(source)
        if atomic_write_bytes(target, path.read_bytes()):
            written.append(target)
    return written
