"""Shared helpers: paths, timed subprocesses with peak memory, medians, tables."""

from __future__ import annotations

import json
import os
import shutil
import statistics
import subprocess
import sys
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

BENCH = Path(__file__).resolve().parents[1]
ROOT = BENCH.parent
WORK = BENCH / ".work"
LOCPIPE_PY = ROOT / ".venv" / "bin" / "python"
LOCPIPE_BIN = ROOT / ".venv" / "bin" / "locpipe"
#: GNU time reports the peak RSS of the command itself; ``wait4`` from this
#: process would report at least this process's own size (Linux carries the
#: high-water mark across fork and exec).
GNU_TIME = shutil.which("time") and Path("/usr/bin/time")


def log(message: str) -> None:
    """Progress on stderr (the tables go to RESULTS.md)."""
    print(f"[bench {time.strftime('%H:%M:%S')}] {message}", file=sys.stderr, flush=True)


@dataclass
class Run:
    """One timed process: wall seconds, CPU seconds (user+sys), peak RSS in MB."""

    wall: float
    cpu: float
    rss_mb: float
    returncode: int
    stdout: str = ""
    stderr: str = ""


@dataclass
class Measure:
    """Several runs of the same command: medians and the worst peak memory."""

    label: str
    runs: list[Run] = field(default_factory=list)
    note: str = ""

    @property
    def ok(self) -> bool:
        return bool(self.runs) and all(r.returncode == 0 for r in self.runs)

    @property
    def wall(self) -> float:
        return statistics.median(r.wall for r in self.runs) if self.runs else float("nan")

    @property
    def cpu(self) -> float:
        return statistics.median(r.cpu for r in self.runs) if self.runs else float("nan")

    @property
    def rss_mb(self) -> float:
        return max((r.rss_mb for r in self.runs), default=float("nan"))

    @property
    def last(self) -> Run:
        return self.runs[-1]


def run_once(
    cmd: Sequence[str | Path],
    *,
    cwd: Path | None = None,
    env: dict[str, str] | None = None,
    timeout: float | None = None,
    stdin_path: Path | None = None,
) -> Run:
    """Run a command, returning wall time, CPU time and peak RSS (via wait4)."""
    full_env = dict(os.environ)
    full_env.update(env or {})
    stdin = open(stdin_path, "rb") if stdin_path else subprocess.DEVNULL  # noqa: SIM115
    out_path = WORK / "tmp" / f"out.{os.getpid()}"
    err_path = out_path.with_suffix(".err")
    rss_path = out_path.with_suffix(".rss")
    out_path.parent.mkdir(parents=True, exist_ok=True)
    rss_path.unlink(missing_ok=True)
    if GNU_TIME and GNU_TIME.exists():
        cmd = [GNU_TIME, "-q", "-f", "%M", "-o", rss_path, *cmd]
    try:
        with open(out_path, "wb") as out, open(err_path, "wb") as err:
            start = time.perf_counter()
            proc = subprocess.Popen(
                [str(c) for c in cmd],
                cwd=cwd,
                env=full_env,
                stdin=stdin,
                stdout=out,
                stderr=err,
                start_new_session=True,
            )
            status, usage = _wait(proc, timeout)
            wall = time.perf_counter() - start
    finally:
        if stdin_path:
            stdin.close()  # type: ignore[union-attr]
    code = os.waitstatus_to_exitcode(status) if status is not None else -9
    rss_kb = usage.ru_maxrss if usage else float("nan")
    if rss_path.exists():
        numbers = rss_path.read_text().split()
        rss_kb = float(numbers[-1]) if numbers and numbers[-1].isdigit() else rss_kb
    return Run(
        wall=wall,
        cpu=(usage.ru_utime + usage.ru_stime) if usage else float("nan"),
        rss_mb=rss_kb / 1024,
        returncode=code,
        stdout=out_path.read_text(errors="replace"),
        stderr=err_path.read_text(errors="replace")[-4000:],
    )


def _wait(proc: subprocess.Popen, timeout: float | None):
    """wait4 with a timeout: kill the process group when it runs too long."""
    deadline = None if timeout is None else time.monotonic() + timeout
    while True:
        pid, status, usage = os.wait4(proc.pid, os.WNOHANG)
        if pid:
            proc.returncode = os.waitstatus_to_exitcode(status)
            return status, usage
        if deadline is not None and time.monotonic() > deadline:
            os.killpg(proc.pid, 9)
            _, status, usage = os.wait4(proc.pid, 0)
            proc.returncode = -9
            return None, usage
        time.sleep(0.005)


def measure(
    label: str,
    cmd: Sequence[str | Path],
    *,
    repeat: int = 3,
    setup=None,
    timeout: float | None = None,
    slow: float = 15.0,
    **kwargs,
) -> Measure:
    """Median of ``repeat`` runs; ``setup()`` runs before each (not timed).

    A run longer than ``slow`` seconds is not repeated (its single time is the median).
    """
    result = Measure(label)
    for _ in range(repeat):
        if result.runs and result.runs[-1].wall > slow:
            break
        if setup is not None:
            setup()
        run = run_once(cmd, timeout=timeout, **kwargs)
        result.runs.append(run)
        if run.returncode != 0:
            result.note = (run.stderr.strip().splitlines() or ["failed"])[-1][:160]
            if run.returncode == -9:
                result.note = f"timed out after {timeout:g} s"
            break
    return result


def worker(task: str, *args: str | Path) -> list[str]:
    """Command line of a locpipe-side worker (runs in the project's venv)."""
    return [str(LOCPIPE_PY), "-m", "locbench.worker", task, *map(str, args)]


WORKER_ENV = {"PYTHONPATH": str(BENCH)}


def worker_json(run: Run) -> dict:
    """The JSON a worker printed last on stdout."""
    lines = [line for line in run.stdout.splitlines() if line.startswith("{")]
    return json.loads(lines[-1]) if lines else {}


def fresh(path: Path) -> Path:
    """An empty directory."""
    shutil.rmtree(path, ignore_errors=True)
    path.mkdir(parents=True)
    return path


def fmt_s(seconds: float) -> str:
    if seconds != seconds:  # NaN
        return "—"
    return f"{seconds:.3f} s" if seconds < 10 else f"{seconds:.1f} s"


def ratio(peer: float, ours: float) -> str:
    """How many times faster locpipe is (peer / ours)."""
    if not ours or ours != ours or peer != peer:
        return "—"
    return f"{peer / ours:.2f}×"


def table(header: Sequence[str], rows: Sequence[Sequence[object]]) -> str:
    """A Markdown table."""
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    lines += ["| " + " | ".join(str(c) for c in row) + " |" for row in rows]
    return "\n".join(lines)
