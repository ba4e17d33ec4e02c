"""The base of engines reached through deep-translator, one request per text.

deep-translator scrapes or calls engines that have no better Python client
(:mod:`locpipe.mt.google`, :mod:`locpipe.mt.mymemory`).  Texts travel as plain
text with protected items as ``⟦N⟧``.
"""

from __future__ import annotations

import threading
from typing import Any, ClassVar

import requests

from locpipe.mt.http import EngineError, TransientError, status_error
from locpipe.mt.online import OnlineBackend, base_code
from locpipe.mt.settings import Limits


class _RequestsShim:
    """Stands in for ``requests`` inside deep-translator's modules.

    Adds locpipe's timeout (per thread) to every call and remembers the last
    response, so that a 429's ``Retry-After`` and a 5xx status are not lost.
    """

    def __init__(self) -> None:
        self.local = threading.local()

    def __getattr__(self, name: str) -> Any:
        return getattr(requests, name)

    def _call(self, method: str, url: str, **kwargs: Any) -> requests.Response:
        kwargs.setdefault("timeout", getattr(self.local, "timeout", 30.0))
        response = requests.request(method, url, **kwargs)
        self.local.response = response
        return response

    def get(self, url: str, **kwargs: Any) -> requests.Response:
        return self._call("GET", url, **kwargs)

    def post(self, url: str, **kwargs: Any) -> requests.Response:
        return self._call("POST", url, **kwargs)


SHIM = _RequestsShim()


class DeepTranslatorBackend(OnlineBackend):
    """An engine reached through deep-translator, one request per text."""

    markup = False
    package = "deep_translator"
    module: ClassVar[str] = ""
    translator: ClassVar[str] = ""
    default_limits = Limits(batch_units=1, max_in_flight=2, rate_limit=2)

    def languages(self) -> dict[str, str]:
        """Babel base code → engine code."""
        raise NotImplementedError

    def code(self, lang: str, role: str) -> str:
        table = self.languages()
        for key in (lang, lang.replace("_", "-"), base_code(lang)):
            if key in table:
                return table[key]
        raise self.unsupported(lang, role, sorted(set(table)))

    def make(self, source: str, target: str) -> Any:
        import importlib

        module = importlib.import_module(f"deep_translator.{self.module}")
        module.requests = SHIM  # type: ignore[attr-defined]
        return getattr(module, self.translator)(source=source, target=target, **self.extra())

    def extra(self) -> dict[str, Any]:
        return {}

    def send(self, texts: list[str], source: str, target: str, timeout: float) -> list[str]:
        from deep_translator import exceptions as dt

        SHIM.local.timeout = timeout
        SHIM.local.response = None
        out = []
        for text in texts:
            try:
                result = self.make(source, target).translate(text)
            except requests.Timeout as exc:
                raise TransientError(f"timed out after {timeout:g} s") from exc
            except requests.RequestException as exc:
                raise TransientError(f"connection failed: {type(exc).__name__}") from exc
            except (dt.TooManyRequests, dt.RequestError, dt.ServerException) as exc:
                response = SHIM.local.response
                status = response.status_code if response is not None else 503
                retry_after = response.headers.get("Retry-After") if response is not None else None
                raise status_error(status, type(exc).__name__, retry_after) from exc
            except ValueError as exc:  # JSON decoding
                raise TransientError("malformed response") from exc
            except (dt.NotValidLength, dt.NotValidPayload) as exc:
                raise EngineError(f"{self.name} refuses this text ({type(exc).__name__})") from exc
            except (dt.TranslationNotFound, AttributeError, KeyError, TypeError) as exc:
                name = type(exc).__name__
                raise TransientError(f"no translation in the response ({name})") from exc
            if not isinstance(result, str):
                raise TransientError("no translation in the response")
            out.append(result)
        return out
