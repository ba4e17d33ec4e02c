"""review: walk a language's machine drafts and fuzzy entries; accept, edit, skip, quit.

The loop is independent of the terminal: the command gives it ``ask`` (read a
line, ``None`` at end of input), ``say`` (print) and ``edit`` (the editor or an
inline prompt).  Every decision is written at once with
:func:`locpipe.catalog.write_catalog` (atomic), so quitting, Ctrl-C or a
closed terminal lose nothing that was decided.

Accepting or editing makes the entry reviewed: the fuzzy flag, the ``#|``
previous msgid and the ``# machine translation: …`` comment go (the text is
now the reviewer's; the engine's name is in the history of the file), and the
catalog header's ``Last-Translator`` becomes the reviewer.  Other translator
comments stay.

The project lock (given by the command) is held only to read the catalogs
and to save a decision, never while the reviewer thinks: an idle review
blocks no other command.  Before a decision is saved its catalog is compared
with what review last read or wrote; if another command changed it meanwhile
the decision goes into the catalog as it is now, unless that entry itself
changed (or is no longer a draft): then nothing is saved and review says so.
"""

from __future__ import annotations

import getpass
import os
import re
import shutil
import subprocess
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

import polib

from locpipe.catalog import read_catalog, write_catalog
from locpipe.display import visible
from locpipe.errors import LocpipeError
from locpipe.plurals import form_labels
from locpipe.project import Project
from locpipe.qa import QAContext, check_entry, nplurals_of
from locpipe.review_context import Style, editor_text, from_editor, surroundings, word_diff, wrapped
from locpipe.stamps import file_digest
from locpipe.steps.export import domains_for, has_text, plural_list, wanted
from locpipe.steps.translate import MT_COMMENT, PREVIOUS_COMMENT, TM_COMMENT
from locpipe.units import element_lines, protected_notes

if TYPE_CHECKING:
    from locpipe.lock import ProjectLock

#: Comments that describe a draft's origin: they go when a human decides
#: (the engine's name, the memory match, the text a sentence update replaced).
_DRAFT_COMMENTS = (MT_COMMENT, TM_COMMENT, PREVIOUS_COMMENT)


@dataclass(frozen=True)
class Failed:
    """A failed check, whichever module ran it."""

    check: str
    severity: str
    message: str

    @property
    def blocking(self) -> bool:
        """An error-level check (tags, placeholders, numbers, urls, emails, dnt,
        invisible, plurals): review will not accept the translation, merge
        refuses it.  Warnings are shown but do not block."""
        return self.severity == "error"

    def __str__(self) -> str:
        return f"[{self.check}] {self.message}"


def reasons(failed: list[Failed]) -> str:
    """Failed checks on one line: ``[numbers] numbers differ: …; [dnt] …``."""
    return "; ".join(str(f) for f in failed)


def failed_checks(
    entry: polib.POEntry,
    project: Project | None = None,
    language: str = "",
    domain: str = "",
    nplurals: int | None = None,
) -> list[Failed]:
    """Failed checks of an entry's translation (:func:`locpipe.qa.check_entry`); with
    ``nplurals`` (the catalog's) a plural entry's forms are counted too."""
    if not has_text(entry):
        return []
    if project is not None:
        ctx = QAContext.for_catalog(project.config, language, domain)
    else:
        ctx = QAContext(language=language, domain=domain)
    ctx.nplurals = nplurals
    return [Failed(f.check, f.severity, f.message) for f in check_entry(entry, ctx)]


def mark_reviewed(entry: polib.POEntry, text: str, forms: list[str] | None = None) -> None:
    """Set a reviewed translation (``forms``: a plural entry's ``msgstr[n]``): no fuzzy,
    no previous msgid, and none of the comments that described the draft (machine
    translation, translation memory, previous translation): they were for deciding, and
    the decision is made."""
    if forms is not None:
        entry.msgstr_plural = dict(enumerate(forms))
    else:
        entry.msgstr = text
    entry.flags = [f for f in entry.flags if f != "fuzzy"]
    entry.previous_msgid = None
    entry.previous_msgid_plural = None
    entry.previous_msgctxt = None
    entry.tcomment = without_draft_comments(entry.tcomment)


def without_draft_comments(tcomment: str) -> str:
    """A translator comment without the lines that describe a draft's origin: what a
    human's text is checked with (the ``moved`` check is for machine drafts only)."""
    lines = [line for line in tcomment.splitlines() if not line.startswith(_DRAFT_COMMENTS)]
    return "\n".join(lines)


def is_draft(entry: polib.POEntry) -> bool:
    """A machine draft or a msgmerge fuzzy match: has a translation, marked fuzzy."""
    return wanted(entry) and has_text(entry) and "fuzzy" in entry.flags


def reviewer_identity(root: Path, given: str | None = None) -> str:
    """``--reviewer``, else git's user.name/user.email, else the login name."""
    if given and given.strip():
        return given.strip()
    git = shutil.which("git")
    if git:

        def config(key: str) -> str:
            proc = subprocess.run(
                [git, "-C", str(root), "config", key], capture_output=True, text=True
            )
            return proc.stdout.strip() if proc.returncode == 0 else ""

        name, email = config("user.name"), config("user.email")
        if name and email:
            return f"{name} <{email}>"
        if name:
            return name
    user = os.environ.get("USER") or os.environ.get("LOGNAME")
    if not user:
        try:
            user = getpass.getuser()
        except (KeyError, OSError):
            user = "reviewer"
    return user


@dataclass
class _Item:
    domain: str
    path: Path
    catalog: polib.POFile
    entry: polib.POEntry


@dataclass
class ReviewResult:
    accepted: int = 0
    edited: int = 0
    skipped: int = 0
    total: int = 0
    quit: bool = False
    written: list[Path] = field(default_factory=list)

    @property
    def left(self) -> int:
        return self.total - self.accepted - self.edited


HELP = "[a]ccept  [e]dit  [s]kip  [u]ndo  [q]uit"


@dataclass
class _Decision:
    """What one decision changed, to undo it: the item and its entry as it was."""

    index: int
    kind: str  # accepted | edited | skipped | draft (an edit kept fuzzy)
    before: dict[str, object]


_KEPT = ("msgstr", "msgstr_plural", "flags", "previous_msgid", "previous_msgid_plural",
         "previous_msgctxt", "tcomment")  # fmt: skip


def _copied(value: object) -> object:
    if isinstance(value, list):
        return list(value)
    return dict(value) if isinstance(value, dict) else value


def _snapshot(entry: polib.POEntry) -> dict[str, object]:
    return {name: _copied(getattr(entry, name)) for name in _KEPT}


def _restore(entry: polib.POEntry, before: dict[str, object]) -> None:
    for name, value in before.items():
        setattr(entry, name, _copied(value))


#: The line above each form in the text a plural entry is edited as (``=== form 1 (n = 2,
#: 3…) ===``): one block per form, in order.
_FORM_LINE_RE = re.compile(r"^=== form (\d+)\b.*===[ \t]*$", re.M)


def labels_of(catalog: polib.POFile, entry: polib.POEntry) -> list[str]:
    """The labels of a plural entry's forms, with example numbers (``form 0 (n = 1)``)."""
    return form_labels(catalog.metadata.get("Plural-Forms", ""), len(entry.msgstr_plural))


def forms_text(forms: list[str], labels: list[str]) -> str:
    """A plural entry's forms as the text edited in $EDITOR: a ``=== label ===`` line
    above each form."""
    return "\n".join(f"=== {label} ===\n{form}" for label, form in zip(labels, forms, strict=True))


def text_forms(text: str, count: int) -> list[str] | None:
    """The forms of a text written by :func:`forms_text` (edited); None unless it has
    ``count`` blocks numbered 0, 1… in order."""
    marks = list(_FORM_LINE_RE.finditer(text))
    if [int(m.group(1)) for m in marks] != list(range(count)) or text[: marks[0].start()].strip():
        return None
    ends = [m.start() for m in marks[1:]] + [len(text)]
    return [text[m.end() : end].strip("\r\n") for m, end in zip(marks, ends, strict=True)]


def show_entry(
    item: _Item,
    number: int,
    count: int,
    language: str,
    failed: list[Failed],
    style: Style,
    width: int,
) -> list[str]:
    """The lines that present one draft: its place, its neighbours, the source (with a
    word diff against the source it was matched from), the draft and the checks.
    Every piece of catalog text is made visible (:func:`locpipe.display.visible`)
    before it is styled, so a catalog cannot send escapes to the terminal."""
    entry = item.entry
    around = surroundings(item.catalog, entry)
    lines = [
        "",
        style.dim(
            f"── {number}/{count} · {visible(item.domain)} · {language} · "
            f"{visible(element_lines(entry.comment)[0] if entry.comment else around.element)}"
            + (f" (unit {around.position} of {around.total})" if around.position else "")
        ),
    ]

    def field(label: str, text: str, styled=None) -> None:  # noqa: ANN001
        for i, line in enumerate(wrapped(f"{label:<10}", visible(text), width)):
            head, body = line[:10], line[10:]
            lines.append((style.label(head) if i == 0 else head) + (styled or str)(body))

    if around.before is not None:
        before = around.before.msgstr or around.before.msgid
        field("before:", before, style.dim)
    if around.header:
        guess = " (counted from the row's cells)" if around.header_guessed else ""
        field("column:", around.header + guess, style.dim)
    field("source:", entry.msgid)
    if entry.msgid_plural:
        field("plural:", entry.msgid_plural)
    for tag, shown in protected_notes(entry.comment).items():
        field("hidden:", f"{tag} = {shown} (never translated)", style.dim)
    if entry.previous_msgid is not None:
        diff = word_diff(visible(entry.previous_msgid), visible(entry.msgid), style)
        lines += [
            (style.label(line[:10]) if i == 0 else line[:10]) + line[10:]
            for i, line in enumerate(wrapped(f"{'changed:':<10}", diff, width + 40))
        ]
    if entry.msgid_plural:
        forms = plural_list(entry)
        for label, form in zip(labels_of(item.catalog, entry), forms, strict=True):
            lines.append(style.label(visible(f"{label}:")))
            field("", form)
    else:
        field("draft:", entry.msgstr)
    for line in entry.tcomment.splitlines():
        if line.startswith(_DRAFT_COMMENTS):
            field("", f"({line})", style.dim)
    if around.after is not None:
        field("after:", around.after.msgid, style.dim)
    for f in failed:
        field("check:", f"{f.check} ({f.severity}): {f.message}", style.warn)
    return lines


def editor_notes(entry: polib.POEntry, failed: list[Failed]) -> list[str]:
    """The notes written below the draft in the $EDITOR file."""
    notes = [f"source: {entry.msgid}"]
    if entry.msgid_plural:
        notes += [
            f"plural source: {entry.msgid_plural}",
            "one block per plural form: keep the === form N === lines",
        ]
    if entry.previous_msgid is not None:
        notes.append(f"source before it changed: {entry.previous_msgid}")
    lines = element_lines(entry.comment)
    if lines:
        notes.append(f"element: {', '.join(lines)}")
    notes += [
        f"{tag} = {shown} (never translated)"
        for tag, shown in protected_notes(entry.comment).items()
    ]
    notes += [f"check: {f.check} ({f.severity}): {f.message}" for f in failed]
    return [visible(note) for note in notes]


def _visibly(say: Callable[[str], None]) -> Callable[[str], None]:
    """``say`` with every control, bidi and zero-width character shown as a symbol."""
    return lambda text: say(visible(text))


def review(
    project: Project,
    language: str,
    article: str | None,
    reviewer: str,
    ask: Callable[[str], str | None],
    say: Callable[[str], None],
    edit: Callable[[str, polib.POEntry], str | None],
    lock: ProjectLock | None = None,
    style: Style | None = None,
    width: int = 100,
) -> ReviewResult:
    """The review loop over every draft of ``language`` (optionally one article).

    Every line is shown through :func:`locpipe.display.visible`: a msgid or a
    draft holding terminal escapes cannot erase or forge the lines around it.
    ``lock``, held on entry, is released while waiting for the reviewer and
    taken again to save each decision (see the module docstring).
    """
    say_raw = say  # for lines whose catalog text show_entry made visible itself
    say = _visibly(say)
    style = style or Style()
    items: list[_Item] = []
    digests: dict[Path, str | None] = {}  # each catalog as review last read or wrote it
    for domain in domains_for(project, language, article):
        path = project.catalog_path(language, domain.name)
        if not path.exists():
            raise LocpipeError("catalog missing; run `locpipe update` first", path)
        digests[path] = file_digest(path)
        catalog = read_catalog(path)
        items += [_Item(domain.name, path, catalog, e) for e in catalog if is_draft(e)]
    result = ReviewResult(total=len(items))
    if not items:
        say(f"review: nothing to review in {language}")
        return result
    if lock is not None:
        lock.release()  # the reviewer may think for hours: other commands may write

    def save(item: _Item, decide: Callable[[polib.POEntry], None]) -> bool:
        """Apply ``decide`` to the entry and write its catalog, under the lock; False
        (nothing written) when another command changed that entry meanwhile."""
        with _locked(lock, say):
            if file_digest(item.path) != digests[item.path] and not _reread(
                item, items, say, project.relative(item.path)
            ):
                return False
            decide(item.entry)
            item.catalog.metadata["Last-Translator"] = reviewer
            if write_catalog(item.path, item.catalog) and item.path not in result.written:
                result.written.append(item.path)
            digests[item.path] = file_digest(item.path)
        return True

    decisions: dict[int, str] = {}  # item index -> its last decision (counted once)
    history: list[_Decision] = []
    index = 0

    def tally() -> ReviewResult:
        kinds = list(decisions.values())
        result.accepted, result.edited = kinds.count("accepted"), kinds.count("edited")
        result.skipped = kinds.count("skipped")
        return result

    while index < len(items):
        item = items[index]
        entry = item.entry
        show = True
        advance = True
        nplurals = nplurals_of(item.catalog)
        while True:
            failed = failed_checks(entry, project, language, item.domain, nplurals)
            if show:
                for line in show_entry(item, index + 1, len(items), language, failed, style, width):
                    say_raw(line)
            show = False
            answer = ask(f"{HELP} > ")
            if answer is None:
                answer = "q"
            key = answer.strip().lower()[:1]
            if key == "q":
                result.quit = True
                return tally()
            if key == "u":
                if not history:
                    say("nothing to undo")
                    continue
                last = history.pop()
                target = items[last.index]
                if last.kind != "skipped" and not save(
                    target,
                    lambda e, b=last.before: _restore(e, b),  # type: ignore[misc]
                ):
                    continue
                decisions.pop(last.index, None)
                say(f"undone: the {last.kind} decision on {last.index + 1}/{len(items)}")
                index, advance = last.index, False
                break
            if key == "s":
                history.append(_Decision(index, "skipped", _snapshot(entry)))
                decisions[index] = "skipped"
                break
            if key == "a":
                blocking = [f for f in failed if f.blocking]
                if blocking:
                    say(f"cannot accept: {reasons(blocking)}; [e]dit it or [s]kip")
                    continue
                before = _snapshot(entry)
                if save(item, lambda e: mark_reviewed(e, e.msgstr, _forms(e))):
                    history.append(_Decision(index, "accepted", before))
                    decisions[index] = "accepted"
                break
            if key == "e":
                forms: list[str] | None = None
                if entry.msgid_plural:
                    labels = labels_of(item.catalog, entry)
                    text = edit(forms_text(plural_list(entry), labels), entry)
                    forms = None if text is None else text_forms(text, len(labels))
                    if text is not None and forms is None:
                        say(
                            f"edit cancelled: expected {len(labels)} blocks, one per form, "
                            "each under its === form N === line; nothing changed"
                        )
                        continue
                    if forms is not None and not any(f.strip() for f in forms):
                        text = None
                else:
                    text = edit(entry.msgstr, entry)
                if text is None or not text.strip():
                    say("edit cancelled; nothing changed")
                    continue
                candidate = polib.POEntry(
                    msgid=entry.msgid, msgstr=text, msgctxt=entry.msgctxt, flags=entry.flags
                )
                if forms is not None:
                    candidate.msgstr = ""
                    candidate.msgid_plural = entry.msgid_plural
                    candidate.msgstr_plural = dict(enumerate(forms))
                candidate.tcomment = without_draft_comments(entry.tcomment)
                candidate.comment = entry.comment
                found = failed_checks(candidate, project, language, item.domain, nplurals)
                blocking = [f for f in found if f.blocking]
                before = _snapshot(entry)
                if blocking:
                    # kept as a draft: still fuzzy
                    if not save(item, lambda e, t=text, f=forms: _set_draft(e, t, f)):  # type: ignore[misc]
                        break
                    history.append(_Decision(index, "draft", before))
                    entry = item.entry
                    say(f"saved as a draft (still fuzzy): {reasons(blocking)}")
                    show = True
                    continue
                if found:
                    say(f"warning: {reasons(found)}")
                if save(item, lambda e, text=text, f=forms: mark_reviewed(e, text, f)):  # type: ignore[misc]
                    history.append(_Decision(index, "edited", before))
                    decisions[index] = "edited"
                break
            say(HELP)
        if advance:
            index += 1
    return tally()


def _forms(entry: polib.POEntry) -> list[str] | None:
    """A plural entry's forms (None for a singular one)."""
    return plural_list(entry) if entry.msgid_plural else None


def _text(entry: polib.POEntry) -> tuple[str, ...]:
    return (entry.msgstr, *plural_list(entry))


def _set_draft(entry: polib.POEntry, text: str, forms: list[str] | None) -> None:
    """An edit that fails a blocking check: saved, still a draft (fuzzy)."""
    if forms is None:
        entry.msgstr = text
    else:
        entry.msgstr_plural = dict(enumerate(forms))


@contextmanager
def _locked(lock: ProjectLock | None, say: Callable[[str], None]) -> Iterator[None]:
    """Hold the project lock for one save (waiting, with a message, if another has it)."""
    if lock is None:
        yield
        return
    lock.acquire(on_wait=lambda message: say(f"review: {message}..."))
    try:
        yield
    finally:
        lock.release()


def _key(entry: polib.POEntry) -> tuple[str | None, str]:
    return entry.msgctxt, entry.msgid


def _reread(item: _Item, items: list[_Item], say: Callable[[str], None], shown: str) -> bool:
    """``item``'s catalog changed on disk: point every item of it at the fresh parse.
    False when ``item``'s own entry changed or is no longer a draft (then it is left)."""
    fresh = read_catalog(item.path)
    entries = {_key(e): e for e in fresh if not e.obsolete}
    mine = entries.get(_key(item.entry))
    for other in items:
        if other.path == item.path and other is not item:
            other.catalog = fresh
            other.entry = entries.get(_key(other.entry), other.entry)
    if mine is None or not is_draft(mine) or _text(mine) != _text(item.entry):
        item.catalog, item.entry = fresh, mine or item.entry
        say(
            f"{shown}: this entry was changed by another command while you were reviewing; "
            "nothing saved for it (run review again to see it as it is now)"
        )
        return False
    item.catalog, item.entry = fresh, mine
    return True


def edit_with_editor(editor: str, text: str, notes: list[str] | None = None) -> str | None:
    """Open ``text`` in ``editor`` (a command line), ``notes`` below a scissors line that
    is cut off again; the saved translation, or None if the editor failed."""
    import shlex
    import tempfile

    fd, name = tempfile.mkstemp(prefix="locpipe-review-", suffix=".txt")
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            handle.write(editor_text(text, notes or []))
        proc = subprocess.run([*shlex.split(editor), name])
        if proc.returncode != 0:
            return None
        return from_editor(Path(name).read_text(encoding="utf-8"))
    finally:
        os.unlink(name)
