"""``locpipe all``: every step in order, or the replay of the last run when nothing changed."""

from __future__ import annotations

from typing import TYPE_CHECKING

import click

from locpipe.commands.build import build
from locpipe.commands.check import run_check
from locpipe.commands.extract import extract
from locpipe.commands.runner import Context, lang_option, run_step
from locpipe.commands.translate import run_translate
from locpipe.commands.update import update

if TYPE_CHECKING:
    from locpipe.all_replay import AllStamp


@click.command(name="all")
@lang_option
@click.option("--backend", "backend", metavar="NAME", help="Override the configured backend.")
@click.pass_context
def all_steps(ctx: click.Context, languages: tuple[str, ...], backend: str | None) -> None:
    """extract, update, translate, check (report only), build.

    Units the engine could not translate are listed but do not stop the run:
    the check table shows them, and `locpipe check` is the gate.
    """
    stamp = run_step(lambda: _all_stamp(ctx.obj, languages, backend))
    output = run_step(stamp.replay)
    if output is not None:  # every byte as a complete run that changed nothing left it
        from locpipe.all_replay import print_output

        print_output(output)
        return
    from locpipe.all_replay import captured_output

    with captured_output() as printed:
        ctx.invoke(extract)
        ctx.invoke(update, languages=languages)
        translated = run_step(lambda: run_translate(ctx.obj, languages, backend))
        run_step(lambda: run_check(ctx.obj, languages, 100.0, "text", gate=False))
        ctx.invoke(build, languages=languages, reviewed_only=False)
    if translated.failures or translated.failed:  # the engine may do better next time
        stamp.forget()
    else:
        stamp.record(printed)


def _all_stamp(ctx: Context, languages: tuple[str, ...], backend: str | None) -> AllStamp:
    """The record of the last complete ``all`` with these options (:mod:`locpipe.all_replay`)."""
    import shutil

    from locpipe.all_replay import AllStamp, environment

    project = ctx.project
    paths = project.paths
    options = (sorted(languages), backend, ctx.quiet, shutil.which("msgfmt"))
    return AllStamp(
        project.root,
        [paths.source_articles, paths.templates, paths.locales, paths.build],
        [project.config.path],
        environment(project.environment, options),
    )
