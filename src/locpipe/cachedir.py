"""The cache folder ``<project>/.locpipe-cache/``: never through a symlink, git-ignored.

The cache (stamps, the ``all`` record, the MT cache) is untrusted: it may have
been committed or forged.  A symlink in it could make locpipe write (or
SQLite create its journal) outside the project, so :func:`check_cache_folder`
refuses, with the link's name, a cache folder that is a symlink or holds one
(in itself or in ``stamps/``), before any command reads or writes it; and
:func:`prepare_cache_folder` checks again each time a folder of it is about to
be written.  A new cache folder gets a ``.gitignore`` of ``*`` (as pytest's and
ruff's caches do), so ``git add -A`` never commits it.
"""

from __future__ import annotations

import contextlib
import os
import stat
from pathlib import Path

from locpipe.errors import LocpipeError

#: The cache folder, relative to the project root.
CACHE_DIR = Path(".locpipe-cache")
#: Its sub-folders whose entries are checked too.
SUBFOLDERS = ("stamps",)
#: What the cache folder's own ``.gitignore`` says: ignore everything here.
GITIGNORE = b"# locpipe's cache: never commit it (check does not trust it)\n*\n"


def _refuse(path: Path, why: str) -> LocpipeError:
    return LocpipeError(
        f"{why}; locpipe never follows a link in its cache folder "
        f"(remove {CACHE_DIR.as_posix()}/ or the link: it is only a cache)",
        path,
    )


def _folder_state(path: Path) -> bool:
    """Whether ``path`` exists as a real folder; an error if it is anything else."""
    try:
        info = os.lstat(path)
    except FileNotFoundError:
        return False
    except OSError as exc:
        raise LocpipeError(f"cannot read: {exc.strerror}", path) from None
    if stat.S_ISLNK(info.st_mode):
        raise _refuse(path, f"symlink to {os.readlink(path)}")
    if not stat.S_ISDIR(info.st_mode):
        raise _refuse(path, "not a folder")
    return True


def check_cache_folder(root: Path) -> None:
    """Refuse a cache folder that is, or holds, a symlink (see the module docstring)."""
    folder = root / CACHE_DIR
    if not _folder_state(folder):
        return
    for sub in ("", *SUBFOLDERS):
        where = folder / sub if sub else folder
        if sub and not _folder_state(where):
            continue
        try:
            entries = list(os.scandir(where))
        except OSError as exc:
            raise LocpipeError(f"cannot read: {exc.strerror}", where) from None
        for entry in entries:
            if entry.is_symlink():
                raise _refuse(Path(entry.path), f"symlink to {os.readlink(entry.path)}")


def prepare_cache_folder(root: Path, *parts: str) -> Path:
    """``root/.locpipe-cache/parts...``, made (with the cache's ``.gitignore``)
    where missing, each folder checked not to be a symlink; returns the folder."""
    folder = root / CACHE_DIR
    for where in [folder, *(folder.joinpath(*parts[: i + 1]) for i in range(len(parts)))]:
        if not _folder_state(where):
            try:
                os.mkdir(where)
            except FileExistsError:
                pass  # made by another process meanwhile: checked below
            except OSError as exc:
                raise LocpipeError(f"cannot create the folder: {exc.strerror}", where) from None
            _folder_state(where)
        if where == folder:
            _write_gitignore(folder)
    return folder.joinpath(*parts)


def _write_gitignore(folder: Path) -> None:
    """Give the cache folder its ``.gitignore`` if it has none (a failure only costs the file)."""
    flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_NOFOLLOW", 0)
    with contextlib.suppress(OSError):
        fd = os.open(folder / ".gitignore", flags, 0o644)
        with os.fdopen(fd, "wb") as handle:
            handle.write(GITIGNORE)
