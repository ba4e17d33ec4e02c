"""``locpipe review``: a terminal loop over machine drafts and fuzzy entries."""

from __future__ import annotations

import os
import shutil
import sys
from typing import TYPE_CHECKING

import click

from locpipe.commands.runner import Context, pass_context, run_step
from locpipe.display import visible

if TYPE_CHECKING:
    import polib


def use_color() -> bool:
    """Colours on a terminal that has them, never when piped or when ``NO_COLOR`` is set."""
    if os.environ.get("NO_COLOR") or os.environ.get("TERM", "") in ("", "dumb"):
        return False
    return sys.stdout.isatty()


def _ask(prompt: str) -> str | None:
    try:
        return input(prompt)
    except EOFError:
        click.echo()
        return None


def _edit(text: str, entry: polib.POEntry) -> str | None:
    from locpipe.steps.review import edit_with_editor, editor_notes, failed_checks

    editor = os.environ.get("EDITOR") or os.environ.get("VISUAL")
    if editor:
        edited = edit_with_editor(editor, text, editor_notes(entry, failed_checks(entry)))
        if edited is None:
            click.echo("the editor failed; nothing changed")
        return edited
    if entry.msgid_plural:
        return _edit_forms(text)
    click.echo("Type the translation on one line (an empty line keeps the draft):")
    return _ask("> ")


def _edit_forms(text: str) -> str | None:
    """Inline, a plural entry's forms one after the other (an empty line keeps a form)."""
    from locpipe.steps.review import forms_text, text_forms

    blocks = text.split("\n")
    labels = [line for line in blocks if line.startswith("=== form ")]
    forms = text_forms(text, len(labels)) or []
    click.echo("Type each form on one line (an empty line keeps the draft's):")
    out = []
    for label, form in zip(labels, forms, strict=True):
        click.echo(visible(f"{label.strip('= ')}: {form}"))
        answer = _ask("> ")
        if answer is None:
            return None
        out.append(answer.strip() or form)
    return forms_text(out, [label.strip("= ") for label in labels])


@click.command(name="review")
@click.option("--lang", "language", required=True, metavar="LANG", help="The language to review.")
@click.option("--article", metavar="SLUG", help="Only this article (or ui).")
@click.option(
    "--reviewer",
    metavar='"NAME <EMAIL>"',
    help="Recorded as Last-Translator (default: git user.name/user.email, else $USER).",
)
@pass_context
def review_command(ctx: Context, language: str, article: str | None, reviewer: str | None):
    """Review machine drafts and fuzzy entries: accept, edit ($EDITOR), skip, quit.

    Every decision is saved at once; quitting keeps everything decided so far.
    The project is locked only while a decision is saved, not while you think.
    """

    def run() -> None:
        from locpipe.review_context import Style
        from locpipe.steps.review import review, reviewer_identity

        project = ctx.project
        (lang,) = project.check_languages((language,))
        who = reviewer_identity(project.root, reviewer)
        width = shutil.get_terminal_size((100, 24)).columns - 1
        style = Style(color=use_color())
        result = review(
            project, lang, article, who, _ask, click.echo, _edit, ctx.lock, style, width
        )
        if result.total:
            click.echo(
                f"review: {result.accepted} accepted, {result.edited} edited, "
                f"{result.skipped} skipped; {result.left} of {result.total} still to review"
            )

    run_step(run)
