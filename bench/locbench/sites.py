"""Inputs as locpipe projects: a folder of pages plus ``locpipe.toml`` and the sample templates."""

from __future__ import annotations

import shutil
from dataclasses import dataclass
from pathlib import Path

from locbench.common import ROOT, WORK, log
from locbench.gen import SiteSpec, write_site


@dataclass
class Site:
    """A benchmark input: a name, a locpipe project, its pages."""

    name: str
    project: Path
    source_language: str

    @property
    def pages(self) -> Path:
        return self.project / "source_articles"

    @property
    def templates(self) -> Path:
        return self.project / "locales" / "templates"

    def size_mb(self) -> float:
        return sum(p.stat().st_size for p in self.pages.glob("*.html")) / 1e6

    def count(self) -> int:
        return sum(1 for _ in self.pages.glob("*.html"))


CONFIG = """source_language = "{source}"
languages = {languages}
backend = "pseudo"
do_not_translate = ["DNS", "SEO", "Docker", "RAG", "LLM"]
locations = "file"

[site]
name = "Bench"
email = "bench@example.org"
"""


def make_project(folder: Path, source: str, languages: list[str]) -> Path:
    """An empty project (config + the sample site's page templates)."""
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "source_articles").mkdir(exist_ok=True)
    if not (folder / "templates").exists():
        shutil.copytree(ROOT / "templates", folder / "templates")
    langs = "[" + ", ".join(f'"{code}"' for code in languages) + "]"
    (folder / "locpipe.toml").write_text(CONFIG.format(source=source, languages=langs))
    return folder


def generated_site(articles: int) -> Site:
    """A project of ``articles`` generated Italian articles (cached)."""
    folder = WORK / "sites" / f"gen{articles}"
    if not (folder / ".done").exists():
        log(f"generating {articles} articles")
        shutil.rmtree(folder, ignore_errors=True)
        make_project(folder, "it", ["it", "en", "fr", "es"])
        write_site(folder / "source_articles", SiteSpec(articles=articles))
        (folder / ".done").touch()
    return Site(f"generated, {articles} articles", folder, "it")


def real_site(pages: Path) -> Site:
    """A project around the rendered real pages (English sources)."""
    folder = WORK / "sites" / "real"
    if not (folder / ".done").exists():
        shutil.rmtree(folder, ignore_errors=True)
        make_project(folder, "en", ["en", "fr"])
        for page in pages.glob("*.html"):
            shutil.copy(page, folder / "source_articles" / page.name)
        (folder / ".done").touch()
    return Site("real (Markdown docs rendered)", folder, "en")
