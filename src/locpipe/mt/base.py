"""The machine-translation backend interface.

A backend translates batches of msgids (locpipe's compact form, see
:mod:`locpipe.units`) between Babel/POSIX language codes.  It protects
markup, placeholders and do-not-translate terms with :mod:`locpipe.mt.protect`
and answers ``None`` for a text it could not translate safely; the caller then
leaves that entry untranslated.  Backends hold resources (processes, HTTP
sessions), so they are context managers.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Mapping, Sequence
from types import TracebackType
from typing import ClassVar, Self

from locpipe.mt.protect import Protector


class Backend(ABC):
    """One translation engine."""

    #: Registry name, as written in the configuration (``"apertium"``).
    name: ClassVar[str]

    def __init__(
        self,
        *,
        do_not_translate: Sequence[str] = (),
        options: Mapping[str, object] | None = None,
    ) -> None:
        self.do_not_translate: tuple[str, ...] = tuple(do_not_translate)
        self.options: dict[str, object] = dict(options or {})
        self.protector = Protector(self.do_not_translate)

    @abstractmethod
    def check_pair(self, source: str, target: str) -> None:
        """Raise :class:`~locpipe.errors.LocpipeError` when source→target is unreachable."""

    @abstractmethod
    def translate(self, texts: Sequence[str], source: str, target: str) -> list[str | None]:
        """Translate ``texts``; same length, ``None`` where a text failed verification."""

    def describe(self, source: str, target: str) -> str:
        """Short engine description for the translator comment (``"apertium ita-spa"``)."""
        return self.name

    def close(self) -> None:  # noqa: B027 - optional hook, nothing to release by default
        """Release processes or connections; the backend may be reused afterwards."""

    def __enter__(self) -> Self:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()
