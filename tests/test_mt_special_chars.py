"""Apertium's stream-format characters in real units, through every route.

On a real DocBook manual one 7-character paragraph (``s/^/# /``) made about
400 units of its batch fail: lrx-proc read the escaped ``^`` as the start of
a word and swallowed the segments after it.  Here each special character
goes alone, inside sentences and in commands, in one batch per route, and
every unit must come back translated with its special characters exact.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from conftest import require_tool
from locpipe.mt import get_backend
from locpipe.mt.apertium import ApertiumBackend

SPECIAL = "^/$[]{}<>@*#\\~"
COMMANDS = [
    "s/^/# /",
    "sed -e 's/[a-z]*$//'",
    "${HOME}",
    "~/.bashrc",
    "user@host",
    "*.deb",
    "C:\\path",
    "#include <stdio.h>",
]
#: Per source language: sentences the engine translates, and a frame for a character.
SOURCES = {
    "it": (
        ["Il gatto è nero.", "La casa è bianca.", "Il cane dorme sotto il tavolo."],
        "Il file {} è nella cartella della casa.",
    ),
    "fr": (
        ["Le chat est noir.", "La maison est blanche.", "Le chien dort sous la table."],
        "Le fichier {} est dans le dossier de la maison.",
    ),
}
ROUTES = [("it", "es"), ("it", "ca"), ("it", "fr"), ("it", "en"), ("fr", "it"), ("fr", "es"), ("fr", "en")]  # fmt: skip


@pytest.fixture(scope="module")
def apertium() -> Iterator[ApertiumBackend]:
    require_tool("apertium")
    backend = get_backend("apertium")
    assert isinstance(backend, ApertiumBackend)
    with backend:
        yield backend


def _specials(text: str) -> list[str]:
    return [c for c in text if c in SPECIAL]


@pytest.mark.slow
@pytest.mark.parametrize(("source", "target"), ROUTES)
def test_every_special_character_in_one_batch(
    apertium: ApertiumBackend, source: str, target: str
) -> None:
    sentences, frame = SOURCES[source]
    odd = [
        *SPECIAL,
        *(frame.format(c) for c in SPECIAL),
        *(frame.format(f"a{c}b") for c in SPECIAL),
        *COMMANDS,
        *(frame.format(command) for command in COMMANDS),
    ]
    # Each odd unit between ordinary sentences: a broken stream shows on them.
    texts = []
    for i, unit in enumerate(odd):
        texts += [unit, sentences[i % len(sentences)]]
    out = apertium.translate(texts, source, target)
    for text, result in zip(texts, out, strict=True):
        assert result is not None and result.strip(), (text, result)
        assert _specials(result) == _specials(text), (text, result)
        if text in sentences or text.startswith(frame[:8]):
            assert result != text, (text, result)  # translated, not left in the source language
    # The engine's output for a sentence does not depend on its neighbours.
    alone = apertium.translate(sentences, source, target)
    for text, result in zip(texts, out, strict=True):
        if text in sentences:
            assert result == alone[sentences.index(text)]
