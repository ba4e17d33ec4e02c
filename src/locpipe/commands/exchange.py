"""``locpipe export`` and ``locpipe merge``: send work to translators and take it back."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from locpipe.cli import Context, _run, pass_context
from locpipe.display import visible
from locpipe.steps.export import DEFAULT_ONLY, export, parse_only
from locpipe.steps.receive import Item, ReceiveResult, receive


def _plural(count: int, word: str, plural: str | None = None) -> str:
    return f"{count} {word if count == 1 else plural or word + 's'}"


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
        project = ctx.project
        (lang,) = project.check_languages((language,))
        result = export(project, lang, output, article, parse_only(only))
        ctx.say(
            f"export: {_plural(result.entries, 'entry', 'entries')} "
            f"from {_plural(len(result.domains), 'catalog')} to {output} ({result.format})"
        )

    _run(run)


def _item(kind: str, item: Item) -> str:
    """One listed outcome, every control character shown visibly (the file is untrusted)."""
    return visible(f"{kind}: {item.where}: {item.domain}: {item.msgid[:60]!r}: {item.detail}")


def _report(result: ReceiveResult, dry_run: bool) -> None:
    for item in result.conflicts:
        click.echo(_item("conflict", item))
    for item in result.stale:
        click.echo(_item("stale", item))
    for item in result.warnings:
        click.echo(_item("warning", item))
    for item in result.refused:
        click.echo(_item("refused", item), err=True)
    if result.unknown:
        click.echo(
            f"refused: {_plural(result.unknown, 'entry', 'entries')} whose source this "
            "project's catalogs do not have (never exported from here, or removed from the "
            "article since); not stored; the first:",
            err=True,
        )
        for item in result.unknown_examples:
            click.echo(visible(f"  {item.where}: {item.domain}: {item.msgid[:60]!r}"), err=True)
    written = result.would_write if dry_run else result.written
    click.echo(
        f"merge{' (dry run)' if dry_run else ''}: {result.merged} merged, "
        f"{_plural(len(result.conflicts), 'conflict')}, {len(result.stale)} stale, "
        f"{len(result.refused)} refused, {result.unknown} unknown, {result.unchanged} unchanged, "
        f"{result.not_reviewed} not reviewed; "
        f"{_plural(len(written), 'catalog')} {'would be ' if dry_run else ''}written"
    )


@click.command(name="merge")
@click.argument("file", type=click.Path(dir_okay=False, exists=True, path_type=Path))
@click.option("--lang", "language", metavar="LANG", help="Refuse a file for another language.")
@click.option(
    "--prefer",
    type=click.Choice(["ours", "theirs"]),
    default="ours",
    show_default=True,
    help="On a conflict with a reviewed translation: keep ours, or take theirs.",
)
@click.option("--dry-run", is_flag=True, help="Print the summary; write nothing.")
@pass_context
def merge_command(
    ctx: Context, file: Path, language: str | None, prefer: str, dry_run: bool
) -> None:
    """Merge a translator's PO or XLIFF file back into the catalogs.

    Exit 0 when merged, 1 when some translation was refused (an error-level
    check failed: inline tags, placeholders, numbers, URLs, e-mails,
    do-not-translate terms, invisible characters; or the catalog does not
    have the entry; the rest is merged), 2 when the file is refused
    (another project or language, unreadable).
    """

    def run() -> ReceiveResult:
        project = ctx.project
        lang = project.check_languages((language,))[0] if language else None
        result = receive(project, file, lang, prefer, dry_run)
        _report(result, dry_run)
        return result

    result = _run(run)
    if result.refused or result.unknown:
        sys.exit(1)


COMMANDS = [export_command, merge_command]
