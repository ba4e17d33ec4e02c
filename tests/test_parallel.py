"""extract and build on every core (issue 5): same bytes as one process, nothing half-written.

The sample site has fewer articles than :data:`locpipe.parallel.MIN_ITEMS`,
so these tests add copies of an article: with ``-j 2`` the work really runs
in forked worker processes.
"""

from __future__ import annotations

import os
import pickle
import shutil
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest
from click.testing import CliRunner

from conftest import copy_many_articles
from locpipe.cli import main
from locpipe.errors import LocpipeError
from locpipe.parallel import MIN_ITEMS, WorkerCrashed, run_each

COPIES = 12


def _many_articles(base: Path) -> Path:
    return copy_many_articles(base, COPIES)


@pytest.fixture(scope="module")
def built_many(tmp_path_factory) -> Path:
    """A site of 17 articles, through `all` with the pseudo backend, in one process."""
    project = _many_articles(tmp_path_factory.mktemp("many") / "site")
    done = CliRunner().invoke(main, ["-j", "1", "-C", str(project), "all", "--backend", "pseudo"])
    assert done.exit_code == 0, done.output
    return project


def _run(project: Path, *args: str, jobs: str = "2"):
    return CliRunner().invoke(main, ["-j", jobs, "-C", str(project), *args])


def _files(project: Path) -> dict[str, bytes]:
    """Every file of locales/ and build/ with its bytes."""
    return {
        p.relative_to(project).as_posix(): p.read_bytes()
        for folder in ("locales", "build")
        for p in sorted((project / folder).rglob("*"))
        if p.is_file()
    }


def _temps(project: Path) -> list[Path]:
    return [p for p in project.rglob("*.tmp") if ".locpipe-cache" not in p.parts]


def test_two_workers_write_the_same_bytes_as_one_process(built_many: Path, tmp_path: Path):
    project = _many_articles(tmp_path / "site")
    done = _run(project, "all", "--backend", "pseudo")
    assert done.exit_code == 0, done.output
    ours, theirs = _files(project), _files(built_many)
    assert len(ours) > 4 * COPIES  # templates, catalogs, .mo files, pages
    assert ours.keys() == theirs.keys()
    assert [name for name in ours if ours[name] != theirs[name]] == []
    stamps = {p: p.stat().st_mtime_ns for p in project.glob("[lb][ou]*/**/*") if p.is_file()}
    again = _run(project, "all", "--backend", "pseudo")
    assert again.exit_code == 0, again.output
    assert {p: p.stat().st_mtime_ns for p in stamps} == stamps  # a no-op run rewrites nothing


def test_a_bad_article_among_many_stops_extract_before_any_write(tmp_path: Path):
    project = _many_articles(tmp_path / "site")
    bad = project / "source_articles" / "copia-07.html"
    data = bad.read_bytes()
    bad.write_bytes(data.replace(b"Copia 7", b"Copia \xff", 1))
    done = _run(project, "extract")
    assert done.exit_code == 2
    line = data[: data.index(b"Copia 7")].count(b"\n") + 1
    assert f"copia-07.html:{line}: not valid utf-8" in done.output
    assert not (project / "locales").exists()  # not one template, not even its folder
    assert _temps(project) == []


def test_a_broken_catalog_stops_build_before_any_page_changes(built_many: Path, tmp_path: Path):
    project = tmp_path / "site"
    shutil.copytree(built_many, project)
    catalog = project / "locales" / "fr" / "LC_MESSAGES" / "copia-09.po"
    text = catalog.read_text(encoding="utf-8")
    catalog.write_text(text + '\nmsgid "unterminated\n', encoding="utf-8")
    # Every page is stale (the templates changed), so a serial build would write
    # the pages before copia-09 before meeting the broken catalog.
    css = next((project / "templates").rglob("*.html"))
    css.write_text(css.read_text(encoding="utf-8") + "\n", encoding="utf-8")
    before = {k: v for k, v in _files(project).items() if k.startswith("build/")}
    done = _run(project, "build")
    assert done.exit_code == 2, done.output
    assert "copia-09.po:" in done.output
    after = {k: v for k, v in _files(project).items() if k.startswith("build/")}
    assert after == before
    assert _temps(project) == []


def test_a_bad_date_stops_build_before_any_page_is_written(built_many: Path, tmp_path: Path):
    project = tmp_path / "site"
    shutil.copytree(built_many, project)
    shutil.rmtree(project / "build")
    article = project / "source_articles" / "copia-11.html"
    text = article.read_text(encoding="utf-8")
    assert 'content="20' in text
    article.write_text(text.replace('content="20', 'content="X20', 1), encoding="utf-8")
    done = _run(project, "build")
    assert done.exit_code == 2, done.output
    assert "copia-11.html:" in done.output and "not a date" in done.output
    assert not (project / "build").exists()  # not one page, not even its folder
    assert _temps(project) == []


def _pid(item: int) -> tuple[int, int]:
    time.sleep(0.05)  # long enough for both workers to get a share
    return item, os.getpid()


def _fail_on_odd(item: int) -> int:
    if item % 2:
        raise LocpipeError(f"item {item} is odd", Path(f"/x/{item}.html"), item)
    return item


def test_run_each_keeps_order_and_uses_other_processes():
    items = list(range(MIN_ITEMS * 3))
    done = run_each(_pid, items, jobs=2)
    assert [d.value[0] for d in done] == items
    pids = {d.value[1] for d in done}
    assert os.getpid() not in pids and len(pids) == 2
    serial = run_each(_pid, items, jobs=1)
    assert {d.value[1] for d in serial} == {os.getpid()}


def test_run_each_returns_errors_with_file_and_line():
    done = run_each(_fail_on_odd, list(range(MIN_ITEMS * 2)), jobs=2)
    assert [d.value for d in done[::2]] == list(range(0, MIN_ITEMS * 2, 2))
    error = done[3].error
    assert isinstance(error, LocpipeError)
    assert (error.path, error.line, str(error)) == (
        Path("/x/3.html"),
        3,
        "/x/3.html:3: item 3 is odd",
    )
    copy = pickle.loads(pickle.dumps(error))
    assert (copy.path, copy.line, copy.message) == (error.path, error.line, error.message)


def _bug_on_five(item: int) -> int:
    if item == 5:
        raise ZeroDivisionError("a bug in the step")
    return item


def _dies_on_six(item: int) -> int:
    if item == 6:
        os._exit(3)  # as if the kernel killed it (out of memory)
    return item


def test_a_bug_in_a_worker_is_raised_by_the_command_with_its_traceback():
    with pytest.raises(WorkerCrashed) as caught:
        run_each(_bug_on_five, list(range(MIN_ITEMS * 2)), jobs=2)
    assert "ZeroDivisionError: a bug in the step" in str(caught.value)
    assert "_bug_on_five" in str(caught.value)  # the worker's traceback
    assert isinstance(caught.value.__cause__, ZeroDivisionError)


def test_a_worker_that_dies_fails_the_command_instead_of_hanging():
    with pytest.raises(WorkerCrashed, match="died"):
        run_each(_dies_on_six, list(range(MIN_ITEMS * 2)), jobs=2)


def test_many_items_few_workers_every_outcome_in_order():
    items = list(range(1000))
    done = run_each(_fail_on_odd, items, jobs=3)
    assert [d.value for d in done[::2]] == items[::2]
    assert [d.error.line for d in done[1::2]] == items[1::2]


def _alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except (FileNotFoundError, ProcessLookupError):
        return False
    return state != "Z"


def test_workers_die_with_a_killed_command(tmp_path: Path):
    """SIGKILL of the command (the fault tests do that) leaves no worker writing behind it."""
    script = textwrap.dedent(
        f"""
        import os, time
        from pathlib import Path
        from locpipe.parallel import run_each

        def work(item):
            Path({str(tmp_path)!r}, f"{{os.getpid()}}.pid").touch()
            time.sleep(60)

        run_each(work, list(range(16)), jobs=2)
        """
    )
    command = subprocess.Popen([sys.executable, "-c", script])
    try:
        deadline = time.monotonic() + 30
        while len(list(tmp_path.glob("*.pid"))) < 2 and time.monotonic() < deadline:
            time.sleep(0.05)
        workers = [int(p.stem) for p in tmp_path.glob("*.pid")]
        assert len(workers) == 2
        command.send_signal(signal.SIGKILL)
        command.wait()
        deadline = time.monotonic() + 30
        while any(_alive(pid) for pid in workers) and time.monotonic() < deadline:
            time.sleep(0.05)
        assert not any(_alive(pid) for pid in workers)
    finally:
        command.kill()


def test_ctrl_c_stops_the_command_and_its_workers(tmp_path: Path):
    """Ctrl-C reaches the command (workers ignore it): it stops, and so do the workers."""
    script = textwrap.dedent(
        f"""
        import os, sys, time
        from pathlib import Path
        from locpipe.parallel import run_each

        def work(item):
            Path({str(tmp_path)!r}, f"{{os.getpid()}}.pid").touch()
            time.sleep(60)

        try:
            run_each(work, list(range(16)), jobs=2)
        except KeyboardInterrupt:
            sys.exit(130)
        """
    )
    command = subprocess.Popen([sys.executable, "-c", script])
    try:
        deadline = time.monotonic() + 30
        while len(list(tmp_path.glob("*.pid"))) < 2 and time.monotonic() < deadline:
            time.sleep(0.05)
        workers = [int(p.stem) for p in tmp_path.glob("*.pid")]
        assert len(workers) == 2
        command.send_signal(signal.SIGINT)
        assert command.wait(timeout=30) == 130
        assert not any(_alive(pid) for pid in workers)
    finally:
        command.kill()
