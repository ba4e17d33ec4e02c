"""What failed is retried, what comes back is verified again (issue 13, parts 3 and 4).

A unit the engine could not translate is not cached: the next run sends it
(and only it) again, and ``--dry-run`` counts it.  A translation from the
cache or from any engine is checked again before it becomes a draft: a forged
cache record or an engine that returns broken tags, a terminal escape, a bidi
override or a zero-width character gives no draft.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from pathlib import Path

import polib
import pytest

from locpipe.mt.base import Backend
from locpipe.mt.cache import MTCache, fingerprint
from locpipe.mt.protect import PUA_TOKENS, Protector, restore
from locpipe.project import Project
from locpipe.steps.translate import summary_lines, translate


class Flaky(Backend):
    """``x`` → ``fr:x``, except the texts in ``broken`` (None) or in ``raw`` (returned as given)."""

    name = "flaky"

    def __init__(self, broken: Sequence[str] = (), raw: dict[str, str] | None = None, **kwargs):
        super().__init__(**kwargs)
        self.broken = set(broken)
        self.raw = raw or {}
        self.sent: list[str] = []

    def check_pair(self, source: str, target: str) -> None:
        pass

    def translate(self, texts: Sequence[str], source: str, target: str) -> list[str | None]:
        self.sent += texts
        return [None if t in self.broken else self.raw.get(t, f"{target}:{t}") for t in texts]


@pytest.fixture
def project(extracted_project: Path) -> Path:
    return extracted_project


def french(project: Path) -> dict[str, str]:
    """msgid → msgstr of every live French entry."""
    return {
        e.msgid: e.msgstr
        for p in sorted((project / "locales" / "fr" / "LC_MESSAGES").glob("*.po"))
        for e in polib.pofile(str(p))
        if e.msgid and not e.obsolete
    }


def with_tags(project: Path) -> list[str]:
    return sorted(m for m in french(project) if re.search(r"<(\w+)>.*</\1>", m))


def test_a_failure_is_retried_on_the_next_run_and_counted_by_dry_run(project: Path) -> None:
    bad = with_tags(project)[:3]
    first = translate(Project(project), ("fr",), backend=Flaky(bad))
    assert {f.msgid for f in first.failures} == set(bad)
    assert all(french(project)[m] == "" for m in bad)
    # Not cached as a failure: a dry run says they would go to the engine.
    dry = translate(Project(project), ("fr",), backend=Flaky(), dry_run=True)
    assert dry.per_language["fr"][0] == len(bad)
    # The next run sends exactly those again, and they are filled.
    again = Flaky()
    second = translate(Project(project), ("fr",), backend=again)
    assert sorted(again.sent) == bad and not second.failures
    assert all(french(project)[m] == f"fr:{m}" for m in bad)


@pytest.mark.parametrize(
    "forge",
    [
        lambda m: re.sub(r"</?\w+>", "", m),  # tags lost
        lambda m: m + "\x1b[2J\x1b]0;pwned\x07",  # terminal control
        lambda m: "\u202e" + m,  # bidi override
        lambda m: m.replace(" ", "\u200b ", 1),  # zero-width space
    ],
)
def test_a_forged_cache_record_is_verified_again(project: Path, forge) -> None:
    config = Project(project).config
    target = with_tags(project)[0]
    fp = fingerprint(config.do_not_translate, Protector(config.do_not_translate).glossary_for("fr"))
    with MTCache.for_project(project) as cache:
        cache.put_many("flaky", "it", "fr", fp, [(target, forge(target), None)])
        cache.put_many("flaky", "it", "fr", fp, [("Ciao", "Salut", None)])  # unused, harmless
    backend = Flaky()
    translate(Project(project), ("fr",), backend=backend)
    assert target in backend.sent  # the record was not trusted: the engine was asked
    assert french(project)[target] == f"fr:{target}"


@pytest.mark.parametrize(
    "injected", ["\x1b[31mrosso\x1b[0m", "\u202eabc", "a\u200bb", "a\u2066b\u2069", "\x07"]
)
def test_engine_output_with_invisible_or_control_characters_is_refused(
    project: Path, injected: str
) -> None:
    target = with_tags(project)[0]
    result = translate(
        Project(project), ("fr",), backend=Flaky(raw={target: f"fr:{target} {injected}"})
    )
    assert [f.msgid for f in result.failures] == [target]
    assert french(project)[target] == ""
    # The shared restore() refuses it too (every backend's own verification).
    masked = Protector().mask("Il <b>gatto</b> nero")
    output = masked.render(PUA_TOKENS.token) + injected
    assert restore(masked, output, PUA_TOKENS.pattern) is None
    assert restore(masked, masked.render(PUA_TOKENS.token), PUA_TOKENS.pattern) is not None


def test_summary_counts_failures_per_catalog_and_shows_the_first_reasons(project: Path) -> None:
    texts = list(french(project))
    result = translate(Project(project), ("fr",), backend=Flaky(texts))
    lines = summary_lines(result, lambda p: str(p.relative_to(project)))
    per_catalog: dict[Path, int] = {}
    for failure in result.failures:
        per_catalog[failure.path] = per_catalog.get(failure.path, 0) + 1
    assert len(per_catalog) >= 2
    for path, count in per_catalog.items():
        name = str(path.relative_to(project))
        assert f"locpipe: warning: {name}: {count} units not translated" in lines
        listed = [line for line in lines if line.startswith(f"locpipe: warning: {name}:")]
        assert len(listed) == 1 + min(count, 5)  # the count, then the first reasons
    assert lines[-1].startswith(f"translate: {len(result.failures)} units not translated in ")
