"""``locpipe check``: completeness and quality of the catalogs; the CI gate."""

from __future__ import annotations

import sys
from typing import TYPE_CHECKING

import click

from locpipe.commands.runner import Context, lang_option, pass_context, run_step
from locpipe.display import visible

if TYPE_CHECKING:
    from locpipe.steps.check import CheckResult


def check_table(result: CheckResult) -> str:
    rows = [
        (
            "language",
            "catalog",
            "translated",
            "fuzzy",
            "untranslated",
            "complete",
            "errors",
            "warnings",
        )
    ]
    for r in result.rows:
        s = r.stats
        rows.append(
            (
                r.language,
                r.domain,
                str(s.translated) if s else "-",
                str(s.fuzzy) if s else "-",
                str(s.untranslated) if s else "-",
                f"{s.percent_complete:.0f}%" if s else "error",
                str(r.errors),
                str(r.warnings),
            )
        )
    widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]))]
    lines = []
    for row in rows:
        cells = [
            cell.ljust(widths[i]) if i < 2 else cell.rjust(widths[i]) for i, cell in enumerate(row)
        ]
        lines.append("  ".join(cells).rstrip())
    return "\n".join(lines)


def run_check(
    ctx: Context,
    languages: tuple[str, ...],
    min_complete: float,
    fmt: str,
    gate: bool,
    strict: bool = False,
) -> CheckResult:
    """Check and print; with ``gate`` exit 1 below the threshold, on errors (and
    on warnings with ``strict``).

    Each catalog's errors and findings are printed as its check ends and not
    kept (a big site has millions of them); the table and the totals follow.
    """
    from locpipe.steps import check as step

    result = step.CheckResult([], min_complete, strict)  # totals and table rows
    if fmt == "text":  # `all` has heard of the stray catalogs from update already
        for line in step.site_warnings(ctx.project, ctx.languages(languages), strays=gate):
            click.echo(f"locpipe: warning: {line}", err=True)
    reports = step.check_reports(
        ctx.project,
        ctx.languages(languages),
        details=gate or strict or fmt != "text",  # `all` prints only the counts of warnings
        shorten=60 if fmt == "text" else None,  # the text listing prints msgid[:60]
        trust_stamps=not strict,  # the cache may be forged: --strict reads every catalog
    )
    if fmt != "text":
        for chunk in (step.json_chunks if fmt == "json" else step.junit_chunks)(result, reports):
            click.echo(chunk, nl=False)
        click.echo()
    else:
        for report in reports:
            result.add(report, keep=False)
            for error in report.errors:  # msgfmt quotes the catalog: shown visibly
                click.echo(f"locpipe: error: {visible(error, newlines=True)}", err=True)
            for finding in report.findings:
                is_error = finding.severity == "error"
                if (ctx.quiet or not gate) and not is_error and not strict:
                    continue  # `all` reports warnings as a count; `check` lists them
                draft = " (machine draft)" if finding.fuzzy else ""
                click.echo(
                    visible(
                        f"locpipe: {finding.severity}: {report.relative}:{finding.line}: "
                        f"[{finding.check}] {finding.message}{draft}: {finding.msgid[:60]!r}"
                    ),
                    err=True,
                )
        click.echo(check_table(result))
        warnings = result.warnings
        summary = (
            f"check: {result.catalogs} catalogs, "
            f"{result.catalogs_below} below {min_complete:g}% complete, "
            f"{result.errors} errors, {warnings} warnings"
            f"{' (--strict: warnings fail)' if strict and warnings else ''}"
            f"{'; `locpipe check` lists them' if warnings and not gate else ''}"
        )
        click.echo(summary, err=not gate)
    if gate and not result.passed:
        sys.exit(1)
    return result


@click.command()
@lang_option
@click.option(
    "--min-complete",
    type=click.FloatRange(0, 100),
    default=100.0,
    show_default=True,
    help="Percent of entries translated and reviewed (not fuzzy) each catalog needs.",
)
@click.option("--strict", is_flag=True, help="Warnings fail the check too.")
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["text", "json", "junit"]),
    default="text",
    help="text table, JSON for dashboards, or JUnit XML for CI.",
)
@pass_context
def check(
    ctx: Context, languages: tuple[str, ...], min_complete: float, strict: bool, fmt: str
) -> None:
    """Completeness and quality checks; exit 1 when a catalog is below --min-complete,
    broken, or fails a check (errors; warnings too with --strict).

    Silence a check on one entry with a translator comment
    `# locpipe-ignore: numbers` (see `locpipe check --format json` for the checks).
    """
    run_step(lambda: run_check(ctx, languages, min_complete, fmt, gate=True, strict=strict))
