"""mt/pseudo.py and the backend registry."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from locpipe.errors import LocpipeError
from locpipe.mt import BACKENDS, get_backend
from locpipe.mt.pseudo import PseudoBackend, pseudo_text
from locpipe.units import TAG_RE, plain_text


@pytest.fixture()
def backend() -> PseudoBackend:
    return PseudoBackend(do_not_translate=["SEO", "DinoGeek"])


def test_registry() -> None:
    assert BACKENDS["pseudo"] is PseudoBackend
    assert "apertium" in BACKENDS
    with get_backend("pseudo", do_not_translate=["SEO"]) as backend:
        assert isinstance(backend, PseudoBackend)
        assert backend.do_not_translate == ("SEO",)
        assert backend.describe("it", "fr") == "pseudo"


def test_unknown_backend_lists_known_names() -> None:
    with pytest.raises(
        LocpipeError, match=r"unknown translation backend 'nonesuch'.*apertium.*pseudo"
    ):
        get_backend("nonesuch")


def test_pseudo_accents_pads_and_brackets(backend: PseudoBackend) -> None:
    [out] = backend.translate(["Hello world"], "en", "fr")
    assert out is not None
    assert out.startswith("[Ĥéļļö ŵöŕļð") and out.endswith("]")
    assert len(out) >= len("Hello world") * 1.3


def test_pseudo_keeps_markup_and_protected_items(backend: PseudoBackend) -> None:
    text = (
        "Leggi la <a1>guida SEO</a1> di DinoGeek su https://example.com/seo,"
        " scrivi a %(email)s<br/>e usa <code>dig +short</code> {name} 20%"
    )
    [out] = backend.translate([text], "it", "pt_BR")
    assert out is not None
    assert TAG_RE.findall(out) == TAG_RE.findall(text)
    for kept in ("SEO", "DinoGeek", "https://example.com/seo", "%(email)s", "dig +short"):
        assert kept in out
    assert "{name}" in out and "20%" in out
    assert "Ļéĝĝí" in out


def test_pseudo_is_deterministic_and_batch_shaped(backend: PseudoBackend) -> None:
    texts = ["Uno", "", "  ", "&lt;b> e &amp;amp;", "%(count)s"]
    first = backend.translate(texts, "it", "en")
    assert first == backend.translate(texts, "it", "en")
    assert first[1:3] == ["", "  "]
    assert first[3] is not None and "&lt;" in first[3] and "&amp;" in first[3]
    assert first[4] == "[%(count)s]"
    backend.check_pair("xx", "yy")  # any pair


@given(st.text(max_size=40))
def test_pseudo_visible_text_grows(text: str) -> None:
    [out] = PseudoBackend().translate([text], "it", "fr")
    if not text.strip():
        assert out == text
    elif out is not None:
        assert len(plain_text(out)) >= len(pseudo_text(plain_text(text))) + 1
