"""What every command shares: the :class:`Context`, ``--lang``, and :func:`run_step`.

Light on purpose: ``locpipe --help`` imports every command module, and through
them this one; the project, the steps and the engines are imported when a
command runs.
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from locpipe.errors import LocpipeError

if TYPE_CHECKING:
    from locpipe.lock import ProjectLock
    from locpipe.project import Project

#: Commands that only read the project: they run without the project lock.
READ_ONLY_COMMANDS = frozenset({"check", "backends", "weblate-config"})

lang_option = click.option(
    "--lang",
    "languages",
    multiple=True,
    metavar="LANG",
    help="Only this language (repeatable; default: every configured language).",
)


class Context:
    """What every command gets: the project folder and output settings.

    The first use of :attr:`project` by a writing command takes the project
    lock (:mod:`locpipe.lock`), held until the command ends.
    """

    def __init__(
        self,
        directory: Path,
        quiet: bool,
        command: str | None = None,
        wait: bool = True,
        jobs: int | None = None,
    ):
        self.directory = directory
        self.jobs = jobs
        self.quiet = quiet
        self.command = command
        self.wait = wait
        self._project: Project | None = None
        self._lock: ProjectLock | None = None

    @property
    def project(self) -> Project:
        if self._project is None:
            from locpipe.lock import ProjectLock
            from locpipe.project import Project
            from locpipe.stamps import STAMPS_DIR

            project = Project(self.directory, jobs=self.jobs)
            if self.command not in READ_ONLY_COMMANDS:
                lock = ProjectLock(project.root, self.command or "locpipe")
                lock.acquire(
                    self.wait, lambda message: click.echo(f"locpipe: {message}...", err=True)
                )
                self._lock = lock
                lock.clean(
                    [project.paths.locales, project.paths.build, project.root / STAMPS_DIR],
                    shallow=[project.root],  # a write into a missing folder waits there
                )
            self._project = project
        return self._project

    @property
    def lock(self) -> ProjectLock | None:
        """The project lock a writing command holds once :attr:`project` was used."""
        return self._lock

    def languages(self, requested: tuple[str, ...]) -> tuple[str, ...]:
        """The ``--lang`` values checked against the project (all configured if none)."""
        return self.project.check_languages(requested)

    def close(self) -> None:
        """Release the project lock (at the end of the command)."""
        if self._lock is not None:
            self._lock.release()
            self._lock = None

    def say(self, message: str) -> None:
        if not self.quiet:
            click.echo(message)


pass_context = click.make_pass_decorator(Context)


def run_step(func: Callable[[], Any]) -> Any:
    """Run a step; bad input → message on stderr and its exit code (2); Ctrl-C → 130."""
    try:
        return func()
    except LocpipeError as exc:
        click.echo(f"locpipe: error: {exc}", err=True)
        sys.exit(exc.exit_code)
    except KeyboardInterrupt:
        click.echo("locpipe: interrupted; finished work is saved", err=True)
        sys.exit(130)


def plural(count: int, word: str, plural_word: str | None = None) -> str:
    """``1 page``, ``2 pages``; ``plural_word`` for the irregular (``entry``/``entries``)."""
    return f"{count} {word if count == 1 else plural_word or word + 's'}"
