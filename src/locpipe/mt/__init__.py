"""Machine-translation backends and their registry.

Each backend is one module defining a :class:`~locpipe.mt.base.Backend`
subclass; register it in :data:`BACKENDS` under its ``name``.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from locpipe.errors import LocpipeError
from locpipe.mt.apertium import ApertiumBackend
from locpipe.mt.base import Backend
from locpipe.mt.online import ONLINE_BACKENDS
from locpipe.mt.pseudo import PseudoBackend

#: Backend name (as in the configuration) → class.
BACKENDS: dict[str, type[Backend]] = {
    **{cls.name: cls for cls in (PseudoBackend, ApertiumBackend)},
    **ONLINE_BACKENDS,
}

__all__ = ["BACKENDS", "Backend", "get_backend"]


def get_backend(
    name: str,
    *,
    do_not_translate: Sequence[str] = (),
    options: Mapping[str, object] | None = None,
    glossary: Mapping[str, Mapping[str, str]] | None = None,
) -> Backend:
    """A new backend instance; LocpipeError naming the known backends for an unknown name."""
    try:
        cls = BACKENDS[name]
    except KeyError:
        known = ", ".join(sorted(BACKENDS))
        raise LocpipeError(f"unknown translation backend {name!r} (known: {known})") from None
    return cls(do_not_translate=do_not_translate, options=options, glossary=glossary)
