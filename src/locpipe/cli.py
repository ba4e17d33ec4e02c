"""The ``locpipe`` command: thin click commands over the steps; errors → exit codes.

Exit codes: 0 done, 1 check thresholds not met, 2 bad input or usage,
130 interrupted (everything finished before the interrupt is saved).
"""

from __future__ import annotations

import json
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import click

from locpipe.errors import LocpipeError
from locpipe.project import Project
from locpipe.steps.build import build as build_step
from locpipe.steps.check import CheckResult
from locpipe.steps.check import check as check_step
from locpipe.steps.extract import extract as extract_step
from locpipe.steps.translate import translate as translate_step
from locpipe.steps.update import update as update_step

lang_option = click.option(
    "--lang",
    "languages",
    multiple=True,
    metavar="LANG",
    help="Only this language (repeatable; default: every configured language).",
)


class Context:
    """What every command gets: the project folder and output settings."""

    def __init__(self, directory: Path, quiet: bool):
        self.directory = directory
        self.quiet = quiet
        self._project: Project | None = None

    @property
    def project(self) -> Project:
        if self._project is None:
            self._project = Project(self.directory)
        return self._project

    def say(self, message: str) -> None:
        if not self.quiet:
            click.echo(message)


pass_context = click.make_pass_decorator(Context)


def _run(func: Callable[[], Any]) -> Any:
    """Run a step; bad input → message on stderr and exit 2."""
    try:
        return func()
    except LocpipeError as exc:
        click.echo(f"locpipe: error: {exc}", err=True)
        sys.exit(exc.exit_code)
    except KeyboardInterrupt:
        click.echo("locpipe: interrupted; finished work is saved", err=True)
        sys.exit(130)


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.option(
    "-C",
    "directory",
    type=click.Path(file_okay=False, path_type=Path),
    default=Path("."),
    help="Run on the project in DIR (like make -C).",
    metavar="DIR",
)
@click.option("-q", "--quiet", is_flag=True, help="Print only errors and the check table.")
@click.version_option(package_name="locpipe")
@click.pass_context
def main(ctx: click.Context, directory: Path, quiet: bool) -> None:
    """locpipe: localize web articles: extract, update, translate, check, build."""
    if not directory.is_dir():
        raise click.BadParameter(f"{directory} is not a folder", param_hint="-C")
    ctx.obj = Context(directory, quiet)


def _languages(ctx: Context, languages: tuple[str, ...]) -> tuple[str, ...]:
    return ctx.project.check_languages(languages)


def _plural(count: int, word: str) -> str:
    return f"{count} {word}{'' if count == 1 else 's'}"


@main.command()
@pass_context
def extract(ctx: Context) -> None:
    """Write a .pot per article and ui.pot for the templates' strings."""

    def run() -> None:
        result = extract_step(ctx.project)
        ctx.say(
            f"extract: {_plural(len(result.written) + len(result.unchanged), 'template')} "
            f"({len(result.written)} written, {len(result.unchanged)} unchanged"
            f"{f', {len(result.removed)} removed' if result.removed else ''}), "
            f"{result.units} entries"
        )

    _run(run)


@main.command()
@lang_option
@pass_context
def update(ctx: Context, languages: tuple[str, ...]) -> None:
    """Create missing catalogs and merge templates into them (msgmerge semantics)."""

    def run() -> None:
        result = update_step(ctx.project, _languages(ctx, languages))
        ctx.say(
            f"update: {len(result.created)} created, {len(result.updated)} updated, "
            f"{len(result.unchanged)} unchanged"
        )

    _run(run)


@main.command()
@lang_option
@click.option("--backend", "backend", metavar="NAME", help="Override the configured backend.")
@pass_context
def translate(ctx: Context, languages: tuple[str, ...], backend: str | None) -> None:
    """Machine-translate untranslated entries; results are marked fuzzy for review."""

    def run() -> None:
        show = not ctx.quiet and sys.stderr.isatty()
        bar: Any = None

        def on_total(total: int) -> None:
            nonlocal bar
            if show and total:
                bar = click.progressbar(length=total, label="translate", file=sys.stderr)
                bar.__enter__()

        try:
            result = translate_step(
                ctx.project,
                _languages(ctx, languages),
                backend,
                progress=lambda n: bar.update(n) if bar is not None else None,
                on_total=on_total,
            )
        finally:
            if bar is not None:
                bar.__exit__(None, None, None)
        ctx.say(
            f"translate: {_plural(result.translated, 'unit')} machine-translated (fuzzy) in "
            f"{_plural(len(result.catalogs), 'catalog')}"
        )
        for path, line, msgid in result.failed:
            click.echo(
                f"locpipe: warning: {ctx.project.relative(path)}:{line}: not translated "
                f"(engine output failed verification): {msgid[:60]!r}",
                err=True,
            )

    _run(run)


def _check_table(result: CheckResult) -> str:
    rows = [("language", "catalog", "translated", "fuzzy", "untranslated", "complete")]
    for r in result.reports:
        s = r.stats
        rows.append(
            (
                r.language,
                r.domain,
                str(s.translated) if s else "-",
                str(s.fuzzy) if s else "-",
                str(s.untranslated) if s else "-",
                f"{r.percent:.0f}%" if s else "error",
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


def _check_json(result: CheckResult) -> str:
    return json.dumps(
        {
            "min_complete": result.min_complete,
            "passed": result.passed,
            "catalogs": [
                {
                    "language": r.language,
                    "domain": r.domain,
                    "path": str(r.path),
                    "total": r.stats.total if r.stats else None,
                    "translated": r.stats.translated if r.stats else None,
                    "fuzzy": r.stats.fuzzy if r.stats else None,
                    "untranslated": r.stats.untranslated if r.stats else None,
                    "percent_complete": round(r.percent, 2),
                    "errors": r.errors,
                }
                for r in result.reports
            ],
        },
        indent=2,
        ensure_ascii=False,
    )


def run_check(ctx: Context, languages: tuple[str, ...], min_complete: float, fmt: str, gate: bool):
    """Check and print; with ``gate`` exit 1 below the threshold or on errors."""
    result = check_step(ctx.project, _languages(ctx, languages), min_complete)
    if fmt == "json":
        click.echo(_check_json(result))
    else:
        click.echo(_check_table(result))
        for report in result.reports:
            for error in report.errors:
                click.echo(f"locpipe: error: {error}", err=True)
        below = [r for r in result.reports if r.percent < min_complete and not r.errors]
        summary = (
            f"check: {len(result.reports)} catalogs, "
            f"{len(below)} below {min_complete:g}% complete, "
            f"{sum(len(r.errors) for r in result.reports)} errors"
        )
        click.echo(summary, err=not gate)
    if gate and not result.passed:
        sys.exit(1)
    return result


@main.command()
@lang_option
@click.option(
    "--min-complete",
    type=click.FloatRange(0, 100),
    default=100.0,
    show_default=True,
    help="Percent of entries translated and reviewed (not fuzzy) each catalog needs.",
)
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text")
@pass_context
def check(ctx: Context, languages: tuple[str, ...], min_complete: float, fmt: str) -> None:
    """Report completeness; exit 1 when a catalog is below --min-complete or broken."""
    _run(lambda: run_check(ctx, languages, min_complete, fmt, gate=True))


@main.command()
@lang_option
@click.option("--reviewed-only", is_flag=True, help="Leave machine (fuzzy) translations out.")
@pass_context
def build(ctx: Context, languages: tuple[str, ...], reviewed_only: bool) -> None:
    """Build localized pages into the build folder, and .mo files."""

    def run() -> None:
        result = build_step(ctx.project, _languages(ctx, languages), reviewed_only)
        ctx.say(
            f"build: {_plural(len(result.written) + len(result.unchanged), 'page')} "
            f"({len(result.written)} written, {len(result.unchanged)} unchanged) in "
            f"{ctx.project.relative(ctx.project.paths.build)}/, {len(result.mo_files)} .mo files"
        )
        for path, msgid in result.rejected:
            click.echo(
                f"locpipe: warning: {ctx.project.relative(path)}: translation of {msgid[:60]!r} "
                "has broken inline tags; the source text was used",
                err=True,
            )

    _run(run)


@main.command(name="all")
@lang_option
@click.option("--backend", "backend", metavar="NAME", help="Override the configured backend.")
@click.pass_context
def all_steps(ctx: click.Context, languages: tuple[str, ...], backend: str | None) -> None:
    """extract, update, translate, check (report only), build."""
    ctx.invoke(extract)
    ctx.invoke(update, languages=languages)
    ctx.invoke(translate, languages=languages, backend=backend)
    _run(lambda: run_check(ctx.obj, languages, 100.0, "text", gate=False))
    ctx.invoke(build, languages=languages, reviewed_only=False)


def _register_commands() -> None:
    """Add the commands defined in :mod:`locpipe.commands` (one module each)."""
    import importlib
    import pkgutil

    import locpipe.commands as package

    for info in sorted(pkgutil.iter_modules(package.__path__), key=lambda m: m.name):
        module = importlib.import_module(f"{package.__name__}.{info.name}")
        for command in getattr(module, "COMMANDS", ()):
            main.add_command(command)


_register_commands()
