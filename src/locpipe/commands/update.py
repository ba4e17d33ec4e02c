"""``locpipe update``: create the missing catalogs and merge the templates into them."""

from __future__ import annotations

from typing import TYPE_CHECKING

import click

from locpipe.commands.runner import Context, lang_option, pass_context, run_step

if TYPE_CHECKING:
    from locpipe.project import Project


@click.command()
@lang_option
@pass_context
def update(ctx: Context, languages: tuple[str, ...]) -> None:
    """Create missing catalogs and merge templates into them (msgmerge semantics)."""

    def run() -> None:
        from locpipe.steps.update import update as update_step

        result = update_step(ctx.project, ctx.languages(languages))
        ctx.say(
            f"update: {len(result.created)} created, {len(result.updated)} updated, "
            f"{len(result.unchanged)} unchanged"
        )
        warn_strays(ctx.project, result.orphans, result.unconfigured)

    run_step(run)


def warn_strays(project: Project, orphans: list, unconfigured: list) -> None:
    """One warning per catalog no step uses (:mod:`locpipe.strays`), on stderr."""
    from locpipe.strays import stray_warnings

    for line in stray_warnings(project, orphans, unconfigured):
        click.echo(f"locpipe: warning: {line}", err=True)
