"""Apertium, the offline rule-based engine, driven through long-lived pipelines.

How it runs (see ``shared/notes/apertium.md``, measured): for each route
(``ita-cat|cat-fra``) one ``bash -c "<mode 1> | <mode 2>"`` process group is
started lazily and reused.  Each mode is the ``apertium-wblank-mode -z`` form
of its ``.mode`` file, run with ``$1=-n`` (no ``*``/``#`` marks on any stage,
so none leak through a pivot) and ``$2`` empty.  Segments are written in
Apertium stream format, one per NUL, each ending with ``[]`` (which keeps a
final period), by a writer thread; the NUL-terminated results are read back
in order, so segment boundaries are exact.  Each segment also starts with
a sequence superblank ``[@7]`` (the stages copy superblanks through
untouched: 1500 of 1500 generated units came back with the same
translation and the tag in place), and the call ends with one empty segment
carrying the next number: a result is kept only when it carries its own
number, no other, and the next result carries the next one, so a lost or
extra NUL anywhere in the pipeline is rejected, never spliced into the
wrong entry.  Never one process per segment
(0.25-0.8 s start-up each), never ``apertium -f txt`` with one segment per
line (words migrate across lines).

Routing: a direct mode when installed, else the shortest chain of installed
modes.  Ties are broken by preferences measured on technical Italian text:
French from Italian goes ``ita-cat|cat-fra`` (clearly better than via
Spanish), English from Italian goes ``ita-spa|spa-eng`` (via Catalan has
fewer unknown words, but via Spanish makes fewer absurd errors), French
sources pivot through Catalan, and newer ISO 639-3 pairs win over old ones
(``es-fr``).  ``options["chains"]`` overrides a route:
``{"en": ["ita-cat", "cat-eng"]}`` (used when the source matches) or
``{"fr>en": "fr-es|spa-eng"}``.  Quality is gisting level: the caller marks
the output fuzzy.

Tags and ``&lt;``/``&amp;`` travel as superblanks ``[Zq1x]``; terms, URLs,
code, placeholders and numbers with ``%`` as unknown words ``Zq0x`` (the
grammar around them stays right); see :mod:`locpipe.mt.protect`.
"""

from __future__ import annotations

import collections
import contextlib
import itertools
import os
import queue
import re
import selectors
import shutil
import signal
import subprocess
import threading
import time
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from pathlib import Path
from typing import IO

from locpipe.errors import LocpipeError
from locpipe.mt.base import Backend
from locpipe.mt.languages import Lang, from_babel, parse_mode
from locpipe.mt.protect import WORD_TOKENS, Item, Masked, restore
from locpipe.mt.settings import Chains

MODES_DIR = Path("/usr/share/apertium/modes")
#: Seconds without any new result before a pipeline counts as stuck.
DEFAULT_TIMEOUT = 30.0
MAX_HOPS = 3

#: (source, target) → preferred chain of mode names (compared without variants).
PREFERRED_CHAINS: dict[tuple[str, str], tuple[str, ...]] = {
    ("ita", "fra"): ("ita-cat", "cat-fra"),
    ("ita", "eng"): ("ita-spa", "spa-eng"),
    ("fra", "eng"): ("fra-cat", "cat-eng"),
    ("fra", "ita"): ("fra-cat", "cat-ita"),
}
#: Pivot languages by preference (lower is better) when nothing else decides:
#: the big, close Romance pairs first, English (far from the sources) last.
PIVOT_RANK = {"cat": 0, "spa": 1, "ita": 2, "fra": 3, "por": 4, "eng": 9}

#: Debian packages with Apertium pairs: name → (lang a, lang b, both directions?).
#: Used only to tell the user what to install; directions are best knowledge.
DEBIAN_PACKAGES: dict[str, tuple[str, str, bool]] = {
    "apertium-spa-ita": ("spa", "ita", True),
    "apertium-cat-ita": ("cat", "ita", True),
    "apertium-eng-spa": ("eng", "spa", True),
    "apertium-eng-cat": ("eng", "cat", True),
    "apertium-fr-es": ("fra", "spa", True),
    "apertium-fra-cat": ("fra", "cat", True),
    "apertium-spa-cat": ("spa", "cat", True),
    "apertium-es-pt": ("spa", "por", True),
    "apertium-es-gl": ("spa", "glg", True),
    "apertium-pt-gl": ("por", "glg", True),
    "apertium-por-cat": ("por", "cat", True),
    "apertium-en-gl": ("eng", "glg", True),
    "apertium-oc-es": ("oci", "spa", True),
    "apertium-oc-ca": ("oci", "cat", True),
    "apertium-oci-fra": ("oci", "fra", True),
    "apertium-eo-es": ("spa", "epo", True),
    "apertium-eo-ca": ("cat", "epo", False),
    "apertium-eo-en": ("eng", "epo", False),
    "apertium-eo-fr": ("fra", "epo", False),
    "apertium-es-ro": ("ron", "spa", False),
    "apertium-spa-ast": ("spa", "ast", False),
    "apertium-spa-arg": ("spa", "arg", True),
    "apertium-arg-cat": ("arg", "cat", True),
    "apertium-srd-ita": ("srd", "ita", True),
    "apertium-cat-srd": ("cat", "srd", True),
    "apertium-eu-es": ("eus", "spa", False),
    "apertium-eu-en": ("eus", "eng", False),
    "apertium-br-fr": ("bre", "fra", False),
    "apertium-fra-frp": ("fra", "frp", True),
    "apertium-afr-nld": ("afr", "nld", True),
    "apertium-nno-nob": ("nno", "nob", True),
    "apertium-dan-nor": ("dan", "nor", True),
    "apertium-swe-dan": ("swe", "dan", True),
    "apertium-swe-nor": ("swe", "nor", True),
    "apertium-isl-eng": ("isl", "eng", False),
    "apertium-isl-swe": ("isl", "swe", True),
    "apertium-mkd-bul": ("mkd", "bul", True),
    "apertium-mkd-eng": ("mkd", "eng", True),
    "apertium-hbs-eng": ("hbs", "eng", True),
    "apertium-hbs-mkd": ("hbs", "mkd", True),
    "apertium-hbs-slv": ("hbs", "slv", True),
    "apertium-bel-rus": ("bel", "rus", True),
    "apertium-rus-ukr": ("rus", "ukr", True),
    "apertium-pol-szl": ("pol", "szl", True),
    "apertium-ind-zlm": ("ind", "zlm", True),
    "apertium-urd-hin": ("urd", "hin", True),
}

#: Characters special in Apertium's stream format, or to one of its stages: they
#: never travel as text.  Escaped (``\\^``), ``^`` still opened a lexical unit in
#: ``lrx-proc`` (even inside a superblank) and swallowed the segments after it
#: up to the next ``$``; ``~`` (a post-generation mark) vanished; ``*`` and ``#``
#: read as unknown-word and generation-error marks.  Each run of them travels
#: as one superblank naming their code points (``s/^/`` → ``s[Zs2f.5e.2fx]``),
#: which every stage copies through untouched (see :func:`decode`).
_SPECIAL = re.compile(r"[\\\[\]^$@/<>{}*#~]+")
_SPECIAL_TOKEN = re.compile(r"\[Zs((?:[0-9a-f]{2}\.)*[0-9a-f]{2})x\]")
_SUPERBLANK_KINDS = {"tag", "entity"}


# --------------------------------------------------------------------------- routing


def discover_modes(modes_dir: Path = MODES_DIR) -> dict[str, Path]:
    """Installed modes: name (``"ita-spa"``) → ``.mode`` file."""
    if not modes_dir.is_dir():
        return {}
    return {path.stem: path for path in sorted(modes_dir.glob("*.mode"))}


def _base(mode: str) -> str:
    """Mode name without the target variant: ``cat-eng_US`` → ``cat-eng``."""
    source, _, target = mode.partition("-")
    return f"{source}-{target.partition('_')[0]}"


def _edges(modes: Iterable[str], target: Lang) -> dict[str, list[tuple[str, str]]]:
    """Language → [(next language, mode)] usable on a route to ``target``."""
    edges: dict[str, list[tuple[str, str]]] = collections.defaultdict(list)
    for mode in modes:
        parsed = parse_mode(mode)
        if parsed is None or parsed[0].variant is not None:
            continue
        src, tgt = parsed
        if tgt.variant is not None:
            wanted = target.variant or ""
            if tgt.code != target.code or tgt.variant.lower() != wanted.lower():
                continue
        edges[src.code].append((tgt.code, mode))
    return edges


def _paths(
    edges: Mapping[str, list[tuple[str, str]]], source: str, target: str
) -> Iterator[tuple[str, ...]]:
    """All simple chains of at most MAX_HOPS modes from source to target."""
    stack: list[tuple[str, tuple[str, ...], tuple[str, ...]]] = [(source, (), (source,))]
    while stack:
        lang, chain, visited = stack.pop()
        for nxt, mode in edges.get(lang, ()):
            if nxt == target:
                yield (*chain, mode)
            elif nxt not in visited and len(chain) + 1 < MAX_HOPS:
                stack.append((nxt, (*chain, mode), (*visited, nxt)))


def _score(chain: tuple[str, ...], source: Lang, target: Lang) -> tuple:
    preferred = PREFERRED_CHAINS.get((source.code, target.code))
    pivots = [parse_mode(m)[1].code for m in chain[:-1]]  # type: ignore[index]
    final_variant = parse_mode(chain[-1])[1].variant  # type: ignore[index]
    return (
        len(chain),
        tuple(_base(m) for m in chain) != preferred,
        (final_variant or "").lower() != (target.variant or "").lower(),
        sum(len(m.split("-")[0]) == 2 for m in chain),  # old ISO 639-1 pairs
        sum(PIVOT_RANK.get(p, len(PIVOT_RANK)) for p in pivots),
        chain,
    )


def find_route(modes: Iterable[str], source: Lang, target: Lang) -> tuple[str, ...] | None:
    """Best chain of installed modes from ``source`` to ``target``, or None."""
    candidates = list(_paths(_edges(list(modes), target), source.code, target.code))
    if not candidates:
        return None
    return min(candidates, key=lambda chain: _score(chain, source, target))


def packages_for(installed: Iterable[str], source: Lang, target: Lang) -> list[str] | None:
    """Fewest Debian packages to install so that a route exists; None if none known.

    Ties go to fewer hops, then to packages listed earlier in DEBIAN_PACKAGES.
    """
    have = sorted({(s.code, t.code) for s, t in filter(None, map(parse_mode, installed))})
    order = {package: i for i, package in enumerate(DEBIAN_PACKAGES)}
    edges: dict[str, list[tuple[str, str | None]]] = collections.defaultdict(list)
    for src, tgt in have:
        edges[src].append((tgt, None))
    for package, (a, b, both) in DEBIAN_PACKAGES.items():
        edges[a].append((b, package))
        if both:
            edges[b].append((a, package))
    found: list[tuple[int, int, int, tuple[str, ...]]] = []
    stack: list[tuple[str, tuple[str, ...], tuple[str, ...]]] = [(source.code, (), (source.code,))]
    while stack:
        lang, packages, visited = stack.pop()
        for nxt, step in edges.get(lang, ()):
            needed = packages + ((step,) if step and step not in packages else ())
            if nxt == target.code:
                cost = sum(order[p] for p in needed)
                found.append((len(needed), len(visited), cost, needed))
            elif nxt not in visited and len(visited) < MAX_HOPS:
                stack.append((nxt, needed, (*visited, nxt)))
    return list(min(found)[3]) if found else None


# --------------------------------------------------------------------------- stream format


def encode(masked: Masked, seq: int | None = None) -> bytes:
    """One segment in Apertium stream format, ``[]``- and NUL-terminated.

    ``seq`` prefixes the superblank ``[@seq]`` (see :func:`check_sequence`).
    """

    def token(item: Item) -> str:
        word = WORD_TOKENS.token(item)
        return f"[{word}]" if item.kind in _SUPERBLANK_KINDS else word

    def text(piece: str) -> str:
        piece = _SPECIAL.sub(_special_token, piece.replace("\0", ""))
        return piece.replace("\r", "[\r]").replace("\n", "[\n]")

    prefix = "" if seq is None else f"[@{seq}]"
    return (prefix + masked.render(token, text) + "[]\0").encode("utf-8")


def _special_token(match: re.Match[str]) -> str:
    """A run of special characters as one superblank of their code points."""
    return "[Zs" + ".".join(f"{ord(c):x}" for c in match.group()) + "x]"


def _tag(seq: int) -> bytes:
    return b"[@%d]" % seq


def _carries(output: bytes, tag: bytes) -> bool:
    """Whether a result starts with its segment's ``[@n]`` tag and holds no other
    (text never does: ``[`` is escaped)."""
    return output.startswith(tag) and b"[@" not in output[len(tag) :]


def check_sequence(outputs: Sequence[bytes | None], first: int) -> list[bytes | None]:
    """Results of segments numbered ``first``, ``first + 1``, … without their tags.

    ``outputs`` holds one result more than there are segments: the closing
    empty segment.  Result *i* is kept only if it starts with its own
    ``[@n]``, holds no other one (text never does: ``[`` is escaped), and the
    result after it starts with the next number (unless that segment was
    given up after a stall, which restarted the pipeline); anything else is
    None.
    """
    results: list[bytes | None] = []
    for i, output in enumerate(outputs[:-1]):
        tag, nxt = _tag(first + i), outputs[i + 1]
        if (
            output is None
            or not _carries(output, tag)
            or (nxt is not None and not nxt.startswith(_tag(first + i + 1)))
        ):
            results.append(None)
        else:
            results.append(output[len(tag) :])
    return results


#: An escaped character (kept, without its backslash) or a superblank bracket (dropped).
_UNESCAPE = re.compile(r"\\(.?)|[\[\]]", re.DOTALL)


def decode(data: bytes) -> str:
    """Apertium output → text: special characters back from their superblanks
    (see :data:`_SPECIAL`), other superblank brackets dropped, ``\\x`` unescaped."""
    text = data.decode("utf-8", errors="replace")
    if "[Zs" in text:
        text = _SPECIAL_TOKEN.sub(
            lambda m: "".join("\\" + chr(int(c, 16)) for c in m.group(1).split(".")), text
        )
    if "\\" not in text:  # the usual case: no escapes
        return text.replace("[", "").replace("]", "")
    return _UNESCAPE.sub(lambda match: match.group(1) or "", text)


# --------------------------------------------------------------------------- processes


class StallError(Exception):
    """No new result within the timeout; ``results`` holds those that came back."""

    def __init__(self, results: list[bytes]):
        super().__init__("pipeline stalled")
        self.results = results


#: ``in_step(segments, results)``: whether a batch's results are the right ones.
InStep = Callable[[Sequence[bytes], list[bytes]], bool]


def _feed(stdin: IO[bytes], batches: queue.SimpleQueue[bytes | None]) -> None:
    """The writer thread of one process group: batches in order; None closes its input."""
    try:
        while (data := batches.get()) is not None:
            stdin.write(data)
            stdin.flush()
        stdin.close()
    except (BrokenPipeError, ValueError, OSError):
        pass  # the stages exited or were killed: the reader notices


class StreamPipeline:
    """A long-lived NUL-delimited filter process group (``bash -c COMMAND``).

    Batches from several threads share it without it running dry in between:
    a batch is handed to a writer thread at once (the stages get it behind
    the batches already in them) and read back in the order handed over,
    each by its own thread when its turn comes.  When the process group is
    killed (a stall, results out of step), the batches still in it are sent
    again to the next one.
    """

    def __init__(self, command: str, *, args: Sequence[str] = (), timeout: float = DEFAULT_TIMEOUT):
        self.command = command
        self.args = tuple(args)
        self.timeout = timeout
        #: Guards the process and the turns; never held while a batch is read.
        self.lock = threading.Lock()
        self._turn = threading.Condition(self.lock)
        self._proc: subprocess.Popen[bytes] | None = None
        self._generation = 0  # bumped by every kill: batches handed over before are lost
        self._queue: queue.SimpleQueue[bytes | None] = queue.SimpleQueue()
        self._sent = 0  # batches handed to this process group
        self._served = 0  # of which read back: the ticket of the next batch to read
        self._ready: collections.deque[bytes] = collections.deque()  # results read ahead
        self._buffer = b""  # the start of the next result
        self.resyncs = 0  # kills after results came back out of sequence
        self._stderr: collections.deque[bytes] = collections.deque(maxlen=50)
        self._drainer: threading.Thread | None = None
        self.starts = 0
        self.runs = 0  # batches sent
        self.closed = False  # by close(): never started again

    def _start(self) -> subprocess.Popen[bytes]:
        """The process group, started if needed (the lock held).

        One that exited is replaced only when no batch waits for it: else the
        reader of that batch sees the exit and kills it (and the batches
        after it are sent again).
        """
        proc = self._proc
        if proc is not None and (proc.poll() is None or self._sent > self._served):
            return proc
        if self.closed:
            raise LocpipeError("apertium pipeline closed")
        self._kill()
        proc = self._proc = subprocess.Popen(
            ["bash", "-c", f"trap : TERM; {self.command}", "locpipe-apertium", *self.args],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            start_new_session=True,  # one process group: kill all stages at once
        )
        self.starts += 1
        self._stderr.clear()
        self._queue = queue.SimpleQueue()
        self._sent = self._served = 0
        assert proc.stdin is not None
        threading.Thread(target=_feed, args=(proc.stdin, self._queue), daemon=True).start()
        self._drainer = threading.Thread(target=self._drain, args=(proc,), daemon=True)
        self._drainer.start()
        return proc

    def start(self) -> None:
        """Start the stages now (they load their data while the caller prepares a batch)."""
        with self.lock:
            self._start()

    def _drain(self, proc: subprocess.Popen[bytes]) -> None:
        assert proc.stderr is not None
        for line in proc.stderr:
            self._stderr.append(line)

    def stderr_tail(self) -> str:
        """The last lines the stages wrote to stderr (all of it, once they have exited)."""
        if self._drainer is not None and (self._proc is None or self._proc.poll() is not None):
            self._drainer.join(timeout=5)  # the stages are gone: their stderr ends soon
        return b"".join(self._stderr).decode("utf-8", errors="replace").strip()[-2000:]

    def run(self, segments: Sequence[bytes], check: InStep | None = None) -> list[bytes]:
        """Send NUL-terminated ``segments``; return one result per segment, in order.

        Raises :class:`StallError` after ``timeout`` seconds without progress
        and :class:`LocpipeError` when the process exits.  When ``check``
        says the results are out of step, the process group is killed before
        any later batch is read (those are sent again); the results are
        returned all the same.
        """
        proc, generation = self._hand_over(b"".join(segments))
        verdict = "failed"  # until the results are read
        try:
            results = self._read(proc, len(segments), generation)
            verdict = "ok" if check is None or check(segments, results) else "out of step"
        finally:
            with self.lock:
                if self._generation == generation:
                    if verdict == "ok":
                        self._served += 1  # the next batch's turn
                        self._turn.notify_all()
                    else:  # later batches would be read out of step: they are sent again
                        self.resyncs += verdict == "out of step"
                        self._kill()
        return results

    def _hand_over(self, data: bytes) -> tuple[subprocess.Popen[bytes], int]:
        """Give ``data`` to the writer and wait for its turn to be read; again after a kill."""
        with self.lock:
            while True:
                proc = self._start()
                generation, ticket = self._generation, self._sent
                self._sent += 1
                self.runs += 1
                self._queue.put(data)
                while self._generation == generation and self._served != ticket:
                    self._turn.wait()
                if self._generation == generation:
                    return proc, generation

    def _read(self, proc: subprocess.Popen[bytes], count: int, generation: int) -> list[bytes]:
        """The next ``count`` results (those of the next batch that come along are kept)."""
        assert proc.stdout is not None
        fd, ready = proc.stdout.fileno(), self._ready
        results: list[bytes] = []
        with selectors.DefaultSelector() as selector:
            selector.register(fd, selectors.EVENT_READ)
            deadline = time.monotonic() + self.timeout
            while True:
                while ready and len(results) < count:
                    results.append(ready.popleft())
                if len(results) == count:
                    return results
                remaining = deadline - time.monotonic()
                if remaining <= 0 or not selector.select(remaining):
                    self._abandon(generation)
                    raise StallError(results)
                chunk = os.read(fd, 1 << 16)
                if not chunk:
                    self._abandon(generation)
                    raise LocpipeError(
                        f"apertium pipeline exited (status {proc.returncode}) after "
                        f"{len(results)} of {count} segments: "
                        f"{self.stderr_tail() or 'no error output'}"
                    )
                *done, self._buffer = (self._buffer + chunk).split(b"\0")
                if done:
                    ready.extend(done)
                    deadline = time.monotonic() + self.timeout

    def _abandon(self, generation: int) -> None:
        """Kill the process group unless it was replaced already."""
        with self.lock:
            if self._generation == generation:
                self._kill()

    def kill(self) -> None:
        """Kill the whole process group at once (all stages); batches in it are sent again."""
        with self.lock:
            self._kill()

    def _kill(self) -> None:
        proc, self._proc = self._proc, None
        self._generation += 1
        self._turn.notify_all()
        self._queue.put(None)  # the writer thread ends
        self._ready.clear()
        self._buffer = b""
        if proc is None:
            return
        if proc.poll() is None:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(proc.pid, signal.SIGKILL)
        proc.wait()
        for stream in (proc.stdin, proc.stdout):
            if stream is not None:
                with contextlib.suppress(OSError):
                    stream.close()

    def close(self) -> None:
        """Stop the stages at once: they hold nothing once every batch is read back
        (closing their input and waiting for them to finish took 0.05-0.1 s).
        Final: a closed pipeline never starts again (a call still waiting for
        it fails).  With batches still in it (the run was interrupted) their
        calls fail.
        """
        with self.lock:
            self.closed = True
            proc = self._proc
            if proc is not None and self._sent > self._served:
                # Stop the stages only: the batch's reader gets the end of their
                # output, fails and cleans up (closing its stream now would leave it waiting).
                with contextlib.suppress(ProcessLookupError):
                    os.killpg(proc.pid, signal.SIGKILL)
                return
            if proc is not None and proc.poll() is None:
                # SIGTERM ends the stages, bash (it traps it) reaps them and exits:
                # their CPU time is counted as this process's children's.
                with contextlib.suppress(ProcessLookupError):
                    os.killpg(proc.pid, signal.SIGTERM)
                with contextlib.suppress(subprocess.TimeoutExpired):
                    proc.wait(timeout=2)
            self._kill()


def in_step(segments: Sequence[bytes], results: list[bytes]) -> bool:
    """Whether every result carries its segment's ``[@n]`` tag and no other."""
    return all(
        _carries(result, segment[: segment.index(b"]") + 1])
        for segment, result in zip(segments, results, strict=True)
    )


def translate_batch(
    pipeline: StreamPipeline, segments: Sequence[bytes], check: InStep | None = None
) -> list[bytes | None]:
    """Run ``segments`` through ``pipeline``, restarting it when it stalls.

    A segment at which the pipeline stalls twice is given up (None); after
    three restarts in one call a :class:`LocpipeError` is raised.  ``check``:
    see :meth:`StreamPipeline.run`.
    """
    results: list[bytes | None] = [None] * len(segments)
    start, restarts, last_stall = 0, 0, -1
    while start < len(segments):
        try:
            done = pipeline.run(segments[start:], check)
        except StallError as stall:
            done = stall.results
            results[start : start + len(done)] = done
            start += len(done)
            restarts += 1
            if restarts > 3:
                raise LocpipeError(
                    f"apertium pipeline stuck {restarts} times (timeout "
                    f"{pipeline.timeout:g} s): {pipeline.stderr_tail() or 'no error output'}"
                ) from None
            if start == last_stall:
                start += 1  # give up this segment: it stalls every time
            last_stall = start
            continue
        results[start:] = done
        break
    return results


# --------------------------------------------------------------------------- backend


class ApertiumBackend(Backend):
    """Apertium through long-lived ``-z`` pipelines, one per route.

    Options: ``modes_dir`` (default ``/usr/share/apertium/modes``), ``timeout``
    (seconds without progress, default 30), ``chains`` (route overrides, see
    the module docstring).
    """

    name = "apertium"
    #: ``[mt.apertium] chains`` (or the older top-level ``[apertium] chains``).
    config_options = {"chains": Chains}
    #: Each route is its own process group behind its own lock: calls from several
    #: threads overlap their Python work (masking, restoring) and their routes.
    parallel = True

    def __init__(
        self,
        *,
        do_not_translate: Sequence[str] = (),
        options: Mapping[str, object] | None = None,
        glossary: Mapping[str, Mapping[str, str]] | None = None,
    ) -> None:
        super().__init__(do_not_translate=do_not_translate, options=options, glossary=glossary)
        self.modes_dir = Path(str(self.options.get("modes_dir", MODES_DIR)))
        self.timeout = float(self.options.get("timeout", DEFAULT_TIMEOUT))  # type: ignore[arg-type]
        self._modes: dict[str, Path] | None = None
        self._routes: dict[tuple[str, str], tuple[str, ...]] = {}
        self._pipelines: dict[tuple[str, ...], StreamPipeline] = {}
        self._lock = threading.Lock()
        self._seq = itertools.count()

    # routing ----------------------------------------------------------------

    @property
    def modes(self) -> dict[str, Path]:
        """Installed modes (discovered once)."""
        if self._modes is None:
            self._modes = discover_modes(self.modes_dir)
        return self._modes

    def route(self, source: str, target: str) -> tuple[str, ...]:
        """The chain of modes used for source→target; LocpipeError when unreachable."""
        key = (source, target)
        if key not in self._routes:
            self._routes[key] = self._find_route(source, target)
        return self._routes[key]

    def _find_route(self, source: str, target: str) -> tuple[str, ...]:
        try:
            src, tgt = from_babel(source), from_babel(target)
        except ValueError as exc:
            raise LocpipeError(f"apertium: {exc}") from None
        if src.code == tgt.code:
            raise LocpipeError(f"apertium: {source}→{target} is not a translation")
        if shutil.which("apertium-wblank-mode") is None or not self.modes:
            raise LocpipeError(
                "apertium is not installed: apt-get install -y apertium "
                + " ".join(packages_for((), src, tgt) or ["apertium-<pair>"])
            )
        override = self._override(source, target, src, tgt)
        if override is not None:
            return override
        chain = find_route(self.modes, src, tgt)
        if chain is not None:
            return chain
        packages = packages_for(self.modes, src, tgt)
        if packages:
            hint = "install the Debian package(s): apt-get install -y " + " ".join(packages)
        else:
            hint = "no Debian Apertium package is known to reach it"
        raise LocpipeError(
            f"apertium cannot translate {source}→{target}: no installed pair or pivot chain; {hint}"
        )

    def _override(self, source: str, target: str, src: Lang, tgt: Lang) -> tuple[str, ...] | None:
        chains = self.options.get("chains") or {}
        if not isinstance(chains, Mapping):
            raise LocpipeError("apertium: options.chains must be a table")
        specific = chains.get(f"{source}>{target}")
        value = specific if specific is not None else chains.get(target)
        if value is None:
            return None
        chain = tuple(value.split("|") if isinstance(value, str) else value)
        parsed = [parse_mode(m) for m in chain]
        if not chain or any(p is None for p in parsed):
            raise LocpipeError(f"apertium: bad chain {'|'.join(chain)!r} for {target}")
        if parsed[0][0].code != src.code and specific is None:  # type: ignore[index]
            return None  # a chain for another source language
        langs = [parsed[0][0].code] + [p[1].code for p in parsed]  # type: ignore[index]
        linked = all(p[0].code == langs[i] for i, p in enumerate(parsed))  # type: ignore[index]
        if langs[0] != src.code or langs[-1] != tgt.code or not linked:
            raise LocpipeError(
                f"apertium: chain {'|'.join(chain)} does not lead from {source} to {target}"
            )
        missing = [m for m in chain if m not in self.modes]
        if missing:
            packages = sorted(
                {p for m in missing for p in packages_for((), *parse_mode(m)) or [m]}  # type: ignore[misc]
            )
            raise LocpipeError(
                f"apertium: mode(s) {', '.join(missing)} not installed; "
                f"apt-get install -y {' '.join(packages)}"
            )
        return chain

    def check_pair(self, source: str, target: str) -> None:
        """Raise LocpipeError (naming the apt package to install) if unreachable."""
        self.route(source, target)

    def describe(self, source: str, target: str) -> str:
        """``"apertium ita-cat|cat-fra"``."""
        return f"{self.name} {'|'.join(self.route(source, target))}"

    # translation ------------------------------------------------------------

    def _command(self, chain: tuple[str, ...]) -> str:
        stages = []
        for mode in chain:
            done = subprocess.run(
                ["apertium-wblank-mode", "-z", str(self.modes[mode])],
                capture_output=True,
                text=True,
                check=False,
            )
            if done.returncode != 0 or not done.stdout.strip():
                raise LocpipeError(f"apertium-wblank-mode failed for {mode}: {done.stderr.strip()}")
            stages.append(done.stdout.strip())
        return " | ".join(stages)

    def pipeline(self, source: str, target: str) -> StreamPipeline:
        """The (lazily created, not yet started) pipeline for source→target."""
        chain = self.route(source, target)
        with self._lock:
            if chain not in self._pipelines:
                self._pipelines[chain] = StreamPipeline(
                    self._command(chain), args=("-n", ""), timeout=self.timeout
                )
            return self._pipelines[chain]

    def prepare(self, source: str, target: str) -> None:
        """Start the route's stages now: they load their data (0.2-2.8 s) meanwhile."""
        self.pipeline(source, target).start()

    def translate(self, texts: Sequence[str], source: str, target: str) -> list[str | None]:
        """Translate a batch through the route's pipeline; None where verification failed."""
        if not texts:
            return []
        pipeline = self.pipeline(source, target)
        # The stages load (0.2-2.8 s) while the batch is masked; when another
        # thread's batch is in the pipeline, this one goes in right behind it
        # (the stages never run dry in between) and is read back after it.
        pipeline.start()
        masked = [self.protector.mask(text, target) for text in texts]
        outputs = self._run(pipeline, masked)
        results = [_finish(m, out) for m, out in zip(masked, outputs, strict=True)]
        failed = [i for i, out in enumerate(outputs) if results[i] is None and out is not None]
        retried = self._fallback(pipeline, [masked[i] for i in failed])
        for i, text in zip(failed, retried, strict=True):
            results[i] = text
        return results

    def _run(self, pipeline: StreamPipeline, masked: list[Masked]) -> list[bytes | None]:
        """Each unit's raw result; None where a result stays missing or out of step.

        When some results are lost (one unit broke the stream, and the units
        after it in the batch with it), those are narrowed down by
        :meth:`_bisect`: only a unit that fails in every batch fails.
        """
        outputs = self._numbered(pipeline, masked)
        lost = [i for i, out in enumerate(outputs) if out is None]
        if lost and len(masked) > 1:
            self._bisect(pipeline, masked, outputs, lost)
        return outputs

    def _bisect(
        self,
        pipeline: StreamPipeline,
        masked: list[Masked],
        outputs: list[bytes | None],
        lost: list[int],
    ) -> None:
        """Send the ``lost`` units again, finding each one that breaks a batch by
        binary search: halves from the front, a half that comes back whole is
        done and the search goes on behind it, else inside it.  The unit found
        is tried alone once, and the rest goes in one call (searched again if
        it fails again).  One bad unit costs at most ``ceil(log2(lost)) + 2``
        calls; ``outputs`` is filled in place.
        """
        alone: set[int] = set()
        while lost:
            lo, hi = 0, len(lost)
            while hi - lo > 1:
                mid = (lo + hi) // 2
                part = lost[lo:mid]
                got = self._numbered(pipeline, [masked[i] for i in part])
                for i, out in zip(part, got, strict=True):
                    outputs[i] = out
                if len(part) == 1:
                    alone.add(part[0])
                if all(out is not None for out in got):
                    lo = mid
                else:
                    hi = mid
            culprit = lost[lo]
            if outputs[culprit] is None and culprit not in alone:
                [outputs[culprit]] = self._numbered(pipeline, [masked[culprit]])
            rest = [i for i in lost if outputs[i] is None and i != culprit]
            if not rest:
                return
            got = self._numbered(pipeline, [masked[i] for i in rest])
            for i, out in zip(rest, got, strict=True):
                outputs[i] = out
            lost = [i for i in rest if outputs[i] is None]
            if len(lost) == 1 and lost[0] in alone:
                return

    def _numbered(self, pipeline: StreamPipeline, masked: list[Masked]) -> list[bytes | None]:
        """One call: numbered segments through the pipeline; None where a result
        is missing or out of step."""
        with self._lock:
            first = next(self._seq)
            for _ in masked:  # numbers are unique per backend: stale results never match
                next(self._seq)
        segments = [encode(m, first + i) for i, m in enumerate(masked)]
        segments.append(_tag(first + len(masked)) + b"[]\0")  # the closing segment
        # Out of step, the pipeline is restarted before any later batch is read.
        return check_sequence(translate_batch(pipeline, segments, in_step), first)

    def _fallback(self, pipeline: StreamPipeline, masked: list[Masked]) -> list[str | None]:
        """Translate the text runs between protected items one by one, then verify again.

        The engine can then no longer move words across tags (it emptied
        ``<abbr>TLD</abbr>`` into "TLD <abbr></abbr>"); None when this fails too.
        """
        runs = [m.text_runs() for m in masked]
        flat = [Masked(run, (run,)) for unit in runs for run in unit]
        if not flat:
            return [None] * len(masked)
        outputs = self._run(pipeline, flat)
        decoded = [None if out is None else decode(out).strip() for out in outputs]
        results: list[str | None] = []
        position = 0
        for m, unit in zip(masked, runs, strict=True):
            parts = decoded[position : position + len(unit)]
            position += len(unit)
            if not unit or any(not part for part in parts):
                results.append(None)
                continue
            results.append(_verify(m, m.with_runs(parts, WORD_TOKENS.token)))  # type: ignore[arg-type]
        return results

    def close(self) -> None:
        """Stop every pipeline (a batch still running fails); new ones start on the
        next translate()."""
        with self._lock:
            pipelines, self._pipelines = list(self._pipelines.values()), {}
        for pipeline in pipelines:
            pipeline.close()


def _tidy(text: str, source: str) -> str:
    """Undo spacing slips of pivots (``"changes  provider"``, ``"propagate ."``).

    Runs on the decoded output while items are still tokens, so code and URLs
    are untouched; only fixes what the source itself does not contain.
    """
    if "  " not in source:
        text = re.sub(r"(?<=\S) {2,}(?=\S)", " ", text)
    if not re.search(r" [.,]", source):
        text = re.sub(r"(?<=\w) +([.,])(?=\s|$)", r"\1", text)
    return text


def _finish(masked: Masked, output: bytes | None) -> str | None:
    """Decode, restore and verify one result; keep the source's outer whitespace."""
    return None if output is None else _verify(masked, decode(output))


def _verify(masked: Masked, text: str) -> str | None:
    """Restore and verify decoded engine output; keep the source's outer whitespace."""
    restored = restore(masked, _tidy(text, masked.source), WORD_TOKENS.pattern)
    if restored is None:
        return None
    source = masked.source
    stripped = source.strip()
    if not stripped:
        return source
    lead = source[: len(source) - len(source.lstrip())]
    trail = source[len(source.rstrip()) :]
    return lead + restored.strip() + trail
