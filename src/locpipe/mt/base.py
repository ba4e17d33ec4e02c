"""The machine-translation backend interface.

A backend translates batches of msgids (locpipe's compact form, see
:mod:`locpipe.units`) between Babel/POSIX language codes.  It protects
markup, placeholders and do-not-translate terms with :mod:`locpipe.mt.protect`
and answers ``None`` for a text it could not translate safely; the caller then
leaves that entry untranslated.  Backends hold resources (processes, HTTP
sessions), so they are context managers.

:meth:`Backend.translate_outcomes` is the detailed form the translate step
uses: each text gets an :class:`Outcome` saying why it failed and whether the
failure is transient (network, deadline: never cached) or not (verification).
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from types import TracebackType
from typing import Any, ClassVar, Self

from locpipe.mt.protect import Protector
from locpipe.mt.settings import MTSettings

VERIFICATION_FAILED = "engine output failed verification"


@dataclass(frozen=True)
class Outcome:
    """One text's result: the translation, or why there is none."""

    text: str | None
    error: str | None = None
    #: True for network failures and deadlines: the text may succeed next time.
    transient: bool = False


class Backend(ABC):
    """One translation engine."""

    #: Registry name, as written in the configuration (``"apertium"``).
    name: ClassVar[str]
    #: True when :meth:`translate` may be called from several threads at once
    #: (for the same or different language pairs; the backend serialises what
    #: must be) and gains from it: the engine works outside the GIL, e.g. in
    #: subprocesses.  The translate step then runs languages at the same time
    #: and prepares a language's next batch while the engine works on one.
    #: Online engines keep False: their in-flight cap and rate limit are
    #: meant for one call at a time.
    parallel: ClassVar[bool] = False
    #: True when :meth:`translate_outcomes` takes ``titles=``: for each text, the title
    #: of the article it comes from (context for an LLM).
    wants_titles: ClassVar[bool] = False
    #: The keys this class adds to the engine's ``[mt.NAME]`` table, each with its
    #: kind: ``str``, ``int``, ``float`` or a kind of :mod:`locpipe.mt.settings`
    #: (``URL``, ``Table``, ``Chains``).  Subclasses inherit their bases' options.
    config_options: ClassVar[Mapping[str, Any]] = {}

    @classmethod
    def known_options(cls) -> dict[str, Any]:
        """Every key the engine accepts in ``[mt.NAME]``: its own and its bases' options."""
        known: dict[str, Any] = {}
        for klass in reversed(cls.__mro__):
            known.update(vars(klass).get("config_options", {}))
        return known

    def __init__(
        self,
        *,
        do_not_translate: Sequence[str] = (),
        options: Mapping[str, object] | None = None,
        glossary: Mapping[str, Mapping[str, str]] | None = None,
    ) -> None:
        self.do_not_translate: tuple[str, ...] = tuple(do_not_translate)
        self.options: dict[str, object] = dict(options or {})
        settings = self.options.get("mt")
        #: This engine's ``[mt.NAME]`` table, validated against :meth:`known_options`.
        self.engine_options: dict[str, Any] = (
            settings.engine(self.name) if isinstance(settings, MTSettings) else {}
        )
        #: target language → {source term: forced translation}
        self.glossary: dict[str, dict[str, str]] = {k: dict(v) for k, v in (glossary or {}).items()}
        self.protector = Protector(self.do_not_translate, self.glossary)

    @abstractmethod
    def check_pair(self, source: str, target: str) -> None:
        """Raise :class:`~locpipe.errors.LocpipeError` when source→target is unreachable."""

    @abstractmethod
    def translate(self, texts: Sequence[str], source: str, target: str) -> list[str | None]:
        """Translate ``texts``; same length, ``None`` where a text failed verification."""

    def translate_outcomes(self, texts: Sequence[str], source: str, target: str) -> list[Outcome]:
        """Like :meth:`translate`, with the reason of each failure."""
        return [
            Outcome(text) if text is not None else Outcome(None, VERIFICATION_FAILED)
            for text in self.translate(texts, source, target)
        ]

    def prepare(self, source: str, target: str) -> None:  # noqa: B027 - optional hook
        """Get ready for source→target (start an engine) without waiting; never required."""

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
