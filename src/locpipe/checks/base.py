"""What a check is: :class:`Check`, the decorators that make one, :class:`QAContext`.

A check has a short stable name (what ``# locpipe-ignore: name`` and the
reports use, as Weblate's ``BaseCheck.check_id``), a severity and a one-line
description.  Most checks compare one source text with one translation
(``@check``); a few look at a whole entry (``@entry_check``: its plural forms)
or at a whole catalog (``@catalog_check``: its obsolete entries).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

import polib

ERROR = "error"
WARNING = "warning"

#: What a check looks at: one (source, translation) pair, one entry, one catalog.
TEXT = "text"
ENTRY = "entry"
CATALOG = "catalog"

UI_DOMAIN = "ui"
#: How much longer than its source a UI string may be (ratio of characters).
DEFAULT_UI_LENGTH_RATIO = 1.6


def listed(language: str, languages: Iterable[str]) -> bool:
    """``language`` or its base language is in ``languages`` (``fr`` covers ``fr_BE``)."""
    return any(language == code or language.startswith(code + "_") for code in languages)


@dataclass(frozen=True)
class Finding:
    """One failed check on one catalog entry."""

    check: str
    severity: str
    message: str
    line: int | None
    msgid: str
    msgstr: str = ""
    msgctxt: str | None = None
    fuzzy: bool = False

    def as_dict(self) -> dict[str, object]:
        return {
            "check": self.check,
            "severity": self.severity,
            "message": self.message,
            "line": self.line,
            "msgctxt": self.msgctxt,
            "msgid": self.msgid,
            "msgstr": self.msgstr,
            "fuzzy": self.fuzzy,
        }


@dataclass
class QAContext:
    """What the checks need to know besides the entry."""

    language: str
    domain: str = ""
    do_not_translate: tuple[str, ...] = ()
    glossary: Mapping[str, str] = field(default_factory=dict)
    nplurals: int | None = None
    ui_length_ratio: float = DEFAULT_UI_LENGTH_RATIO
    #: Check French spacing (no-break space before ; : ! ? » and after «).
    french_spacing: bool = False
    #: The entry being checked is all code (extracted comment ``td > code``).
    verbatim: bool = False
    #: The translation is a machine draft (a ``# machine translation:`` comment).
    machine: bool = False

    @property
    def is_ui(self) -> bool:
        return self.domain == UI_DOMAIN

    @classmethod
    def for_catalog(cls, config: object, language: str, domain: str) -> QAContext:
        """A context from a :class:`locpipe.config.Config` (duck-typed)."""
        glossary: Mapping[str, Mapping[str, str]] = getattr(config, "glossary", {}) or {}
        terms = dict(glossary.get(language) or glossary.get(language.split("_")[0]) or {})
        return cls(
            language=language,
            domain=domain,
            do_not_translate=tuple(getattr(config, "do_not_translate", ()) or ()),
            glossary=terms,
            nplurals=None,
            ui_length_ratio=float(
                getattr(config, "ui_length_ratio", None) or DEFAULT_UI_LENGTH_RATIO
            ),
            french_spacing=listed(language, getattr(config, "french_spacing", ("fr",))),
        )


#: A context that knows nothing of the project (checks that need none).
NO_CONTEXT = QAContext(language="")

TextCheck = Callable[[str, str, QAContext], list[str]]
EntryCheck = Callable[[polib.POEntry, QAContext], list[str]]
CatalogCheck = Callable[[polib.POFile, QAContext], Iterable[tuple[polib.POEntry, str]]]


@dataclass(frozen=True)
class Check:
    """A registered check: its name, severity, description and function.

    ``kind`` says what the function takes: :data:`TEXT` ``(source, translation,
    ctx)``, :data:`ENTRY` ``(entry, ctx)``, both returning one message per
    problem; :data:`CATALOG` ``(catalog, ctx)`` yielding ``(entry, message)``.
    A check that is not ``silenceable`` ignores ``locpipe-ignore`` (a catalog is
    untrusted: the comment could come from the hand that made the problem).
    """

    name: str
    severity: str
    description: str
    func: Callable[..., Any]
    kind: str = TEXT
    silenceable: bool = True

    def __call__(self, *args: Any) -> Any:
        """Run the check's function (a check is still the function it decorates)."""
        return self.func(*args)


def check(
    name: str, severity: str, description: str, *, silenceable: bool = True
) -> Callable[[TextCheck], Check]:
    """Make ``func(source, translation, ctx) -> list[str]`` a :class:`Check`."""
    return lambda func: Check(name, severity, description, func, TEXT, silenceable)


def entry_check(name: str, severity: str, description: str) -> Callable[[EntryCheck], Check]:
    """Make ``func(entry, ctx) -> list[str]`` a :class:`Check` of a whole entry."""
    return lambda func: Check(name, severity, description, func, ENTRY)


def catalog_check(name: str, severity: str, description: str) -> Callable[[CatalogCheck], Check]:
    """Make ``func(catalog, ctx)`` yielding ``(entry, message)`` a :class:`Check` of a catalog."""
    return lambda func: Check(name, severity, description, func, CATALOG)
