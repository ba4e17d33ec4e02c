"""``locpipe tm export``: the translation memory as TMX, the format CAT tools import."""

from __future__ import annotations

from pathlib import Path

import click

from locpipe.commands.runner import Context, lang_option, pass_context, run_step


@click.group()
def tm() -> None:
    """Translation memory (reviewed translations of every catalog)."""


@tm.command(name="export")
@lang_option
@click.option(
    "-o",
    "--output",
    type=click.Path(dir_okay=False, path_type=Path),
    default=Path("memory.tmx"),
    show_default=True,
    help="TMX file to write (one per source language: memory.fr.tmx for French sources).",
)
@pass_context
def export(ctx: Context, languages: tuple[str, ...], output: Path) -> None:
    """Write the reviewed translations as TMX 1.4 (translate-toolkit)."""

    def run() -> None:
        from locpipe.fsio import atomic_write_bytes
        from locpipe.steps.tm import export_tmx, project_memory

        project = ctx.project
        memory = project_memory(project, ctx.languages(languages))
        sources = sorted({src for src, *_ in memory.pairs()})
        main_source = project.config.source_language
        for source in sources or [main_source]:
            path = output if source == main_source else output.with_suffix(f".{source}.tmx")
            atomic_write_bytes(path, export_tmx(memory, source))
            count = sum(1 for p in memory.pairs() if p[0] == source)
            ctx.say(f"tm export: {count} units from {source} in {path}")

    run_step(run)
