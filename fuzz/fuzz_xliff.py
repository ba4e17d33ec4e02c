"""atheris target: a translator's XLIFF file, as `locpipe merge` reads it.

Whatever the bytes, the reader raises only LocpipeError; what it reads is
text a catalog can hold (UTF-8, no NUL, no lone surrogate); a unit it reads
without a problem holds only compact tags that come back to XLIFF and read
again to the same text (so nothing a translator sends can smuggle markup
past the inline-tag codec).

    .venv/bin/python fuzz/fuzz_xliff.py fuzz/corpus_xliff -atheris_runs=100000
"""

from __future__ import annotations

import os
import sys
import tempfile
from pathlib import Path

import atheris

with atheris.instrument_imports():
    from locpipe.errors import LocpipeError
    from locpipe.xliff import XFile, XUnit, dump_xliff, load_xliff

_FOLDER = Path(tempfile.mkdtemp(prefix="fuzz-xliff-"))
_PATH = _FOLDER / "in.xlf"


def _text_ok(text: str) -> None:
    text.encode("utf-8")  # no lone surrogate reaches a catalog
    assert "\0" not in text


def test_one_input(data: bytes) -> None:
    _PATH.write_bytes(data)
    try:
        files = load_xliff(_PATH)
    except LocpipeError:
        return
    for xfile in files:
        for unit in xfile.units:
            _text_ok(unit.msgid)
            _text_ok(unit.target)
            if unit.problem or not unit.target:
                continue
            again = _FOLDER / "again.xlf"
            again.write_bytes(
                dump_xliff([XFile("d", "it", "fr", "p", [XUnit(unit.msgid, None, unit.target)])])
            )
            [back] = load_xliff(again)[0].units
            assert (back.msgid, back.target) == (unit.msgid, unit.target), (unit, back)


def main() -> None:
    try:
        atheris.Setup(sys.argv, test_one_input)
        atheris.Fuzz()
    finally:
        for name in os.listdir(_FOLDER):
            os.unlink(_FOLDER / name)
        os.rmdir(_FOLDER)


if __name__ == "__main__":
    main()
