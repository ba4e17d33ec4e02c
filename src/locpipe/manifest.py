"""The build manifest: the files a build wrote, so the next one removes those it no
longer produces (the pages of a deleted article, a deleted image).

It lives in the build folder (``build/.locpipe-manifest.json``: deleting the
folder deletes it too) and maps each file, relative to the build folder, to
the sha256 of the bytes the build left there.  It is not trusted: a file it
lists is removed only when it lies inside the build folder with no symlink
on the way, is a regular file, and still has the recorded bytes.  Anything
else stays where it is.
"""

from __future__ import annotations

import contextlib
import json
import os
import re
import stat
from collections.abc import Iterable
from pathlib import Path, PurePosixPath

from locpipe.fsio import atomic_write_text
from locpipe.stamps import file_digest

MANIFEST_NAME = ".locpipe-manifest.json"
FORMAT = 1
_DIGEST = re.compile(r"[0-9a-f]{64}")


class BuildManifest:
    """The manifest of one build folder."""

    def __init__(self, build: Path):
        self.build = build
        self.path = build / MANIFEST_NAME
        #: Why the manifest on disk was not used ("" when it was fine or missing).
        self.problem = ""

    def load(self) -> dict[str, str]:
        """relative path → digest; a missing or unreadable manifest is empty."""
        if os.path.islink(self.path):
            self.problem = "a symlink, not the manifest locpipe writes; ignored"
            return {}
        try:
            data = json.loads(self.path.read_text(encoding="utf-8"))
        except FileNotFoundError:
            return {}
        except (OSError, ValueError) as exc:
            self.problem = f"unreadable ({exc}); ignored"
            return {}
        files = data.get("files") if isinstance(data, dict) else None
        if (
            not isinstance(data, dict)
            or data.get("format") != FORMAT
            or not isinstance(files, dict)
            or not all(
                isinstance(k, str) and isinstance(v, str) and _DIGEST.fullmatch(v)
                for k, v in files.items()
            )
        ):
            self.problem = "not a manifest this locpipe wrote; ignored"
            return {}
        return files

    def save(self, files: dict[str, str]) -> None:
        """Write the manifest (atomically; not at all when its bytes would not change)."""
        text = json.dumps({"format": FORMAT, "files": files}, indent=0, sort_keys=True)
        atomic_write_text(self.path, text + "\n")

    def relative(self, path: Path) -> str:
        return path.relative_to(self.build).as_posix()

    def removable(self, relative: str, digest: str) -> Path | None:
        """The file ``relative`` names when removing it is safe, else None."""
        if not _plain_name(relative):
            return None
        parts = PurePosixPath(relative).parts
        current = self.build
        for part in parts[:-1]:  # no symlink on the way out of the build folder
            current = current / part
            if os.path.islink(current) or not current.is_dir():
                return None
        path = current / parts[-1]
        try:
            mode = os.lstat(path).st_mode
        except OSError:
            return None
        if not stat.S_ISREG(mode) or file_digest(path) != digest:
            return None
        return path


def _plain_name(relative: str) -> bool:
    """A relative path with no ``..``, ``.``, empty part or backslash, below a language folder."""
    path = PurePosixPath(relative)
    return (
        len(path.parts) >= 2
        and not path.is_absolute()
        and "\\" not in relative
        and all(part not in ("", ".", "..") for part in relative.split("/"))
    )


def remove_unproduced(
    build: Path, produced: Iterable[Path], languages: Iterable[str] | None
) -> tuple[list[Path], str]:
    """Remove the files the last build wrote that this one did not produce.

    ``languages``: only files under these language folders are considered
    (``None``: every file of the manifest, e.g. a language dropped from the
    configuration).  Returns the files removed and the manifest's problem
    ("" when it was fine).  The manifest is then rewritten with ``produced``
    (and the entries of the languages not built this time).
    """
    manifest = BuildManifest(build)
    old = manifest.load()
    scope = None if languages is None else set(languages)
    files = {manifest.relative(path): file_digest(path) for path in produced}
    new = {k: v for k, v in files.items() if v is not None}
    removed = []
    for relative, digest in sorted(old.items()):
        if relative in new or not _plain_name(relative):
            continue
        if scope is not None and PurePosixPath(relative).parts[0] not in scope:
            new[relative] = digest  # another language: not built now, kept as it is
            continue
        path = manifest.removable(relative, digest)
        if path is None:
            continue
        os.unlink(path)
        removed.append(path)
        _remove_empty_folders(build, path.parent)
    manifest.save(dict(sorted(new.items())))
    return removed, manifest.problem


def _remove_empty_folders(build: Path, folder: Path) -> None:
    """Remove ``folder`` and its parents while empty, up to the build folder (kept)."""
    while folder != build and folder.is_relative_to(build):
        with contextlib.suppress(OSError):  # not empty, or gone: stop
            os.rmdir(folder)
            folder = folder.parent
            continue
        return
