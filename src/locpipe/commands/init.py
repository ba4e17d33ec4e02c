"""``locpipe init``: start a project (locpipe.toml, .gitignore, page templates)."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import click

from locpipe.commands.runner import Context, pass_context, run_step
from locpipe.errors import LocpipeError

if TYPE_CHECKING:
    from locpipe.scaffold import SiteScan


def _codes(values: tuple[str, ...]) -> list[str]:
    """``--languages fr,es --languages de`` → ``["fr", "es", "de"]``."""
    return [code.strip() for value in values for code in value.split(",") if code.strip()]


@click.command()
@click.argument(
    "folder", required=False, type=click.Path(file_okay=False, path_type=Path), metavar="[DIR]"
)
@click.option(
    "--source-language",
    metavar="LANG",
    help="Language the site is written in (default: what the pages' <html lang> says, else en).",
)
@click.option(
    "--languages",
    "languages",
    multiple=True,
    metavar="LANG,...",
    help="Languages to publish, comma-separated or repeated (default: the source language, "
    "en, fr, es; with --from-site every language a page is written in is added).",
)
@click.option(
    "--from-site",
    "site",
    type=click.Path(file_okay=False, path_type=Path),
    metavar="PAGES",
    help="Adopt an existing folder of pages (inside DIR) as the source articles.",
)
@click.option("--force", is_flag=True, help="Overwrite the files init writes if they exist.")
@pass_context
def init(
    ctx: Context,
    folder: Path | None,
    source_language: str | None,
    languages: tuple[str, ...],
    site: Path | None,
    force: bool,
) -> None:
    """Start a locpipe project in DIR (default: here): a commented locpipe.toml, a
    .gitignore and page templates that build as they are.

    Refuses to overwrite a file unless --force (an existing .gitignore is kept and
    gets the lines it lacks).
    """

    def run() -> None:
        from locpipe.scaffold import choose_languages, plan_project, scan_site

        root = folder if folder is not None else ctx.directory
        if folder is not None and not folder.is_absolute():
            root = ctx.directory / folder
        found: list[str] = []
        pages = None
        if site is not None:
            pages = site if site.is_absolute() else ctx.directory / site
            if not pages.resolve().is_relative_to(root.resolve()):
                raise LocpipeError(
                    f"the pages must be inside the project folder {root} "
                    "(locpipe reads only inside its project): run init in a folder holding them",
                    pages,
                )
            scan = scan_site(pages)
            found = scan.languages()
        requested = _codes(languages)
        source = source_language or next(iter(found), None) or next(iter(requested), "en")
        source, chosen = choose_languages(source, requested, found)
        plan = plan_project(root, source, chosen, pages)
        if not force:
            plan.check_free()
        written = plan.write()
        if site is not None:
            _report_scan(ctx, scan, source, source_language is not None)
        shown = ", ".join(str(p.relative_to(root)) for p in written)
        ctx.say(f"init: wrote {shown} in {root}")
        ctx.say(f"languages: {', '.join(chosen)} (source: {source})")
        if pages is None:
            ctx.say(
                f"next: put your articles in {root / 'source_articles'} (one .html page each, "
                f"<html lang> set), then run `locpipe -C {root} all`"
            )
        else:
            ctx.say(f"next: run `locpipe -C {root} all`")

    run_step(run)


def _report_scan(ctx: Context, scan: SiteScan, source: str, forced: bool) -> None:
    """List the pages found and what locpipe will make of them."""
    ctx.say(f"init: {len(scan.pages)} pages in {scan.folder}:")
    for page in scan.pages:
        lang = page.lang or f"no lang: {source}"
        problem = f"  (warning: {page.problem})" if page.problem else ""
        ctx.say(f"  {page.path.relative_to(scan.folder).as_posix()}  {lang}{problem}")
    if scan.nested:
        ctx.say(
            f"  ({scan.nested} {'page' if scan.nested == 1 else 'pages'} in subfolders: "
            "each page's slug is its path without the suffix, e.g. guida/installare)"
        )
    how = "--source-language" if forced else "the pages' <html lang>"
    ctx.say(f"source language: {source} (from {how})")
