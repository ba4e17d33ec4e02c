"""``locpipe tm export``: the translation memory as TMX, the format CAT tools import."""

from __future__ import annotations

from pathlib import Path

import click

from locpipe.catalog import read_catalog
from locpipe.cli import Context, _run, lang_option, pass_context
from locpipe.fsio import atomic_write_bytes
from locpipe.mt.memory import TranslationMemory, kept_memory_file
from locpipe.project import Project


def project_memory(project: Project, languages: tuple[str, ...] = ()) -> TranslationMemory:
    """Reviewed (not fuzzy) entries of every catalog, by language pair."""
    memory = TranslationMemory()
    for domain in project.domains(languages):
        for language in domain.targets:
            path = project.catalog_path(language, domain.name)
            if path.exists():
                memory.add_catalog(
                    read_catalog(path), domain.source_language, language, project.relative(path)
                )
    source = project.config.source_language
    for language in languages or project.config.languages:  # kept by `locpipe prune`
        kept = kept_memory_file(project.paths.locales, language)
        if language != source and kept is not None:
            memory.add_catalog(
                read_catalog(kept, language), source, language, project.relative(kept)
            )
    return memory


def export_tmx(memory: TranslationMemory, source: str) -> bytes:
    """One TMX document with every reviewed unit whose source language is ``source``."""
    from translate.storage.tmx import tmxfile

    tmx = tmxfile(sourcelanguage=source.replace("_", "-"))
    for src, tgt, msgid, translation, _origin in memory.pairs():
        if src == source:
            tmx.addtranslation(msgid, src.replace("_", "-"), translation, tgt.replace("_", "-"))
    return bytes(tmx)


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
        project = ctx.project
        memory = project_memory(project, project.check_languages(languages))
        sources = sorted({src for src, *_ in memory.pairs()})
        main_source = project.config.source_language
        for source in sources or [main_source]:
            path = output if source == main_source else output.with_suffix(f".{source}.tmx")
            atomic_write_bytes(path, export_tmx(memory, source))
            count = sum(1 for p in memory.pairs() if p[0] == source)
            ctx.say(f"tm export: {count} units from {source} in {path}")

    _run(run)


COMMANDS = [tm]
