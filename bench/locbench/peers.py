"""Peers: installed by the bench when missing; an optional peer that cannot be had is skipped."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path

from locbench.common import WORK, log

VENV = WORK / "venv"
#: PyPI packages of the bench's own venv: the peers and the renderer of the real pages.
PYPI = [
    "translate-toolkit[levenshtein]",
    "babel",
    "markdown",
    "pymdown-extensions",
    "beautifulsoup4",
    "lxml",
]


@dataclass
class Peers:
    """Where each peer tool is; ``missing`` maps a peer to why it is skipped."""

    python: Path
    bin: Path
    msgmerge: str | None = None
    po4a: str | None = None
    apertium: str | None = None
    missing: dict[str, str] = field(default_factory=dict)

    def tool(self, name: str) -> Path:
        return self.bin / name

    def versions(self) -> dict[str, str]:
        """Peer name → version string, for the results header."""
        out: dict[str, str] = {}
        code = (
            "import importlib.metadata as m;"
            "print(*(f'{p}={m.version(p)}' for p in "
            "['translate-toolkit','babel','markdown','beautifulsoup4','lxml']))"
        )
        done = subprocess.run([self.python, "-c", code], capture_output=True, text=True)
        for item in done.stdout.split():
            name, _, version = item.partition("=")
            out[name] = version
        if self.msgmerge:
            first = _first_line([self.msgmerge, "--version"])
            out["msgmerge"] = first.split()[-1] if first else "?"
        if self.po4a:
            out["po4a"] = (_first_line([self.po4a, "--version"]) or "?").split()[-1].rstrip(".")
        if self.apertium:
            dpkg = _first_line(["dpkg-query", "-W", "-f", "${Version}", "apertium"])
            out["apertium"] = dpkg or "?"
        return out


def _first_line(cmd: list[str]) -> str:
    try:
        done = subprocess.run(cmd, capture_output=True, text=True, timeout=30)
    except (OSError, subprocess.TimeoutExpired):
        return ""
    return (
        (done.stdout or done.stderr).strip().splitlines()[0] if (done.stdout or done.stderr) else ""
    )


def _apt_install(package: str) -> bool:
    """apt-get install as root; False (with a note) otherwise."""
    if os.geteuid() != 0 or shutil.which("apt-get") is None:
        return False
    log(f"installing {package} from Debian")
    env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    for cmd in (["apt-get", "install", "-y", "-q", package], None):
        if cmd is None:
            subprocess.run(["apt-get", "update", "-q"], env=env, capture_output=True)
            cmd = ["apt-get", "install", "-y", "-q", package]
        if subprocess.run(cmd, env=env, capture_output=True).returncode == 0:
            return True
    return False


def ensure_peers() -> Peers:
    """Create ``bench/.work/venv`` with the PyPI peers and find the Debian ones."""
    python = VENV / "bin" / "python"
    if not (VENV / ".installed").exists():
        log("creating the bench venv (translate-toolkit, Babel, Markdown) under bench/.work/venv")
        subprocess.run([sys.executable, "-m", "venv", "--clear", VENV], check=True)
        subprocess.run(
            [python, "-m", "pip", "install", "-q", "--disable-pip-version-check", *PYPI],
            check=True,
        )
        (VENV / ".installed").touch()
    peers = Peers(python=python, bin=VENV / "bin")
    peers.msgmerge = shutil.which("msgmerge")
    if peers.msgmerge is None and _apt_install("gettext"):
        peers.msgmerge = shutil.which("msgmerge")
    if peers.msgmerge is None:
        peers.missing["msgmerge"] = "GNU gettext not installed and apt-get unavailable"
    peers.po4a = shutil.which("po4a-updatepo")
    if peers.po4a is None and _apt_install("po4a"):
        peers.po4a = shutil.which("po4a-updatepo")
    if peers.po4a is None:
        peers.missing["po4a"] = "po4a not installed (needs root for apt-get)"
    peers.apertium = shutil.which("apertium")
    if peers.apertium is None:
        peers.missing["apertium"] = "Apertium not installed (`make setup` installs it as root)"
    return peers
