"""Catalog headers: the deterministic header of a new catalog, and header checks."""

from __future__ import annotations

import re
from functools import lru_cache
from pathlib import Path

import polib

from locpipe.errors import LocpipeError
from locpipe.plurals import plural_forms
from locpipe.po_format import PAGE_WIDTH

_PLURAL_FORMS_RE = re.compile(r"nplurals\s*=\s*(\d{1,3})\s*;\s*plural\s*=\s*([^;]+?)\s*;?")


def _header_line(data: bytes | None, key: str) -> int | None:
    """Line of ``"Key: ...`` in the header of the catalog's text, for messages."""
    if data is None:
        return None
    match = re.search(rb'^[ \t]*"' + re.escape(key.encode()) + rb":", data, re.M)
    return data.count(b"\n", 0, match.start()) + 1 if match else None


def _same_language(declared: str, language: str) -> bool:
    """``fr`` and ``fr_FR`` agree (a catalog may name the region); ``fr`` and ``de`` do not."""
    from babel import Locale, UnknownLocaleError

    try:
        a, b = Locale.parse(declared.replace("-", "_")), Locale.parse(language.replace("-", "_"))
    except (ValueError, TypeError, UnknownLocaleError):
        return declared.replace("-", "_").lower() == language.replace("-", "_").lower()
    if a.language != b.language or (a.script and b.script and a.script != b.script):
        return False
    return not (a.territory and b.territory and a.territory != b.territory)


def plural_function(value: str, path: str | Path | None = None, line: int | None = None):
    """``(nplurals, function)`` of a ``Plural-Forms`` value; a bad one raises LocpipeError.

    The expression is compiled with :func:`gettext.c2py` (a C-expression
    parser, never ``eval`` of the raw text) and must give an index below
    ``nplurals`` for every n.
    """
    compiled = _compile_plural(value.strip())
    if isinstance(compiled, str):
        shown = value if len(value) <= 120 else value[:117] + "..."
        raise LocpipeError(f"bad Plural-Forms {shown!r}: {compiled}", path, line)
    return compiled


@lru_cache(maxsize=64)
def _compile_plural(value: str):
    match = _PLURAL_FORMS_RE.fullmatch(value)
    if match is None:
        return "expected 'nplurals=N; plural=EXPRESSION;'"
    nplurals = int(match.group(1))
    if not 1 <= nplurals <= 100:
        return "nplurals must be 1 to 100"
    expression = match.group(2).strip()
    if len(expression) > 1000:
        return "the expression is too long"
    import gettext

    try:
        function = gettext.c2py(expression)
        for n in (*range(0, 1000), 10_000, 100_000, 1_000_000):
            index = int(function(n))
            if not 0 <= index < nplurals:
                return f"plural({n}) = {index} is not below nplurals={nplurals}"
    except (ValueError, SyntaxError, ZeroDivisionError, RecursionError, OverflowError) as exc:
        return str(exc) or type(exc).__name__
    return nplurals, function


def check_header(
    po: polib.POFile, language: str, path: str | Path | None = None, data: bytes | None = None
) -> None:
    """A catalog for ``language``: its Language header agrees, its Plural-Forms is valid.

    A missing Language or Plural-Forms header is accepted (``update`` fills
    them in); a wrong one raises :class:`LocpipeError` naming the header line.
    """
    declared = po.metadata.get("Language", "").strip()
    if declared and not _same_language(declared, language):
        raise LocpipeError(
            f"header says Language: {declared}, but this is the catalog for {language!r}"
            " (wrong folder, or a wrong header?)",
            path,
            _header_line(data, "Language"),
        )
    forms = po.metadata.get("Plural-Forms", "").strip()
    if forms:
        plural_function(forms, path, _header_line(data, "Plural-Forms"))


def new_header(language: str | None, project: str = "locpipe") -> dict[str, str]:
    """A deterministic header (no dates that change between runs).

    ``language=None`` gives a template's header.  The fixed PO-Revision-Date,
    Last-Translator and Language-Team values pass ``msgfmt --check``.
    """
    header = {"Project-Id-Version": project, "Report-Msgid-Bugs-To": ""}
    if language is not None:
        header["PO-Revision-Date"] = "1970-01-01 00:00+0000"
        header["Last-Translator"] = "locpipe <locpipe@localhost>"
        header["Language-Team"] = f"{language} <locpipe@localhost>"
    header["Language"] = language or ""
    header["MIME-Version"] = "1.0"
    header["Content-Type"] = "text/plain; charset=UTF-8"
    header["Content-Transfer-Encoding"] = "8bit"
    if language is not None:
        header["Plural-Forms"] = plural_forms(language)
    return header


def new_template(project: str = "locpipe") -> polib.POFile:
    """An empty .pot with the deterministic template header."""
    po = polib.POFile(wrapwidth=PAGE_WIDTH)
    po.metadata = new_header(None, project)
    return po


def new_catalog(language: str, project: str = "locpipe") -> polib.POFile:
    """An empty .po for ``language`` with the deterministic header."""
    po = polib.POFile(wrapwidth=PAGE_WIDTH)
    po.metadata = new_header(language, project)
    return po
