"""The quality checks, one family per module, and :data:`REGISTRY`: every check, in order.

Adding a check: a function decorated with :func:`~locpipe.checks.base.check`
(or ``entry_check``/``catalog_check``) in a family module or a new one, and one
line here.  The order is the order of the reports (errors first); the README
lists the same checks (``tests/test_checks_registry.py``).  Running them:
:mod:`locpipe.checks.runner`.
"""

from __future__ import annotations

from locpipe.checks import (
    code,
    entries,
    invisible,
    literals,
    markup,
    moved,
    terms,
    typography,
    unchanged,
)
from locpipe.checks.base import Check

REGISTRY: tuple[Check, ...] = (
    markup.tags,
    markup.placeholders,
    literals.urls,
    literals.emails,
    literals.numbers,
    terms.dnt,
    invisible.invisible,
    code.code,
    terms.glossary,
    unchanged.unchanged,
    typography.whitespace,
    typography.punctuation,
    typography.doublespace,
    typography.doublewords,
    typography.length,
    typography.french_spacing,
    terms.acronyms,
    code.code_case,
    moved.moved,
    entries.plurals,
    entries.obsolete_only,
)

#: The checks by name, in :data:`REGISTRY` order.
CHECKS: dict[str, Check] = {c.name: c for c in REGISTRY}
