"""Faults: SIGKILL at random moments, a full disk, a read-only locales/ folder.

A killed command must leave every catalog parseable by GNU gettext
(``msgfmt --check``), every reviewed translation in place, every file either
its old or its new version (writes are atomic), and a re-run must complete
the work exactly as an uninterrupted run does (and clean up the temporary
files of the killed writer).
"""

from __future__ import annotations

import os
import random
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import polib
import pytest
from click.testing import CliRunner

from conftest import copy_sample_site, require_tool
from locpipe import fsio
from locpipe.cli import main
from locpipe.lock import LOCK_NAME
from locpipe.units import VERBATIM_COMMENT

ROOT = Path(__file__).resolve().parents[1]
LOCPIPE = str(Path(sys.executable).with_name("locpipe"))
KILLS = 8  # per command
SEED = int(os.environ.get("LOCPIPE_FAULT_SEED", "6"))
#: (language, article, msgid prefix) → a reviewed translation set up before the faults.
REVIEWED = {
    ("fr", "propagazione-dns", "h1"): "Pourquoi la propagation DNS prend-elle du temps ?",
    ("en", "rag-spiegato", "title"): "RAG explained",
    ("es", "ui", None): "Revisado a mano",
}


def invoke(project: Path, *args: str, stdin: str | None = None) -> None:
    result = CliRunner().invoke(main, ["-C", str(project), *args], input=stdin)
    assert result.exit_code == 0, result.output


def files(folder: Path, pattern: str) -> dict[str, bytes]:
    return {
        str(p.relative_to(folder)): p.read_bytes()
        for p in sorted(folder.rglob(pattern))
        if p.is_file() and p.name != LOCK_NAME and ".locpipe-cache" not in p.parts
    }  # the lock file and the MT cache are runtime state, git-ignored


def review(project: Path) -> dict[tuple[str, str], str]:
    """Set the REVIEWED translations (not fuzzy); return (catalog, msgid) → msgstr."""
    done = {}
    for (lang, domain, element), msgstr in REVIEWED.items():
        path = project / "locales" / lang / "LC_MESSAGES" / f"{domain}.po"
        po = polib.pofile(str(path))
        entry = next(
            e for e in po if element is None or element in e.comment.split(", ") and e.msgid
        )
        entry.msgstr = msgstr
        if "fuzzy" in entry.flags:
            entry.flags.remove("fuzzy")
        po.save()
        done[(str(path.relative_to(project)), entry.msgid)] = msgstr
    invoke(project, "update")  # back to the canonical msgcat layout
    return done


@pytest.fixture(scope="module")
def site(tmp_path_factory) -> Path:
    base = tmp_path_factory.mktemp("site") / "site"
    base.mkdir()
    copy_sample_site(base)
    invoke(base, "extract")
    invoke(base, "update")
    return base


def assert_intact(project: Path, reviewed: dict[tuple[str, str], str], msgfmt: str) -> None:
    """Every catalog passes msgfmt --check; every reviewed translation is there."""
    for path in sorted((project / "locales").rglob("*.po")):
        proc = subprocess.run(
            [msgfmt, "--check", "-o", os.devnull, str(path)], capture_output=True, text=True
        )
        assert proc.returncode == 0, (path, proc.stderr)
    for (relative, msgid), msgstr in reviewed.items():
        po = polib.pofile(str(project / relative))
        entry = po.find(msgid)
        assert entry is not None and entry.msgstr == msgstr and not entry.fuzzy, (relative, msgid)


def temp_files(project: Path) -> list[Path]:
    return [p for p in project.rglob("*.tmp") if p.name.startswith(".")]


def kill_many(
    name: str,
    start_state: Path,
    args: list[str],
    tmp_path: Path,
    check_after_kill,
    stdin: str | None = None,
    kills: int = KILLS,
    first_write: str | None = None,
) -> tuple[int, int]:
    """Run ``args`` from ``start_state`` ``kills`` times, each SIGKILLed after a
    random delay; check invariants after each kill, then re-run in-process and
    compare with an uninterrupted run.  ``stdin`` is what the command reads
    (a reviewer's answers).  With ``first_write`` (a glob), every other kill
    comes instead as soon as one of those files changes: a command whose writes
    all come at the end is killed between them.  Returns (kills before
    completion, kills leaving temporary files) for the curious."""
    msgfmt = require_tool("msgfmt")
    reference = tmp_path / f"{name}-reference"
    shutil.copytree(start_state, reference)
    began = time.monotonic()
    proc = subprocess.run(
        [LOCPIPE, "-C", str(reference), *args], capture_output=True, text=True, input=stdin
    )
    duration = time.monotonic() - began
    assert proc.returncode == 0, proc.stderr
    expected = files(reference, "*")
    rng = random.Random(f"{SEED}-{name}")
    interrupted = with_temps = 0
    for attempt in range(kills):
        work = tmp_path / f"{name}-{attempt}"
        shutil.copytree(start_state, work)
        child = subprocess.Popen(
            [LOCPIPE, "-C", str(work), *args],
            stdin=subprocess.DEVNULL if stdin is None else subprocess.PIPE,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        if stdin is not None:  # small (below a pipe's buffer): written at once, then EOF
            assert child.stdin is not None
            child.stdin.write(stdin.encode())
            child.stdin.close()
        if first_write is not None and attempt % 2:
            _wait_for_a_change(work, first_write, child)
        else:
            time.sleep(rng.uniform(0.25, 1.0) * duration)
        child.send_signal(signal.SIGKILL)
        interrupted += child.wait() == -signal.SIGKILL
        with_temps += bool(temp_files(work))
        check_after_kill(work, expected, msgfmt)
        invoke(work, *args, stdin=stdin)  # re-running completes the work
        assert files(work, "*") == expected, f"{name} attempt {attempt}: re-run differs"
        assert not temp_files(work)
        shutil.rmtree(work)
    return interrupted, with_temps


def _wait_for_a_change(work: Path, pattern: str, child: subprocess.Popen) -> None:
    """Return as soon as a file matching ``pattern`` under ``work`` changes (or the child ends)."""

    def state() -> dict[Path, int]:
        return {p: p.stat().st_ino for p in work.glob(pattern)}  # a rename: a new inode

    before = state()
    while child.poll() is None and state() == before:
        time.sleep(0.0005)


def old_or_new(start: dict[str, bytes], expected: dict[str, bytes], now: dict[str, bytes]) -> None:
    """Atomic writes: each file is its old version, its new version, or absent if new."""
    for relative, data in now.items():
        if Path(relative).name.startswith(".") and relative.endswith(".tmp"):
            continue  # a killed writer's temporary file: removed by the next run
        assert data in (start.get(relative), expected.get(relative)), relative


def test_sigkill_during_update(site: Path, tmp_path: Path):
    start = tmp_path / "start"
    shutil.copytree(site, start)
    reviewed = review(start)
    for article in (start / "source_articles").glob("*.html"):  # every catalog changes
        text = article.read_text(encoding="utf-8")
        article.write_text(text.replace("</h1>", " (nuovo)</h1>", 1), encoding="utf-8")
    invoke(start, "extract")
    before = files(start, "*.po")

    def check(work: Path, expected: dict[str, bytes], msgfmt: str) -> None:
        assert_intact(work, reviewed, msgfmt)
        old_or_new(before, expected, files(work, "*.po"))

    kill_many("update", start, ["update"], tmp_path, check)


def test_sigkill_during_translate(site: Path, tmp_path: Path):
    start = tmp_path / "start"
    shutil.copytree(site, start)
    reviewed = review(start)

    def check(work: Path, expected: dict[str, bytes], msgfmt: str) -> None:
        assert_intact(work, reviewed, msgfmt)
        # drafts saved batch by batch (code units are copies, not drafts)
        for relative, data in files(work, "*.po").items():
            po = polib.pofile(data.decode("utf-8"))
            assert all("fuzzy" in e.flags for e in po if e.msgstr and e.msgid != "" and
                       (relative, e.msgid) not in reviewed and
                       VERBATIM_COMMENT not in e.tcomment)  # fmt: skip

    args = ["translate", "--backend", "pseudo", "--lang", "en", "--lang", "es"]
    kill_many("translate", start, args, tmp_path, check)


def test_sigkill_during_build(site: Path, tmp_path: Path):
    start = tmp_path / "start"
    shutil.copytree(site, start)
    reviewed = review(start)
    invoke(start, "translate", "--backend", "pseudo")
    before = files(start, "*")

    def check(work: Path, expected: dict[str, bytes], msgfmt: str) -> None:
        assert_intact(work, reviewed, msgfmt)
        old_or_new(before, expected, files(work, "*"))

    kill_many("build", start, ["build"], tmp_path, check)


def _drafted(site: Path, tmp_path: Path) -> tuple[Path, dict[tuple[str, str], str]]:
    """The site with French machine drafts and the REVIEWED translations."""
    start = tmp_path / "start"
    shutil.copytree(site, start)
    reviewed = review(start)
    invoke(start, "translate", "--backend", "pseudo", "--lang", "fr")
    return start, reviewed


def _fr_entries(project: Path) -> dict[tuple[str, str | None, str], tuple[str, bool]]:
    """(domain, msgctxt, msgid) → (msgstr, fuzzy) of every French entry."""
    result = {}
    for path in sorted((project / "locales/fr/LC_MESSAGES").glob("*.po")):
        for e in polib.pofile(str(path)):
            if e.msgid and not e.obsolete:
                result[(path.stem, e.msgctxt, e.msgid)] = (e.msgstr, "fuzzy" in e.flags)
    return result


def test_sigkill_during_merge(site: Path, tmp_path: Path):
    """A translator's PO (from `locpipe export`) merged back; killed at random moments."""
    start, reviewed = _drafted(site, tmp_path)
    sent = tmp_path / "translator-fr.po"
    invoke(start, "export", "--lang", "fr", "-o", str(sent))
    po = polib.pofile(str(sent))
    approved = 0
    for number, entry in enumerate(po):  # the translator's Poedit session: approve, fix some
        if entry.msgstr and "fuzzy" in entry.flags:
            entry.flags.remove("fuzzy")
            if number % 2:
                entry.msgstr += " (rivisto)"
            approved += 1
    po.save()
    assert approved > 20
    before = files(start, "*.po")

    def check(work: Path, expected: dict[str, bytes], msgfmt: str) -> None:
        assert_intact(work, reviewed, msgfmt)
        old_or_new(before, expected, files(work, "*.po"))

    pattern = "locales/fr/LC_MESSAGES/*.po"
    kill_many("merge", start, ["merge", str(sent)], tmp_path, check, kills=6, first_write=pattern)
    merged = _fr_entries(tmp_path / "merge-reference")
    assert sum(not fuzzy and text.endswith(" (rivisto)") for text, fuzzy in merged.values()) > 10


def test_sigkill_during_review(site: Path, tmp_path: Path):
    """`locpipe review` accepting every draft (answers from a pipe); killed at random moments:
    each entry is its draft or accepted, never lost or changed; a re-run accepts the rest."""
    start, reviewed = _drafted(site, tmp_path)
    drafts = _fr_entries(start)
    count = sum(fuzzy for key, (_, fuzzy) in drafts.items() if key[0] == "propagazione-dns")
    assert count > 20
    answers = "a\n" * (count + 10)

    def check(work: Path, expected: dict[str, bytes], msgfmt: str) -> None:
        assert_intact(work, reviewed, msgfmt)
        now = _fr_entries(work)
        assert now.keys() == drafts.keys()
        for key, (text, fuzzy) in now.items():
            assert text == drafts[key][0], key  # accepting never changes a translation
            assert fuzzy in (drafts[key][1], False), key  # a draft, or accepted

    args = ["review", "--lang", "fr", "--article", "propagazione-dns"]  # one article: ~40
    args += ["--reviewer", "Ada <ada@example.org>"]  # drafts, each accept an fsynced write
    kill_many("review", start, args, tmp_path, check, stdin=answers, kills=6)
    done = _fr_entries(tmp_path / "review-reference")
    assert not any(
        fuzzy for (domain, *_), (text, fuzzy) in done.items() if domain == "propagazione-dns"
    ), "every draft accepted"


def _dev_full_temp(real=fsio._new_temp):
    def new_temp(*args, **kwargs):
        fd, name = real(*args, **kwargs)
        os.close(fd)
        return os.open("/dev/full", os.O_WRONLY), name  # every write: ENOSPC

    return new_temp


def test_disk_full_during_a_write_is_a_clear_error_and_keeps_the_old_file(
    site: Path, tmp_path: Path, monkeypatch
):
    if not os.path.exists("/dev/full"):
        pytest.fail("/dev/full is needed to simulate a full disk")
    project = tmp_path / "site"
    shutil.copytree(site, project)
    before = files(project, "*.po")
    monkeypatch.setattr(fsio, "_new_temp", _dev_full_temp())
    result = CliRunner().invoke(main, ["-C", str(project), "translate", "--backend", "pseudo"])
    assert result.exit_code == 2, result.output
    assert "LC_MESSAGES/" in result.output and "cannot write: No space left on device" in (
        result.output
    )
    assert files(project, "*.po") == before
    assert not temp_files(project)


#: What lets root ignore permission bits; the read-only test runs root without them.
DAC_CAPABILITIES = "-dac_override,-dac_read_search,-fowner"


def test_read_only_locales_is_a_clear_error_and_keeps_the_old_file(site: Path, tmp_path: Path):
    """root ignores permissions, so as root the command runs without the capabilities
    that let it (``setpriv --bounding-set``): still root, so it reads the virtualenv
    wherever the checkout is (running as ``nobody`` failed under a 0700 folder)."""
    project = tmp_path / "site"
    shutil.copytree(site, project)
    article = project / "source_articles/propagazione-dns.html"
    text = article.read_text(encoding="utf-8")
    article.write_text(text.replace("</h1>", " (nuovo)</h1>", 1), encoding="utf-8")
    invoke(project, "extract")
    before = files(project, "*.po")
    read_only = [f for f in [project / "locales", *(project / "locales").rglob("*")] if f.is_dir()]
    prefix: list[str] = []
    if os.geteuid() == 0:
        prefix = [require_tool("setpriv"), f"--bounding-set={DAC_CAPABILITIES}"]
    try:
        for folder in read_only:
            folder.chmod(0o555)
        proc = subprocess.run(
            [*prefix, LOCPIPE, "-C", str(project), "update"],
            capture_output=True,
            text=True,
            timeout=120,
            env={**os.environ, "PYTHONDONTWRITEBYTECODE": "1"},
        )
    finally:
        for folder in read_only:
            folder.chmod(0o755)
    assert proc.returncode == 2, proc.stderr
    assert "cannot write: Permission denied" in proc.stderr, proc.stderr
    assert "LC_MESSAGES/propagazione-dns.po" in proc.stderr
    assert "Traceback" not in proc.stderr
    assert files(project, "*.po") == before
    assert not temp_files(project)
