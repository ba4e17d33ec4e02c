"""Two locpipe commands writing one project: the second waits (or refuses with
--no-wait); never interleaved writes, never a lost update.  Real processes."""

from __future__ import annotations

import fcntl
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import polib
import pytest
from click.testing import CliRunner

from conftest import copy_sample_site
from locpipe.cli import main
from locpipe.lock import LOCK_NAME, ProjectLock

ROOT = Path(__file__).resolve().parents[1]
LOCPIPE = str(Path(sys.executable).with_name("locpipe"))
DEADLINE = 60  # seconds: a generous bound for a wait that must end, never a timing assertion


@pytest.fixture
def project(tmp_path: Path) -> Path:
    copy_sample_site(tmp_path)
    for args in (["extract"], ["update"]):
        assert CliRunner().invoke(main, ["-C", str(tmp_path), *args]).exit_code == 0
    return tmp_path


def start(project: Path, *args: str) -> subprocess.Popen:
    return subprocess.Popen(
        [LOCPIPE, "-C", str(project), *args],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def wait_for(predicate, what: str) -> None:
    end = time.monotonic() + DEADLINE
    while not predicate():
        if time.monotonic() > end:
            raise AssertionError(f"gave up waiting for {what}")
        time.sleep(0.01)


def holder_pid(project: Path) -> int | None:
    try:
        text = (project / LOCK_NAME).read_text()
    except FileNotFoundError:
        return None
    first = text.split(" ")[0]
    return int(first) if first.isdigit() else None


def read_stderr_line(proc: subprocess.Popen) -> str:
    assert proc.stderr is not None
    return proc.stderr.readline()


def test_second_command_waits_with_a_message_then_runs(project: Path):
    """A translate holds the lock (stopped with SIGSTOP right after taking it);
    an update started meanwhile says it waits, writes nothing, and runs after."""
    first = start(project, "translate", "--backend", "pseudo")
    try:
        wait_for(lambda: holder_pid(project) == first.pid, "translate to take the lock")
        os.kill(first.pid, signal.SIGSTOP)
        catalogs = sorted((project / "locales").rglob("*.po"))
        before = {p: p.read_bytes() for p in catalogs}
        second = start(project, "update")
        line = read_stderr_line(second)
        assert "waiting for another locpipe command" in line, line
        assert f"pid {first.pid}" in line and "translate" in line
        assert second.poll() is None  # still waiting
        assert {p: p.read_bytes() for p in catalogs} == before
    finally:
        os.kill(first.pid, signal.SIGCONT)
    assert first.wait(DEADLINE) == 0, first.stderr.read() if first.stderr else ""
    out, err = second.communicate(timeout=DEADLINE)
    assert second.returncode == 0, err
    # update ran after translate: the drafts it merged are all there.
    for path in catalogs:
        po = polib.pofile(str(path))
        assert all(e.msgstr or all(e.msgstr_plural.values()) for e in po if not e.obsolete), path
    assert holder_pid(project) is None  # released: the file is emptied


def test_no_wait_refuses_clearly(project: Path):
    lock = ProjectLock(project, "build")
    lock.acquire()
    try:
        before = {p: p.read_bytes() for p in (project / "locales").rglob("*.po")}
        proc = subprocess.run(
            [LOCPIPE, "-C", str(project), "--no-wait", "translate", "--backend", "pseudo"],
            capture_output=True,
            text=True,
            timeout=DEADLINE,
        )
        assert proc.returncode == 2
        assert "another locpipe command" in proc.stderr and f"pid {os.getpid()}" in proc.stderr
        assert "--no-wait" in proc.stderr and LOCK_NAME in proc.stderr
        assert {p: p.read_bytes() for p in (project / "locales").rglob("*.po")} == before
    finally:
        lock.release()


def test_check_is_read_only_and_does_not_wait(project: Path):
    with open(project / LOCK_NAME, "a") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        proc = subprocess.run(
            [LOCPIPE, "-C", str(project), "--no-wait", "check", "--min-complete", "0"],
            capture_output=True,
            text=True,
            timeout=DEADLINE,
        )
    assert proc.returncode == 0, proc.stderr


def test_a_killed_holder_never_blocks_the_next_command(project: Path):
    proc = start(project, "translate", "--backend", "pseudo")
    wait_for(lambda: holder_pid(project) == proc.pid, "translate to take the lock")
    proc.kill()
    proc.wait(DEADLINE)
    assert holder_pid(project) == proc.pid  # the file still names it: only the flock counts
    result = subprocess.run(
        [LOCPIPE, "-C", str(project), "--no-wait", "translate", "--backend", "pseudo"],
        capture_output=True,
        text=True,
        timeout=DEADLINE,
    )
    assert result.returncode == 0, result.stderr


def test_concurrent_update_and_translate_lose_nothing(project: Path):
    """Race an update (after a source edit) against a translate, several times:
    whatever order the lock gives them, the translate's drafts all survive and
    the result is one of the two sequential outcomes."""
    base = project
    article = base / "source_articles/propagazione-dns.html"
    text = article.read_text(encoding="utf-8")
    article.write_text(text.replace("<h2>", "<h2>Nuovo: ", 1), encoding="utf-8")
    assert CliRunner().invoke(main, ["-C", str(base), "extract"]).exit_code == 0

    def outcome(order: list[list[str]], where: Path) -> dict[str, bytes]:
        shutil.copytree(base, where)
        for args in order:
            assert CliRunner().invoke(main, ["-C", str(where), *args]).exit_code == 0
        return {str(p.relative_to(where)): p.read_bytes() for p in where.rglob("*.po")}

    translate = ["translate", "--backend", "pseudo"]
    sequential = [
        outcome([["update"], translate], base.parent / "seq-a"),
        outcome([translate, ["update"]], base.parent / "seq-b"),
    ]
    assert sequential[0] != sequential[1]
    for attempt in range(3):
        where = base.parent / f"race-{attempt}"
        shutil.copytree(base, where)
        procs = [start(where, *translate), start(where, "update")]
        for proc in procs:
            _, err = proc.communicate(timeout=DEADLINE)
            assert proc.returncode == 0, err
        result = {str(p.relative_to(where)): p.read_bytes() for p in where.rglob("*.po")}
        assert result in sequential, f"attempt {attempt}: an interleaving lost or mixed writes"


@pytest.mark.parametrize("kind", ["symlink", "dangling symlink", "hard link"])
def test_a_planted_lock_file_is_refused_and_its_target_kept(
    project: Path, tmp_path_factory: pytest.TempPathFactory, kind: str
):
    """`ln -s /some/file .locpipe.lock; locpipe update` used to empty the file."""
    victim = tmp_path_factory.mktemp("elsewhere") / "precious.txt"
    if kind != "dangling symlink":
        victim.write_text("precious content\n", encoding="utf-8")
    lock = project / LOCK_NAME
    lock.unlink()  # left by the fixture's commands
    if kind == "hard link":
        hard = project / "precious-here.txt"  # a hard link needs the same file system
        shutil.move(victim, hard)
        victim = hard
        os.link(victim, lock)
    else:
        lock.symlink_to(victim)
    before = {p: p.read_bytes() for p in (project / "locales").rglob("*.po")}
    result = CliRunner().invoke(main, ["-C", str(project), "update"])
    assert result.exit_code == 2, result.output
    message = result.output.strip().splitlines()[-1]
    assert message.startswith(f"locpipe: error: {lock}: the lock file "), message
    assert ("symlink" if "symlink" in kind else "hard link") in message
    assert "remove it" in message and "Traceback" not in result.output
    if kind == "dangling symlink":
        assert not victim.exists()  # not created through the link either
    else:
        assert victim.read_text(encoding="utf-8") == "precious content\n"
    assert {p: p.read_bytes() for p in (project / "locales").rglob("*.po")} == before
