"""mt/protect.py: masking, restoring and verification (pure, no engine)."""

from __future__ import annotations

import re

import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

from locpipe.mt.protect import (
    PUA_TOKENS,
    WORD_TOKENS,
    Item,
    Protector,
    TokenStyle,
    restore,
    tags_well_nested,
)
from locpipe.units import escape_text

TERMS = ["LLM", "SEO", "GPT-3", "GPT", "DinoGeek"]
PROTECTOR = Protector(TERMS)


def items_of(text: str) -> list[tuple[str, str]]:
    return [(item.kind, item.text) for item in PROTECTOR.mask(text).items]


def roundtrip(text: str, style: TokenStyle = WORD_TOKENS) -> str | None:
    masked = PROTECTOR.mask(text)
    return restore(masked, masked.render(style.token), style.pattern)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "Il <strong>SEO</strong> conta",
            [("tag", "<strong>"), ("term", "SEO"), ("tag", "</strong>")],
        ),
        ("Riga<br/>nuova", [("tag", "<br/>")]),
        (
            "Scrivi a %(email)s il %(date)s",
            [("placeholder", "%(email)s"), ("placeholder", "%(date)s")],
        ),
        (
            "Ciao {name}, hai %d messaggi e %s",
            [("placeholder", "{name}"), ("placeholder", "%d"), ("placeholder", "%s")],
        ),
        ("Vedi https://example.com/a?x=1&y=2.", [("url", "https://example.com/a?x=1&y=2")]),
        ("Apri (www.dinogeek.it/blog).", [("url", "www.dinogeek.it/blog")]),
        (
            "Il dominio example.com e _dmarc.example.it",
            [("url", "example.com"), ("url", "_dmarc.example.it")],
        ),
        ("Scrivi a info@dinogeek.it.", [("email", "info@dinogeek.it")]),
        ("Sconto del 20% o del 12,5\u00a0%", [("number", "20%"), ("number", "12,5\u00a0%")]),
        ("GPT-3 e GPT sono LLM", [("term", "GPT-3"), ("term", "GPT"), ("term", "LLM")]),
        ("SEOs, seo, LLMOps e xSEO restano", []),
        ("La &lt;b e &amp;amp;", [("entity", "&lt;"), ("entity", "&amp;")]),
        (
            "Usa <code>lista = ordina(dati) SEO</code> ora",
            [("tag", "<code>"), ("code", "lista = ordina(dati) SEO"), ("tag", "</code>")],
        ),
        (
            "Usa <code2>x <strong>y</strong></code2>",
            [("tag", "<code2>"), ("code", "x <strong>y</strong>"), ("tag", "</code2>")],
        ),
        ("<code>senza fine", [("tag", "<code>"), ("code", "senza fine")]),
        (
            "la pipeline di <abbr>CI</abbr> e <kbd>Ctrl</kbd>",
            [
                ("tag", "<abbr>"),
                ("code", "CI"),
                ("tag", "</abbr>"),
                ("tag", "<kbd>"),
                ("code", "Ctrl"),
                ("tag", "</kbd>"),
            ],
        ),
        ("Prezzo 1.299,50 € con ‘virgolette’", []),
    ],
)
def test_mask_finds_items(text: str, expected: list[tuple[str, str]]) -> None:
    assert items_of(text) == expected
    assert roundtrip(text) == text


def test_item_indexes_and_render() -> None:
    masked = PROTECTOR.mask("A <b>SEO</b> b")
    assert [i.index for i in masked.items] == [0, 1, 2]
    assert masked.render(WORD_TOKENS.token) == "A Zq0xZq1xZq2x b"
    assert masked.render(lambda i: f"[{i.kind}]", str.upper) == "A [tag][term][tag] B"


def test_engine_reorders_tags_but_keeps_nesting() -> None:
    masked = PROTECTOR.mask("la <a1>casa</a1> <strong>bianca</strong>")
    out = "the Zq2xwhiteZq3x Zq0xhouseZq1x"
    assert restore(masked, out, WORD_TOKENS.pattern) == (
        "the <strong>white</strong> <a1>house</a1>"
    )


@pytest.mark.parametrize(
    "output",
    [
        "Zq0x casa Zq1x",  # a token lost
        "Zq0x casa Zq1x Zq2x Zq2x",  # duplicated
        "Zq0x casa Zq1x Zq2x Zq9x",  # unknown index
        "Zq2x casa Zq1x Zq0x",  # closing tag before opening tag
        "Zq0x casa Zq1x Zq2x <em>",  # engine made up a tag
        "Zq0x casa 2 Zq1x Zq2x",  # digits changed
    ],
)
def test_restore_rejects(output: str) -> None:
    masked = PROTECTOR.mask("<strong>casa</strong> %(n)s")
    assert restore(masked, output, WORD_TOKENS.pattern) is None


def test_crossing_tags_rejected() -> None:
    masked = PROTECTOR.mask("<a1>uno <strong>due</strong></a1>")
    assert restore(masked, "Zq0x one Zq1x two Zq3x Zq2x", WORD_TOKENS.pattern) is None


def test_numbers_check_can_be_disabled() -> None:
    masked = PROTECTOR.mask("tre 3")
    assert restore(masked, "three", WORD_TOKENS.pattern) is None
    assert restore(masked, "three", WORD_TOKENS.pattern, check_numbers=False) == "three"


def test_tokens_are_case_insensitive() -> None:
    masked = PROTECTOR.mask("SEO va")
    assert restore(masked, "ZQ0X goes", WORD_TOKENS.pattern) == "SEO goes"


def test_tags_well_nested() -> None:
    assert tags_well_nested(["<a1>", "<br/>", "<b>", "</b>", "</a1>"])
    assert not tags_well_nested(["<a1>", "<b>", "</a1>", "</b>"])
    assert not tags_well_nested(["<b>"])


# --------------------------------------------------------------------------- property

_ALPHABET = st.characters(
    codec="utf-8",
    categories=("L", "N", "P", "S", "Zs"),
    exclude_characters="\ue000\ue001",
)
_ATOMS = st.one_of(
    st.text(_ALPHABET, max_size=12),
    st.sampled_from(TERMS),
    st.sampled_from(["%(email)s", "%(date)s", "{name}", "%s", "%d", "20%"]),
    st.sampled_from(["https://example.com/x?a=1&b=2", "info@dinogeek.it", "example.com"]),
    st.sampled_from([" ", "\u00a0", "’", "€", "<", "&", "&lt;", "&amp;"]),
)
_RUN = st.lists(_ATOMS, max_size=5).map(lambda atoms: escape_text("".join(atoms)))
_TAG_NAMES = st.sampled_from(["strong", "em", "a1", "a2", "code", "span3"])


def _element(children: st.SearchStrategy[str]) -> st.SearchStrategy[str]:
    wrapped = st.tuples(_TAG_NAMES, st.lists(children, max_size=3)).map(
        lambda t: f"<{t[0]}>{''.join(t[1])}</{t[0]}>"
    )
    return st.one_of(wrapped, st.lists(children, min_size=2, max_size=3).map("".join))


MSGIDS = st.recursive(st.one_of(_RUN, st.just("<br/>")), _element, max_leaves=12)


@given(MSGIDS, st.sampled_from([WORD_TOKENS, PUA_TOKENS]))
def test_roundtrip_identity_engine(msgid: str, style: TokenStyle) -> None:
    assume("zq" not in msgid.lower())
    assert roundtrip(msgid, style) == msgid


@given(MSGIDS, st.data())
def test_dropped_or_duplicated_token_fails(msgid: str, data: st.DataObject) -> None:
    assume("zq" not in msgid.lower())
    masked = PROTECTOR.mask(msgid)
    assume(masked.items)
    victim: Item = data.draw(st.sampled_from(masked.items))
    token = WORD_TOKENS.token(victim)
    rendered = masked.render(WORD_TOKENS.token)
    assert rendered.count(token) == 1
    dropped = rendered.replace(token, "")
    duplicated = rendered.replace(token, token + " " + token)
    assert restore(masked, dropped, WORD_TOKENS.pattern) is None
    assert restore(masked, duplicated, WORD_TOKENS.pattern) is None


@given(MSGIDS)
def test_masked_text_has_no_terms_or_placeholders(msgid: str) -> None:
    rendered = PROTECTOR.mask(msgid).render(WORD_TOKENS.token)  # what the engine sees
    assert not re.search(r"%\(\w+\)s|<[a-z]+\d*/?>|</[a-z]+\d*>|&lt;|&amp;", rendered)
    assert not re.search(r"(?<!\w)(?:LLM|SEO|DinoGeek)(?!\w)", rendered)


def test_an_element_emptied_by_the_engine_fails_verification() -> None:
    # Seen with Apertium: "del <abbr>TLD</abbr>" came back as "du TLD <abbr></abbr>".
    masked = PROTECTOR.mask("server del <strong>TLD</strong> e altro")
    token = {item.index: f"Zq{item.index}x" for item in masked.items}
    pattern = re.compile(r"Zq(\d+)x")
    good = masked.render(lambda item: token[item.index])
    assert restore(masked, good, pattern) == "server del <strong>TLD</strong> e altro"
    opened, closed = (f"Zq{item.index}x" for item in masked.items if item.kind == "tag")
    emptied = good.replace(f"{opened}TLD{closed}", f"TLD {opened}{closed}")
    assert emptied != good
    assert restore(masked, emptied, pattern) is None
