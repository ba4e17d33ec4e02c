"""The project lock: one locpipe command writes a project at a time.

A writing command holds an exclusive :func:`fcntl.flock` on
``<project>/.locpipe.lock`` for its whole run; a second one waits for it
(saying so on stderr) or, with ``--no-wait``, refuses.  The kernel releases
the lock when the holder exits, however it exits (even SIGKILL), so a stale
lock file never blocks anyone: the file itself is only a name to lock, and
its content (the holder's pid and command) only feeds the waiting message.

Once the lock is held no other locpipe writer is running, so the temporary
files a killed writer left behind (``.<name>.XXXXXXXX.tmp``, see
:mod:`locpipe.fsio`) are removed.

The lock file is opened without following a symlink and must be a plain file
of its own (one link): a ``.locpipe.lock`` planted as a link to another file
is refused, never truncated.
"""

from __future__ import annotations

import contextlib
import fcntl
import os
import stat
from collections.abc import Callable, Iterable
from pathlib import Path

from locpipe.errors import LocpipeError
from locpipe.fsio import remove_stale_temps

LOCK_NAME = ".locpipe.lock"
#: Never through a symlink (a planted link would make locpipe truncate its target).
_NOFOLLOW = getattr(os, "O_NOFOLLOW", 0) | os.O_CLOEXEC


class ProjectLock:
    """An exclusive lock on a project folder (see the module docstring)."""

    def __init__(self, root: Path, command: str = "locpipe"):
        self.path = Path(root) / LOCK_NAME
        self.command = command
        self._fd: int | None = None

    @property
    def held(self) -> bool:
        return self._fd is not None

    def holder(self) -> str:
        """Who holds the lock, as written in the lock file ("pid 123, `translate`")."""
        try:
            text = self.path.read_text(encoding="utf-8", errors="replace").strip()
        except OSError:
            return "another process"
        pid, _, command = text.partition(" ")
        if not pid.isdigit():
            return "another locpipe command"
        return f"pid {pid}, `locpipe {command}`" if command else f"pid {pid}"

    def acquire(self, wait: bool = True, on_wait: Callable[[str], None] | None = None) -> None:
        """Take the lock; wait for it (calling ``on_wait(message)`` once) or refuse."""
        if self._fd is not None:
            return
        writable = True
        try:
            fd = os.open(self.path, os.O_RDWR | os.O_CREAT | _NOFOLLOW, 0o644)
        except PermissionError:  # another user's lock file: flock works on a read-only fd
            writable = False
            try:
                fd = os.open(self.path, os.O_RDONLY | _NOFOLLOW)
            except OSError as exc:
                raise self._open_error("cannot open the lock file", exc) from None
        except OSError as exc:
            raise self._open_error("cannot create the lock file", exc) from None
        self._refuse_shared(fd)
        try:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                who = self.holder()
                if not wait:
                    raise LocpipeError(
                        f"another locpipe command ({who}) is writing this project; "
                        "try again when it has finished (or drop --no-wait to wait for it)",
                        self.path,
                    ) from None
                if on_wait is not None:
                    on_wait(f"waiting for another locpipe command ({who}) to finish")
                fcntl.flock(fd, fcntl.LOCK_EX)
            if writable:
                os.ftruncate(fd, 0)
                os.pwrite(fd, f"{os.getpid()} {self.command}\n".encode(), 0)
        except BaseException:
            os.close(fd)
            raise
        self._fd = fd

    def _open_error(self, what: str, exc: OSError) -> LocpipeError:
        if os.path.islink(self.path):
            return LocpipeError(
                f"the lock file is a symlink (to {os.readlink(self.path)}); locpipe never "
                "writes through a link: remove it and run the command again",
                self.path,
            )
        return LocpipeError(f"{what}: {exc.strerror}", self.path)

    def _refuse_shared(self, fd: int) -> None:
        """Close ``fd`` and refuse unless it is a plain file with no other name
        (a hard link to another file would be truncated like a symlink's target)."""
        info = os.fstat(fd)
        problem = None
        if not stat.S_ISREG(info.st_mode):
            problem = "is not a plain file"
        elif info.st_nlink != 1:
            problem = f"has {info.st_nlink} names (a hard link to another file)"
        if problem is not None:
            os.close(fd)
            raise LocpipeError(
                f"the lock file {problem}; locpipe writes only a lock file of its own: "
                "remove it and run the command again",
                self.path,
            )

    def release(self) -> None:
        """Drop the lock (closing the file releases it; the file stays)."""
        fd, self._fd = self._fd, None
        if fd is not None:
            with contextlib.suppress(OSError):
                os.ftruncate(fd, 0)
            os.close(fd)

    def clean(self, folders: Iterable[Path], shallow: Iterable[Path] = ()) -> list[Path]:
        """Remove temporary files a killed writer left in ``folders`` and their
        subfolders, and in ``shallow`` folders themselves (lock held only)."""
        if self._fd is None:
            raise RuntimeError("clean() needs the lock")
        removed: list[Path] = []
        for folder in folders:
            removed.extend(remove_stale_temps(folder))
        for folder in shallow:
            removed.extend(remove_stale_temps(folder, recursive=False))
        return removed

    def __enter__(self) -> ProjectLock:
        self.acquire()
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.release()
