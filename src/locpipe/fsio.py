"""Atomic file writes: temp file in the same folder, fsync, rename, fsync the folder.

A write that would not change the file's bytes does nothing, so timestamps stay
put and build tools see no change.  A failed write leaves the old file intact
and no temp file behind.  A symlink at the file's name is replaced by the new
file, never written through (nor is its target read or its mode copied).
"""

from __future__ import annotations

import contextlib
import os
import re
import stat
import threading
from pathlib import Path

from locpipe.errors import LocpipeError

#: Names of the temporary files :func:`atomic_write_bytes` makes (``mkstemp``'s 8 characters).
TEMP_NAME_RE = re.compile(r"\..+\.[a-z0-9_]{8}\.tmp")


def _same_bytes(path: Path, data: bytes) -> bool:
    try:
        info = os.lstat(path)
        if not stat.S_ISREG(info.st_mode) or info.st_size != len(data):
            return False  # a symlink is replaced, whatever it points to
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


#: How :func:`_new_temp` opens a temp file: created here and now, never through a link.
_TEMP_FLAGS = (
    os.O_RDWR | os.O_CREAT | os.O_EXCL | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_CLOEXEC", 0)
)


def _new_temp(folder: Path, name: str) -> tuple[int, str]:
    """A new file ``.NAME.XXXXXXXX.tmp`` in ``folder``, open, mode 0o600: what
    ``tempfile.mkstemp`` makes (importing tempfile costs a command 5 ms)."""
    for _ in range(100):
        candidate = os.path.join(folder, f".{name}.{os.urandom(4).hex()}.tmp")
        try:
            return os.open(candidate, _TEMP_FLAGS, 0o600), candidate
        except FileExistsError:
            continue
    raise FileExistsError(f"no free temporary file name in {folder}")


def prepare_write(path: str | Path, data: bytes) -> Path | None:
    """First half of an atomic write: ``data`` in a temp file next to ``path``.

    The temp file is synced by :func:`commit_writes`, all of a step's at once
    before any rename (many fsyncs in flight together cost little more than one).

    Returns the temp file (hand it to :func:`commit_writes` or
    :func:`discard_writes`), or None when ``path`` already has these bytes.
    Missing parent folders are created by the commit; the temp file gets the existing file's
    permission bits (or what a plain ``open()`` would give).  Raises
    :class:`LocpipeError` naming the path when the write fails.
    """
    path = Path(path)
    if _same_bytes(path, data):
        return None
    tmp_name: str | None = None
    # A missing folder is made only when the write is committed (nothing is
    # left behind if it is not): meanwhile the temp file waits in the nearest
    # existing ancestor, on the same file system.
    folder = path.parent
    while not folder.is_dir() and folder.parent != folder:
        folder = folder.parent
    try:
        try:
            info = os.lstat(path)
            mode: int | None = stat.S_IMODE(info.st_mode) if stat.S_ISREG(info.st_mode) else None
        except FileNotFoundError:
            mode = None
        fd, tmp_name = _new_temp(folder, path.name)
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
        if mode is None:  # what a plain open() would give: 0o666 less the umask
            umask = os.umask(0)
            os.umask(umask)
            mode = 0o666 & ~umask
        os.chmod(tmp_name, mode)
        tmp = Path(tmp_name)
        tmp_name = None
        return tmp
    except OSError as exc:
        raise LocpipeError(f"cannot write: {exc.strerror or exc}", path) from exc
    finally:
        if tmp_name is not None:
            with contextlib.suppress(OSError):
                os.unlink(tmp_name)


def _fsync_file(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)  # flushes the file's data whichever descriptor wrote it
    finally:
        os.close(fd)


#: Temp files synced at once by :func:`commit_writes` (fsync waits on the disk, not the CPU).
SYNC_THREADS = 16


def _fsync_files(writes: list[tuple[Path, Path]]) -> None:
    """Sync every temp file's data before any of them is renamed into place."""
    pending = iter(writes)
    failures: list[LocpipeError] = []

    def sync_some() -> None:
        for tmp, path in pending:  # threads share the iterator: each file is synced once
            try:
                _fsync_file(tmp)
            except OSError as exc:
                failures.append(LocpipeError(f"cannot write: {exc.strerror or exc}", path))

    threads = [
        threading.Thread(target=sync_some) for _ in range(min(SYNC_THREADS, len(writes) // 4))
    ]
    for thread in threads:
        thread.start()
    sync_some()
    for thread in threads:
        thread.join()
    if failures:
        raise failures[0]


def commit_writes(writes: list[tuple[Path, Path]]) -> None:
    """Second half: sync the temp files, rename each ``(temp, path)`` over its target,
    then sync each folder once.

    Each file is replaced atomically; on a failure the remaining temp files
    are removed and :class:`LocpipeError` names the file.
    """
    try:
        _fsync_files(writes)
    except LocpipeError:
        discard_writes(writes)
        raise
    folders: dict[Path, None] = {}
    for index, (tmp, path) in enumerate(writes):
        try:
            new, existing = [], path.parent
            while existing not in folders and not existing.is_dir():  # known folders: no stat
                new.append(existing)
                existing = existing.parent
            if new:  # each new folder's entry is synced in its parent
                path.parent.mkdir(parents=True, exist_ok=True)
                folders.update(dict.fromkeys([existing, *reversed(new)]))
            os.replace(tmp, path)
        except OSError as exc:
            discard_writes(writes[index:])
            raise LocpipeError(f"cannot write: {exc.strerror or exc}", path) from exc
        folders[path.parent] = None
    for folder in folders:
        _fsync_dir(folder)


def commit_or_discard(writes: list[tuple[Path, Path]], error: Exception | None) -> None:
    """All or nothing: commit the prepared writes, or, when some other item of the
    same step failed (``error``), remove them and raise that error."""
    if error is not None:
        discard_writes(writes)
        raise error
    commit_writes(writes)


def discard_writes(writes: list[tuple[Path, Path]]) -> None:
    """Remove the temp files of writes that will not be committed."""
    for tmp, _path in writes:
        with contextlib.suppress(OSError):
            os.unlink(tmp)


def atomic_write_bytes(path: str | Path, data: bytes) -> bool:
    """Write ``data`` to ``path`` atomically; return False when it already had those bytes.

    Creates missing parent folders and keeps an existing file's permission bits.
    Raises :class:`LocpipeError` naming the path when the write fails.
    """
    path = Path(path)
    tmp = prepare_write(path, data)
    if tmp is None:
        return False
    commit_writes([(tmp, path)])
    return True


def atomic_write_text(path: str | Path, text: str, encoding: str = "utf-8") -> bool:
    """Encode ``text`` and write it with :func:`atomic_write_bytes`."""
    return atomic_write_bytes(path, text.encode(encoding))


def remove_stale_temps(folder: str | Path, recursive: bool = True) -> list[Path]:
    """Remove the temporary files that writers killed mid-write left under ``folder``
    (only in ``folder`` itself when not ``recursive``).

    Only safe when no other writer is running (the caller holds the project
    lock, :mod:`locpipe.lock`).  Symlinked folders are not followed.
    """
    removed: list[Path] = []
    for dirpath, dirnames, filenames in os.walk(folder):
        if not recursive:
            dirnames.clear()
        for name in filenames:
            if TEMP_NAME_RE.fullmatch(name):
                path = Path(dirpath) / name
                with contextlib.suppress(OSError):
                    path.unlink()
                    removed.append(path)
    return removed
