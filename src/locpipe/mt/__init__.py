"""Machine-translation backends and their registry.

Each backend is one module defining a :class:`~locpipe.mt.base.Backend`
subclass; register it in :data:`BACKENDS` under its ``name``.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from functools import cache
from typing import TYPE_CHECKING, Any

from locpipe.errors import LocpipeError

if TYPE_CHECKING:
    from locpipe.mt.base import Backend

__all__ = ["BACKENDS", "Backend", "get_backend"]


@cache
def _backends() -> dict[str, type[Backend]]:
    """Backend name (as in the configuration) → class; the engines (and ``requests``)
    are imported on first use, not by ``import locpipe.mt.settings``."""
    from locpipe.mt.apertium import ApertiumBackend
    from locpipe.mt.online import ONLINE_BACKENDS
    from locpipe.mt.pseudo import PseudoBackend

    return {
        **{cls.name: cls for cls in (PseudoBackend, ApertiumBackend)},
        **ONLINE_BACKENDS,
    }


def __getattr__(name: str) -> Any:
    if name == "BACKENDS":  # Backend name (as in the configuration) → class.
        return _backends()
    if name == "Backend":
        from locpipe.mt.base import Backend

        return Backend
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def get_backend(
    name: str,
    *,
    do_not_translate: Sequence[str] = (),
    options: Mapping[str, object] | None = None,
    glossary: Mapping[str, Mapping[str, str]] | None = None,
) -> Backend:
    """A new backend instance; LocpipeError naming the known backends for an unknown name."""
    try:
        cls = _backends()[name]
    except KeyError:
        known = ", ".join(sorted(_backends()))
        raise LocpipeError(f"unknown translation backend {name!r} (known: {known})") from None
    return cls(do_not_translate=do_not_translate, options=options, glossary=glossary)
