"""Images and other assets of the articles reach every language's folder."""

from __future__ import annotations

from pathlib import Path

import pytest

from locpipe.assets import copy_assets
from locpipe.errors import LocpipeError


def test_assets_are_copied_with_their_paths_and_only_when_changed(tmp_path: Path):
    source = tmp_path / "source_articles"
    (source / "img").mkdir(parents=True)
    (source / "a.html").write_text("<p>Ciao</p>", encoding="utf-8")
    (source / "img" / "x.svg").write_text("<svg/>", encoding="utf-8")
    out = tmp_path / "build" / "fr"
    assert copy_assets(source, tmp_path, out) == [out / "img" / "x.svg"]
    assert (out / "img" / "x.svg").read_text() == "<svg/>"
    assert not (out / "a.html").exists()
    assert copy_assets(source, tmp_path, out) == []


def test_an_asset_linking_outside_the_project_is_refused(tmp_path: Path, tmp_path_factory):
    source = tmp_path / "source_articles"
    source.mkdir()
    secret = tmp_path_factory.mktemp("elsewhere") / "secret.png"
    secret.write_bytes(b"\x89PNG")
    (source / "leak.png").symlink_to(secret)
    with pytest.raises(LocpipeError, match="outside the project"):
        copy_assets(source, tmp_path, tmp_path / "build" / "it")
