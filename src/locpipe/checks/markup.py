"""Markup checks: inline tags and format placeholders must be the source's."""

from __future__ import annotations

from locpipe.checks.base import ERROR, NO_CONTEXT, QAContext, check
from locpipe.checks.text import differ, placeholders_in, show
from locpipe.units import tags_in, tags_well_nested


@check("tags", ERROR, "inline tags (<a1>…</a1>, <br/>) differ from the source")
def tags(source: str, target: str, ctx: QAContext) -> list[str]:
    found = differ("inline tags", tags_in(source), tags_in(target))
    if not found and tags_well_nested(tags_in(source)) and not tags_well_nested(tags_in(target)):
        found.append(f"inline tags do not nest like the source's: {show(tags_in(target))}")
    return found


@check("placeholders", ERROR, "placeholders (%(x)s, {x}, %s) differ")
def placeholders(source: str, target: str, ctx: QAContext) -> list[str]:
    return differ("placeholders", placeholders_in(source), placeholders_in(target))


def markup_findings(source: str, target: str) -> list[str]:
    """What the ``tags`` and ``placeholders`` checks find (they need no context).

    Build uses no translation with a finding: its tags and placeholders must
    be the source's, as many times each, tags well nested.
    """
    if not any(c in source or c in target for c in "<%{"):
        return []  # neither has a tag or a placeholder
    return tags(source, target, NO_CONTEXT) + placeholders(source, target, NO_CONTEXT)
