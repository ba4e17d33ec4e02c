"""locpipe-side workers, run in the project's venv as ``python -m locbench.worker TASK ...``.

Each prints one JSON line with its in-process timings, so the bench gets both
the wall time of the whole process (startup included, like a peer's CLI) and
the time of the work alone.
"""

from __future__ import annotations

import json
import sys
import time
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path


def _emit(**data: object) -> None:
    print(json.dumps(data), flush=True)


def task_update(old: str, template: str, out: str) -> None:
    """read both catalogs, merge (msgmerge semantics), write: like ``msgmerge -o``."""
    from locpipe.catalog import format_catalog, read_catalog
    from locpipe.msgmerge import merge

    t0 = time.perf_counter()
    old_po, pot = read_catalog(old), read_catalog(template)
    t1 = time.perf_counter()
    merged = merge(old_po, pot, "fr")
    t2 = time.perf_counter()
    Path(out).write_text(format_catalog(merged), encoding="utf-8")
    t3 = time.perf_counter()
    _emit(parse=t1 - t0, merge=t2 - t1, format=t3 - t2)


def _walk_one(path: str) -> int:
    from locpipe.formats.html import walk

    return len(walk(Path(path).read_text(encoding="utf-8")).units)


def task_walk(folder: str, jobs: str = "1") -> None:
    """locpipe's walker alone over every page (optionally in a process pool)."""
    paths = [str(p) for p in sorted(Path(folder).glob("*.html"))]
    t0 = time.perf_counter()
    if int(jobs) > 1:
        with ProcessPoolExecutor(int(jobs)) as pool:
            units = sum(pool.map(_walk_one, paths, chunksize=8))
    else:
        units = sum(map(_walk_one, paths))
    _emit(walk=time.perf_counter() - t0, units=units, pages=len(paths))


def task_floor(folder: str) -> None:
    """The parse floor: BeautifulSoup(html.parser), BeautifulSoup(lxml), lxml alone."""
    import lxml.html
    from bs4 import BeautifulSoup

    texts = [p.read_text(encoding="utf-8") for p in sorted(Path(folder).glob("*.html"))]
    parsers: dict[str, Callable[[str], object]] = {
        "bs4_html_parser": lambda t: BeautifulSoup(t, "html.parser"),
        "bs4_lxml": lambda t: BeautifulSoup(t, "lxml"),
        "lxml": lxml.html.document_fromstring,
    }
    times = {}
    for name, parse in parsers.items():
        t0 = time.perf_counter()
        for text in texts:
            parse(text)
        times[name] = time.perf_counter() - t0
    _emit(**times)


class _Forced(str):
    """A translation equal to its msgid that never compares equal: forces the render path."""

    __hash__ = str.__hash__

    def __eq__(self, other: object) -> bool:
        return False

    def __ne__(self, other: object) -> bool:
        return True


_MARK = "\ue000"


def outside_identical(text: str, units: list) -> bool:
    """True when everything outside the (top-level) unit spans comes back byte for byte.

    Every unit is replaced by a one-character mark; the pieces between marks
    must equal the source between the unit spans.
    """
    from locpipe.formats.html import reassemble

    built = reassemble(text, units, lambda unit: _MARK)
    spans, last = [], -1
    for unit in sorted(units, key=lambda u: (u.start, -u.end)):
        if unit.start >= last:
            spans.append((unit.start, unit.end))
            last = unit.end
    pieces, pos = [], 0
    for start, end in spans:
        pieces.append(text[pos:start])
        pos = end
    pieces.append(text[pos:])
    got = [p.replace('"', "") for p in built.split(_MARK)]  # unquoted values gain quotes
    return got == [p.replace('"', "") for p in pieces]


def _build_page(path: Path, templates: Path, out_dir: Path, forced: bool) -> tuple[int, int, int]:
    """Walk one page, read its catalog, splice, write: (identical, rejected, units)."""
    from locpipe.catalog import read_catalog
    from locpipe.formats.html import reassemble, walk

    text = path.read_text(encoding="utf-8")
    doc = walk(text)
    catalog = read_catalog(templates / f"{path.stem}.pot")
    wrap = _Forced if forced else str
    table = {e.msgid: wrap(e.msgid) for e in catalog}
    rejected: list = []
    built = reassemble(text, doc.units, lambda u, t=table: t.get(u.msgid), rejected=rejected)
    (out_dir / path.name).write_text(built, encoding="utf-8")
    return built == text, len(rejected), len(doc.units)


def task_build(pages: str, templates: str, out: str, forced: str = "1", jobs: str = "0") -> None:
    """Rebuild every page from its template with identity translations (msgstr = msgid).

    Reads the page, walks it, reads its catalog, splices, writes: the work
    ``po2html`` does, on ``jobs`` cores (0: every core) through locpipe's own
    pool (:mod:`locpipe.parallel`, as ``locpipe build`` does).  ``forced=1``
    renders every unit (no short-cut for a translation equal to its msgid).
    """
    from locpipe.parallel import available_cpus, run_each

    out_dir = Path(out)
    out_dir.mkdir(parents=True, exist_ok=True)
    workers = int(jobs) or available_cpus()
    t0 = time.perf_counter()
    paths = sorted(Path(pages).glob("*.html"))
    done = run_each(
        lambda path: _build_page(path, Path(templates), out_dir, forced == "1"), paths, workers
    )
    counts = [d.value for d in done if d.value is not None]
    _emit(
        build=time.perf_counter() - t0,
        jobs=workers,
        pages=len(paths),
        identical=sum(c[0] for c in counts),
        rejected=sum(c[1] for c in counts),
        units=sum(c[2] for c in counts),
    )


def task_identity(pages: str) -> None:
    """Identity translations through locpipe as shipped (equal translations are skipped),
    and whether everything outside the units comes back byte for byte (not timed)."""
    from locpipe.formats.html import reassemble, walk

    identical = total = outside = 0
    for path in sorted(Path(pages).glob("*.html")):
        text = path.read_text(encoding="utf-8")
        units = walk(text).units
        built = reassemble(text, units, lambda unit: unit.msgid)
        identical += built == text
        outside += outside_identical(text, units)
        total += 1
    _emit(identical_shipped=identical, outside_identical=outside, pages=total)


def _texts(path: str) -> list[str]:
    return json.loads(Path(path).read_text(encoding="utf-8"))


def task_translate(backend_name: str, texts_path: str, targets: str, batch: str = "400") -> None:
    """Translate the texts from Italian through a locpipe backend, in batches.

    ``targets`` is one language or several separated by commas: with a
    parallel backend (Apertium) each gets its own thread, as in
    ``locpipe translate``; otherwise they run one after the other.
    """
    from concurrent.futures import ThreadPoolExecutor

    from locpipe.mt import get_backend

    texts = _texts(texts_path)
    size = int(batch)
    languages = targets.split(",")
    t0 = time.perf_counter()
    with get_backend(backend_name) as backend:

        def one(target: str) -> int:
            failed = 0
            for start in range(0, len(texts), size):
                out = backend.translate(texts[start : start + size], "it", target)
                failed += sum(o is None for o in out)
            return failed

        if backend.parallel and len(languages) > 1:
            with ThreadPoolExecutor(len(languages)) as pool:
                failed = sum(pool.map(one, languages))
        else:
            failed = sum(map(one, languages))
    _emit(translate=time.perf_counter() - t0, segments=len(texts) * len(languages), failed=failed)


def task_fidelity(pages: str, built: str) -> None:
    """Compare rebuilt pages with their sources: byte-identical, same document, missing."""
    import lxml.html

    def document(text: str) -> str | None:
        """The page's text; None when there is no document (a peer wrote an empty page)."""
        try:
            root = lxml.html.document_fromstring(text)
        except (lxml.etree.ParserError, ValueError):
            return None
        return " ".join(root.text_content().split())

    identical = same = missing = differ = 0
    for path in sorted(Path(pages).glob("*.html")):
        other = Path(built) / path.name
        if not other.exists():
            missing += 1
            continue
        a, b = path.read_text(encoding="utf-8"), other.read_text(encoding="utf-8")
        if a == b:
            identical += 1
            same += 1
        elif (text := document(b)) is not None and document(a) == text:
            same += 1
        else:
            differ += 1
    _emit(identical=identical, same=same, missing=missing, differ=differ)


TASKS: dict[str, Callable[..., None]] = {
    "update": task_update,
    "walk": task_walk,
    "floor": task_floor,
    "build": task_build,
    "translate": task_translate,
    "fidelity": task_fidelity,
    "identity": task_identity,
}

if __name__ == "__main__":
    TASKS[sys.argv[1]](*sys.argv[2:])
