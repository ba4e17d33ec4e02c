"""The ``locpipe`` command: thin click commands over the steps; errors → exit codes.

Exit codes: 0 done, 1 check thresholds not met, 2 bad input or usage,
130 interrupted (everything finished before the interrupt is saved).
"""

from __future__ import annotations

import importlib
import sys
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from locpipe.display import visible
from locpipe.errors import LocpipeError

# The steps, the engines, Jinja2 and Babel are imported by the commands that
# use them (the CLI starts in a fraction of the time a full import takes).
if TYPE_CHECKING:
    from locpipe.lock import ProjectLock
    from locpipe.project import Project
    from locpipe.steps.check import CheckResult
    from locpipe.steps.translate import TranslateResult
    from locpipe.uptodate import AllStamp

lang_option = click.option(
    "--lang",
    "languages",
    multiple=True,
    metavar="LANG",
    help="Only this language (repeatable; default: every configured language).",
)


#: Commands that only read the project: they run without the project lock.
READ_ONLY_COMMANDS = frozenset({"check", "backends", "weblate-config"})


class Context:
    """What every command gets: the project folder and output settings.

    The first use of :attr:`project` by a writing command takes the project
    lock (:mod:`locpipe.lock`), held until the command ends.
    """

    def __init__(
        self,
        directory: Path,
        quiet: bool,
        command: str | None = None,
        wait: bool = True,
        jobs: int | None = None,
    ):
        self.directory = directory
        self.jobs = jobs
        self.quiet = quiet
        self.command = command
        self.wait = wait
        self._project: Project | None = None
        self._lock: ProjectLock | None = None

    @property
    def project(self) -> Project:
        if self._project is None:
            from locpipe.lock import ProjectLock
            from locpipe.project import Project
            from locpipe.state import STAMPS_DIR

            project = Project(self.directory, jobs=self.jobs)
            if self.command not in READ_ONLY_COMMANDS:
                lock = ProjectLock(project.root, self.command or "locpipe")
                lock.acquire(
                    self.wait, lambda message: click.echo(f"locpipe: {message}...", err=True)
                )
                self._lock = lock
                lock.clean(
                    [project.paths.locales, project.paths.build, project.root / STAMPS_DIR],
                    shallow=[project.root],  # a write into a missing folder waits there
                )
            self._project = project
        return self._project

    @property
    def lock(self) -> ProjectLock | None:
        """The project lock a writing command holds once :attr:`project` was used."""
        return self._lock

    def close(self) -> None:
        """Release the project lock (at the end of the command)."""
        if self._lock is not None:
            self._lock.release()
            self._lock = None

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


class LazyGroup(click.Group):
    """The group of :mod:`locpipe.commands`, each module imported when its command runs.

    ``LAZY_COMMANDS`` names the module of each command so ``locpipe build``
    does not import the review or exchange code; a command of a module not
    listed there is still found, by importing every module of the package.
    """

    #: command name → module of :mod:`locpipe.commands` defining it.
    LAZY_COMMANDS = {
        "backends": "backends",
        "export": "exchange",
        "init": "init",
        "merge": "exchange",
        "prune": "prune",
        "report": "report",
        "review": "review",
        "tm": "tm",
        "weblate-config": "weblate",
    }

    def __init__(self, *args: Any, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self._loaded: set[str] = set()

    def _load(self, module_name: str) -> None:
        if module_name in self._loaded:
            return
        self._loaded.add(module_name)
        module = importlib.import_module(f"locpipe.commands.{module_name}")
        for command in getattr(module, "COMMANDS", ()):
            self.add_command(command)

    def _load_all(self) -> None:
        import pkgutil

        import locpipe.commands as package

        for info in sorted(pkgutil.iter_modules(package.__path__), key=lambda m: m.name):
            self._load(info.name)

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        command = super().get_command(ctx, cmd_name)
        if command is None and cmd_name in self.LAZY_COMMANDS:
            self._load(self.LAZY_COMMANDS[cmd_name])
            command = super().get_command(ctx, cmd_name)
        if command is None:
            self._load_all()
            command = super().get_command(ctx, cmd_name)
        return command

    def list_commands(self, ctx: click.Context) -> list[str]:
        self._load_all()
        return super().list_commands(ctx)

    def invoke(self, ctx: click.Context) -> Any:
        """Click's own errors (a bad option, a missing file) quote what was typed:
        their control characters are shown visibly too (:mod:`locpipe.display`)."""
        try:
            return super().invoke(ctx)
        except click.ClickException as exc:
            exc.message = visible(exc.message)
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


def _languages(ctx: Context, languages: tuple[str, ...]) -> tuple[str, ...]:
    return ctx.project.check_languages(languages)


def _plural(count: int, word: str) -> str:
    return f"{count} {word}{'' if count == 1 else 's'}"


@main.command()
@pass_context
def extract(ctx: Context) -> None:
    """Write a .pot per article and ui.pot for the templates' strings."""

    def run() -> None:
        from locpipe.steps.extract import extract as extract_step

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
        from locpipe.steps.update import update as update_step

        result = update_step(ctx.project, _languages(ctx, languages))
        ctx.say(
            f"update: {len(result.created)} created, {len(result.updated)} updated, "
            f"{len(result.unchanged)} unchanged"
        )
        warn_strays(ctx.project, result.orphans, result.unconfigured)

    _run(run)


def warn_strays(project: Project, orphans: list, unconfigured: list) -> None:
    """One warning per catalog no step uses (:mod:`locpipe.strays`), on stderr."""
    from locpipe.strays import stray_warnings

    for line in stray_warnings(project, orphans, unconfigured):
        click.echo(f"locpipe: warning: {line}", err=True)


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
            _languages(ctx, languages),
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


@main.command()
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
    result = _run(lambda: run_translate(ctx, languages, backend, dry_run))
    if result.failures and not result.dry_run:
        sys.exit(3)


def _check_table(result: CheckResult) -> str:
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
        for line in step.site_warnings(ctx.project, _languages(ctx, languages), strays=gate):
            click.echo(f"locpipe: warning: {line}", err=True)
    reports = step.check_reports(
        ctx.project,
        _languages(ctx, languages),
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
        click.echo(_check_table(result))
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


@main.command()
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
    _run(lambda: run_check(ctx, languages, min_complete, fmt, gate=True, strict=strict))


@main.command()
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

        result = build_step(
            ctx.project, _languages(ctx, languages), reviewed_only, publish_threshold
        )
        held = f", {len(result.held_back)} held back" if result.held_back else ""
        ctx.say(
            f"build: {_plural(len(result.written) + len(result.unchanged), 'page')} "
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

    _run(run)


@main.command(name="all")
@lang_option
@click.option("--backend", "backend", metavar="NAME", help="Override the configured backend.")
@click.pass_context
def all_steps(ctx: click.Context, languages: tuple[str, ...], backend: str | None) -> None:
    """extract, update, translate, check (report only), build.

    Units the engine could not translate are listed but do not stop the run:
    the check table shows them, and `locpipe check` is the gate.
    """
    stamp = _run(lambda: _all_stamp(ctx.obj, languages, backend))
    output = _run(stamp.replay)
    if output is not None:  # every byte as a complete run that changed nothing left it
        from locpipe.uptodate import print_output

        print_output(output)
        return
    from locpipe.uptodate import captured_output

    with captured_output() as printed:
        ctx.invoke(extract)
        ctx.invoke(update, languages=languages)
        translated = _run(lambda: run_translate(ctx.obj, languages, backend))
        _run(lambda: run_check(ctx.obj, languages, 100.0, "text", gate=False))
        ctx.invoke(build, languages=languages, reviewed_only=False)
    if translated.failures or translated.failed:  # the engine may do better next time
        stamp.forget()
    else:
        stamp.record(printed)


def _all_stamp(ctx: Context, languages: tuple[str, ...], backend: str | None) -> AllStamp:
    """The record of the last complete ``all`` with these options (:mod:`locpipe.uptodate`)."""
    import shutil

    from locpipe.uptodate import AllStamp, environment

    project = ctx.project
    paths = project.paths
    options = (sorted(languages), backend, ctx.quiet, shutil.which("msgfmt"))
    return AllStamp(
        project.root,
        [paths.source_articles, paths.templates, paths.locales, paths.build],
        [project.config.path],
        environment(project.environment, options),
    )
