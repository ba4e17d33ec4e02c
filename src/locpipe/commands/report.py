"""``locpipe report``: the static HTML progress and quality page."""

from __future__ import annotations

import click

from locpipe.commands.runner import Context, lang_option, pass_context, run_step


@click.command()
@lang_option
@pass_context
def report(ctx: Context, languages: tuple[str, ...]) -> None:
    """Write build/report/index.html: progress bars, failed checks, changes since last time."""

    def run() -> None:
        from locpipe.steps.report import report as report_step

        result = report_step(ctx.project, ctx.project.check_languages(languages))
        rows = [row for section in result.sections for row in section.rows]
        findings = sum(len(row.findings) for row in rows)
        changed = "first report" if result.first_run else f"{len(result.changes)} catalogs changed"
        ctx.say(
            f"report: {ctx.project.relative(result.path)} "
            f"({'written' if result.written else 'unchanged'}): {len(rows)} catalogs, "
            f"{findings} failed checks, {changed}"
        )

    run_step(run)
