"""MyMemory's free API through deep-translator (500 characters per text).

``MYMEMORY_EMAIL`` (or ``[mt.mymemory] email``) raises the daily quota.
"""

from __future__ import annotations

from typing import Any

from locpipe.mt.deeptrans import DeepTranslatorBackend
from locpipe.mt.settings import Limits


class MyMemoryBackend(DeepTranslatorBackend):
    """MyMemory's free API through deep-translator (500 characters per text)."""

    name = "mymemory"
    env = (("MYMEMORY_EMAIL", False),)
    module = "mymemory"
    translator = "MyMemoryTranslator"
    default_limits = Limits(batch_units=1, batch_chars=500, max_in_flight=2, rate_limit=2)
    #: The address MyMemory grants more quota to; ``MYMEMORY_EMAIL`` wins.
    config_options = {"email": str}

    def languages(self) -> dict[str, str]:
        from deep_translator.constants import MY_MEMORY_LANGUAGES_TO_CODES

        table: dict[str, str] = {}
        for code in MY_MEMORY_LANGUAGES_TO_CODES.values():
            table.setdefault(code, code)
            table.setdefault(code.split("-")[0], code)
        preferred = {"en": "en-GB", "pt": "pt-PT", "pt-BR": "pt-BR", "es": "es-ES"}
        preferred.update({"zh": "zh-CN", "zh-Hans": "zh-CN", "zh-Hant": "zh-TW", "fr": "fr-FR"})
        preferred.update({"it": "it-IT", "de": "de-DE", "nb": "nb-NO"})
        table.update({k: v for k, v in preferred.items() if v in table.values()})
        return table

    def extra(self) -> dict[str, Any]:
        email = self.secret("MYMEMORY_EMAIL") or self.engine_options.get("email")
        return {"email": email} if email else {}
