"""Atomic writes: no write when unchanged, permissions kept, nothing left on failure."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from locpipe import fsio
from locpipe.errors import LocpipeError
from locpipe.fsio import atomic_write_bytes, atomic_write_text


def test_writes_creates_parents_and_skips_identical(tmp_path: Path) -> None:
    path = tmp_path / "a" / "b" / "file.txt"
    assert atomic_write_text(path, "ciao €\n") is True
    assert path.read_bytes() == "ciao €\n".encode()
    os.utime(path, (1, 1))
    assert atomic_write_text(path, "ciao €\n") is False
    assert path.stat().st_mtime == 1
    assert atomic_write_bytes(path, b"new") is True
    assert path.read_bytes() == b"new"
    assert sorted(p.name for p in path.parent.iterdir()) == ["file.txt"]


def test_keeps_permission_bits(tmp_path: Path) -> None:
    path = tmp_path / "script.sh"
    path.write_text("old")
    path.chmod(0o750)
    atomic_write_text(path, "new")
    assert path.stat().st_mode & 0o777 == 0o750


def test_failure_leaves_old_file_and_no_temp(tmp_path: Path, monkeypatch) -> None:
    path = tmp_path / "file.txt"
    path.write_text("old")

    def full_disk(*args, **kwargs):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(fsio.os, "replace", full_disk)
    with pytest.raises(LocpipeError, match="cannot write: No space left on device") as info:
        atomic_write_text(path, "new")
    assert info.value.path == path
    assert path.read_text() == "old"
    assert [p.name for p in tmp_path.iterdir()] == ["file.txt"]


def test_parent_is_a_file(tmp_path: Path) -> None:
    blocker = tmp_path / "blocker"
    blocker.write_text("x")
    with pytest.raises(LocpipeError, match="cannot write"):
        atomic_write_bytes(blocker / "file.txt", b"data")


def test_temp_files_are_new_private_and_found_by_the_stale_sweep(tmp_path: Path) -> None:
    path = tmp_path / "ui.pot"
    temps = [fsio.prepare_write(path, b"x") for _ in range(50)]
    assert len({t.name for t in temps}) == 50  # never the same name twice
    for tmp in temps:
        assert fsio.TEMP_NAME_RE.fullmatch(tmp.name) and tmp.read_bytes() == b"x"
    (tmp_path / "link").symlink_to(tmp_path / "elsewhere")
    with pytest.raises(FileExistsError):  # O_EXCL: an existing name (or link) is never opened
        os.open(tmp_path / "link", fsio._TEMP_FLAGS, 0o600)
    assert not (tmp_path / "elsewhere").exists()
    removed = fsio.remove_stale_temps(tmp_path)  # what a killed writer leaves is swept
    assert sorted(removed) == sorted(temps) and not path.exists()


@pytest.mark.parametrize("same", [True, False], ids=["same bytes", "other bytes"])
def test_a_symlink_at_the_name_is_replaced_never_written_through(tmp_path: Path, same: bool):
    """Its target keeps its bytes and mode; the name becomes a file of its own."""
    target = tmp_path / "elsewhere.txt"
    target.write_bytes(b"data" if same else b"precious")
    target.chmod(0o600)
    path = tmp_path / "out" / "page.html"
    path.parent.mkdir()
    path.symlink_to(target)
    assert atomic_write_bytes(path, b"data") is True
    assert not path.is_symlink() and path.read_bytes() == b"data"
    assert path.stat().st_mode & 0o777 == 0o666 & ~_umask()  # not the target's 0o600
    assert target.read_bytes() == (b"data" if same else b"precious")


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask
