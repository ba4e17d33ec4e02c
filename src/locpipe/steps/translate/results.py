"""What a translate run did: counts, failures, and the summary printed."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    pass


#: Failures listed per catalog in the summary (then only their number).
FIRST_REASONS = 5


@dataclass(frozen=True)
class Failure:
    """A unit left untranslated, and why."""

    path: Path
    line: int
    msgid: str
    reason: str


@dataclass
class TranslateResult:
    """What was filled, from where, and what could not be translated."""

    translated: int = 0  # entries filled (engine, cache or memory)
    from_memory: int = 0  # of which entirely from the translation memory
    verbatim: int = 0  # of which code units copied from the source (no engine, no memory)
    updated: int = 0  # changed fuzzy entries brought up to date sentence by sentence
    failed: list[tuple[Path, int, str]] = field(default_factory=list)  # (catalog, line, msgid)
    failures: list[Failure] = field(default_factory=list)
    catalogs: list[Path] = field(default_factory=list)
    engine_calls: int = 0  # backend.translate calls
    engine_texts: int = 0  # texts sent to the engine
    engine_chars: int = 0
    cache_hits: int = 0
    dry_run: bool = False
    #: language → [texts, characters] that go (or, with dry_run, would go) to the engine.
    per_language: dict[str, list[int]] = field(default_factory=dict)


def summary_lines(result: TranslateResult, relative: Callable[[Path], str]) -> list[str]:
    """Human summary: the dry-run cost table, or what was filled and what failed."""
    lines = []
    if result.dry_run:
        lines.append("translate --dry-run: nothing sent; would go to the engine:")
        for language, (texts, chars) in sorted(result.per_language.items()):
            lines.append(f"  {language}: {texts} texts, {chars} characters")
        total = [sum(v[i] for v in result.per_language.values()) for i in (0, 1)]
        lines.append(f"  total: {total[0]} texts, {total[1]} characters")
        return lines
    lines.append(
        f"translate: {result.translated} units filled ({result.from_memory} from memory), "
        f"{result.updated} changed units updated, {result.engine_texts} texts sent to the "
        f"engine in {result.engine_calls} calls, {result.cache_hits} from the cache"
        + (f"; {result.verbatim} code units copied as they are" if result.verbatim else "")
    )
    by_catalog: dict[Path, list[Failure]] = {}
    for failure in result.failures:
        by_catalog.setdefault(failure.path, []).append(failure)
    for path, failures in by_catalog.items():
        lines.append(f"locpipe: warning: {relative(path)}: {len(failures)} units not translated")
        for failure in failures[:FIRST_REASONS]:
            lines.append(
                f"locpipe: warning: {relative(failure.path)}:{failure.line}: not translated "
                f"({failure.reason}): {failure.msgid[:60]!r}"
            )
        if len(failures) > FIRST_REASONS:
            lines.append(f"locpipe: warning:   ... and {len(failures) - FIRST_REASONS} more")
    if result.failures:
        lines.append(
            f"translate: {len(result.failures)} units not translated in {len(by_catalog)} "
            "catalogs (listed above); they are not cached: the next run sends them again"
        )
    return lines
