"""Atomic file writes: temp file in the same folder, fsync, rename, fsync the folder.

A write that would not change the file's bytes does nothing, so timestamps stay
put and build tools see no change.  A failed write leaves the old file intact
and no temp file behind.
"""

from __future__ import annotations

import contextlib
import os
import re
import stat
import tempfile
from pathlib import Path

from locpipe.errors import LocpipeError

#: Names of the temporary files :func:`atomic_write_bytes` makes (``mkstemp``'s 8 characters).
_TEMP_RE = re.compile(r"\..+\.[a-z0-9_]{8}\.tmp")


def _same_bytes(path: Path, data: bytes) -> bool:
    try:
        if path.stat().st_size != len(data):
            return False
        return path.read_bytes() == data
    except OSError:
        return False


def _fsync_dir(folder: Path) -> None:
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:  # some platforms cannot open a folder; the rename is done anyway
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


def atomic_write_bytes(path: str | Path, data: bytes) -> bool:
    """Write ``data`` to ``path`` atomically; return False when it already had those bytes.

    Creates missing parent folders and keeps an existing file's permission bits.
    Raises :class:`LocpipeError` naming the path when the write fails.
    """
    path = Path(path)
    if _same_bytes(path, data):
        return False
    tmp_name: str | None = None
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        try:
            mode: int | None = stat.S_IMODE(path.stat().st_mode)
        except FileNotFoundError:
            mode = None
        fd, tmp_name = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        if mode is not None:
            os.chmod(tmp_name, mode)
        else:  # what a plain open() would give: 0o666 less the umask
            umask = os.umask(0)
            os.umask(umask)
            os.chmod(tmp_name, 0o666 & ~umask)
        os.replace(tmp_name, path)
        tmp_name = None
        _fsync_dir(path.parent)
    except OSError as exc:
        raise LocpipeError(f"cannot write: {exc.strerror or exc}", path) from exc
    finally:
        if tmp_name is not None:
            with contextlib.suppress(OSError):
                os.unlink(tmp_name)
    return True


def atomic_write_text(path: str | Path, text: str, encoding: str = "utf-8") -> bool:
    """Encode ``text`` and write it with :func:`atomic_write_bytes`."""
    return atomic_write_bytes(path, text.encode(encoding))


def remove_stale_temps(folder: str | Path) -> list[Path]:
    """Remove the temporary files that writers killed mid-write left under ``folder``.

    Only safe when no other writer is running (the caller holds the project
    lock, :mod:`locpipe.lock`).  Symlinked folders are not followed.
    """
    removed: list[Path] = []
    for dirpath, _dirnames, filenames in os.walk(folder):
        for name in filenames:
            if _TEMP_RE.fullmatch(name):
                path = Path(dirpath) / name
                with contextlib.suppress(OSError):
                    path.unlink()
                    removed.append(path)
    return removed
