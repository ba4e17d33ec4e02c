"""Real inputs, downloaded with pip and cached under ``bench/.work/`` (never committed).

* pages: the Markdown documentation in the sdists of Python-Markdown and
  pymdown-extensions, rendered to complete HTML pages with Python-Markdown;
* catalogs: the French ``.po`` files inside the Django, Sphinx, Wagtail and
  Weblate wheels (as in issue 5), concatenated (first occurrence of a msgctxt+msgid wins).
"""

from __future__ import annotations

import subprocess
import tarfile
import zipfile
from pathlib import Path

import polib

from locbench.common import WORK, log
from locbench.peers import Peers

SDISTS = ["markdown", "pymdown-extensions"]
WHEELS = ["django", "sphinx", "wagtail", "weblate"]
RENDER = Path(__file__).with_name("render_md.py")


def _pip_download(peers: Peers, names: list[str], dest: Path, binary: bool) -> list[Path]:
    dest.mkdir(parents=True, exist_ok=True)
    if not any(dest.iterdir()):
        log(f"pip download {' '.join(names)}")
        kind = ["--only-binary", ":all:"] if binary else ["--no-binary", ":all:"]
        subprocess.run(
            [peers.python, "-m", "pip", "download", "-q", "--no-deps", *kind, "-d", dest, *names],
            check=True,
            capture_output=True,
        )
    return sorted(dest.iterdir())


def real_pages(peers: Peers) -> Path:
    """Folder of rendered HTML pages (one per Markdown file of the sdists)."""
    out = WORK / "real" / "pages"
    if out.is_dir() and any(out.glob("*.html")):
        return out
    markdown_dir = WORK / "real" / "markdown"
    for sdist in _pip_download(peers, SDISTS, WORK / "downloads" / "sdists", binary=False):
        with tarfile.open(sdist) as tar:
            for member in tar.getmembers():
                if member.isfile() and member.name.endswith(".md"):
                    data = tar.extractfile(member).read()  # type: ignore[union-attr]
                    target = markdown_dir / member.name.replace("/", "__")
                    target.parent.mkdir(parents=True, exist_ok=True)
                    target.write_bytes(data)
    out.mkdir(parents=True, exist_ok=True)
    subprocess.run([peers.python, RENDER, markdown_dir, out], check=True)
    return out


def real_catalog(peers: Peers) -> polib.POFile:
    """The French catalogs of the wheels as one catalog (cached as combined.po)."""
    combined = WORK / "real" / "combined-fr.po"
    if combined.exists():
        return polib.pofile(str(combined), wrapwidth=79)
    po = polib.POFile(wrapwidth=79)
    po.metadata = {"Content-Type": "text/plain; charset=UTF-8", "Language": "fr"}
    seen: set[tuple[str | None, str]] = set()
    sources = []
    for wheel in _pip_download(peers, WHEELS, WORK / "downloads" / "wheels", binary=True):
        with zipfile.ZipFile(wheel) as archive:
            for name in sorted(archive.namelist()):
                if name.endswith(".po") and "/fr/LC_MESSAGES/" in name:
                    sources.append(name)
                    text = archive.read(name).decode("utf-8")
                    for entry in polib.pofile(text, wrapwidth=79):
                        key = (entry.msgctxt or None, entry.msgid)
                        if entry.msgid and not entry.obsolete and key not in seen:
                            seen.add(key)
                            po.append(entry)
    combined.parent.mkdir(parents=True, exist_ok=True)
    po.save(str(combined))
    (combined.with_suffix(".sources")).write_text("\n".join(sources) + "\n")
    return po
