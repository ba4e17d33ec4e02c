"""Pseudo-localization: a deterministic fake translation for testing layouts.

``"Read the <a1>guide</a1>"`` becomes ``"[Ŕéáð ţĥé <a1>ĝüíðé</a1> ~~~~~]"``:
letters get accents, the text is about 30% longer and bracketed, and tags,
placeholders, URLs, e-mails, code and do-not-translate terms stay intact
(they go through :mod:`locpipe.mt.protect`).  Any language pair works.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

from locpipe.mt.base import Backend
from locpipe.mt.protect import PUA_TOKENS, restore

_ACCENTS = str.maketrans(
    "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ",
    "áƀçðéƒĝĥíĵķļɱñöþǫŕšţüṽŵẋýžÁƁÇÐÉƑĜĤÍĴĶĻṀÑÖÞǪŔŠŢÜṼŴẊÝŽ",
)
#: Extra length relative to the visible text.
EXPANSION = 0.3


def pseudo_text(text: str) -> str:
    """Accent the letters of plain text (no markup handling)."""
    return text.translate(_ACCENTS)


class PseudoBackend(Backend):
    """Deterministic pseudo-translation for any source/target pair."""

    name = "pseudo"

    def check_pair(self, source: str, target: str) -> None:
        """Every pair is reachable."""

    def translate(self, texts: Sequence[str], source: str, target: str) -> list[str | None]:
        """Pseudo-translate each text; empty or blank texts come back unchanged."""
        return [self._one(text, target) for text in texts]

    def _one(self, text: str, target: str | None = None) -> str | None:
        if not text.strip():
            return text
        masked = self.protector.mask(text, target)
        visible = sum(len(p) for p in masked.pieces if isinstance(p, str))
        padding = " " + "~" * max(1, math.ceil(visible * EXPANSION)) if visible else ""
        engine_output = masked.render(PUA_TOKENS.token, pseudo_text)
        restored = restore(masked, engine_output, PUA_TOKENS.pattern)
        return None if restored is None else f"[{restored}{padding}]"
