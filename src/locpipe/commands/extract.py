"""``locpipe extract``: one template (.pot) per article, and ui.pot for the templates."""

from __future__ import annotations

import click

from locpipe.commands.runner import Context, pass_context, plural, run_step


@click.command()
@pass_context
def extract(ctx: Context) -> None:
    """Write a .pot per article and ui.pot for the templates' strings."""

    def run() -> None:
        from locpipe.steps.extract import extract as extract_step

        result = extract_step(ctx.project)
        ctx.say(
            f"extract: {plural(len(result.written) + len(result.unchanged), 'template')} "
            f"({len(result.written)} written, {len(result.unchanged)} unchanged"
            f"{f', {len(result.removed)} removed' if result.removed else ''}), "
            f"{result.units} entries"
        )

    run_step(run)
