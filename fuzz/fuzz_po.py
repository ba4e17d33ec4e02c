"""atheris target: the PO reader raises only LocpipeError on bad input, and
what it reads formats to UTF-8 text without NUL that it reads back to the
same catalog.

    .venv/bin/python fuzz/fuzz_po.py -atheris_runs=100000   # or -max_total_time=600
"""

from __future__ import annotations

import sys

import atheris

with atheris.instrument_imports():
    from locpipe.catalog import format_catalog, parse_catalog
    from locpipe.errors import LocpipeError


def test_one_input(data: bytes) -> None:
    try:
        po = parse_catalog(data, "fuzz.po")
    except LocpipeError:
        return
    text = format_catalog(po)
    text.encode("utf-8")  # no lone surrogate (a \xd800 escape) reaches a writer
    assert "\0" not in text  # nor a NUL
    again = format_catalog(parse_catalog(text, "formatted.po"))
    assert again == text, (text, again)


def main() -> None:
    atheris.Setup(sys.argv, test_one_input)
    atheris.Fuzz()


if __name__ == "__main__":
    main()
