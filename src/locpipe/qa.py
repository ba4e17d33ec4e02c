"""Quality checks on translations, in the spirit of translate-toolkit's ``pofilter``.

Every check has a short stable name, a severity (``error`` or ``warning``) and
a one-line explanation (:data:`CHECKS`).  :func:`check_entry` and
:func:`check_catalog` are pure functions over polib objects; they return
:class:`Finding` objects.  Fuzzy (machine-draft) translations are checked
too, since a build publishes them.

A translator silences checks for one entry with a translator comment
``# locpipe-ignore: numbers, urls`` (kept by every catalog writer, Poedit's
"comment" field) or with a flag ``#, locpipe-ignore:numbers``.  The flag is
honoured when present, but GNU gettext (``msgcat``, ``msgmerge``) and
locpipe's own writer drop unknown flags, so the next ``locpipe update`` or
``translate`` loses it: the comment is the durable form.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field

import polib

from locpipe.units import VERBATIM_ELEMENTS, has_letter, plain_text, tags_in, tags_well_nested

ERROR = "error"
WARNING = "warning"

#: How much longer than its source a UI string may be (ratio of characters).
DEFAULT_UI_LENGTH_RATIO = 1.6
#: Short UI strings may grow by this many characters whatever the ratio ("OK" → "Aceptar").
UI_LENGTH_SLACK = 8

IGNORE_MARK = "locpipe-ignore"
UI_DOMAIN = "ui"

_PLACEHOLDER_RE = re.compile(
    r"%\([^)\s]+\)[-#0 +]*\d*(?:\.\d+)?[diouxXeEfFgGcrsa]|%[sd]|\{[A-Za-z_][\w.]*\}"
)
_URL_RE = re.compile(r"\b(?:https?|ftp)://[^\s<>\"']+|\bwww\.[^\s<>\"']+", re.I)
_EMAIL_RE = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
_URL_TRAIL = ".,;:!?)]}»”’'\""
_NUMBER_RE = re.compile(r"\d+(?:[.,\u00a0\u202f' ]\d+)*")
_DOUBLE_WORD_RE = re.compile(r"(?<!\w)([^\W\d_]+)\s+\1(?!\w)", re.I)
_DOUBLE_WORD_OK = {"nous", "vous", "that", "had", "is", "la"}
_SPACES = " \t\n\r\u00a0\u202f\u2009"
_CLOSERS = ")]}»”’\"'›"
_END_PUNCT = {
    ".": ".",
    "。": ".",
    "．": ".",
    "…": "…",
    "!": "!",
    "！": "!",
    "?": "?",
    "？": "?",
    ":": ":",
    "：": ":",
    ";": ";",
    "；": ";",
}
_CODE_RE = re.compile(rf"<({'|'.join(VERBATIM_ELEMENTS)})(\d*)>.*?</\1\2>")
_NPLURALS_RE = re.compile(r"nplurals\s*=\s*(\d+)")


@dataclass(frozen=True)
class Finding:
    """One failed check on one catalog entry."""

    check: str
    severity: str
    message: str
    line: int | None
    msgid: str
    msgstr: str = ""
    msgctxt: str | None = None
    fuzzy: bool = False

    def as_dict(self) -> dict[str, object]:
        return {
            "check": self.check,
            "severity": self.severity,
            "message": self.message,
            "line": self.line,
            "msgctxt": self.msgctxt,
            "msgid": self.msgid,
            "msgstr": self.msgstr,
            "fuzzy": self.fuzzy,
        }


@dataclass
class QAContext:
    """What the checks need to know besides the entry."""

    language: str
    domain: str = ""
    do_not_translate: tuple[str, ...] = ()
    glossary: Mapping[str, str] = field(default_factory=dict)
    nplurals: int | None = None
    ui_length_ratio: float = DEFAULT_UI_LENGTH_RATIO

    @property
    def is_ui(self) -> bool:
        return self.domain == UI_DOMAIN

    @classmethod
    def for_catalog(cls, config: object, language: str, domain: str) -> QAContext:
        """A context from a :class:`locpipe.config.Config` (duck-typed)."""
        glossary: Mapping[str, Mapping[str, str]] = getattr(config, "glossary", {}) or {}
        terms = dict(glossary.get(language) or glossary.get(language.split("_")[0]) or {})
        return cls(
            language=language,
            domain=domain,
            do_not_translate=tuple(getattr(config, "do_not_translate", ()) or ()),
            glossary=terms,
            nplurals=None,
            ui_length_ratio=float(
                getattr(config, "ui_length_ratio", None) or DEFAULT_UI_LENGTH_RATIO
            ),
        )


_NO_CONTEXT = QAContext(language="")


@dataclass(frozen=True)
class Check:
    """A registered check: ``func(source, translation, ctx)`` returns messages."""

    name: str
    severity: str
    description: str
    func: Callable[[str, str, QAContext], list[str]] | None = None


# --------------------------------------------------------------------------
# Helpers
# --------------------------------------------------------------------------


def placeholders_in(text: str) -> list[str]:
    """The format placeholders of a string: ``%(name)s``, ``{name}``, ``%s``."""
    return _PLACEHOLDER_RE.findall(text)


def urls_in(text: str) -> list[str]:
    return [m.group().rstrip(_URL_TRAIL) for m in _URL_RE.finditer(plain_text(text))]


def emails_in(text: str) -> list[str]:
    return _EMAIL_RE.findall(_URL_RE.sub(" ", plain_text(text)))


def numbers_in(text: str) -> list[str]:
    """Numbers of the visible text, digits only (``1.000`` = ``1,000`` = ``1 000``)."""
    visible = _EMAIL_RE.sub(" ", _URL_RE.sub(" ", plain_text(text)))
    visible = _PLACEHOLDER_RE.sub(" ", visible)
    return [re.sub(r"\D", "", m.group()) for m in _NUMBER_RE.finditer(visible)]


def _show(items: Iterable[str]) -> str:
    return " ".join(items) or "none"


def _differ(what: str, source: list[str], target: list[str]) -> list[str]:
    if Counter(source) == Counter(target):
        return []
    missing = list((Counter(source) - Counter(target)).elements())
    extra = list((Counter(target) - Counter(source)).elements())
    detail = []
    if missing:
        detail.append(f"missing {_show(missing)}")
    if extra:
        detail.append(f"extra {_show(extra)}")
    return [f"{what} differ: {', '.join(detail)}"]


def _term_re(term: str, ignore_case: bool = False) -> re.Pattern[str]:
    flags = re.I if ignore_case else 0
    return re.compile(rf"(?<!\w){re.escape(term)}(?!\w)", flags)


def _final_punctuation(text: str) -> str:
    visible = plain_text(text).rstrip(_SPACES).rstrip(_CLOSERS).rstrip(_SPACES)
    if visible.endswith("..."):
        return "…"
    return _END_PUNCT.get(visible[-1:], "") if visible else ""


# --------------------------------------------------------------------------
# The checks
# --------------------------------------------------------------------------


def _tags(source: str, target: str, ctx: QAContext) -> list[str]:
    found = _differ("inline tags", tags_in(source), tags_in(target))
    if not found and tags_well_nested(tags_in(source)) and not tags_well_nested(tags_in(target)):
        found.append(f"inline tags do not nest like the source's: {_show(tags_in(target))}")
    return found


def _placeholders(source: str, target: str, ctx: QAContext) -> list[str]:
    return _differ("placeholders", placeholders_in(source), placeholders_in(target))


def markup_findings(source: str, target: str) -> list[str]:
    """What the ``tags`` and ``placeholders`` checks find (they need no context).

    Build uses no translation with a finding: its tags and placeholders must
    be the source's, as many times each, tags well nested.
    """
    if not any(c in source or c in target for c in "<%{"):
        return []  # neither has a tag or a placeholder
    return _tags(source, target, _NO_CONTEXT) + _placeholders(source, target, _NO_CONTEXT)


def _urls(source: str, target: str, ctx: QAContext) -> list[str]:
    return _differ("URLs", urls_in(source), urls_in(target))


def _emails(source: str, target: str, ctx: QAContext) -> list[str]:
    return _differ("e-mail addresses", emails_in(source), emails_in(target))


def _numbers(source: str, target: str, ctx: QAContext) -> list[str]:
    return _differ("numbers", numbers_in(source), numbers_in(target))


def _dnt(source: str, target: str, ctx: QAContext) -> list[str]:
    src, tgt = plain_text(source), plain_text(target)
    missing = [
        term
        for term in ctx.do_not_translate
        if _term_re(term).search(src) and not _term_re(term).search(tgt)
    ]
    return [f"do-not-translate term missing: {', '.join(missing)}"] if missing else []


def _glossary(source: str, target: str, ctx: QAContext) -> list[str]:
    src, tgt = plain_text(source), plain_text(target)
    missing = [
        f"{term} → {forced}"
        for term, forced in ctx.glossary.items()
        if _term_re(term, True).search(src) and not _term_re(forced, True).search(tgt)
    ]
    return [f"glossary translation not used: {'; '.join(missing)}"] if missing else []


def _unchanged(source: str, target: str, ctx: QAContext) -> list[str]:
    if source != target:
        return []
    rest = plain_text(_CODE_RE.sub(" ", source))  # code, commands, file names stay as they are
    rest = _URL_RE.sub(" ", _EMAIL_RE.sub(" ", _PLACEHOLDER_RE.sub(" ", rest)))
    for term in ctx.do_not_translate:
        rest = _term_re(term).sub(" ", rest)
    if not has_letter(rest):
        return []  # only names, numbers, addresses: nothing to translate
    return ["translation is identical to the source"]


def _whitespace(source: str, target: str, ctx: QAContext) -> list[str]:
    found = []
    lead_s = source[: len(source) - len(source.lstrip())]
    lead_t = target[: len(target) - len(target.lstrip())]
    if lead_s != lead_t:
        found.append(f"leading whitespace differs: {lead_s!r} vs {lead_t!r}")
    trail_s = source[len(source.rstrip()) :]
    trail_t = target[len(target.rstrip()) :]
    if trail_s != trail_t:
        found.append(f"trailing whitespace differs: {trail_s!r} vs {trail_t!r}")
    return found


def _punctuation(source: str, target: str, ctx: QAContext) -> list[str]:
    end_s, end_t = _final_punctuation(source), _final_punctuation(target)
    if end_s == end_t:
        return []
    return [f"final punctuation differs: {end_s or 'none'!r} vs {end_t or 'none'!r}"]


def _doublespace(source: str, target: str, ctx: QAContext) -> list[str]:
    if "  " in target.strip() and "  " not in source.strip():
        return ["doubled space in the translation"]
    return []


def _doublewords(source: str, target: str, ctx: QAContext) -> list[str]:
    in_source = {m.group(1).lower() for m in _DOUBLE_WORD_RE.finditer(plain_text(source))}
    words = [
        m.group(1)
        for m in _DOUBLE_WORD_RE.finditer(plain_text(target))
        if m.group(1).lower() not in in_source and m.group(1).lower() not in _DOUBLE_WORD_OK
    ]
    return [f"doubled word: {', '.join(f'{w} {w}' for w in words)}"] if words else []


def _length(source: str, target: str, ctx: QAContext) -> list[str]:
    if not ctx.is_ui:
        return []
    s, t = len(plain_text(source).strip()), len(plain_text(target).strip())
    if t > max(s * ctx.ui_length_ratio, s + UI_LENGTH_SLACK):
        return [
            f"{t} characters for a {s}-character source (more than {ctx.ui_length_ratio:g}×): "
            "it may overflow the layout"
        ]
    return []


CHECKS: dict[str, Check] = {
    c.name: c
    for c in (
        Check("tags", ERROR, "inline tags (<a1>…</a1>, <br/>) differ from the source", _tags),
        Check("placeholders", ERROR, "placeholders (%(x)s, {x}, %s) differ", _placeholders),
        Check("urls", ERROR, "URLs differ from the source", _urls),
        Check("emails", ERROR, "e-mail addresses differ from the source", _emails),
        Check("numbers", ERROR, "numbers differ from the source", _numbers),
        Check("dnt", ERROR, "a do_not_translate term of the source is missing", _dnt),
        Check("glossary", WARNING, "a glossary term's required translation is not used", _glossary),
        Check("unchanged", WARNING, "the translation is identical to the source", _unchanged),
        Check("whitespace", WARNING, "leading or trailing whitespace differs", _whitespace),
        Check("punctuation", WARNING, "final punctuation differs", _punctuation),
        Check("doublespace", WARNING, "doubled space in the translation", _doublespace),
        Check("doublewords", WARNING, "a word is repeated (the the)", _doublewords),
        Check("length", WARNING, "a UI string is much longer than its source", _length),
        Check("plurals", ERROR, "the number of plural forms is wrong for the language"),
        Check(
            "obsolete-only",
            WARNING,
            "an obsolete entry holds the only copy of a reviewed translation",
        ),
    )
}


# --------------------------------------------------------------------------
# Entry and catalog
# --------------------------------------------------------------------------


def ignored_checks(entry: polib.POEntry) -> set[str]:
    """Checks silenced on an entry: ``# locpipe-ignore: a, b`` or ``#, locpipe-ignore:a``.

    ``all`` silences every check.
    """
    names: set[str] = set()
    for flag in entry.flags:
        flag = flag.strip()
        if flag.startswith(IGNORE_MARK + ":"):
            names.update(n for n in re.split(r"[\s,]+", flag[len(IGNORE_MARK) + 1 :]) if n)
    for line in (entry.tcomment or "").splitlines():
        line = line.strip()
        if line.startswith(IGNORE_MARK):
            rest = line[len(IGNORE_MARK) :].lstrip(" :")
            names.update(n for n in re.split(r"[\s,]+", rest) if n)
    return names


def _pairs(entry: polib.POEntry, nplurals: int | None) -> list[tuple[str, str]]:
    """(source, translation) pairs to compare: one per non-empty translation."""
    if not entry.msgid_plural:
        return [(entry.msgid, entry.msgstr)] if entry.msgstr else []
    pairs = []
    for index in sorted(entry.msgstr_plural):
        value = entry.msgstr_plural[index]
        if value:
            source = entry.msgid if index == 0 and nplurals != 1 else entry.msgid_plural
            pairs.append((source, value))
    return pairs


def _plural_messages(entry: polib.POEntry, nplurals: int | None) -> list[str]:
    if not entry.msgid_plural or nplurals is None:
        return []
    forms = entry.msgstr_plural
    if not any(forms.values()):
        return []
    if sorted(forms) != list(range(nplurals)):
        return [f"{len(forms)} plural forms (msgstr[n]); the language has nplurals={nplurals}"]
    empty = [f"msgstr[{i}]" for i in sorted(forms) if not forms[i]]
    return [f"empty plural forms: {', '.join(empty)}"] if empty else []


def check_entry(entry: polib.POEntry, ctx: QAContext) -> list[Finding]:
    """Findings for one live entry with a translation (fuzzy ones included)."""
    if entry.obsolete or (entry.msgid == "" and entry.msgctxt is None):
        return []
    ignored = ignored_checks(entry)
    if "all" in ignored:
        return []
    fuzzy = "fuzzy" in entry.flags
    first = entry.msgstr or next((v for v in entry.msgstr_plural.values() if v), "")
    findings: list[Finding] = []

    def add(check: Check, message: str) -> None:
        if check.name not in ignored:
            findings.append(
                Finding(
                    check.name,
                    check.severity,
                    message,
                    entry.linenum,
                    entry.msgid,
                    first,
                    entry.msgctxt,
                    fuzzy,
                )
            )

    for message in _plural_messages(entry, ctx.nplurals):
        add(CHECKS["plurals"], message)
    for source, target in _pairs(entry, ctx.nplurals):
        for check in CHECKS.values():
            if check.func is None:
                continue
            for message in check.func(source, target, ctx):
                if not any(f.check == check.name and f.message == message for f in findings):
                    add(check, message)
    return findings


def nplurals_of(po: polib.POFile) -> int | None:
    match = _NPLURALS_RE.search(po.metadata.get("Plural-Forms", ""))
    return int(match.group(1)) if match else None


def check_catalog(po: polib.POFile, ctx: QAContext) -> list[Finding]:
    """Findings for a whole catalog, in file order.

    ``ctx.nplurals`` defaults to the catalog's ``Plural-Forms`` header.
    """
    if ctx.nplurals is None:
        ctx = QAContext(
            language=ctx.language,
            domain=ctx.domain,
            do_not_translate=ctx.do_not_translate,
            glossary=ctx.glossary,
            nplurals=nplurals_of(po),
            ui_length_ratio=ctx.ui_length_ratio,
        )
    findings: list[Finding] = []
    live_translations = set()
    for entry in po:
        if not entry.obsolete:
            findings.extend(check_entry(entry, ctx))
            live_translations.add(entry.msgstr)
            live_translations.update(entry.msgstr_plural.values())
    check = CHECKS["obsolete-only"]
    for entry in po:
        if not entry.obsolete or "fuzzy" in entry.flags or not entry.msgstr:
            continue
        ignored = ignored_checks(entry)
        if entry.msgstr in live_translations or {"all", check.name} & ignored:
            continue
        findings.append(
            Finding(
                check.name,
                check.severity,
                "obsolete entry holds the only copy of a reviewed translation; "
                "reuse it or delete it",
                entry.linenum,
                entry.msgid,
                entry.msgstr,
                entry.msgctxt,
            )
        )
    findings.sort(key=lambda f: (f.line or 0, list(CHECKS).index(f.check)))
    return findings
