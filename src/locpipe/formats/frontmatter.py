"""YAML front matter of a Markdown source: its translatable scalars, spliced back in place.

A front matter is the YAML between a first line ``---`` and the next line
``---`` (or ``...``).  ``title`` and ``description`` are units (elements
``title`` and ``meta[description]``, as an HTML page's); every other key
stays byte for byte.  A translation replaces only the scalar's source span,
written in the source's quoting when that stays valid YAML, else double
quoted, so the other lines are untouched.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from locpipe.errors import LocpipeError
from locpipe.units import Unit, collapse_space, escape_text, unescape_text

#: Front-matter key → the unit element it makes (the names an HTML page's units have).
TRANSLATABLE_KEYS = {"title": "title", "description": "meta[description]"}
ELEMENTS = frozenset(TRANSLATABLE_KEYS.values())

_OPEN_RE = re.compile(r"\A\ufeff?---[ \t]*(?:\r\n|\r|\n)")
_CLOSE_RE = re.compile(r"^(?:---|\.\.\.)[ \t]*(?:\r\n|\r|\n|\Z)", re.MULTILINE)
_BREAK_RE = re.compile(r"\r\n|\r|\n")
_STR_TAG = "tag:yaml.org,2002:str"


@dataclass
class FrontMatter:
    """What a source's front matter holds, and where it ends."""

    end: int  # offset just past the closing line
    lines: int  # how many line breaks it holds, the closing fence's included
    units: list[Unit] = field(default_factory=list)
    meta: dict[str, str] = field(default_factory=dict)
    lang: str | None = None


def read_front_matter(text: str, path: Path) -> FrontMatter | None:
    """The front matter at the start of ``text``, or None when there is none."""
    opened = _OPEN_RE.match(text)
    if opened is None:
        return None
    closed = _CLOSE_RE.search(text, opened.end())
    if closed is None:  # a thematic break, not a front matter
        return None
    body_start, body_end = opened.end(), closed.start()
    source = text[body_start:body_end]
    try:
        root = yaml.compose(source, Loader=yaml.SafeLoader)
        data = yaml.safe_load(source)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = 2 + (mark.line if mark is not None else 0)
        problem = exc.problem or exc.context or "invalid"
        raise LocpipeError(f"front matter is not valid YAML: {problem}", path, line) from None
    except yaml.YAMLError as exc:
        raise LocpipeError(f"front matter is not valid YAML: {exc}", path, 2) from None
    matter = FrontMatter(closed.end(), len(_BREAK_RE.findall(text, 0, closed.end())))
    if data is None:
        return matter
    if not isinstance(data, dict) or not isinstance(root, yaml.MappingNode):
        raise LocpipeError("front matter must be a mapping of keys to values", path, 2)
    for key_node, value_node in root.value:
        key = key_node.value
        if not isinstance(key, str):
            continue
        value = data.get(key)
        if isinstance(value, str | int | float) or hasattr(value, "isoformat"):
            matter.meta[key] = str(value)
        if key == "lang" and isinstance(value, str):
            matter.lang = value
        element = TRANSLATABLE_KEYS.get(key)
        if element is None or not isinstance(value, str) or value_node.tag != _STR_TAG:
            continue
        msgid = collapse_space(escape_text(value)).strip()
        if not msgid:
            continue
        start = body_start + value_node.start_mark.index
        end = body_start + value_node.end_mark.index
        while end > start and text[end - 1] in "\r\n":  # a block scalar's span takes its newline
            end -= 1
        line = 1 + text.count("\n", 0, start)
        matter.units.append(Unit(msgid, element, start, end, line))
    return matter


def render_scalar(msgstr: str, source: str) -> str:
    """A translation as a YAML scalar, quoted like ``source`` (its old spelling) when valid."""
    value = unescape_text(msgstr)
    style = source[:1]
    candidates = []
    if style == "'":
        candidates.append("'" + value.replace("'", "''") + "'")
    elif style not in ('"', "|", ">"):
        candidates.append(value)
    candidates.append(json.dumps(value, ensure_ascii=False))
    for candidate in candidates:
        try:
            if yaml.safe_load(f"k: {candidate}\n") == {"k": value}:
                return candidate
        except yaml.YAMLError:
            continue
    return candidates[-1]
