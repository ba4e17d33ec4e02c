"""Properties of the Markdown format on generated text full of Markdown syntax."""

from __future__ import annotations

import re
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from markdown_it import MarkdownIt

from locpipe.errors import LocpipeError
from locpipe.formats.markdown import FORMAT

PATH = Path("generated.md")
PIECES = [
    "word", "Ünï", " ", "  ", "\n", "\n\n", "\r\n", "\t", "# ", "## ", "> ", "- ", "* ", "1. ",
    "    ", "*", "**", "_", "__", "~~", "`", "```", "[", "]", "(", ")", "](u)", "![", "<b>",
    "</b>", "<!-- c -->", "<div>", "&amp;", "\\", "\\*", "|", "|---|", "---", "===", ":",
    '"', "'", "[r]: /x", "<http://x.y>", "\u00a0",
]  # fmt: skip

_RENDER = MarkdownIt("commonmark").enable(["table", "strikethrough"])
texts = st.lists(st.sampled_from(PIECES), max_size=40).map("".join)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(texts)
def test_identity_round_trip_and_translations_never_break_the_splice(text: str):
    try:
        document = FORMAT.walk(text, PATH)
    except LocpipeError:
        return  # refused with a message naming the file: never a guessed splice
    assert FORMAT.reassemble(text, document, lambda u: u.msgid) == text
    for unit in document.units:
        assert 0 <= unit.start <= unit.end <= len(text)
        assert unit.line == text.count("\n", 0, unit.start) + 1 or "\r" in text
    out = FORMAT.reassemble(text, document, lambda u: "Tradotto " + u.msgid, rejected=[])
    assert isinstance(out, str)


def _flat(html: str) -> str:
    return re.sub(r"\s+", " ", html).replace("> <", "><").replace(" <", "<").replace("> ", ">")


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(texts)
def test_every_unit_written_anew_renders_the_same_html(text: str):
    try:
        document = FORMAT.walk(text, PATH)
    except LocpipeError:
        return
    rejected = []

    def respaced(unit):
        return unit.msgid.replace(" ", "  ", 1) if " " in unit.msgid else unit.msgid + " "

    out = FORMAT.reassemble(text, document, respaced, rejected=rejected)
    if not rejected:
        assert _flat(_RENDER.render(out)) == _flat(_RENDER.render(text))
