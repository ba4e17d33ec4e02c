"""Reading PO text into polib objects.

The parser is our own (not polib's) so that every error names its line,
duplicates are caught, bad escapes and bad UTF-8 are refused, and obsolete
``#~|`` lines survive.
"""

from __future__ import annotations

import re
from pathlib import Path

import polib

from locpipe.errors import LocpipeError
from locpipe.po_flags import split_flags
from locpipe.po_format import PAGE_WIDTH

_UNESCAPE = {"n": "\n", "t": "\t", "r": "\r", "a": "\a", "b": "\b", "f": "\f", "v": "\v"}
_UNESCAPE.update({"\\": "\\", '"': '"', "'": "'", "?": "?"})
_OCTAL_RE = re.compile(r"[0-7]{1,3}")
_HEX_RE = re.compile(r"[0-9A-Fa-f]+")
_WS = " \t\r\f\v"  # PO syntax whitespace (not str.strip()'s Unicode set)
_KEYWORD_RE = re.compile(r"(msgctxt|msgid_plural|msgid|msgstr\[(\d+)\]|msgstr)\s*(\".*)$")


def _escaped_char(code: int, escape: str, path: str | Path | None, line: int) -> str:
    """The character of an octal or hex escape; NUL, a surrogate or no character is an error.

    GNU msgfmt takes ``\\0`` and ``\\xd800`` as bytes, but as text they are a
    NUL (which ends a string in a ``.mo`` file and in C) and half of a UTF-16
    pair, which no UTF-8 file can hold.
    """
    if code == 0:
        raise LocpipeError(f"invalid escape sequence {escape}: NUL is not allowed", path, line)
    if 0xD800 <= code <= 0xDFFF:
        raise LocpipeError(
            f"invalid escape sequence {escape}: U+{code:04X} is a surrogate, not a character",
            path,
            line,
        )
    if code > 0x10FFFF:
        raise LocpipeError(f"syntax error: invalid escape sequence {escape}", path, line)
    return chr(code)


def _unquote(token: str, path: str | Path | None, line: int) -> str:
    """Decode one ``"..."`` PO string token."""
    token = token.strip(_WS)
    if len(token) < 2 or not token.startswith('"') or not token.endswith('"'):
        raise LocpipeError("syntax error: expected a quoted string", path, line)
    body = token[1:-1]
    if "\\" not in body and '"' not in body:
        return body  # nothing to decode (most strings)
    out: list[str] = []
    i = 0
    while i < len(body):
        ch = body[i]
        if ch == '"':
            raise LocpipeError("syntax error: unescaped double quote", path, line)
        if ch != "\\":
            out.append(ch)
            i += 1
            continue
        nxt = body[i + 1 : i + 2]
        if nxt in _UNESCAPE:
            out.append(_UNESCAPE[nxt])
            i += 2
        elif nxt and nxt in "01234567":
            match = _OCTAL_RE.match(body, i + 1)  # match at a position: no copy of the rest
            assert match is not None
            out.append(_escaped_char(int(match.group(), 8), f"\\{match.group()}", path, line))
            i = match.end()
        elif nxt == "x" and _HEX_RE.match(body, i + 2):
            match = _HEX_RE.match(body, i + 2)
            assert match is not None
            code = int(match.group(), 16) if len(match.group()) <= 8 else 0x110000
            out.append(_escaped_char(code, f"\\x{match.group()[:8]}", path, line))
            i = match.end()
        else:
            raise LocpipeError(f"syntax error: invalid escape sequence \\{nxt}", path, line)
    return "".join(out)


class _Parser:
    """A line-oriented PO reader producing polib objects."""

    def __init__(self, path: str | Path | None):
        self.path = path
        self.po = polib.POFile(wrapwidth=PAGE_WIDTH)
        self.entry: polib.POEntry | None = None
        self.field: tuple[str, int | None] | None = None  # what continuation lines extend
        self.has_msgstr = False
        self.seen: dict[tuple[str | None, str], int | None] = {}

    def _current(self, line: int) -> polib.POEntry:
        if self.entry is None or self.has_msgstr:
            self._finish()
            self.entry = polib.POEntry(linenum=line)
            self.entry.previous_msgctxt = None
            self.has_msgstr = False
        return self.entry

    def _finish(self) -> None:
        entry = self.entry
        if entry is None:
            return
        if not self.has_msgstr:
            if entry.msgid or entry.msgid_plural or self.field is not None:
                raise LocpipeError("syntax error: missing msgstr", self.path, entry.linenum)
            self.entry = None  # trailing comments
            return
        key = (entry.msgctxt, entry.msgid)
        if not entry.obsolete:
            if key in self.seen:
                raise LocpipeError(
                    f"duplicate message definition (first at line {self.seen[key]})",
                    self.path,
                    entry.linenum,
                )
            self.seen[key] = entry.linenum
        if entry.msgid == "" and entry.msgctxt is None and not entry.obsolete:
            self._header(entry)
        else:
            self.po.append(entry)
        self.entry = None
        self.field = None

    def _header(self, entry: polib.POEntry) -> None:
        self.po.header = entry.tcomment
        self.po.metadata_is_fuzzy = "fuzzy" in entry.flags
        key = None
        for line in entry.msgstr.split("\n"):
            if ":" in line:
                key, value = line.split(":", 1)
                key = key.strip()
                self.po.metadata[key] = value.strip()
            elif line.strip() and key is not None:
                self.po.metadata[key] += "\n" + line.strip()

    def feed(self, number: int, raw: str) -> None:
        line = raw.strip(_WS)
        if line.startswith("#") and not line.startswith(("#~", "#|")):
            line = raw.lstrip(_WS).rstrip("\r")  # comments keep their trailing spaces
        if not line:
            return
        obsolete = False
        if line.startswith("#~"):
            obsolete = True
            line = line[2:].lstrip(_WS)
            if not line:
                return
            if not line.startswith("|") and line.startswith("#"):
                raise LocpipeError("syntax error", self.path, number)
        if line.startswith("#|") or (obsolete and line.startswith("|")):
            self._previous(number, line[2:] if line.startswith("#|") else line[1:], obsolete)
        elif line.startswith("#") and not obsolete:
            self._comment(number, line)
        elif line.startswith('"'):
            self._continuation(number, line)
        else:
            self._keyword(number, line, obsolete)

    def _comment(self, number: int, line: str) -> None:
        entry = self._current(number)
        self.field = None
        kind, text = line[:2], line[2:]
        if kind == "#.":
            entry.comment = _join(entry.comment, text[1:] if text.startswith(" ") else text)
        elif kind == "#:":
            for ref in text.split():
                file, _, num = ref.rpartition(":")
                entry.occurrences.append((file, num) if file and num.isdigit() else (ref, ""))
        elif kind == "#,":
            entry.flags += split_flags(text)
        else:
            text = line[1:]
            entry.tcomment = _join(entry.tcomment, text[1:] if text.startswith(" ") else text)

    def _previous(self, number: int, rest: str, obsolete: bool) -> None:
        rest = rest.strip(_WS)
        entry = self._current(number)
        if rest.startswith('"'):
            if self.field is None or not self.field[0].startswith("previous_"):
                raise LocpipeError("syntax error: stray continuation line", self.path, number)
            name = self.field[0]
            setattr(entry, name, getattr(entry, name) + _unquote(rest, self.path, number))
            return
        match = re.match(r"(msgctxt|msgid_plural|msgid)\s*(\".*)$", rest)
        if not match:
            raise LocpipeError("syntax error in #| line", self.path, number)
        name = f"previous_{match.group(1)}"
        setattr(entry, name, _unquote(match.group(2), self.path, number))
        self.field = (name, None)

    def _continuation(self, number: int, line: str) -> None:
        if self.entry is None or self.field is None or self.field[0].startswith("previous_"):
            raise LocpipeError("syntax error: stray string", self.path, number)
        name, index = self.field
        value = _unquote(line, self.path, number)
        if index is not None:
            self.entry.msgstr_plural[index] += value
        else:
            setattr(self.entry, name, getattr(self.entry, name) + value)

    def _keyword(self, number: int, line: str, obsolete: bool) -> None:
        match = _KEYWORD_RE.match(line)
        if not match:
            raise LocpipeError("syntax error", self.path, number)
        keyword, index, token = match.group(1), match.group(2), match.group(3)
        value = _unquote(token, self.path, number)
        if keyword in ("msgctxt", "msgid"):
            entry = self._current(number)
            if entry.msgid or (keyword == "msgctxt" and entry.msgctxt is not None):
                raise LocpipeError(f"syntax error: unexpected {keyword}", self.path, number)
            if keyword == "msgid":
                entry.linenum = number
            setattr(entry, keyword, value)
            entry.obsolete = obsolete
            self.field = (keyword, None)
            return
        current = self.entry
        if current is None or self.field is None or self.field[0] in ("msgctxt",):
            raise LocpipeError(f"syntax error: {keyword} without msgid", self.path, number)
        if keyword == "msgid_plural":
            current.msgid_plural = value
            self.field = ("msgid_plural", None)
        elif index is not None:
            current.msgstr_plural[int(index)] = value
            self.field = ("msgstr_plural", int(index))
            self.has_msgstr = True
        else:
            if current.msgid_plural:
                raise LocpipeError("syntax error: msgstr needs an index", self.path, number)
            current.msgstr = value
            self.field = ("msgstr", None)
            self.has_msgstr = True


def _join(old: str, new: str) -> str:
    return f"{old}\n{new}" if old else new


def parse_catalog(text: str | bytes, path: str | Path | None = None) -> polib.POFile:
    """Parse PO text; syntax errors, duplicates and bad UTF-8 raise LocpipeError with a line."""
    if isinstance(text, bytes):
        data = text
        try:
            text = data.decode("utf-8")
        except UnicodeDecodeError as exc:
            line = data[: exc.start].count(b"\n") + 1
            raise LocpipeError("not UTF-8 text", path, line) from exc
    text = text.removeprefix("\ufeff")
    if "\0" in text:
        line = text.count("\n", 0, text.index("\0")) + 1
        raise LocpipeError("NUL character (byte 0) in the catalog", path, line)
    parser = _Parser(path)
    for number, raw in enumerate(text.split("\n"), start=1):
        parser.feed(number, raw)
    parser._finish()
    po = parser.po
    if path is not None:
        po.fpath = str(path)
    po.encoding = "utf-8"
    return po
