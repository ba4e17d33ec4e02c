"""LibreTranslate (self-hosted or libretranslate.com), its API called directly.

``[mt.libre] url`` points at a self-hosted server; ``LIBRE_API_KEY`` is
optional (a self-hosted server needs none).  Texts travel as one JSON ``q``
list per batch with ``format=html``, never in the URL.
"""

from __future__ import annotations

from typing import Any

from locpipe.mt.http import RetryableError
from locpipe.mt.online import OnlineBackend, base_code, script_or_region
from locpipe.mt.settings import URL, Limits


class LibreBackend(OnlineBackend):
    """LibreTranslate (self-hosted or libretranslate.com), its API called directly."""

    name = "libre"
    env = (("LIBRE_API_KEY", False),)
    default_url = "https://libretranslate.com"
    default_limits = Limits(batch_units=50, batch_chars=20000)
    config_options = {"url": URL}
    LANGUAGES = [
        "ar",
        "az",
        "bg",
        "bn",
        "ca",
        "cs",
        "da",
        "de",
        "el",
        "en",
        "eo",
        "es",
        "et",
        "eu",
        "fa",
        "fi",
        "fr",
        "ga",
        "gl",
        "he",
        "hi",
        "hu",
        "id",
        "it",
        "ja",
        "ko",
        "lt",
        "lv",
        "ms",
        "nb",
        "nl",
        "pl",
        "pt",
        "pt-BR",
        "ro",
        "ru",
        "sk",
        "sl",
        "sq",
        "sr",
        "sv",
        "th",
        "tl",
        "tr",
        "uk",
        "ur",
        "vi",
        "zh",
        "zt",
    ]

    def code(self, lang: str, role: str) -> str:
        base, extra = base_code(lang), script_or_region(lang)
        if base == "zh":
            code = "zt" if extra in ("Hant", "TW", "HK") else "zh"
        elif lang == "pt_BR":
            code = "pt-BR"
        elif base == "no":
            code = "nb"
        elif base == "fil":
            code = "tl"
        else:
            code = base
        if code not in self.LANGUAGES:
            raise self.unsupported(lang, role, self.LANGUAGES)
        return code

    def describe(self, source: str, target: str) -> str:
        return f"libre {self.url}"

    def send(self, texts: list[str], source: str, target: str, timeout: float) -> list[str]:
        body: dict[str, Any] = {"q": texts, "source": source, "target": target, "format": "html"}
        key = self.secret("LIBRE_API_KEY")
        if key:
            body["api_key"] = key
        data = self._post(f"{self.url}/translate", timeout, json=body)
        out = data.get("translatedText") if isinstance(data, dict) else None
        if isinstance(out, str) and len(texts) == 1:
            out = [out]
        if not isinstance(out, list):
            raise RetryableError("malformed response: no translatedText list")
        return out
