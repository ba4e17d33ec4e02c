"""Source folders may nest: the slug is the path, catalogs and pages mirror the tree."""

from __future__ import annotations

from pathlib import Path

from click.testing import CliRunner

from locpipe.cli import main

PAGE = """<!DOCTYPE html>
<html lang="it"><head><meta charset="utf-8"><title>{title}</title>
<link rel="stylesheet" href="{root}style.css"></head>
<body><h1>{title}</h1><p>Una pagina del manuale.</p>{links}</body></html>
"""


def run(project: Path, *args: str, code: int = 0) -> str:
    result = CliRunner().invoke(main, ["-C", str(project), *args])
    assert result.exit_code == code, result.output
    return result.output


def nested_site(root: Path, layout: str = "page") -> Path:
    """A small manual: a top page, two in ``guida/``, one in ``guida/avanzata/``."""
    source = root / "pages"
    (source / "guida/avanzata").mkdir(parents=True)
    (source / "img").mkdir()
    (source / "img/logo.png").write_bytes(b"\x89PNG")
    (source / "style.css").write_text("body{}", encoding="utf-8")
    pages = {
        "indice.htm": ("Indice", "", '<a href="guida/installare.htm#passi">Installare</a>'),
        "guida/installare.htm": (
            "Installare",
            "../",
            '<a href="../indice.htm">Indice</a> <a href="avanzata/rete.html?x=1">Rete</a>',
        ),
        "guida/usare.html": ("Usare", "../", '<a href="installare.htm">Installare</a>'),
        "guida/avanzata/rete.html": (
            "Rete",
            "../../",
            '<a href="../../indice.htm">Indice</a> <img src="../../img/logo.png" alt="Logo">',
        ),
    }
    for name, (title, up, links) in pages.items():
        (source / name).write_text(PAGE.format(title=title, root=up, links=links), encoding="utf-8")
    (root / "templates").mkdir()
    (root / "templates/article.html").write_text(
        '<html lang="{{ html_lang }}"><head><title>{{ title }}</title>'
        '<link rel="stylesheet" href="{{ root }}style.css"></head>'
        '<body><a href="{{ root }}index.html">*</a>{{ body }}</body></html>',
        encoding="utf-8",
    )
    (root / "templates/index.html").write_text(
        "{% for a in articles %}<a href='{{ a.href }}'>{{ a.title }}</a>{% endfor %}",
        encoding="utf-8",
    )
    (root / "locpipe.toml").write_text(
        f'source_language = "it"\nlanguages = ["it", "en"]\nbackend = "pseudo"\n'
        f'layout = "{layout}"\n[paths]\nsource_articles = "pages"\n',
        encoding="utf-8",
    )
    return root


def test_nested_pages_get_nested_catalogs_and_pages(tmp_path: Path):
    project = nested_site(tmp_path)
    run(project, "extract")
    run(project, "update")
    run(project, "translate")
    output = run(project, "build")
    assert (project / "locales/templates/guida/avanzata/rete.pot").is_file()
    assert (project / "locales/en/LC_MESSAGES/guida/installare.po").is_file()
    assert (project / "locales/en/LC_MESSAGES/guida/installare.mo").is_file()
    for language in ("it", "en"):
        for page in ("indice", "guida/installare", "guida/usare", "guida/avanzata/rete"):
            assert (project / f"build/{language}/{page}.html").is_file(), output
        # A page in a subfolder is a page, not an asset; images and styles are assets.
        assert not (project / f"build/{language}/guida/installare.htm").exists()
        assert (project / f"build/{language}/img/logo.png").is_file()
    rete = (project / "build/en/guida/avanzata/rete.html").read_text(encoding="utf-8")
    assert 'hreflang="it" href="../../../it/guida/avanzata/rete.html"' in rete
    # Built again with nothing changed: every page unchanged (stamps keyed by path).
    assert "wrote" not in run(project, "build")


def test_nested_pages_in_the_template_layout_reach_the_root(tmp_path: Path):
    project = nested_site(tmp_path, layout="template")
    run(project, "all")
    rete = (project / "build/en/guida/avanzata/rete.html").read_text(encoding="utf-8")
    assert '<link rel="stylesheet" href="../../style.css">' in rete
    assert '<a href="../../index.html">*</a>' in rete
    index = (project / "build/en/index.html").read_text(encoding="utf-8")
    assert "href='guida/avanzata/rete.html'" in index


def test_a_deleted_nested_page_leaves_an_orphan_catalog(tmp_path: Path):
    project = nested_site(tmp_path)
    run(project, "all")
    (project / "pages/guida/usare.html").unlink()
    run(project, "extract")
    assert not (project / "locales/templates/guida/usare.pot").exists()
    output = run(project, "update")
    assert "locales/en/LC_MESSAGES/guida/usare.po" in output
    run(project, "prune")
    assert not (project / "locales/en/LC_MESSAGES/guida/usare.po").exists()
    run(project, "build")
    assert not (project / "build/en/guida/usare.html").exists()


def test_two_files_for_one_slug_are_refused(tmp_path: Path):
    project = nested_site(tmp_path)
    (project / "pages/guida/usare.htm").write_text("<p>x</p>", encoding="utf-8")
    output = run(project, "extract", code=2)
    assert "two source files for the page 'guida/usare'" in output


def test_links_between_pages_point_at_the_built_pages_in_every_language(tmp_path: Path):
    for layout in ("page", "template"):
        project = nested_site(tmp_path / layout, layout=layout)
        run(project, "all")
        for language in ("it", "en"):
            built = project / "build" / language
            indice = (built / "indice.html").read_text(encoding="utf-8")
            assert 'href="guida/installare.html#passi"' in indice, layout
            installare = (built / "guida/installare.html").read_text(encoding="utf-8")
            assert 'href="../indice.html"' in installare
            assert 'href="avanzata/rete.html?x=1"' in installare  # already right: left alone
            usare = (built / "guida/usare.html").read_text(encoding="utf-8")
            assert 'href="installare.html"' in usare
            rete = (built / "guida/avanzata/rete.html").read_text(encoding="utf-8")
            assert 'href="../../indice.html"' in rete and 'src="../../img/logo.png"' in rete
            assert '.htm"' not in indice + installare + usare + rete


def test_files_not_translated_are_named_in_a_warning(tmp_path: Path):
    project = nested_site(tmp_path)
    (project / "pages/guida/leggimi.txt").write_text("Leggimi", encoding="utf-8")
    (project / "pages/note.rst").write_text("Note\n====\n", encoding="utf-8")
    output = run(project, "all")
    assert (
        "warning: pages/guida/leggimi.txt: unsupported format, copied untranslated "
        "(locpipe translates .html, .htm" in output
    )
    assert "warning: pages/note.rst: unsupported format" in output
    assert "warning: pages/img/logo.png: copied as an asset (not translated)" in output
    assert "warning: pages/style.css: copied as an asset" in output
    assert "guida/installare.htm: copied" not in output
    again = run(project, "build")  # assets already in place: only the unsupported files
    assert "pages/guida/leggimi.txt: unsupported format" in again
    assert "logo.png" not in again
