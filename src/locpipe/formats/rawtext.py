"""Where the content of a raw-text element ends, as the WHATWG HTML tokenizer says.

Browsers switch their tokenizer to another state after the start tag of
some elements, and ``html.parser`` does not follow them (it ends a
``<script>`` at the first ``</script>``, reads tags inside ``<title>`` and
``<textarea>``, knows nothing of ``<xmp>``, ``<iframe>``, ``<plaintext>``...).
Text that a browser runs as a script must never become a unit, so both
tokenizers of :mod:`locpipe.formats` hand the content of these elements to
:func:`raw_text_end`, which follows the spec's states:

- script data, with its *escaped* (``<!--``) and *double escaped*
  (``<!--<script>``) states, for ``script``;
- RCDATA (character references decoded, no tags) for ``title`` and ``textarea``;
- RAWTEXT for ``style``, ``xmp``, ``iframe``, ``noembed``, ``noframes`` and
  ``noscript`` (browsers run with scripting enabled, where ``noscript`` is
  raw text);
- PLAINTEXT (to the end of the document) for ``plaintext``.

The content ends at ``</name`` (any case) followed by white space, ``/`` or
``>``; the end tag then runs, attributes and all, to its ``>`` (or to the end
of the text).  The self-closing flag of such a start tag is ignored, as
browsers ignore it (``<script/>`` opens a script).

Not modelled: the tree builder's exceptions (inside ``<svg>``/``<math>`` these
names are not raw text; a ``<style>`` in a ``<select>`` is dropped).  There we
read raw text where a browser reads markup, which only makes fewer units; the
build's check of every page with a spec-compliant parser (html5lib,
:mod:`locpipe.pagecheck`) is the final judge.
"""

from __future__ import annotations

import re

__all__ = ["RAW_TEXT", "RCDATA", "markup_end", "raw_text_end", "tag_at"]

#: Elements whose content the tokenizer reads as raw text: name → state.
RAW_TEXT: dict[str, str] = {
    "script": "script",
    "style": "rawtext",
    "xmp": "rawtext",
    "iframe": "rawtext",
    "noembed": "rawtext",
    "noframes": "rawtext",
    "noscript": "rawtext",
    "title": "rcdata",
    "textarea": "rcdata",
    "plaintext": "plaintext",
}
#: Elements whose raw text has its character references decoded.
RCDATA = frozenset(name for name, state in RAW_TEXT.items() if state == "rcdata")

_SPACE = "\t\n\f\r "
_END_RE = {
    name: re.compile(rf"</{name}(?=[\t\n\f\r />])", re.IGNORECASE)
    for name, state in RAW_TEXT.items()
    if state != "plaintext"
}
# Script data: the end tag, or "<!--" (the escaped state).
_SCRIPT_DATA_RE = re.compile(r"</script(?=[\t\n\f\r />])|<!--", re.IGNORECASE)
# Escaped: the end tag, "-->" (back to script data), "<script" (double escaped).
_ESCAPED_RE = re.compile(r"</script(?=[\t\n\f\r />])|-->|<script(?=[\t\n\f\r />])", re.IGNORECASE)
# Double escaped: "-->" (back to script data), "</script" (back to escaped).
_DOUBLE_RE = re.compile(r"-->|</script(?=[\t\n\f\r />])", re.IGNORECASE)


def raw_text_end(text: str, name: str, pos: int) -> tuple[int, int]:
    """Where the raw text of ``name`` starting at ``pos`` ends, and where its end tag ends.

    Returns ``(content_end, tag_end)``; ``content_end == tag_end == len(text)``
    when there is no end tag (the content runs to the end of the document).
    """
    state = RAW_TEXT[name]
    size = len(text)
    if state == "plaintext":
        return size, size
    if state == "script":
        start = _script_end(text, pos)
    else:
        found = _END_RE[name].search(text, pos)
        start = -1 if found is None else found.start()
    if start < 0:
        return size, size
    return start, _tag_end(text, start + 2 + len(name))


def _script_end(text: str, pos: int) -> int:
    """Where ``</script`` ends the script data from ``pos`` on (-1: it never does)."""
    while True:
        found = _SCRIPT_DATA_RE.search(text, pos)
        if found is None:
            return -1
        if found.group()[1] == "/":
            return found.start()
        # "<!--" leaves the state at "escaped dash dash": "<!-->" ends it at once.
        pos = found.start() + 2
        while True:
            found = _ESCAPED_RE.search(text, pos)
            if found is None:
                return -1
            matched = found.group()
            if matched[1] == "/":
                return found.start()
            if matched == "-->":
                pos = found.end()
                break  # script data again
            # "<script" + delimiter: double escaped, up to "-->" or "</script".
            found = _DOUBLE_RE.search(text, found.end() + 1)
            if found is None:
                return -1
            if found.group() == "-->":
                pos = found.end()
                break
            pos = found.end() + 1  # the delimiter is consumed; escaped again


def tag_at(text: str, pos: int) -> tuple[str, int, bool]:
    """The tag a browser reads at ``pos`` (``<`` then a letter, or ``</`` then a letter).

    Returns its lowercased name, where it ends (after its ``>``, or the end
    of the text), and whether it is an end tag.
    """
    closing = text.startswith("</", pos)
    start = pos + (2 if closing else 1)
    end = start
    size = len(text)
    while end < size and text[end] not in _SPACE and text[end] not in "/>":
        end += 1
    return text[start:end].lower(), _tag_end(text, end), closing


def markup_end(text: str, pos: int) -> int:
    """Where a comment, ``<!...>``, ``<?...>`` or ``</`` not followed by a letter, at ``pos``, ends.

    As the spec's tokenizer reads them: a comment up to ``-->`` or ``--!>``
    (``<!-->`` and ``<!--->`` end at once), the others (bogus comments, a
    DOCTYPE) up to the first ``>``; ``</>`` is nothing; each to the end of the
    text when unterminated.
    """
    size = len(text)
    if text.startswith("<!--", pos):
        start = pos + 4
        if text.startswith(">", start):
            return start + 1
        if text.startswith("->", start):
            return start + 2
        ends = [
            found for found in (text.find("-->", start), text.find("--!>", start)) if found >= 0
        ]
        if not ends:
            return size
        first = min(ends)
        return first + (3 if text.startswith("-->", first) else 4)
    if text.startswith("</>", pos):
        return pos + 3
    close = text.find(">", pos + 2)
    return size if close < 0 else close + 1


def _tag_end(text: str, pos: int) -> int:
    """The end of a tag whose name ends at ``pos``: after its ``>`` (or the end of the text).

    The spec's attribute states: only a quoted value, which starts after an
    attribute name's ``=``, can hold a ``>``.
    """
    size = len(text)
    named = False  # an attribute name was read (a "=" then starts its value)
    while pos < size:
        char = text[pos]
        if char == ">":
            return pos + 1
        if char in _SPACE:
            pos += 1
            continue
        if char == "/":  # self-closing start tag state: a "=" after it starts a name
            pos += 1
            named = False
            continue
        if char == "=" and named:
            pos += 1
            while pos < size and text[pos] in _SPACE:
                pos += 1
            if pos >= size:
                return size
            quote = text[pos]
            if quote in "\"'":
                close = text.find(quote, pos + 1)
                if close < 0:
                    return size
                pos = close + 1
            else:
                while pos < size and text[pos] not in _SPACE and text[pos] != ">":
                    pos += 1
            named = False
            continue
        # An attribute name: up to white space, "/", ">" or "=" (a leading "=" is part of it).
        pos += 1
        while pos < size and text[pos] not in _SPACE and text[pos] not in "/>=":
            pos += 1
        named = True
    return size
