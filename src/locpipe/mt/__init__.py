"""Machine-translation backends and their registry.

Each backend is one module defining a :class:`~locpipe.mt.base.Backend`
subclass that declares its ``[mt.NAME]`` keys (``config_options``); register
it in :data:`BACKEND_CLASSES` under its ``name``, the one registry (the
configuration is validated by asking the class named there).  Only the module
of the backend asked for is imported: Apertium never loads ``requests``,
which the online engines need (and load on their first request only).
"""

from __future__ import annotations

import importlib
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any

from locpipe.errors import LocpipeError

if TYPE_CHECKING:
    from locpipe.mt.base import Backend

__all__ = ["BACKENDS", "BACKEND_CLASSES", "Backend", "backend_class", "get_backend"]

#: Backend name (as in the configuration) → ``"module:Class"``.
BACKEND_CLASSES: dict[str, str] = {
    "pseudo": "locpipe.mt.pseudo:PseudoBackend",
    "apertium": "locpipe.mt.apertium:ApertiumBackend",
    "deepl": "locpipe.mt.deepl:DeepLBackend",
    "libre": "locpipe.mt.libre:LibreBackend",
    "microsoft": "locpipe.mt.microsoft:MicrosoftBackend",
    "google": "locpipe.mt.google:GoogleBackend",
    "mymemory": "locpipe.mt.mymemory:MyMemoryBackend",
    "openai": "locpipe.mt.llm:OpenAIChatBackend",
    "ctranslate2": "locpipe.mt.neural:CTranslate2Backend",
}


def backend_class(name: str) -> type[Backend]:
    """The class of backend ``name`` (its module imported now); LocpipeError naming
    the known backends for an unknown name."""
    try:
        module, _, attribute = BACKEND_CLASSES[name].partition(":")
    except KeyError:
        known = ", ".join(sorted(BACKEND_CLASSES))
        raise LocpipeError(f"unknown translation backend {name!r} (known: {known})") from None
    cls: type[Backend] = getattr(importlib.import_module(module), attribute)
    return cls


def __getattr__(name: str) -> Any:
    if name == "BACKENDS":  # Backend name → class: imports every engine (``locpipe backends``).
        return {each: backend_class(each) for each in BACKEND_CLASSES}
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
    cls = backend_class(name)
    return cls(do_not_translate=do_not_translate, options=options, glossary=glossary)
