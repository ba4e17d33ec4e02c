"""``locpipe prune``: remove the catalogs of deleted articles (their reviewed work is kept)."""

from __future__ import annotations

import click

from locpipe.commands.runner import Context, lang_option, pass_context, plural, run_step


@click.command()
@lang_option
@click.option(
    "--dry-run", is_flag=True, help="List what would be kept and removed; change nothing."
)
@pass_context
def prune(ctx: Context, languages: tuple[str, ...], dry_run: bool) -> None:
    """Remove the catalogs whose article is gone (`update` lists them), after moving
    their reviewed translations into the translation memory (locales/LANG/memory.po,
    which translate reuses)."""

    def run() -> None:
        from locpipe.steps.prune import prune as prune_step

        project = ctx.project
        result = prune_step(project, project.check_languages(languages), dry_run)
        say = click.echo if dry_run else ctx.say
        verb = "would move" if dry_run else "moved"
        for item in result.pruned:
            mo = " and its .mo" if item.mo is not None else ""
            say(
                f"  {project.relative(item.catalog.path)}: {verb} "
                f"{plural(item.reviewed, 'reviewed translation')} to "
                f"{project.relative(item.memory)}; {'would remove' if dry_run else 'removed'} "
                f"it{mo}"
            )
        count = plural(len(result.pruned), "orphaned catalog")
        kept = plural(sum(item.reviewed for item in result.pruned), "reviewed translation")
        if dry_run:
            say(f"prune (dry run): {count}, {kept} to keep; nothing changed")
        else:
            say(f"prune: {count} removed, {kept} kept in the translation memory")

    run_step(run)
