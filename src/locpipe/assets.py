"""Copy an article folder's assets (images, ...) next to each language's pages."""

from __future__ import annotations

from pathlib import Path

from locpipe.errors import LocpipeError
from locpipe.formats import source_suffixes
from locpipe.fsio import atomic_write_bytes


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
