"""Azure AI Translator, REST API v3 called directly (batches, HTML text type).

``MICROSOFT_API_KEY`` is required; the region comes from ``MICROSOFT_REGION``
or ``[mt.microsoft] region``.
"""

from __future__ import annotations

from locpipe.mt.http import RetryableError
from locpipe.mt.online import OnlineBackend, base_code, script_or_region
from locpipe.mt.settings import URL, Limits


class MicrosoftBackend(OnlineBackend):
    """Azure AI Translator, REST API v3 called directly (batches, HTML text type)."""

    name = "microsoft"
    env = (("MICROSOFT_API_KEY", True), ("MICROSOFT_REGION", False))
    default_url = "https://api.cognitive.microsofttranslator.com"
    default_limits = Limits(batch_units=100, batch_chars=40000)
    config_options = {"url": URL, "region": str}
    LANGUAGES = [
        "af",
        "ar",
        "bg",
        "bn",
        "bs",
        "ca",
        "cs",
        "cy",
        "da",
        "de",
        "el",
        "en",
        "es",
        "et",
        "fa",
        "fi",
        "fil",
        "fr",
        "ga",
        "gu",
        "he",
        "hi",
        "hr",
        "hu",
        "id",
        "is",
        "it",
        "ja",
        "kn",
        "ko",
        "lt",
        "lv",
        "mk",
        "ml",
        "mr",
        "ms",
        "mt",
        "nb",
        "nl",
        "pa",
        "pl",
        "pt",
        "pt-PT",
        "ro",
        "ru",
        "sk",
        "sl",
        "sq",
        "sr-Cyrl",
        "sr-Latn",
        "sv",
        "sw",
        "ta",
        "te",
        "th",
        "tr",
        "uk",
        "ur",
        "vi",
        "zh-Hans",
        "zh-Hant",
    ]

    def code(self, lang: str, role: str) -> str:
        base, extra = base_code(lang), script_or_region(lang)
        if base == "zh":
            code = "zh-Hant" if extra in ("Hant", "TW", "HK") else "zh-Hans"
        elif base == "pt":
            code = "pt" if extra in ("", "BR") else "pt-PT"
        elif base == "sr":
            code = "sr-Latn" if extra == "Latn" else "sr-Cyrl"
        elif base in ("no", "nn"):
            code = "nb"
        else:
            code = base
        if code not in self.LANGUAGES:
            raise self.unsupported(lang, role, self.LANGUAGES)
        return code

    def send(self, texts: list[str], source: str, target: str, timeout: float) -> list[str]:
        headers = {"Ocp-Apim-Subscription-Key": self.secret("MICROSOFT_API_KEY") or ""}
        region = self.secret("MICROSOFT_REGION") or self.engine_options.get("region")
        if region:
            headers["Ocp-Apim-Subscription-Region"] = str(region)
        params = {"api-version": "3.0", "from": source, "to": target, "textType": "html"}
        data = self._post(
            f"{self.url}/translate",
            timeout,
            params=params,
            headers=headers,
            json=[{"Text": t} for t in texts],
        )
        try:
            return [row["translations"][0]["text"] for row in data]
        except (TypeError, KeyError, IndexError) as exc:
            raise RetryableError("malformed response from microsoft") from exc
