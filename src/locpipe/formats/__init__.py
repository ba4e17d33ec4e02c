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


def load_format(name: str) -> SourceFormat:
    """The registered format ``name`` (imported once)."""
    return _load(FORMATS[name])


@cache
def _load(target: str) -> SourceFormat:
    module, _, attribute = target.partition(":")
    return getattr(import_module(module), attribute)


def _by_suffix() -> dict[str, SourceFormat]:
    """Suffix → format, for the registry as it is now (a line added later counts)."""
    return _suffix_map(tuple(FORMATS.values()))


@cache
def _suffix_map(targets: tuple[str, ...]) -> dict[str, SourceFormat]:
    found: dict[str, SourceFormat] = {}
    for target in targets:
        for suffix in _load(target).suffixes:
            found.setdefault(suffix.lower(), _load(target))
    return found


def format_for(path: Path | str) -> SourceFormat | None:
    """The format that reads ``path``, by its suffix (any case); None: not a source."""
    return _by_suffix().get(Path(path).suffix.lower())


def source_suffixes() -> tuple[str, ...]:
    """Every suffix a registered format reads (lower case, with the dot)."""
    return tuple(_by_suffix())
