"""DeepL through its official ``deepl`` package: text lists, XML tag handling.

``DEEPL_API_KEY`` is required; ``[mt.deepl] url`` (the server) and
``formality`` are optional.  The key travels in a header, never in a URL.
"""

from __future__ import annotations

import json
import threading
from typing import Any

from locpipe.mt.http import EngineError, RetryableError, status_error
from locpipe.mt.online import OnlineBackend, base_code, script_or_region
from locpipe.mt.settings import URL, Limits


class DeepLBackend(OnlineBackend):
    """DeepL through its official ``deepl`` package: text lists, XML tag handling."""

    name = "deepl"
    env = (("DEEPL_API_KEY", True),)
    package = "deepl"
    default_limits = Limits(batch_units=50, batch_chars=100000)
    config_options = {"url": URL, "formality": str}
    SOURCES = [
        "AR",
        "BG",
        "CS",
        "DA",
        "DE",
        "EL",
        "EN",
        "ES",
        "ET",
        "FI",
        "FR",
        "HU",
        "ID",
        "IT",
        "JA",
        "KO",
        "LT",
        "LV",
        "NB",
        "NL",
        "PL",
        "PT",
        "RO",
        "RU",
        "SK",
        "SL",
        "SV",
        "TR",
        "UK",
        "ZH",
    ]
    TARGETS = [c for c in SOURCES if c not in ("EN", "PT", "ZH")] + [
        "EN-GB",
        "EN-US",
        "PT-BR",
        "PT-PT",
        "ZH-HANS",
        "ZH-HANT",
    ]

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self._client: Any = None
        self._client_lock = threading.Lock()

    def code(self, lang: str, role: str) -> str:
        base, extra = base_code(lang).upper(), script_or_region(lang).upper()
        if base in ("NO", "NN"):
            base = "NB"
        if role == "source":
            if base not in self.SOURCES:
                raise self.unsupported(lang, role, self.SOURCES)
            return base
        if base == "EN":
            code = "EN-GB" if extra in ("GB", "IE", "AU", "NZ", "IN") else "EN-US"
        elif base == "PT":
            code = "PT-BR" if extra == "BR" else "PT-PT"
        elif base == "ZH":
            code = "ZH-HANT" if extra in ("HANT", "TW", "HK") else "ZH-HANS"
        else:
            code = base
        if code not in self.TARGETS:
            raise self.unsupported(lang, role, self.TARGETS)
        return code

    def client(self) -> Any:
        import deepl

        with self._client_lock:
            if self._client is None:
                # The client has its own transport: locpipe's runner retries its
                # failures (RetryableError) under the same policy and owns the timeouts.
                deepl.http_client.max_network_retries = 0
                deepl.http_client.min_connection_timeout = self.limits.timeout
                self._client = deepl.Translator(
                    self.secret("DEEPL_API_KEY") or "",
                    server_url=self.url or None,
                    send_platform_info=False,
                )
            return self._client

    def send(self, texts: list[str], source: str, target: str, timeout: float) -> list[str]:
        import deepl

        options: dict[str, Any] = {}
        if self.engine_options.get("formality"):
            options["formality"] = self.engine_options["formality"]
        try:
            results = self.client().translate_text(
                texts,
                source_lang=source,
                target_lang=target,
                tag_handling="xml",
                ignore_tags=["x"],
                **options,
            )
        except deepl.TooManyRequestsException as exc:
            raise RetryableError("HTTP 429: too many requests", status=429) from exc
        except deepl.QuotaExceededException as exc:
            raise EngineError("quota exceeded", status=456) from exc
        except deepl.AuthorizationException as exc:
            raise EngineError("authorization failed: check DEEPL_API_KEY", status=403) from exc
        except deepl.ConnectionException as exc:
            raise RetryableError(f"connection failed: {exc}") from exc
        except deepl.DeepLException as exc:
            status = getattr(exc, "http_status_code", None)
            if status is not None:
                raise status_error(status, str(exc), retryable=True) from exc
            if isinstance(exc.__cause__, json.JSONDecodeError) or "JSON" in str(exc):
                raise RetryableError("malformed JSON in the response") from exc
            raise RetryableError(f"deepl error: {exc}") from exc
        if not isinstance(results, list):
            results = [results]
        return [r.text for r in results]

    def close(self) -> None:
        client, self._client = self._client, None
        if client is not None:
            client.close()
        super().close()
