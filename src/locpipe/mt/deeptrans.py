"""The base of engines reached through deep-translator, one request per text.

deep-translator scrapes or calls engines that have no better Python client
(:mod:`locpipe.mt.google`, :mod:`locpipe.mt.mymemory`).  Texts travel as plain
text with protected items as ``⟦N⟧``.

deep-translator calls ``requests.get`` from its modules and takes no session.
For the length of one call, and only then, the engine's module sees the
backend's session (pooled connections, urllib3 retries, locpipe's timeout)
as its ``requests``: :func:`_through` swaps the module attribute under a
process-wide lock and puts the real module back afterwards.  The lock makes
the swap thread-safe and serialises these engines' requests: one in flight
at a time, whatever ``max_in_flight`` says (their rate limit of 2 per second
is the tighter bound anyway).
"""

from __future__ import annotations

import contextlib
import importlib
import threading
from collections.abc import Iterator
from typing import TYPE_CHECKING, Any, ClassVar

from locpipe.mt.http import EngineError, RetryableError, status_error
from locpipe.mt.online import OnlineBackend, base_code
from locpipe.mt.settings import Limits

if TYPE_CHECKING:
    import requests

#: Held while a deep-translator module sees a session instead of ``requests``.
_SWAP_LOCK = threading.Lock()


class _SessionCalls:
    """What a deep-translator module calls ``requests`` during one call."""

    def __init__(self, session: requests.Session, timeout: float) -> None:
        self.session = session
        self.timeout = timeout
        #: The last answer (its status says why deep-translator gave up).
        self.response: requests.Response | None = None

    def get(self, url: str, **kwargs: Any) -> requests.Response:
        kwargs.setdefault("timeout", self.timeout)
        self.response = self.session.get(url, **kwargs)
        return self.response

    def post(self, url: str, **kwargs: Any) -> requests.Response:
        kwargs.setdefault("timeout", self.timeout)
        self.response = self.session.post(url, **kwargs)
        return self.response


@contextlib.contextmanager
def _through(module: Any, calls: _SessionCalls) -> Iterator[None]:
    """``module.requests`` is ``calls`` inside the block (one thread at a time)."""
    with _SWAP_LOCK:
        original = module.requests
        module.requests = calls
        try:
            yield
        finally:
            module.requests = original


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
        """deep-translator's translator for the pair."""
        module = importlib.import_module(f"deep_translator.{self.module}")
        return getattr(module, self.translator)(source=source, target=target, **self.extra())

    def extra(self) -> dict[str, Any]:
        return {}

    def send(self, texts: list[str], source: str, target: str, timeout: float) -> list[str]:
        import requests
        from deep_translator import exceptions as dt

        from locpipe.mt.session import transport_error

        module = importlib.import_module(f"deep_translator.{self.module}")
        calls = _SessionCalls(self.session, timeout)
        out = []
        for text in texts:
            try:
                with _through(module, calls):
                    result = self.make(source, target).translate(text)
            except EngineError:  # the deadline, met while waiting for a retry
                raise
            except requests.JSONDecodeError as exc:  # (a RequestException too)
                raise RetryableError("malformed response") from exc
            except requests.RequestException as exc:
                raise transport_error(exc, timeout) from exc
            except (dt.TooManyRequests, dt.RequestError, dt.ServerException) as exc:
                status = calls.response.status_code if calls.response is not None else 503
                raise status_error(status, type(exc).__name__) from exc
            except ValueError as exc:  # JSON decoding
                raise RetryableError("malformed response") from exc
            except (dt.NotValidLength, dt.NotValidPayload) as exc:
                raise EngineError(f"{self.name} refuses this text ({type(exc).__name__})") from exc
            except (dt.TranslationNotFound, AttributeError, KeyError, TypeError) as exc:
                name = type(exc).__name__
                raise RetryableError(f"no translation in the response ({name})") from exc
            if not isinstance(result, str):
                raise RetryableError("no translation in the response")
            out.append(result)
        return out
