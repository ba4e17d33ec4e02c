"""``locpipe all`` with nothing changed: one look at every file instead of five steps.

After a successful ``all`` that left nothing to translate, the command keeps,
in ``.locpipe-cache/all.json``, the sha256 of every file of the project's
folders (articles, page templates, catalogs, built pages) and of its
configuration, the environment (locpipe's code, the options, msgfmt) and, when
that run itself changed no byte, what it printed.  The next ``all`` whose
every file has those very bytes has nothing to do: it prints the same thing
and stops, without loading the steps.

Content decides, as in :mod:`locpipe.stamps`.  To avoid reading every file
again, the table also keeps each file's stat identity (inode, size, mtime,
ctime) at the time it was hashed, as git's index does: a file whose identity
is unchanged is not read again.  Any write gives a file a new ctime, so an
edited file is always hashed; a file changed less than :data:`SETTLED_NS`
before it was hashed (when two writes could share a clock tick) is not
trusted by its identity and is hashed again next time.  Like the stamps, the
table is only an optimization: deleting it makes the next ``all`` run every
step.  It is also untrusted (a commit can forge every digest and the output),
so when the ``CI`` variable is set ``all`` never replays it: the steps run.
"""

from __future__ import annotations

import contextlib
import json
import os
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TextIO

from locpipe.cachedir import prepare_cache_folder
from locpipe.fsio import TEMP_NAME_RE, atomic_write_text
from locpipe.stamps import STAMPS_DIR, file_digest, in_ci, key, read_no_follow

#: Where the table lives, relative to the project root.
TABLE = STAMPS_DIR.parent / "all.json"
#: Bump to drop tables written by an older layout.
FORMAT = 1
#: A file changed this recently before it was hashed is hashed again next time.
SETTLED_NS = 1_000_000_000

Identity = tuple[int, int, int, int]


@dataclass
class Snapshot:
    """Every file of the project that ``all`` reads or writes: relative path → digest."""

    digests: dict[str, str | None] = field(default_factory=dict)
    #: relative path → stat identity when it was hashed.
    identities: dict[str, Identity] = field(default_factory=dict)
    #: The files whose identity is safe to trust in a later command.
    settled: set[str] = field(default_factory=set)

    def known(self) -> dict[str, tuple[Identity, str]]:
        """relative path → (identity, digest): what :func:`take_snapshot` need not read."""
        return {
            relative: (identity, digest)
            for relative, identity in self.identities.items()
            if (digest := self.digests[relative]) is not None
        }


def _files(root: Path, folders: list[Path], files: list[Path]) -> Iterator[tuple[str, str]]:
    """(relative path, path) of every regular file under ``folders`` and of ``files``."""
    prefix = os.path.join(root, "")
    for path in files:
        yield _relative(prefix, os.fspath(path)), os.fspath(path)
    for folder in folders:
        for dirpath, dirnames, filenames in os.walk(folder):
            dirnames.sort()
            for name in sorted(filenames):
                if not TEMP_NAME_RE.fullmatch(name):
                    found = os.path.join(dirpath, name)
                    yield _relative(prefix, found), found


def _relative(prefix: str, path: str) -> str:
    return path[len(prefix) :] if path.startswith(prefix) else path


def take_snapshot(
    root: Path,
    folders: list[Path],
    files: list[Path],
    known: dict[str, tuple[Identity, str]] | None = None,
) -> Snapshot:
    """Digest every file; one whose identity is in ``known`` is not read again."""
    known = known or {}
    started = time.time_ns()
    snapshot = Snapshot()
    for relative, path in _files(root, folders, files):
        try:
            info = os.stat(path)
        except OSError:
            snapshot.digests[relative] = None
            continue
        identity = (info.st_ino, info.st_size, info.st_mtime_ns, info.st_ctime_ns)
        remembered = known.get(relative)
        if remembered is not None and remembered[0] == identity:
            digest: str | None = remembered[1]
        else:
            digest = file_digest(path)
        snapshot.digests[relative] = digest
        snapshot.identities[relative] = identity
        if max(info.st_mtime_ns, info.st_ctime_ns) < started - SETTLED_NS:
            snapshot.settled.add(relative)
    return snapshot


class AllStamp:
    """The record of the last complete ``all`` (see the module docstring)."""

    def __init__(self, root: Path, folders: list[Path], files: list[Path], environment: str):
        self.root, self.folders, self.files = root, folders, files
        self.path = root / TABLE
        self.environment = environment
        self.before: Snapshot | None = None
        self._stored = self._load()

    def _load(self) -> dict[str, Any]:
        try:
            data = json.loads(read_no_follow(self.path))
        except (OSError, ValueError):
            return {}
        if not isinstance(data, dict) or data.get("format") != FORMAT:
            return {}
        if data.get("environment") != self.environment or not isinstance(data.get("files"), dict):
            return {}
        return data

    def _known(self) -> dict[str, tuple[Identity, str]]:
        known = {}
        for relative, entry in self._stored.get("files", {}).items():
            with contextlib.suppress(TypeError, ValueError):
                identity, digest = entry
                if identity is not None:
                    known[relative] = (tuple(identity), digest)
        return known

    def _stored_digests(self) -> dict[str, str | None]:
        files = self._stored.get("files", {})
        return {relative: entry[1] for relative, entry in files.items()}

    def replay(self) -> list[tuple[str, str]] | None:
        """What the last run printed, if every file has the bytes it left; else None
        (then :meth:`record` after the run compares with this snapshot)."""
        self.before = take_snapshot(self.root, self.folders, self.files, self._known())
        output = self._stored.get("output")
        if output is None or in_ci() or self.before.digests != self._stored_digests():
            return None
        if self.before.settled - set(self._known()):  # newly settled: not read next time
            self._save(self.before, output)
        return [(stream, text) for stream, text in output]

    def record(self, output: list[tuple[str, str]]) -> None:
        """After a complete run: keep its snapshot, and its output when it changed nothing."""
        known = self.before.known() if self.before is not None else None
        after = take_snapshot(self.root, self.folders, self.files, known)
        unchanged = self.before is not None and self.before.digests == after.digests
        self._save(after, output if unchanged else None)

    def forget(self) -> None:
        """A run that did not finish cleanly vouches for nothing."""
        with contextlib.suppress(OSError):
            self.path.unlink()

    def _save(self, snapshot: Snapshot, output: list[tuple[str, str]] | None) -> None:
        files = {
            relative: [
                snapshot.identities[relative] if relative in snapshot.settled else None,
                digest,
            ]
            for relative, digest in snapshot.digests.items()
        }
        data = {
            "format": FORMAT,
            "environment": self.environment,
            "files": files,
            "output": output,
        }
        with contextlib.suppress(Exception):  # an optimization: a failure costs a full run
            prepare_cache_folder(self.root)
            atomic_write_text(self.path, json.dumps(data, ensure_ascii=False, sort_keys=True))


def environment(*parts: object) -> str:
    """Digest of what, besides the files, decides what ``all`` does and prints."""
    return key(*parts)


class _Tee:
    """A text stream that also records what is written to it."""

    def __init__(self, stream: TextIO, name: str, record: list[tuple[str, str]]):
        self._stream, self._name, self._record = stream, name, record

    def write(self, text: str) -> int:
        written = self._stream.write(text)  # click probes with b"": that raises, unrecorded
        self._record.append((self._name, text))
        return written

    def __getattr__(self, attr: str) -> Any:
        return getattr(self._stream, attr)


@contextlib.contextmanager
def captured_output() -> Iterator[list[tuple[str, str]]]:
    """Record what is printed to stdout and stderr (still printing it)."""
    record: list[tuple[str, str]] = []
    out, err = sys.stdout, sys.stderr
    sys.stdout, sys.stderr = _Tee(out, "out", record), _Tee(err, "err", record)
    try:
        yield record
    finally:
        sys.stdout, sys.stderr = out, err


def print_output(output: list[tuple[str, str]]) -> None:
    """Print a recorded output again, each piece on its stream."""
    for stream, text in output:
        target = sys.stderr if stream == "err" else sys.stdout
        target.write(text)
        target.flush()  # the two streams interleave as they did
