"""The README's configuration example is a valid configuration."""

from __future__ import annotations

import datetime
import re
from pathlib import Path

from locpipe import site
from locpipe.config import load_config

ROOT = Path(__file__).resolve().parents[1]


def test_readme_configuration_example_loads(tmp_path: Path):
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    block = readme.split("## Configuration", 1)[1].split("```toml\n", 1)[1].split("```", 1)[0]
    (tmp_path / "locpipe.toml").write_text(block, encoding="utf-8")
    (tmp_path / "source_articles").mkdir()
    (tmp_path / "templates").mkdir()
    config = load_config(tmp_path)
    assert config.publish_threshold == 80
    assert config.glossary == {"en": {"apprendimento continuo": "continual learning"}}
    assert config.apertium_chains == {"en": ("ita-cat", "cat-eng")}


def documented_variables() -> list[tuple[str, str]]:
    """(variable, template) rows of the README's table of template variables."""
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    section = readme.split("## Localize your own site", 1)[1].split("\n## ", 1)[0]
    rows = re.findall(r"^\| `([a-z_.\[\]]+)` \| ([a-z. ]+) \|", section, re.MULTILINE)
    assert len(rows) > 15, rows
    return rows


def expression(variable: str) -> str:
    """Jinja2 that uses ``variable`` (``x[].y``: ``y`` of each item of ``x``)."""
    if "[]." in variable:
        sequence, attribute = variable.split("[].")
        return f"{{% for item in {sequence} %}}<{{{{ item.{attribute} }}}}>{{% endfor %}}"
    return f"<{{{{ {variable} }}}}>"


def test_every_documented_template_variable_renders(tmp_path: Path, monkeypatch):
    rows = documented_variables()
    pages = {"article.html": [], "index.html": []}
    for variable, where in rows:
        for name in pages if where == "every page" else [where]:
            pages[name].append(variable)
    for name, variables in pages.items():
        text = "\n".join(f"{v}={expression(v)}" for v in variables)
        (tmp_path / name).write_text(text, encoding="utf-8")
    given: dict[str, set[str]] = {}
    real_render = site._render

    def spy(env, name, translations, context):
        given[name] = set(context)
        return real_render(env, name, translations, context)

    monkeypatch.setattr(site, "_render", spy)
    env = site.make_environment(tmp_path)
    links = site.language_links(["fr", "en"], "fr", lambda code: f"../{code}/x.html")
    page = site.ArticlePage(
        slug="x",
        lang="fr",
        title="Titre",
        description="Résumé",
        body_html="<p>Corps</p>",
        published=datetime.date(2026, 12, 5),
        alternates=[("fr", "x.html"), ("x-default", "../en/x.html")],
        languages=links,
        keywords=["dns"],
        canonical="x.html",
        root="../",
    )
    article = site.render_article(env, page, site.CatalogTranslations(), {"name": "Site"})
    entry = site.IndexEntry("x", "Titre", "Résumé", "x.html")
    index = site.render_index(
        env,
        lang="fr",
        articles=[entry],
        languages=links,
        translations=site.CatalogTranslations(),
        site={},
    )
    for name, output in (("article.html", article), ("index.html", index)):
        for variable in pages[name]:
            line = next(line for line in output.splitlines() if line.startswith(f"{variable}="))
            assert "<" in line, (name, variable)  # a list variable had items to show
        # The README lists every variable the code passes (and no other).
        assert {v.split(".")[0].split("[")[0] for v in pages[name]} == given[name], name
    assert "published_text=<5 décembre 2026>" in article
    assert "body=<<p>Corps</p>>" in article
    assert "site.email=<>" in index  # unset [site] keys are empty, not an error
