"""tm: the translation memory of a project (reviewed translations) and its TMX form."""

from __future__ import annotations

from locpipe.catalog import read_catalog
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
