"""atheris target: the HTML walker and reassembly never crash, and identity
translations give back the source byte for byte.

    .venv/bin/python fuzz/fuzz_html.py -atheris_runs=100000   # or -max_total_time=600
"""

from __future__ import annotations

import sys

import atheris

with atheris.instrument_imports():
    from locpipe.formats.html import reassemble, walk


def test_one_input(data: bytes) -> None:
    text = atheris.FuzzedDataProvider(data).ConsumeUnicodeNoSurrogates(len(data))
    doc = walk(text)
    for unit in doc.units:
        assert 0 <= unit.start <= unit.end <= len(text), unit
    assert reassemble(text, doc.units, lambda unit: unit.msgid) == text
    reassemble(text, doc.units, lambda unit: "<script>x</script> <b>" + unit.msgid[::-1])


def main() -> None:
    atheris.Setup(sys.argv, test_one_input)
    atheris.Fuzz()


if __name__ == "__main__":
    main()
