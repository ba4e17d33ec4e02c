"""atheris target: the build's safety net (:mod:`locpipe.pagecheck`) on any
article and any translation.

Each unit of a fuzzed article is translated to a fuzzed text that keeps the
unit's own inline tags (the translations build would use: check's tags and
placeholders pass); the page is spliced as build splices it, and both pages are
read by html5lib.  The net never crashes, and no such translation changes the
page's scripts or styles: text a browser runs is never a unit, a broken tag or
comment is read as a browser reads it, and a translation is only ever text.
(Each finding so far was a place where html.parser and browsers read a source
differently: an unterminated script, tag, comment or end tag, '<![if ...]>'.)

    .venv/bin/python fuzz/fuzz_build.py fuzz/corpus_build -atheris_runs=100000
"""

from __future__ import annotations

import sys

import atheris

with atheris.instrument_imports():
    from locpipe.formats.html import reassemble, walk
    from locpipe.pagecheck import differences, page_shape
    from locpipe.qa import markup_findings
    from locpipe.units import tags_in


def test_one_input(data: bytes) -> None:
    provider = atheris.FuzzedDataProvider(data)
    words = provider.ConsumeUnicodeNoSurrogates(provider.ConsumeIntInRange(0, 80))
    source = provider.ConsumeUnicodeNoSurrogates(len(data))
    doc = walk(source)
    table = {}
    for unit in doc.units:
        target = " ".join([*tags_in(unit.msgid), words])
        if not markup_findings(unit.msgid, target):
            table[unit.msgid] = target
    built = reassemble(source, doc.units, lambda unit: table.get(unit.msgid))
    before = page_shape(source)
    after = page_shape(built)
    assert differences(before, before) == []
    found = differences(after, before)
    assert after.scripts == before.scripts, (before.scripts, after.scripts)
    assert not found or "script" not in found[0], found


def main() -> None:
    atheris.Setup(sys.argv, test_one_input)
    atheris.Fuzz()


if __name__ == "__main__":
    main()
