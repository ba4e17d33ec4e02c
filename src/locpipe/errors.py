"""The one error type locpipe raises for bad input: it names the file and line."""

from __future__ import annotations

from pathlib import Path

from locpipe.display import visible


class LocpipeError(Exception):
    """Bad input or a failed step; the CLI prints it and exits 2."""

    exit_code = 2

    def __init__(self, message: str, path: str | Path | None = None, line: int | None = None):
        self.message = message
        self.path = Path(path) if path is not None else None
        self.line = line
        super().__init__(str(self))

    def __str__(self) -> str:
        """``file:line: message``, every control character shown visibly (:mod:`locpipe.display`).

        A file name or a quoted input may hold terminal escapes: printed raw,
        they could rewrite what the user sees.
        """
        where = ""
        if self.path is not None:
            shown = visible(str(self.path))
            where = f"{shown}:{self.line}: " if self.line else f"{shown}: "
        return f"{where}{visible(self.message, newlines=True)}"

    def __reduce__(self):
        """Pickled whole (path and line kept), e.g. from a worker process."""
        return (type(self), (self.message, self.path, self.line))
