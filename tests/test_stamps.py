"""Stamps: a record made with the digests a step already knows is the one hashing the
outputs would make; tables of an older layout are dropped; the digest memo."""

from __future__ import annotations

import hashlib
import json
import os
import subprocess
from pathlib import Path

import pytest
from click.testing import CliRunner

import locpipe.stamps
from conftest import copy_sample_site, require_tool
from locpipe.cli import main
from locpipe.stamps import STAMPS_DIR, Stamps, file_digest

#: Stamps are read only outside CI (tests/test_forged_cache.py covers CI).
pytestmark = pytest.mark.usefixtures("local_run")


def test_stamp_with_known_digests_is_record(tmp_path: Path):
    page = tmp_path / "build" / "page.html"
    page.parent.mkdir()
    page.write_bytes(b"<p>ciao</p>")
    hashed, known = Stamps(tmp_path, "a", "env"), Stamps(tmp_path, "b", "env")
    hashed.record("page", "inputs", [page], data=["title"])
    known.stamp("page", "inputs", {page: hashlib.sha256(b"<p>ciao</p>").hexdigest()}, ["title"])
    assert hashed.records == known.records
    assert known.data("page", "inputs") == ["title"]
    page.write_bytes(b"<p>edited</p>")
    assert known.data("page", "inputs") is None  # the output changed: stale


def test_a_table_of_an_older_layout_is_dropped(tmp_path: Path):
    stamps = Stamps(tmp_path, "build", "env")
    stamps.record("templates", "inputs", data=True)
    assert stamps.save()
    path = tmp_path / STAMPS_DIR / "build.json"
    table = json.loads(path.read_text(encoding="utf-8"))
    assert table["format"] == locpipe.stamps.FORMAT and Stamps(tmp_path, "build", "env").data(
        "templates", "inputs"
    )
    table["format"] = locpipe.stamps.FORMAT - 1
    path.write_text(json.dumps(table), encoding="utf-8")
    assert Stamps(tmp_path, "build", "env").data("templates", "inputs") is None


def test_file_digest_rehashes_a_changed_file(tmp_path: Path):
    path = tmp_path / "catalog.po"
    path.write_bytes(b"one")
    assert file_digest(path) == file_digest(str(path)) == hashlib.sha256(b"one").hexdigest()
    stat = path.stat()
    path.write_bytes(b"two")  # same size; the old mtime put back
    os.utime(path, ns=(stat.st_atime_ns, stat.st_mtime_ns))
    assert file_digest(path) == hashlib.sha256(b"two").hexdigest()
    path.unlink()
    assert file_digest(path) is None


def test_the_cache_folder_is_never_committed_by_git_add_all(tmp_path: Path):
    """A new `.locpipe-cache/` ignores itself (a committed cache is an attack: check
    used to trust it), in a project without any .gitignore of its own."""
    git = require_tool("git")
    copy_sample_site(tmp_path)
    for args in (["extract"], ["update"], ["translate", "--backend", "pseudo", "--lang", "fr"]):
        assert CliRunner().invoke(main, ["-C", str(tmp_path), *args]).exit_code == 0
    assert (tmp_path / ".locpipe-cache/stamps").is_dir()
    assert (tmp_path / ".locpipe-cache/mt.sqlite3").is_file()
    subprocess.run([git, "init", "-q", str(tmp_path)], check=True)
    subprocess.run([git, "-C", str(tmp_path), "add", "-A"], check=True)
    staged = subprocess.run(
        [git, "-C", str(tmp_path), "diff", "--cached", "--name-only"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout.splitlines()
    assert "locpipe.toml" in staged
    assert [name for name in staged if name.startswith(".locpipe-cache")] == []
