"""Content-hash stamps: which work a step may skip because its inputs did not change.

Stamps live in ``<project>/.locpipe-cache/stamps/<table>.json`` (git-ignored)
and are only an optimization: deleting the folder makes the next run redo
everything and write the same bytes.

A stamp is a record ``name → {"in": key, "out": {path: digest}, "data": …}``:

* ``in`` is the sha256 of every input that affects the outputs (the bytes of
  the article, template or catalog, the options) *and* of the environment:
  locpipe's version, the digest of locpipe's own code and the project's
  configuration.  Changing any of them makes every stamp stale.
* ``out`` is the sha256 of each output file as it was after the step wrote
  it (``None``: the file must not exist).  A stamp counts only when every
  output still has those bytes, so a hand-edited, deleted or half-written
  output is redone, and a stamp can never outlive the file it vouches for.
* ``data`` is what the step needs to report without redoing the work
  (counts, a check's findings, an article's language).

Only content hashes decide: timestamps are never read.  A table is written
atomically (:mod:`locpipe.fsio`) at the end of a step, after the outputs it
vouches for, and only when something changed, so a no-op run writes nothing.
A failure to write a table is ignored: the next run redoes the work.

The cache folder is untrusted (it may be committed or forged: every input of
a record's key is public, and a forged record can vouch for a committed
output).  So a stamp only saves work on the machine that wrote it; a gate
never takes its word: when :func:`in_ci` no stamp is read at all (every step
works from the sources and catalogs, and stamps them afresh), ``check
--strict`` ignores its stamps (:mod:`locpipe.steps.check`), and ``all`` does not
replay a recorded run in CI (:mod:`locpipe.all_replay`).
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
from collections.abc import Iterable, Mapping
from functools import lru_cache
from pathlib import Path
from typing import Any

import locpipe
from locpipe.cachedir import prepare_cache_folder
from locpipe.fsio import atomic_write_text

#: Where the stamp tables are, relative to the project root.
STAMPS_DIR = Path(".locpipe-cache") / "stamps"
#: Bump to drop every stamp written by an older layout (2: the build's pages and
#: ``.mo`` files in a table per language, ``build.<lang>``).
FORMAT = 2


def in_ci() -> bool:
    """Whether the ``CI`` variable is set (to anything but ``0``, ``false``, ``no``): the
    run is a gate, and a stamp (which a commit can forge) never stands for a check."""
    return os.environ.get("CI", "").strip().lower() not in ("", "0", "false", "no")


def digest_bytes(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


#: path → digest (32 bytes) and stat identity: one command hashes an unchanged file once
#: (packed in one ``bytes``: a big site's files are many).
_DIGESTS: dict[str, bytes] = {}


def file_digest(path: str | Path) -> str | None:
    """sha256 of a file's bytes; ``None`` when it does not exist (or cannot be read).

    Within one command a file whose inode, size, mtime and ctime are those of
    its last hashing is not read again (a no-op ``all`` would otherwise hash
    every catalog five times).  locpipe replaces files by renaming a new inode
    over them, so its own writes always miss; the memo lives only as long as
    the process, and every stamp is checked against fresh hashes by the next
    command, so a file edited mid-command can at worst make that one redo work.
    """
    name = os.fspath(path)
    try:
        with open(name, "rb") as handle:
            info = os.fstat(handle.fileno())
            identity = b"%d %d %d %d" % (
                info.st_ino,
                info.st_size,
                info.st_mtime_ns,
                info.st_ctime_ns,
            )
            known = _DIGESTS.get(name)
            if known is not None and known[32:] == identity:
                return known[:32].hex()
            digest = hashlib.sha256(handle.read()).digest()  # small files: one read
    except (FileNotFoundError, NotADirectoryError, IsADirectoryError):
        return None
    except OSError:
        return "unreadable"
    _DIGESTS[name] = digest + identity
    return digest.hex()


def read_no_follow(path: Path) -> str:
    """A cache file's text, never through a symlink (``OSError`` if it is one)."""
    fd = os.open(path, os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0) | os.O_CLOEXEC)
    with os.fdopen(fd, "rb") as handle:
        return handle.read().decode("utf-8")


def key(*parts: object) -> str:
    """A digest of JSON-able parts (strings, numbers, None, lists)."""
    return digest_bytes(json.dumps(parts, ensure_ascii=False, default=str).encode("utf-8"))


def tree_digest(folder: Path) -> str:
    """Digest of every file under ``folder``: relative paths and bytes."""
    h = hashlib.sha256()
    if folder.is_dir():
        for path in sorted(p for p in folder.rglob("*") if p.is_file()):
            h.update(path.relative_to(folder).as_posix().encode("utf-8") + b"\0")
            h.update((file_digest(path) or "").encode("ascii") + b"\0")
    return h.hexdigest()


@lru_cache(maxsize=1)
def code_digest() -> str:
    """locpipe's version and the digest of its own code (a changed walker or
    merge must not trust stamps written by the old one)."""
    package = Path(locpipe.__file__).resolve().parent
    h = hashlib.sha256(locpipe.__version__.encode("utf-8") + b"\0")
    for path in sorted(package.rglob("*")):
        if path.suffix in (".py", ".html", ".css", ".js") and "__pycache__" not in path.parts:
            h.update(path.relative_to(package).as_posix().encode("utf-8") + b"\0")
            h.update(path.read_bytes() + b"\0")
    return h.hexdigest()


class Stamps:
    """One table of stamps (see the module docstring)."""

    def __init__(self, root: Path, table: str, environment: str):
        self.root = root
        self.path = root / STAMPS_DIR / f"{table}.json"
        self.environment = environment
        self._records: dict[str, dict[str, Any]] | None = None
        self.dirty = False

    @property
    def records(self) -> dict[str, dict[str, Any]]:
        if self._records is None:
            self._records = {}
            try:
                data = json.loads(read_no_follow(self.path))
            except (OSError, ValueError):
                data = None  # missing or damaged: everything is redone
            if isinstance(data, dict) and data.get("format") == FORMAT:
                records = data.get("stamps")
                if isinstance(records, dict):
                    self._records = records
        return self._records

    def _key(self, inputs: str) -> str:
        return key(self.environment, inputs)

    def _relative(self, path: Path) -> str:
        try:
            return path.relative_to(self.root).as_posix()
        except ValueError:
            return path.as_posix()

    def lookup(self, name: str, inputs: str) -> dict[str, Any] | None:
        """The record of ``name`` if it was made from these inputs and every
        output still has the bytes it had then; else ``None``."""
        if in_ci():  # a gate: the cache may be forged (see the module docstring)
            return None
        record = self.records.get(name)
        if not isinstance(record, dict) or record.get("in") != self._key(inputs):
            return None
        outputs = record.get("out")
        if not isinstance(outputs, dict):
            return None
        root = str(self.root)
        for relative, expected in outputs.items():
            if file_digest(os.path.join(root, relative)) != expected:
                return None
        return record

    def data(self, name: str, inputs: str) -> Any:
        """``lookup(...)["data"]``, or ``None`` when stale."""
        record = self.lookup(name, inputs)
        return None if record is None else record.get("data")

    def record(
        self, name: str, inputs: str, outputs: Iterable[Path] = (), data: Any = None
    ) -> None:
        """Stamp ``name``: call only after its outputs are written (their bytes are hashed now)."""
        self.stamp(name, inputs, {p: file_digest(p) for p in outputs}, data)

    def stamp(
        self, name: str, inputs: str, outputs: Mapping[Path, str | None], data: Any = None
    ) -> None:
        """:meth:`record` with the digest of each output known (of the bytes just written)."""
        entry = {
            "in": self._key(inputs),
            "out": {self._relative(p): digest for p, digest in outputs.items()},
            "data": data,
        }
        if self.records.get(name) != entry:
            self.records[name] = entry
            self.dirty = True

    def forget(self, name: str) -> None:
        if self.records.pop(name, None) is not None:
            self.dirty = True

    def rebase(self, name: str, path: Path, before: str | None, after: str | None) -> None:
        """``path`` went from ``before`` to ``after`` by a change that keeps the record
        true (translate fills msgstrs: merging the same template again is still a no-op)."""
        record = self.records.get(name)
        relative = self._relative(path)
        if not isinstance(record, dict) or before == after:
            return
        outputs = record.get("out")
        if isinstance(outputs, dict) and outputs.get(relative) == before and before is not None:
            outputs[relative] = after
            self.dirty = True

    def save(self) -> bool:
        """Write the table if it changed; a failure is ignored (stamps are an optimization)."""
        if not self.dirty or self._records is None:
            return False
        text = json.dumps(
            {"format": FORMAT, "stamps": self._records}, ensure_ascii=False, sort_keys=True
        )
        with contextlib.suppress(Exception):
            prepare_cache_folder(self.root, STAMPS_DIR.name)
            atomic_write_text(self.path, text)
            self.dirty = False
            return True
        return False
