"""``locpipe merge``: take a translator's PO or XLIFF file back into the catalogs."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import TYPE_CHECKING

import click

from locpipe.commands.runner import Context, pass_context, plural, run_step
from locpipe.display import visible

if TYPE_CHECKING:
    from locpipe.steps.merge import Item, MergeResult


def _item(kind: str, item: Item) -> str:
    """One listed outcome, every control character shown visibly (the file is untrusted)."""
    return visible(f"{kind}: {item.where}: {item.domain}: {item.msgid[:60]!r}: {item.detail}")


def _report(result: MergeResult, dry_run: bool) -> None:
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
            f"refused: {plural(result.unknown, 'entry', 'entries')} whose source this "
            "project's catalogs do not have (never exported from here, or removed from the "
            "article since); not stored; the first:",
            err=True,
        )
        for item in result.unknown_examples:
            click.echo(visible(f"  {item.where}: {item.domain}: {item.msgid[:60]!r}"), err=True)
    written = result.would_write if dry_run else result.written
    click.echo(
        f"merge{' (dry run)' if dry_run else ''}: {result.merged} merged, "
        f"{plural(len(result.conflicts), 'conflict')}, {len(result.stale)} stale, "
        f"{len(result.refused)} refused, {result.unknown} unknown, {result.unchanged} unchanged, "
        f"{result.not_reviewed} not reviewed; "
        f"{plural(len(written), 'catalog')} {'would be ' if dry_run else ''}written"
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

    def run() -> MergeResult:
        from locpipe.steps.merge import merge_file

        project = ctx.project
        lang = project.check_languages((language,))[0] if language else None
        result = merge_file(project, file, lang, prefer, dry_run)
        _report(result, dry_run)
        return result

    result = run_step(run)
    if result.refused or result.unknown:
        sys.exit(1)
