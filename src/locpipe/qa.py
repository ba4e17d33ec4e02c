"""Quality checks on translations, in the spirit of translate-toolkit's ``pofilter``.

Every check has a short stable name, a severity (``error`` or ``warning``) and
a one-line explanation (:data:`CHECKS`).  :func:`check_entry` and
:func:`check_catalog` are pure functions over polib objects; they return
:class:`Finding` objects.  Fuzzy (machine-draft) translations are checked
too, since a build publishes them.

A translator silences checks for one entry with a translator comment
``# locpipe-ignore: numbers, urls`` (kept by every catalog writer, Poedit's
"comment" field) or with a flag ``#, locpipe-ignore:numbers``.  locpipe keeps
the flag (as every flag gettext does not know), but GNU gettext tools
(``msgcat``, ``msgmerge``) drop it: the comment is the form every tool keeps.
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field, replace

import polib

from locpipe.mt.protect import is_code_word
from locpipe.units import (
    VERBATIM_ELEMENTS,
    has_letter,
    is_verbatim_element,
    plain_text,
    tags_in,
    tags_well_nested,
)

ERROR = "error"
WARNING = "warning"

#: How much longer than its source a UI string may be (ratio of characters).
DEFAULT_UI_LENGTH_RATIO = 1.6
#: Short UI strings may grow by this many characters whatever the ratio ("OK" → "Aceptar").
UI_LENGTH_SLACK = 8

IGNORE_MARK = "locpipe-ignore"
#: Weblate's ``ignore-<check>`` flags, set in Weblate on a string, and the locpipe
#: warning of the same meaning each silences.  Error-level checks gate the build:
#: only ``locpipe-ignore`` silences them.
WEBLATE_IGNORES = {
    "ignore-same": "unchanged",
    "ignore-double-space": "doublespace",
    "ignore-duplicate": "doublewords",
    "ignore-begin-space": "whitespace",
    "ignore-end-space": "whitespace",
    "ignore-end-stop": "punctuation",
    "ignore-end-colon": "punctuation",
    "ignore-end-question": "punctuation",
    "ignore-end-exclamation": "punctuation",
    "ignore-end-ellipsis": "punctuation",
}
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
#: Before these French puts a no-break space (U+00A0, or the narrow U+202F); after «.
_FR_BEFORE = ";:!?»"
_NBSP = "\u00a0\u202f"
#: An acronym: two or more capitals (digits may follow: MP3, IPv6 has a lower-case letter).
_ACRONYM_RE = re.compile(r"(?<![\w&])[A-Z][A-Z0-9]{1,}(?![\w&])")
_CITE_RE = re.compile(r"<cite\d*>")
#: Words in capitals that languages do translate ("OK" → "Aceptar").
_NOT_ACRONYMS = {"OK"}
_ROMAN_RE = re.compile(r"[IVXLCDM]+")
#: A code-like token: letters and digits joined by ``:``, ``=``, ``/``, ``_`` or ``.``
#: (``alpine:3.20``, ``v=spf1``, ``_spf.example.com``, ``max_tokens``).
_CODE_TOKEN_RE = re.compile(r"(?<![\w.:/=-])\w+(?:[:=/_.]\w+)+(?![\w:/=])")
#: How many letters an inflected form may add to a glossary word ("résolveur" → "résolveurs").
_INFLECTION = 3
#: The translator comment ``translate`` writes on a machine draft
#: (:data:`locpipe.steps.translate.MT_COMMENT`).
MACHINE_MARK = "machine translation:"
#: Void tags that are markup, not hidden text (the ``moved`` check leaves them).
_NOT_PROTECTED = {"br", "img", "wbr", "hr", "input"}
_MOVED_NAME_RE = re.compile(r"<([a-z]+)")
_PAIRED_TAG_RE = re.compile(r"</?[a-z]+\d*>")
_MOVED_TOKEN_RE = re.compile(r"<[a-z]+\d*/>|\w+’?|[^\w\s]")
#: Articles, determiners and prepositions (Italian, French, Spanish, Portuguese, English,
#: German), lower case; a protected element after one of these is its object.  One list
#: for every language: a check context knows the target language, not the source's.
_FUNCTION_TEXT = """
    il lo la i gli le un uno una un’ l’ di del dello della dei degli delle d’ a al allo alla
    ai agli alle da dal dallo dalla dai dagli dalle in nel nello nella nei negli nelle su sul
    sullo sulla sui sugli sulle con col per tra fra come ogni questo questa quel quella
    les une des du de au aux à en par pour sur sous avec dans chez vers entre ce cet cette
    ces chaque son sa ses leur leurs notre votre comme
    el los las unos unas al por para sobre bajo hacia desde entre cada este esta ese esa su
    sus como o os um uma do dos das no na nos nas pelo pela em
    the a an of to at for with by from on into onto as each every this that these those its
    their our your via like
    der die das dem den des ein eine einem einen einer eines im am vom zum zur mit von für
"""
_FUNCTION_WORDS = frozenset(_FUNCTION_TEXT.split())
_NPLURALS_RE = re.compile(r"nplurals\s*=\s*(\d+)")
#: Characters a reader does not see that change or hide what is shown: C0 controls
#: but tab and line feed, DEL, C1 controls, bidi embeddings, overrides and isolates
#: (the "Trojan Source" set), zero-width characters, the BOM, invisible operators,
#: interlinear annotations and the tag characters (used to smuggle hidden text).
#: The bidi marks (U+200E, U+200F, U+061C) are ordinary in right-to-left text: not here.
_INVISIBLE_RE = re.compile(
    "[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069"
    "\u200b-\u200d\u2060-\u2064\ufeff\u180e\ufff9-\ufffb\U000e0000-\U000e007f]"
)
#: Joiners that scripts need between their letters (Persian ZWNJ, Indic conjuncts,
#: emoji sequences): allowed between two non-ASCII, non-space characters.
_JOINERS = "\u200c\u200d"


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
    #: Check French spacing (no-break space before ; : ! ? » and after «).
    french_spacing: bool = False
    #: The entry being checked is all code (extracted comment ``td > code``).
    verbatim: bool = False
    #: The translation is a machine draft (a ``# machine translation:`` comment).
    machine: bool = False

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
            french_spacing=_listed(language, getattr(config, "french_spacing", ("fr",))),
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


def _joins(text: str, index: int) -> bool:
    """Whether the joiner at ``index`` stands between two non-ASCII, non-space characters."""
    before, after = text[index - 1 : index], text[index + 1 : index + 2]
    return all(c and c > "\x7f" and not c.isspace() for c in (before, after))


def invisible_in(text: str) -> Counter[str]:
    """The invisible characters of ``text`` (see ``_INVISIBLE_RE``), counted."""
    found: Counter[str] = Counter()
    for match in _INVISIBLE_RE.finditer(text):
        char = match.group()
        if char not in _JOINERS or not _joins(text, match.start()):
            found[char] += 1
    return found


def extra_invisible(source: str, target: str) -> Counter[str]:
    """Invisible characters of ``target`` beyond those of ``source`` (counted per character)."""
    if _INVISIBLE_RE.search(target) is None:
        return Counter()  # the common case: nothing to count
    return invisible_in(target) - invisible_in(source)


def describe_char(char: str) -> str:
    """``U+202E RIGHT-TO-LEFT OVERRIDE``: a character by its code point and name."""
    code = ord(char)
    name = unicodedata.name(char, "")
    if not name and (code < 0x20 or code == 0x7F):  # named by its control picture (␛)
        picture = chr(0x2421 if code == 0x7F else 0x2400 + code)
        name = unicodedata.name(picture).removeprefix("SYMBOL FOR ")
    return f"U+{code:04X} {name or 'CONTROL CHARACTER'}"


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


def _listed(language: str, languages: Iterable[str]) -> bool:
    """``language`` or its base language is in ``languages`` (``fr`` covers ``fr_BE``)."""
    return any(language == code or language.startswith(code + "_") for code in languages)


def _inflected_re(term: str) -> re.Pattern[str]:
    """A term, each of its words allowed a short inflection ("résolveur" matches "résolveurs")."""
    words = [rf"{re.escape(word)}\w{{0,{_INFLECTION}}}" for word in term.split()]
    joined = r"\s+".join(words)
    return re.compile(rf"(?<!\w){joined}(?!\w)", re.I)


def _visible_prose(text: str) -> str:
    """The visible text without code, URLs, e-mail addresses and placeholders."""
    rest = plain_text(_CODE_RE.sub(" ", text))
    return _URL_RE.sub(" ", _EMAIL_RE.sub(" ", _PLACEHOLDER_RE.sub(" ", rest)))


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
        if _inflected_re(term).search(src) and not _inflected_re(forced).search(tgt)
    ]
    return [f"glossary translation not used: {'; '.join(missing)}"] if missing else []


def _unchanged(source: str, target: str, ctx: QAContext) -> list[str]:
    if source != target or ctx.verbatim or _CITE_RE.search(source):
        return []  # code is its own translation; a citation keeps the cited work's title
    rest = plain_text(_CODE_RE.sub(" ", source))  # code, commands, file names stay as they are
    rest = _URL_RE.sub(" ", _EMAIL_RE.sub(" ", _PLACEHOLDER_RE.sub(" ", rest)))
    for term in ctx.do_not_translate:
        rest = _term_re(term).sub(" ", rest)
    words = [word for word in rest.split() if not is_code_word(word)]
    if not any(has_letter(word) for word in words) or _is_a_name(" ".join(words)):
        return []  # only names, numbers, addresses, paths, options, identifiers
    return ["translation is identical to the source"]


def _is_a_name(text: str) -> bool:
    """A proper name or a term kept in its own language ("Domain Name System", "Time To
    Live"), an identifier (``debian:12``, ``distroless/static``) or a code of three
    letters or fewer (``pct``, ``rua``): text that stays as it is in any language."""
    words = text.split()
    if len(words) == 1 and (_CODE_TOKEN_RE.fullmatch(words[0]) or len(words[0]) <= 3):
        return True
    if len(words) < 2:
        return False
    capitalized = [w for w in words if w[:1].isupper()]
    small = [w for w in words if w[:1].islower() and len(w) <= 3]
    return len(capitalized) >= 2 and len(capitalized) + len(small) == len(words)


def _code(source: str, target: str, ctx: QAContext) -> list[str]:
    """Text that was verbatim in the source (a ``<code>``/``<kbd>``/``<samp>``/
    ``<var>``/``<abbr>`` span, or the whole unit when it fills one) changed."""
    if ctx.verbatim:
        if target.strip() != source.strip():
            return [f"the unit is code ({source[:60]!r}): its translation must be the source"]
        return []
    spans = Counter(m.group() for m in _CODE_RE.finditer(source))
    changed = spans - Counter(m.group() for m in _CODE_RE.finditer(target))
    return [f"verbatim text changed: {_show(list(changed.elements()))}"] if changed else []


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


def _french_spacing(source: str, target: str, ctx: QAContext) -> list[str]:
    if not ctx.french_spacing:
        return []
    text = _visible_prose(target)
    wrong: list[str] = []
    for match in re.finditer(rf"(.)([{re.escape(_FR_BEFORE)}])(?=\s|$|[)\]»])", text, re.S):
        before, mark = match.groups()
        if before not in _NBSP and not (mark in "!?" and before in "!?"):
            wrong.append(f"before {mark!r}")
    for match in re.finditer(r"«(.)", text, re.S):
        if match.group(1) not in _NBSP:
            wrong.append("after '«'")
    if not wrong:
        return []
    unique = ", ".join(dict.fromkeys(wrong))
    return [f"French puts a no-break space (U+00A0 or U+202F) {unique}"]


def _acronyms(source: str, target: str, ctx: QAContext) -> list[str]:
    src, tgt = _visible_prose(source), _visible_prose(target)
    missing = [
        word
        for word in dict.fromkeys(_ACRONYM_RE.findall(src))
        if word not in _NOT_ACRONYMS
        and not _ROMAN_RE.fullmatch(word)
        and not re.search(rf"\d[\s\u00a0\u202f]?{word}\b", src)  # a unit: 1 GB is 1 Go
        and word not in ctx.glossary
        and not _term_re(word).search(tgt)
    ]
    return [f"acronym not kept: {', '.join(missing)}"] if missing else []


def _code_case(source: str, target: str, ctx: QAContext) -> list[str]:
    src, tgt = plain_text(_URL_RE.sub(" ", source)), plain_text(_URL_RE.sub(" ", target))
    changed = []
    for token in dict.fromkeys(_CODE_TOKEN_RE.findall(src)):
        if not any(c.isalpha() for c in token) or _term_re(token).search(tgt):
            continue
        other = _term_re(token, ignore_case=True).search(tgt)
        if other:
            changed.append(f"{token} → {other.group()}")
    return [f"code-like text changed case: {', '.join(changed)}"] if changed else []


def _invisible(source: str, target: str, ctx: QAContext) -> list[str]:
    extra = extra_invisible(source, target)
    if not extra:
        return []
    shown = ", ".join(
        describe_char(char) + (f" ×{count}" if count > 1 else "") for char, count in extra.items()
    )
    return [f"invisible characters not in the source: {shown}"]


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


def _moved(source: str, target: str, ctx: QAContext) -> list[str]:
    """A machine draft's protected element (a void tag standing for a kept-whole element,
    ``<span/>``; not ``<br/>``/``<img/>``) that followed an article or preposition in the
    source ("del <span/>": the element is its object) and, in the draft, is separated
    from an article or preposition by exactly one other word ("du crée <span/>"): the
    engine moved it, as a blank, past a word it reordered, leaving the article dangling.
    A human-reviewed translation is never flagged (``ctx.machine``)."""
    if not ctx.machine or "/>" not in source:
        return []
    src, tgt = _moved_tokens(source), _moved_tokens(target)
    moved = []
    for tag in dict.fromkeys(t for t in src if t.endswith("/>")):
        name = _MOVED_NAME_RE.match(tag)
        if name is None or name.group(1) in _NOT_PROTECTED or src.count(tag) != 1:
            continue
        if tgt.count(tag) != 1:
            continue  # missing or repeated: the tags check says so
        was, now = _word_before(src, tag), _word_before(tgt, tag)
        if was not in _FUNCTION_WORDS or now is None or now in _FUNCTION_WORDS:
            continue
        index = tgt.index(tag)
        if index >= 2 and tgt[index - 2] in _FUNCTION_WORDS:
            moved.append(f"{tgt[index - 2]} {now} {tag} (in the source: {was} {tag})")
    return [f"protected element moved past a word: {'; '.join(moved)}"] if moved else []


def _moved_tokens(text: str) -> list[str]:
    """Words (lower case, elided ``l’`` kept whole), void tags and punctuation marks; the
    paired inline tags (``<strong>``) dropped: they sit inside words' phrases."""
    text = _PAIRED_TAG_RE.sub("", text).replace("'", "’")
    return [t.lower() for t in _MOVED_TOKEN_RE.findall(text)]


def _word_before(tokens: list[str], tag: str) -> str | None:
    """The word right before ``tag``; None at the start or after punctuation or a tag."""
    index = tokens.index(tag)
    before = tokens[index - 1] if index else ""
    return before if before[:1].isalnum() or before[:1] == "_" else None


CHECKS: dict[str, Check] = {
    c.name: c
    for c in (
        Check("tags", ERROR, "inline tags (<a1>…</a1>, <br/>) differ from the source", _tags),
        Check("placeholders", ERROR, "placeholders (%(x)s, {x}, %s) differ", _placeholders),
        Check("urls", ERROR, "URLs differ from the source", _urls),
        Check("emails", ERROR, "e-mail addresses differ from the source", _emails),
        Check("numbers", ERROR, "numbers differ from the source", _numbers),
        Check("dnt", ERROR, "a do_not_translate term of the source is missing", _dnt),
        Check(
            "invisible",
            ERROR,
            "control, bidi or zero-width characters that the source does not have",
            _invisible,
        ),
        Check("code", ERROR, "text that is code in the source (<code>, <kbd>…) changed", _code),
        Check("glossary", WARNING, "a glossary term's required translation is not used", _glossary),
        Check("unchanged", WARNING, "the translation is identical to the source", _unchanged),
        Check("whitespace", WARNING, "leading or trailing whitespace differs", _whitespace),
        Check("punctuation", WARNING, "final punctuation differs", _punctuation),
        Check("doublespace", WARNING, "doubled space in the translation", _doublespace),
        Check("doublewords", WARNING, "a word is repeated (the the)", _doublewords),
        Check("length", WARNING, "a UI string is much longer than its source", _length),
        Check(
            "french-spacing",
            WARNING,
            "French: no no-break space before ; : ! ? » or after «",
            _french_spacing,
        ),
        Check("acronyms", WARNING, "an acronym of the source (OCI, DNS) is missing", _acronyms),
        Check(
            "code-case",
            WARNING,
            "code-like text (alpine:3.20, v=spf1) changed its letter case",
            _code_case,
        ),
        Check(
            "moved",
            WARNING,
            "machine draft: a protected element (<span/>) was moved away from its word",
            _moved,
        ),
        Check("plurals", ERROR, "the number of plural forms is wrong for the language"),
        Check(
            "obsolete-only",
            WARNING,
            "an obsolete entry holds the only copy of a reviewed translation",
        ),
    )
}


#: Checks a ``locpipe-ignore`` comment or flag does not silence: a catalog is
#: untrusted, and the comment could come from the hand that hid the characters.
UNSILENCED = frozenset({"invisible"})


# --------------------------------------------------------------------------
# Entry and catalog
# --------------------------------------------------------------------------


def ignored_checks(entry: polib.POEntry) -> set[str]:
    """Checks silenced on an entry: ``# locpipe-ignore: a, b`` or ``#, locpipe-ignore:a``,
    or Weblate's flag for the same warning (:data:`WEBLATE_IGNORES`: ``ignore-same``).

    ``all`` silences every check.
    """
    names: set[str] = set()
    for flag in entry.flags:
        flag = flag.strip()
        if flag in WEBLATE_IGNORES:
            names.add(WEBLATE_IGNORES[flag])
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
        ignored = set(CHECKS)
    ignored -= UNSILENCED
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
    if is_verbatim_element(entry.comment):
        ctx = replace(ctx, verbatim=True)
    if any(line.startswith(MACHINE_MARK) for line in (entry.tcomment or "").splitlines()):
        ctx = replace(ctx, machine=True)
    for source, target in _pairs(entry, ctx.nplurals):
        for check in CHECKS.values():
            if check.func is None or check.name in ignored:
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
            french_spacing=ctx.french_spacing,
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


def _hides_characters(entry: polib.POEntry) -> bool:
    """Whether a live entry's translation has invisible characters its source does not."""
    if entry.obsolete:
        return False
    if not entry.msgid_plural:
        return bool(extra_invisible(entry.msgid, entry.msgstr))
    sources = f"{entry.msgid}\n{entry.msgid_plural}"
    return any(extra_invisible(sources, t) for t in entry.msgstr_plural.values())


def publishable(catalog: polib.POFile) -> polib.POFile:
    """``catalog`` without the translations that fail the ``invisible`` check.

    What a build publishes (pages and ``.mo`` files): such an entry shows its
    source text, as an untranslated one does.  ``locpipe-ignore`` does not
    apply (:data:`UNSILENCED`).  The catalog itself when nothing is dropped
    (the usual case, no copy); else a copy, the catalog left as it was.
    """
    if not any(_hides_characters(entry) for entry in catalog):
        return catalog
    clean = polib.POFile(wrapwidth=catalog.wrapwidth, encoding=catalog.encoding)
    clean.header = catalog.header
    clean.metadata = dict(catalog.metadata)
    clean.metadata_is_fuzzy = catalog.metadata_is_fuzzy
    clean.fpath = catalog.fpath
    for entry in catalog:
        if _hides_characters(entry):
            dropped = polib.POEntry(
                msgid=entry.msgid,
                msgctxt=entry.msgctxt,
                msgid_plural=entry.msgid_plural,
                msgstr="",
                msgstr_plural={i: "" for i in entry.msgstr_plural},
                flags=list(entry.flags),
                linenum=entry.linenum,
            )
            clean.append(dropped)
        else:
            clean.append(entry)
    return clean
