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
"""

from __future__ import annotations

import contextlib
import fcntl
import os
from collections.abc import Callable, Iterable
from pathlib import Path

from locpipe.errors import LocpipeError
from locpipe.fsio import remove_stale_temps

LOCK_NAME = ".locpipe.lock"


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
            fd = os.open(self.path, os.O_RDWR | os.O_CREAT | os.O_CLOEXEC, 0o644)
        except PermissionError:  # another user's lock file: flock works on a read-only fd
            writable = False
            try:
                fd = os.open(self.path, os.O_RDONLY | os.O_CLOEXEC)
            except OSError as exc:
                raise LocpipeError(
                    f"cannot open the lock file: {exc.strerror}", self.path
                ) from None
        except OSError as exc:
            raise LocpipeError(f"cannot create the lock file: {exc.strerror}", self.path) from None
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
