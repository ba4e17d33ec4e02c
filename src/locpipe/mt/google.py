"""Google Translate's public web page, scraped by deep-translator (no key, no SLA)."""

from __future__ import annotations

from locpipe.mt.deeptrans import DeepTranslatorBackend
from locpipe.mt.settings import Limits


def _google_languages() -> dict[str, str]:
    from deep_translator.constants import GOOGLE_LANGUAGES_TO_CODES

    table = {code: code for code in GOOGLE_LANGUAGES_TO_CODES.values()}
    table.update(
        {"zh": "zh-CN", "zh-Hans": "zh-CN", "zh-Hant": "zh-TW", "zh-TW": "zh-TW", "he": "iw"}
    )
    table.update({"nb": "no", "nn": "no", "fil": "tl", "jv": "jw", "pt-BR": "pt"})
    return table


class GoogleBackend(DeepTranslatorBackend):
    """Google Translate's public web page, scraped by deep-translator (no key, no SLA)."""

    name = "google"
    kind = "scraped web page"
    module = "google"
    translator = "GoogleTranslator"
    default_limits = Limits(batch_units=1, batch_chars=5000, max_in_flight=2, rate_limit=2)

    def languages(self) -> dict[str, str]:
        return _google_languages()
