"""``locpipe export``: what a translator should work on, as PO or XLIFF 1.2."""

from __future__ import annotations

from pathlib import Path

import click

from locpipe.commands.runner import Context, pass_context, plural, run_step
from locpipe.errors import LocpipeError

#: The states of an entry ``--only`` chooses from, and what it exports by default.
STATES = ("untranslated", "fuzzy", "translated")
DEFAULT_ONLY = ("untranslated", "fuzzy")


def parse_only(value: str) -> tuple[str, ...]:
    """``untranslated,fuzzy`` → a tuple of states; ``all`` → every state."""
    names = [v.strip() for v in value.split(",") if v.strip()]
    if names == ["all"]:
        return STATES
    unknown = [n for n in names if n not in STATES]
    if unknown or not names:
        raise LocpipeError(
            f"--only {value}: expected a comma-separated list of {', '.join(STATES)} (or all)"
        )
    return tuple(dict.fromkeys(names))


@click.command(name="export")
@click.option("--lang", "language", required=True, metavar="LANG", help="The target language.")
@click.option("--article", metavar="SLUG", help="Only this article (or ui).")
@click.option(
    "--only",
    default=",".join(DEFAULT_ONLY),
    show_default=True,
    metavar="STATES",
    help="Comma-separated: untranslated, fuzzy (drafts), translated; or all.",
)
@click.option(
    "-o",
    "--output",
    required=True,
    type=click.Path(dir_okay=False, path_type=Path),
    help="The file to write: .po, or .xlf/.xliff for XLIFF 1.2.",
)
@pass_context
def export_command(
    ctx: Context, language: str, article: str | None, only: str, output: Path
) -> None:
    """Write what a translator should work on, as PO or XLIFF 1.2 (by extension)."""

    def run() -> None:
        from locpipe.steps.export import export

        project = ctx.project
        (lang,) = project.check_languages((language,))
        result = export(project, lang, output, article, parse_only(only))
        ctx.say(
            f"export: {plural(result.entries, 'entry', 'entries')} "
            f"from {plural(len(result.domains), 'catalog')} to {output} ({result.format})"
        )

    run_step(run)
