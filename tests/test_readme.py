"""The README's configuration example is a valid configuration."""

from __future__ import annotations

from pathlib import Path

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
