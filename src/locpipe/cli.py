"""The ``locpipe`` command: the group, its global options, and :data:`COMMANDS`.

Exit codes: 0 done, 1 check thresholds not met, 2 bad input or usage,
130 interrupted (everything finished before the interrupt is saved).
"""

from __future__ import annotations

import importlib
from pathlib import Path
from typing import Any

import click

from locpipe.commands.runner import Context
from locpipe.display import visible

#: Every command: name → ``module:function`` of :mod:`locpipe.commands`.  A
#: command's module is imported when the command runs (or ``--help`` lists it);
#: the steps, the engines, Jinja2 and Babel only when a step needs them.
COMMANDS = {
    "all": "locpipe.commands.all_steps:all_steps",
    "backends": "locpipe.commands.backends:backends",
    "build": "locpipe.commands.build:build",
    "check": "locpipe.commands.check:check",
    "export": "locpipe.commands.export:export_command",
    "extract": "locpipe.commands.extract:extract",
    "init": "locpipe.commands.init:init",
    "merge": "locpipe.commands.merge:merge_command",
    "prune": "locpipe.commands.prune:prune",
    "report": "locpipe.commands.report:report",
    "review": "locpipe.commands.review:review_command",
    "tm": "locpipe.commands.tm:tm",
    "translate": "locpipe.commands.translate:translate",
    "update": "locpipe.commands.update:update",
    "weblate-config": "locpipe.commands.weblate_config:weblate_config_command",
}


class LazyGroup(click.Group):
    """The group of :data:`COMMANDS`, each imported only when it is asked for."""

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted(COMMANDS)

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        target = COMMANDS.get(cmd_name)
        if target is None:
            return None
        module, name = target.split(":")
        return getattr(importlib.import_module(module), name)

    def invoke(self, ctx: click.Context) -> Any:
        """Click's own errors (a bad option, a missing file) quote what was typed:
        their control characters are shown visibly too (:mod:`locpipe.display`)."""
        try:
            return super().invoke(ctx)
        except click.ClickException as exc:
            exc.message = visible(exc.message)  # type: ignore[misc]  # Final in click's hints
            raise


@click.group(cls=LazyGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.option(
    "-C",
    "directory",
    type=click.Path(file_okay=False, path_type=Path),
    default=Path("."),
    help="Run on the project in DIR (like make -C).",
    metavar="DIR",
)
@click.option("-q", "--quiet", is_flag=True, help="Print only errors and the check table.")
@click.option(
    "--no-wait",
    is_flag=True,
    help="Fail (exit 2) instead of waiting when another locpipe command is writing the project.",
)
@click.option(
    "-j",
    "--jobs",
    type=click.IntRange(min=1),
    default=None,
    envvar="LOCPIPE_JOBS",
    help="Worker processes for extract, update, check and build, and languages translated "
    "at once (default: every core; 1: none).",
)
@click.version_option(package_name="locpipe")
@click.pass_context
def main(ctx: click.Context, directory: Path, quiet: bool, no_wait: bool, jobs: int | None) -> None:
    """locpipe: localize web articles: extract, update, translate, check, build."""
    if not directory.is_dir():
        raise click.BadParameter(f"{directory} is not a folder", param_hint="-C")
    ctx.obj = Context(directory, quiet, ctx.invoked_subcommand, wait=not no_wait, jobs=jobs)
    ctx.call_on_close(ctx.obj.close)
