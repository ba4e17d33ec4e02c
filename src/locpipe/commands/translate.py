"""``locpipe translate``: machine drafts (fuzzy) for the untranslated entries."""

from __future__ import annotations

import sys
from typing import TYPE_CHECKING, Any

import click

from locpipe.commands.runner import Context, lang_option, pass_context, run_step
from locpipe.display import visible

if TYPE_CHECKING:
    from locpipe.steps.translate import TranslateResult


def run_translate(
    ctx: Context, languages: tuple[str, ...], backend: str | None, dry_run: bool = False
) -> TranslateResult:
    """Translate with a progress bar on stderr (when it is a terminal) and print the summary."""
    from locpipe.steps.translate import summary_lines
    from locpipe.steps.translate import translate as translate_step

    show = not ctx.quiet and sys.stderr.isatty() and not dry_run
    bar: Any = None

    def on_total(total: int) -> None:
        nonlocal bar
        if show and total:
            bar = click.progressbar(length=total, label="translate", file=sys.stderr)
            bar.__enter__()

    try:
        result = translate_step(
            ctx.project,
            ctx.languages(languages),
            backend,
            progress=lambda n: bar.update(n) if bar is not None else None,
            on_total=on_total,
            dry_run=dry_run,
        )
    finally:
        if bar is not None:
            bar.__exit__(None, None, None)
    for line in summary_lines(result, ctx.project.relative):
        line = visible(line, newlines=True)  # engine messages are untrusted
        if line.startswith("locpipe: warning"):
            click.echo(line, err=True)
        elif dry_run:
            click.echo(line)
        else:
            ctx.say(line)
    return result


@click.command()
@lang_option
@click.option("--backend", "backend", metavar="NAME", help="Override the configured backend.")
@click.option(
    "--dry-run",
    is_flag=True,
    help="Print how many texts and characters would go to the engine per language; "
    "send and write nothing.",
)
@pass_context
def translate(ctx: Context, languages: tuple[str, ...], backend: str | None, dry_run: bool) -> None:
    """Machine-translate untranslated entries; results are marked fuzzy for review.

    Exits 3 when some units could not be translated (they are listed; everything
    else is saved).
    """
    result = run_step(lambda: run_translate(ctx, languages, backend, dry_run))
    if result.failures and not result.dry_run:
        sys.exit(3)
