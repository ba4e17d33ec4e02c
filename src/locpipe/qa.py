"""Quality checks on translations, in the spirit of translate-toolkit's ``pofilter``.

The entry point the steps use; the checks themselves are in
:mod:`locpipe.checks` (one family per module, one :data:`~locpipe.checks.REGISTRY`),
the code that runs them in :mod:`locpipe.checks.runner`.
"""

from __future__ import annotations

from locpipe.checks import CHECKS, REGISTRY
from locpipe.checks.base import (
    DEFAULT_UI_LENGTH_RATIO,
    ERROR,
    UI_DOMAIN,
    WARNING,
    Check,
    Finding,
    QAContext,
)
from locpipe.checks.entries import nplurals_of
from locpipe.checks.invisible import describe_char, extra_invisible, invisible_in, publishable
from locpipe.checks.markup import markup_findings
from locpipe.checks.runner import (
    IGNORE_MARK,
    MACHINE_MARK,
    WEBLATE_IGNORES,
    check_catalog,
    check_entry,
    ignored_checks,
)
from locpipe.checks.text import emails_in, numbers_in, placeholders_in, urls_in

#: Checks a ``locpipe-ignore`` comment or flag does not silence.
UNSILENCED = frozenset(c.name for c in REGISTRY if not c.silenceable)

__all__ = [
    "CHECKS",
    "DEFAULT_UI_LENGTH_RATIO",
    "ERROR",
    "IGNORE_MARK",
    "MACHINE_MARK",
    "UI_DOMAIN",
    "UNSILENCED",
    "WARNING",
    "WEBLATE_IGNORES",
    "Check",
    "Finding",
    "QAContext",
    "check_catalog",
    "check_entry",
    "describe_char",
    "emails_in",
    "extra_invisible",
    "ignored_checks",
    "invisible_in",
    "markup_findings",
    "nplurals_of",
    "numbers_in",
    "placeholders_in",
    "publishable",
    "urls_in",
]
