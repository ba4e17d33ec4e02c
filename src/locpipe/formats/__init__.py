"""Source formats: one module each, registered in :data:`FORMATS`.

Adding a format is one module exposing ``FORMAT`` (a
:class:`~locpipe.formats.base.SourceFormat`) and one line here.  Modules are
imported on first use, so a command that reads no source pays for none.
"""

from __future__ import annotations

from functools import cache
from importlib import import_module
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from locpipe.formats.base import SourceFormat

#: Format name → ``module:attribute`` of its :class:`~locpipe.formats.base.SourceFormat`.
FORMATS: dict[str, str] = {
    "html": "locpipe.formats.html:FORMAT",
    "markdown": "locpipe.formats.markdown:FORMAT",
}


@cache
def load_format(name: str) -> SourceFormat:
    """The registered format ``name`` (imported once)."""
    module, _, attribute = FORMATS[name].partition(":")
    return getattr(import_module(module), attribute)


@cache
def _by_suffix() -> dict[str, SourceFormat]:
    found: dict[str, SourceFormat] = {}
    for name in FORMATS:
        for suffix in load_format(name).suffixes:
            found.setdefault(suffix.lower(), load_format(name))
    return found


def format_for(path: Path | str) -> SourceFormat | None:
    """The format that reads ``path``, by its suffix (any case); None: not a source."""
    return _by_suffix().get(Path(path).suffix.lower())


def source_suffixes() -> tuple[str, ...]:
    """Every suffix a registered format reads (lower case, with the dot)."""
    return tuple(_by_suffix())
