"""An on-disk cache of machine translations (SQLite): never pay twice.

Every engine result is stored under ``<project>/.locpipe-cache/mt.sqlite3``
keyed by the engine (its description, e.g. ``apertium ita-cat|cat-fra`` or
``deepl``), the language pair, a fingerprint of the protection settings (the
do-not-translate terms and the target's glossary, plus
:data:`PROTECTION_VERSION`) and the exact source text.  A re-run after nothing
changed finds every text here and makes no engine call.

Only translations are stored, never failures: a unit that failed (verification,
network) is sent again on the next run, so ``translate --dry-run`` counts it
and a fixed engine or protection gets its chance.  Negative rows written by
older versions are ignored.  A stored translation is data, not trusted output
(the cache may be committed or forged): the translate step verifies it again
before it becomes a draft.  Writes are committed after each batch, so an
interrupted run keeps what it paid for.
"""

from __future__ import annotations

import hashlib
import json
import sqlite3
import time
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path

CACHE_DIR = ".locpipe-cache"
CACHE_FILE = "mt.sqlite3"
#: Bump when masking or restoring changes, so old (negative) results are not reused.
PROTECTION_VERSION = 2

_SCHEMA = """
CREATE TABLE IF NOT EXISTS mt (
    engine TEXT NOT NULL,
    source TEXT NOT NULL,
    target TEXT NOT NULL,
    fingerprint TEXT NOT NULL,
    text TEXT NOT NULL,
    translation TEXT,
    error TEXT,
    created REAL NOT NULL,
    PRIMARY KEY (engine, source, target, fingerprint, text)
)
"""


def fingerprint(do_not_translate: Iterable[str] = (), glossary: Mapping[str, str] | None = None):
    """A short stable hash of what changes the engine input for the same text."""
    data = json.dumps(
        [PROTECTION_VERSION, sorted(set(do_not_translate)), sorted((glossary or {}).items())],
        ensure_ascii=False,
    )
    return hashlib.sha256(data.encode("utf-8")).hexdigest()[:16]


class MTCache:
    """The SQLite cache; ``path=None`` keeps it in memory (tests, ``cache = false``)."""

    def __init__(self, path: Path | None):
        self.path = path
        if path is not None:
            path.parent.mkdir(parents=True, exist_ok=True)
        self._db = sqlite3.connect(str(path) if path is not None else ":memory:", timeout=30)
        if path is not None:
            self._db.execute("PRAGMA journal_mode=WAL")
            self._db.execute("PRAGMA synchronous=NORMAL")  # safe on a crash, fast
        self._db.execute(_SCHEMA)
        self._db.commit()
        self.hits = 0
        self.misses = 0

    @classmethod
    def for_project(cls, root: Path) -> MTCache:
        """The project's cache file; its folder made, and refused if it holds a symlink."""
        from locpipe.cachedir import check_cache_folder, prepare_cache_folder

        check_cache_folder(root)  # SQLite would follow a link (and make its journal beside it)
        return cls(prepare_cache_folder(root) / CACHE_FILE)

    def get_many(
        self, engine: str, source: str, target: str, fp: str, texts: Sequence[str]
    ) -> dict[str, str]:
        """text → cached translation; absent texts (and stored failures) are misses."""
        found: dict[str, str] = {}
        unique = list(dict.fromkeys(texts))
        for start in range(0, len(unique), 500):
            chunk = unique[start : start + 500]
            marks = ",".join("?" * len(chunk))
            rows = self._db.execute(
                f"SELECT text, translation FROM mt WHERE engine=? AND source=? AND target=? "
                f"AND fingerprint=? AND translation IS NOT NULL AND text IN ({marks})",
                (engine, source, target, fp, *chunk),
            )
            for text, translation in rows:
                found[text] = translation
        self.hits += len(found)
        self.misses += len(unique) - len(found)
        return found

    def put_many(
        self,
        engine: str,
        source: str,
        target: str,
        fp: str,
        results: Iterable[tuple[str, str | None, str | None]],
    ) -> None:
        """Store (text, translation or None, error) rows and commit."""
        now = time.time()
        self._db.executemany(
            "INSERT OR REPLACE INTO mt VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            [(engine, source, target, fp, text, tr, err, now) for text, tr, err in results],
        )
        self._db.commit()

    def entries(self) -> list[tuple[str, str, str, str, str]]:
        """Every successful (engine, source, target, text, translation), oldest first."""
        rows = self._db.execute(
            "SELECT engine, source, target, text, translation FROM mt "
            "WHERE translation IS NOT NULL ORDER BY created, rowid"
        )
        return list(rows)

    def __len__(self) -> int:
        return self._db.execute("SELECT COUNT(*) FROM mt").fetchone()[0]

    def close(self) -> None:
        self._db.close()

    def __enter__(self) -> MTCache:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
