"""atheris target: the HTML walker and reassembly never crash, units lie in
the text in order, and identity translations give back the source (and the
body's span) byte for byte.  The walker checks its own token spans too
(``SpanError``), so a position drift in html.parser is a crash here.

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
    end = 0
    for unit in doc.units:
        assert 0 <= unit.start <= unit.end <= len(text), unit
        if not unit.is_attribute:  # text units in document order, never overlapping
            assert unit.start >= end, (unit, end)
            end = unit.end
    assert reassemble(text, doc.units, lambda unit: unit.msgid) == text
    body = reassemble(text, doc.units, lambda unit: unit.msgid, span=doc.body)
    assert body == text[doc.body[0] : doc.body[1]]
    reassemble(text, doc.units, lambda unit: "<script>x</script> <b>" + unit.msgid[::-1])


def main() -> None:
    atheris.Setup(sys.argv, test_one_input)
    atheris.Fuzz()


if __name__ == "__main__":
    main()
