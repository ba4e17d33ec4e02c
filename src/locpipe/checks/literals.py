"""Literal checks: URLs, e-mail addresses and numbers are the source's."""

from __future__ import annotations

from locpipe.checks.base import ERROR, QAContext, check
from locpipe.checks.text import differ, emails_in, numbers_in, urls_in


@check("urls", ERROR, "URLs differ from the source")
def urls(source: str, target: str, ctx: QAContext) -> list[str]:
    return differ("URLs", urls_in(source), urls_in(target))


@check("emails", ERROR, "e-mail addresses differ from the source")
def emails(source: str, target: str, ctx: QAContext) -> list[str]:
    return differ("e-mail addresses", emails_in(source), emails_in(target))


@check("numbers", ERROR, "numbers differ from the source")
def numbers(source: str, target: str, ctx: QAContext) -> list[str]:
    return differ("numbers", numbers_in(source), numbers_in(target))
