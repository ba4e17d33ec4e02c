"""Protect what an engine must not translate; restore and verify afterwards.

:meth:`Protector.mask` splits a msgid into text pieces and protected
:class:`Item` s: compact tags (``<strong>``, ``</a1>``, ``<br/>``), the escapes
``&lt;``/``&amp;``, the whole content of ``<code>…</code>`` spans, URLs and
bare domain names, e-mail addresses, format placeholders (``%(name)s``,
``%s``, ``{name}``), numbers with ``%`` and do-not-translate terms (whole word,
case-sensitive, longest first) and glossary terms (whole word, any case; a
``glossary`` item is restored as the term's forced translation for the target
language, capitalised when the source term was).

The backend chooses how an item travels through its engine: it renders the
:class:`Masked` with its own token function (Apertium: unknown words
``Zq0x`` for terms, superblanks ``[Zq1x]`` for tags) and a text encoder, then
decodes the engine output and calls :func:`restore` with a pattern that finds
its tokens.  :func:`restore` returns ``None`` unless every item comes back
exactly once, the tags are the same and nest as in the source, and the digits
are unchanged.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass

from locpipe.units import TAG_RE, VERBATIM_ELEMENTS, has_letter, tags_well_nested

#: Item kinds, in the order the mask looks for them at one position.
#: Inline elements whose content goes through unchanged.
_VERBATIM_RE = re.compile(rf"<(?:{'|'.join(VERBATIM_ELEMENTS)})\d*>")

KINDS = ("tag", "entity", "code", "url", "email", "placeholder", "number", "term", "glossary")

_TLDS = (
    "ai|app|at|be|biz|blog|ca|cat|ch|cloud|co|com|de|dev|edu|es|eu|fr|gov|info|io|it|"
    "me|net|nl|org|pt|shop|site|tech|uk|us|xyz"
)
_URL_END = r"[^\s<>\".,;:!?)\]}'’”»]"  # a URL does not end with punctuation
_URL = rf"(?:(?:https?|ftp)://|www\.)[^\s<>\"]*{_URL_END}"
_EMAIL = r"[A-Za-z0-9._+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}"
_DOMAIN = (
    r"(?<![\w@.-])(?:[A-Za-z0-9_](?:[A-Za-z0-9-]*[A-Za-z0-9])?\.)+"
    rf"(?:{_TLDS})\b(?![.-]?\w)(?:/[^\s<>\"]*{_URL_END})?"
)
_PLACEHOLDER = (
    r"%\(\w+\)[-#0 +]*\d*(?:\.\d+)?[diouxXeEfFgGcrsa]"
    r"|%[-#0+]*\d*(?:\.\d+)?[sdifrxXeEgGc%]"
    r"|\{[\w.\[\]]*(?:![rsa])?(?::[^{}\s]*)?\}"
)
_NUMBER = r"(?<![\w.,])[+-]?\d+(?:[.,]\d+)*[ \u00a0\u202f]?%(?!\()"
_DIGITS_RE = re.compile(r"\d+")
#: A word that is code, not language: it holds a path, variable or glob character,
#: or is a command-line option.
_CODE_WORD_RE = re.compile(r"\S*[/\\_=*$~@{}\[\]|#^<>]\S*|-{1,2}[^\W\d_][\w-]*[.,;:]?")
_BRACKETED_WORD_RE = re.compile(r"[\[(]+[^\W\d_]+(?:[-'’][^\W\d_]+)*[\])]+[.,;:!?]?")
_PLAIN_WORD_RE = re.compile(r"(?<!\S)[^\W\d_]+[.,;:!?]?(?!\S)")
_CODE_SPAN_RE = re.compile(rf"<({'|'.join(VERBATIM_ELEMENTS)})(\d*)>.*?</\1\2>")
#: Characters a translation may not bring in unless its source has them: C0 and C1
#: controls but tab and line breaks (a terminal escape ``\x1b[2J`` in a catalog
#: runs in every translator's terminal), bidi embeddings, overrides and isolates
#: (they reorder what a reader sees), and zero-width or invisible format characters.
_UNSAFE_RE = re.compile(
    "[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u200b-\u200f\u202a-\u202e"
    "\u2060-\u2064\u2066-\u2069\ufeff\ufff9-\ufffb]"
)


@dataclass(frozen=True)
class Item:
    """One protected span: its position among the items, kind and exact text."""

    index: int
    kind: str
    text: str
    #: What goes back into the translation (a glossary term's forced translation).
    replacement: str | None = None

    @property
    def output(self) -> str:
        """The text restored for this item."""
        return self.text if self.replacement is None else self.replacement


@dataclass(frozen=True)
class Masked:
    """A msgid cut into text pieces (``str``) and protected items (:class:`Item`)."""

    source: str
    pieces: tuple[str | Item, ...]

    @property
    def items(self) -> list[Item]:
        """The protected items, in index order."""
        return [p for p in self.pieces if isinstance(p, Item)]

    def render(self, token: Callable[[Item], str], text: Callable[[str], str] = lambda s: s) -> str:
        """Engine input: text pieces through ``text``, items through ``token``."""
        return "".join(text(p) if isinstance(p, str) else token(p) for p in self.pieces)

    @property
    def expected(self) -> str:
        """The source with every item replaced by its output (glossary applied)."""
        return "".join(p if isinstance(p, str) else p.output for p in self.pieces)

    def text_runs(self) -> list[str]:
        """The text pieces holding a letter, stripped: what a fallback translates one by one."""
        return [p.strip() for p in self.pieces if isinstance(p, str) and has_letter(p)]

    def with_runs(self, translated: Iterable[str], token: Callable[[Item], str]) -> str:
        """Engine-like output: items as ``token``, each text run (see :meth:`text_runs`)
        replaced in order by its translation, the run's outer whitespace kept."""
        runs = iter(translated)
        parts = []
        for piece in self.pieces:
            if isinstance(piece, Item):
                parts.append(token(piece))
            elif has_letter(piece):
                lead = piece[: len(piece) - len(piece.lstrip())]
                trail = piece[len(piece.rstrip()) :]
                parts.append(lead + next(runs).strip() + trail)
            else:
                parts.append(piece)
        return "".join(parts)


@dataclass(frozen=True)
class TokenStyle:
    """How items look in an engine's input, and how to find them in its output."""

    token: Callable[[Item], str]
    pattern: re.Pattern[str]  # group 1 is the item index


#: Unknown-word tokens (``Zq0x``): best for rule-based engines such as Apertium.
WORD_TOKENS = TokenStyle(lambda item: f"Zq{item.index}x", re.compile(r"Zq(\d+)x", re.IGNORECASE))
#: Private-use-character tokens: invisible to any text transformation.
PUA_TOKENS = TokenStyle(lambda item: f"\ue000{item.index}\ue001", re.compile("\ue000(\\d+)\ue001"))


class Protector:
    """Masks msgids; configured once with the do-not-translate terms."""

    def __init__(
        self,
        terms: Iterable[str] = (),
        glossary: Mapping[str, Mapping[str, str]] | None = None,
    ) -> None:
        self.terms = tuple(sorted({t for t in terms if t.strip()}, key=lambda t: (-len(t), t)))
        #: target language → {source term (lower case): forced translation}
        self.glossary = {
            lang: {k.strip().lower(): v for k, v in table.items() if k.strip() and v}
            for lang, table in (glossary or {}).items()
        }
        self._glossary_re: dict[str, re.Pattern[str] | None] = {}
        alternatives = [
            ("tag", TAG_RE.pattern),
            ("entity", r"&(?:lt|amp);"),
            ("url", _URL),
            ("email", _EMAIL),
            ("url", _DOMAIN),
            ("placeholder", _PLACEHOLDER),
            ("number", _NUMBER),
        ]
        if self.terms:
            words = "|".join(re.escape(t) for t in self.terms)
            alternatives.append(("term", rf"(?<!\w)(?:{words})(?!\w)"))
        self._kinds = {f"k{i}": kind for i, (kind, _) in enumerate(alternatives)}
        self._re = re.compile(
            "|".join(f"(?P<k{i}>{pattern})" for i, (_, pattern) in enumerate(alternatives))
        )

    def glossary_for(self, target: str | None) -> dict[str, str]:
        """The glossary of a target language (``pt_BR`` falls back to ``pt``)."""
        if target is None:
            return {}
        return self.glossary.get(target) or self.glossary.get(target.split("_")[0]) or {}

    def _glossary_pattern(self, target: str | None) -> re.Pattern[str] | None:
        key = target or ""
        if key not in self._glossary_re:
            table = self.glossary_for(target)
            words = "|".join(re.escape(t) for t in sorted(table, key=lambda t: (-len(t), t)))
            self._glossary_re[key] = (
                re.compile(rf"(?<!\w)(?:{words})(?!\w)", re.IGNORECASE) if words else None
            )
        return self._glossary_re[key]

    def mask(self, text: str, target: str | None = None) -> Masked:
        """Cut ``text`` into pieces; the content of ``<code>``, ``<abbr>``, ``<kbd>``,
        ``<samp>`` and ``<var>`` becomes one ``code`` item (never translated: an
        engine read the abbreviation "CI" as the Italian pronoun and dropped it).

        With ``target``, that language's glossary terms become ``glossary`` items.
        """
        pieces: list[str | Item] = []
        count = 0
        table = self.glossary_for(target)
        glossary_re = self._glossary_pattern(target)

        def add(kind: str, value: str, replacement: str | None = None) -> None:
            nonlocal count
            pieces.append(Item(count, kind, value, replacement))
            count += 1

        def add_text(value: str) -> None:
            if glossary_re is None:
                pieces.append(value)
                return
            start = 0
            for found in glossary_re.finditer(value):
                if found.start() > start:
                    pieces.append(value[start : found.start()])
                forced = table[found.group().lower()]
                if found.group()[:1].isupper() and forced[:1].islower():
                    forced = forced[:1].upper() + forced[1:]
                add("glossary", found.group(), forced)
                start = found.end()
            if start < len(value):
                pieces.append(value[start:])

        pos = 0
        while (match := self._re.search(text, pos)) is not None:
            if match.start() > pos:
                add_text(text[pos : match.start()])
            kind = self._kinds[match.lastgroup or ""]
            add(kind, match.group())
            pos = match.end()
            if kind == "tag" and _VERBATIM_RE.fullmatch(match.group()):
                close = "</" + match.group()[1:]
                end = text.find(close, pos)
                end = len(text) if end < 0 else end  # unclosed: the rest is code
                if end > pos:
                    add("code", text[pos:end])
                if end < len(text):
                    add("tag", close)
                pos = end + len(close) if end < len(text) else end
        if pos < len(text):
            add_text(text[pos:])
        return Masked(text, tuple(pieces))


def _filled_pairs(text: str) -> Counter[str]:
    """How many paired tags of each name enclose some non-blank text."""
    filled: Counter[str] = Counter()
    stack: list[tuple[str, int]] = []
    for match in TAG_RE.finditer(text):
        tag = match.group()
        if tag.endswith("/>"):
            continue
        if tag.startswith("</"):
            if stack and stack[-1][0] == tag[2:-1]:
                name, start = stack.pop()
                if text[start : match.start()].strip():
                    filled[name] += 1
        else:
            stack.append((tag[1:-1], match.end()))
    return filled


def _same_markup(source: str, source_tags: list[str], output: str, output_tags: list[str]) -> bool:
    """The same tags, nested as in the source, none of those that held text emptied."""
    if Counter(source_tags) != Counter(output_tags):
        return False
    if tags_well_nested(source_tags):
        if not tags_well_nested(output_tags):
            return False
    elif output_tags != source_tags:
        return False
    # An element emptied: the engine moved its words out of it.
    return _filled_pairs(output) == _filled_pairs(source)


def is_code_word(word: str) -> bool:
    """Whether a word is code, not language: a path, variable, glob or option.

    A plain word in brackets or parentheses (``[Nota]``, DocBook's admonition
    labels; ``(opzionale)``) is language: it goes to the engine."""
    if _BRACKETED_WORD_RE.fullmatch(word):
        return False
    return _CODE_WORD_RE.fullmatch(word) is not None


def may_be_verbatim(text: str, terms: Iterable[str] = ()) -> bool:
    """A cheap test before :func:`is_verbatim` (masking costs ~0.15 ms a unit): False
    when ``text`` has more plain words outside code spans than any term has."""
    words = len(_PLAIN_WORD_RE.findall(_CODE_SPAN_RE.sub(" ", text)))
    return words <= max((len(term.split()) for term in terms), default=0) + 1


def is_verbatim(masked: Masked) -> bool:
    """Whether nothing in a unit is for an engine: outside its protected items
    (code spans, URLs, addresses, placeholders, numbers, do-not-translate terms)
    every word is code-like (a path, an option, an identifier: ``/etc/passwd``,
    ``-e``, ``$HOME``, ``*.deb``, ``user_id``) or has no letter."""
    for piece in masked.pieces:
        if isinstance(piece, Item):
            if piece.kind == "glossary":
                return False  # a term with a forced translation
            continue
        for word in piece.split():
            if has_letter(word) and not is_code_word(word):
                return False
    return True


def unsafe_characters(source: str, output: str) -> list[str]:
    """Control, bidi and invisible characters of ``output`` that ``source`` does not have."""
    allowed = set(_UNSAFE_RE.findall(source))
    return sorted({c for c in _UNSAFE_RE.findall(output) if c not in allowed})


def verify(masked: Masked, translation: str) -> bool:
    """Whether a finished translation of ``masked.source`` (from the cache, or any
    engine) passes what :func:`restore` checks: every protected item's text is
    there as often as in the source, the tags are the same and nest alike, the
    digits are unchanged, and no control, bidi or invisible character came in.
    """
    if unsafe_characters(masked.source, translation):
        return False
    wanted = Counter(item.output for item in masked.items if item.kind != "tag")
    if any(translation.count(text) < count for text, count in wanted.items()):
        return False
    source_tags = TAG_RE.findall(masked.source)
    output_tags = TAG_RE.findall(translation)
    if (source_tags or output_tags) and not _same_markup(
        masked.source, source_tags, translation, output_tags
    ):
        return False
    return sorted(_DIGITS_RE.findall(translation)) == sorted(_DIGITS_RE.findall(masked.expected))


def restore(
    masked: Masked, output: str, pattern: re.Pattern[str], *, check_numbers: bool = True
) -> str | None:
    """Put the items back into decoded engine ``output``; None if verification fails.

    Fails when an item is missing, duplicated or unknown, when the tags differ
    from the source's or no longer nest as they did, when an element that
    held text comes back empty, when the output brings in control, bidi or
    zero-width characters (:func:`unsafe_characters`), or (``check_numbers``)
    when the digit runs differ.
    """
    if unsafe_characters(masked.source, output):
        return None
    items = masked.items
    seen: Counter[int] = Counter()

    def put_back(match: re.Match[str]) -> str:
        index = int(match.group(1))
        seen[index] += 1
        return items[index].output if index < len(items) else match.group()

    restored = pattern.sub(put_back, output)
    if any(index >= len(items) for index in seen) or any(seen[item.index] != 1 for item in items):
        return None
    source_tags = TAG_RE.findall(masked.source)
    output_tags = TAG_RE.findall(restored)
    if (source_tags or output_tags) and not _same_markup(
        masked.source, source_tags, restored, output_tags
    ):
        return None
    if check_numbers and sorted(_DIGITS_RE.findall(restored)) != sorted(
        _DIGITS_RE.findall(masked.expected)
    ):
        return None
    return restored
