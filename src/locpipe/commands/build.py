"""``locpipe build``: the localized pages and the .mo files."""

from __future__ import annotations

import click

from locpipe.commands.runner import Context, lang_option, pass_context, plural, run_step


@click.command()
@lang_option
@click.option("--reviewed-only", is_flag=True, help="Leave machine (fuzzy) translations out.")
@click.option(
    "--publish-threshold",
    type=click.FloatRange(0, 100),
    default=None,
    metavar="PERCENT",
    help="Do not build an article in a language where less than PERCENT of its units are "
    "translated (machine drafts count unless --reviewed-only); "
    "default: publish_threshold in locpipe.toml, else 0.",
)
@pass_context
def build(
    ctx: Context,
    languages: tuple[str, ...],
    reviewed_only: bool,
    publish_threshold: float | None = None,
) -> None:
    """Build localized pages into the build folder, and .mo files."""

    def run() -> None:
        from locpipe.steps.build import build as build_step

        result = build_step(ctx.project, ctx.languages(languages), reviewed_only, publish_threshold)
        held = f", {len(result.held_back)} held back" if result.held_back else ""
        ctx.say(
            f"build: {plural(len(result.written) + len(result.unchanged), 'page')} "
            f"({len(result.written)} written, {len(result.unchanged)} unchanged{held}) in "
            f"{ctx.project.relative(ctx.project.paths.build)}/, {len(result.mo_files)} .mo files"
        )
        if result.held_back:
            drafts = "reviewed only" if reviewed_only else "machine drafts count"
            ctx.say(
                f"held back (publish threshold {result.publish_threshold:g}%, {drafts}; "
                "left out of the index and hreflang alternates):"
            )
            for item in result.held_back:
                ctx.say(f"  {item.describe()}")
        for path in result.removed:
            ctx.say(f"  removed {ctx.project.relative(path)} (held back)")
        for path in result.stale:
            ctx.say(f"  removed {ctx.project.relative(path)} (no longer built)")
        if result.manifest_problem:
            from locpipe.manifest import MANIFEST_NAME

            manifest = ctx.project.relative(ctx.project.paths.build / MANIFEST_NAME)
            click.echo(
                f"locpipe: warning: {manifest}: {result.manifest_problem} (files of deleted "
                "articles may remain in the build folder; this build wrote a new one)",
                err=True,
            )
        for path, why in result.untranslated:
            click.echo(f"locpipe: warning: {ctx.project.relative(path)}: {why}", err=True)
        for path, msgid in result.rejected:
            click.echo(
                f"locpipe: warning: {ctx.project.relative(path)}: translation of {msgid[:60]!r} "
                "has inline tags or placeholders unlike the source's (see `locpipe check`); "
                "the source text was used",
                err=True,
            )

    run_step(run)
