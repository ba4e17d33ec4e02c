"""Online engines: official batch APIs where they exist, deep-translator for the rest.

=============  ===========================================  =====================  ==========
backend        how locpipe calls it                         credentials (env)      batch
=============  ===========================================  =====================  ==========
``deepl``      official ``deepl`` package, XML tag handling ``DEEPL_API_KEY``      50 texts
``libre``      LibreTranslate API directly (JSON, ``q``     ``LIBRE_API_KEY``      50 texts
               list, ``format=html``), ``[mt.libre] url``   (optional)
``microsoft``  Translator REST API v3 directly (HTML text)  ``MICROSOFT_API_KEY``  100 texts
                                                            (+ ``MICROSOFT_REGION``)
``google``     deep-translator: **scrapes** the public      none                   1 text
               translate.google.com page (no official API)
``mymemory``   deep-translator: MyMemory's free API         ``MYMEMORY_EMAIL``     1 text
                                                            (optional, more quota)
=============  ===========================================  =====================  ==========

Why not deep-translator for everything: its requests have no timeout, its
``translate_batch`` sends one request per text, its LibreTranslate client
demands a key even for a self-hosted server and puts the text in the URL,
and its DeepL client sends the key in the URL.  locpipe keeps it for the
engines that have no better client, and puts its own timeouts around it (its
module-level ``requests`` is replaced by a shim that adds locpipe's timeout
and remembers the response for ``Retry-After``).

Every request goes through :class:`~locpipe.mt.http.RequestRunner` (timeouts,
deadline, in-flight bound, rate limit, retries).  Before the engine, each
text is masked (:mod:`locpipe.mt.protect`): items travel as ``<x id="N"/>``
elements to engines that handle markup (DeepL, LibreTranslate, Microsoft) and
as ``⟦N⟧`` to plain-text ones.  When an output fails verification, one
fallback translates the text runs between the protected items separately
(nothing to mangle); when that fails too, the text stays untranslated.
Credentials come from environment variables only and are removed from every
error message (:func:`~locpipe.mt.http.redact`).
"""

from __future__ import annotations

import html
import importlib.util
import json
import os
import re
import threading
from collections.abc import Mapping, Sequence
from typing import Any, ClassVar

import requests

from locpipe.errors import LocpipeError
from locpipe.mt.base import VERIFICATION_FAILED, Backend, Outcome
from locpipe.mt.http import (
    EngineError,
    RequestRunner,
    TransientError,
    redact,
    status_error,
)
from locpipe.mt.protect import PUA_TOKENS, Item, Masked, restore
from locpipe.mt.settings import Limits, MTSettings, url_problem
from locpipe.units import has_letter

_XML_TOKEN_RE = re.compile(r"<x\s+id\s*=\s*[\"'](\d+)[\"']\s*(?:/>|>\s*</x\s*>)", re.I)
_PLAIN_TOKEN_RE = re.compile(r"⟦\s*(\d+)\s*⟧")
#: Statuses that stop the run: bad credentials, spent quota.
FATAL_STATUSES = (401, 403, 456)


def _base(lang: str) -> str:
    return lang.split("_")[0].lower()


def _script_or_region(lang: str) -> str:
    return lang.split("_", 1)[1] if "_" in lang else ""


class OnlineBackend(Backend):
    """Shared machinery: limits, credentials, masking, batching, fallback."""

    #: ``(environment variable, required)``.
    env: ClassVar[tuple[tuple[str, bool], ...]] = ()
    #: "official API" or "scraped web page".
    kind: ClassVar[str] = "official API"
    #: Python package the engine needs (checked by ``locpipe backends``).
    package: ClassVar[str | None] = None
    markup: ClassVar[bool] = True  # items as <x id="N"/>, text HTML-escaped
    default_limits: ClassVar[Limits] = Limits()
    default_url: ClassVar[str | None] = None

    def __init__(
        self,
        *,
        do_not_translate: Sequence[str] = (),
        options: Mapping[str, object] | None = None,
        glossary: Mapping[str, Mapping[str, str]] | None = None,
    ) -> None:
        super().__init__(do_not_translate=do_not_translate, options=options, glossary=glossary)
        if self.package is not None and importlib.util.find_spec(self.package) is None:
            raise LocpipeError(
                f"{self.name}: python package {self.package!r} is not installed"
                " (pip install 'locpipe[online]')"
            )
        settings = self.options.get("mt")
        if not isinstance(settings, MTSettings):
            settings = MTSettings()
        self.settings = settings
        self.engine_options = settings.engine(self.name)
        self.limits = settings.limits_for(self.name, self.default_limits)
        self.url = str(self.engine_options.get("url") or self.default_url or "").rstrip("/")
        problem = url_problem(self.url) if self.url else None
        if problem is not None:  # also when the options did not come from locpipe.toml
            raise LocpipeError(f"{self.name}: the engine URL {problem}")
        self.runner = RequestRunner(self.limits)
        self.requests_sent = 0

    # credentials and languages ------------------------------------------------

    @classmethod
    def availability(cls) -> tuple[bool, str]:
        """(usable now, why not / what it uses)."""
        if cls.package is not None:
            try:
                __import__(cls.package)
            except ImportError:
                return False, f"python package {cls.package!r} is not installed"
        missing = [var for var, required in cls.env if required and not os.environ.get(var)]
        if missing:
            return False, "set the environment variable " + " and ".join(missing)
        return True, "ready"

    def secret(self, var: str) -> str | None:
        value = os.environ.get(var, "").strip()
        return value or None

    @property
    def secrets(self) -> list[str]:
        return [os.environ.get(var, "") for var, _ in self.env if os.environ.get(var)]

    def require_credentials(self) -> None:
        for var, required in self.env:
            if required and not self.secret(var):
                raise LocpipeError(
                    f"{self.name}: set the environment variable {var} "
                    "(credentials are never read from locpipe.toml)"
                )

    def code(self, lang: str, role: str) -> str:
        """The engine's code for a Babel code; LocpipeError when unsupported."""
        raise NotImplementedError

    def check_pair(self, source: str, target: str) -> None:
        self.require_credentials()
        self.code(source, "source")
        self.code(target, "target")

    def describe(self, source: str, target: str) -> str:
        return self.name

    def unsupported(self, lang: str, role: str, known: Sequence[str]) -> LocpipeError:
        sample = ", ".join(sorted(known)[:40])
        return LocpipeError(
            f"{self.name} does not support {lang!r} as a {role} language (its codes: {sample}…)"
        )

    # one request --------------------------------------------------------------

    def send(self, texts: list[str], source: str, target: str, timeout: float) -> list[str]:
        """Translate texts (engine codes) in one request; EngineError on failure."""
        raise NotImplementedError

    def _post(self, url: str, timeout: float, **kwargs: Any) -> Any:
        """POST, then JSON; status and malformed bodies mapped to EngineError."""
        try:
            response = requests.post(url, timeout=timeout, **kwargs)
        except requests.Timeout as exc:
            raise TransientError(f"timed out after {timeout:g} s") from exc
        except requests.RequestException as exc:
            raise TransientError(f"connection failed: {type(exc).__name__}") from exc
        with response:
            if response.status_code != 200:
                raise status_error(
                    response.status_code,
                    _error_text(response),
                    response.headers.get("Retry-After"),
                )
            try:
                return response.json()
            except ValueError as exc:
                raise TransientError("malformed JSON in the response") from exc

    # masking ----------------------------------------------------------------

    def render(self, masked: Masked) -> str:
        if self.markup:
            return masked.render(lambda item: f'<x id="{item.index}"/>', _escape)
        return masked.render(lambda item: f"⟦{item.index}⟧")

    def decode(self, masked: Masked, output: str) -> str | None:
        if self.markup:
            output = _XML_TOKEN_RE.sub(lambda m: PUA_TOKENS.token(_index(m)), output)
            output = html.unescape(output)
        else:
            output = _PLAIN_TOKEN_RE.sub(lambda m: PUA_TOKENS.token(_index(m)), output)
        return restore(masked, output, PUA_TOKENS.pattern)

    # translation --------------------------------------------------------------

    def translate(self, texts: Sequence[str], source: str, target: str) -> list[str | None]:
        return [o.text for o in self.translate_outcomes(texts, source, target)]

    def translate_outcomes(self, texts: Sequence[str], source: str, target: str) -> list[Outcome]:
        if not texts:
            return []
        self.check_pair(source, target)
        src, tgt = self.code(source, "source"), self.code(target, "target")
        masked = [self.protector.mask(text, target) for text in texts]
        outcomes: list[Outcome | None] = [None] * len(texts)
        todo: list[int] = []
        for i, m in enumerate(masked):
            if not has_letter("".join(p for p in m.pieces if isinstance(p, str))):
                outcomes[i] = Outcome(m.expected)  # nothing to translate
            else:
                todo.append(i)
        rendered = {i: self.render(masked[i]).strip() for i in todo}
        results = self._run(rendered, src, tgt)
        for result in results.values():
            if isinstance(result, EngineError) and result.status in FATAL_STATUSES:
                # No point sending the rest: the key is wrong or the quota is spent.
                raise LocpipeError(f"{self.name}: {redact(str(result), self.secrets)}")
        retry: list[int] = []
        for i in todo:
            result = results[i]
            if isinstance(result, EngineError):
                outcomes[i] = self._failure(result)
                continue
            restored = self.decode(masked[i], result)
            if restored is None:
                retry.append(i)
            else:
                outcomes[i] = Outcome(_keep_space(masked[i].source, restored))
        fallback = self._fallback([masked[i] for i in retry], src, tgt)
        for i, outcome in zip(retry, fallback, strict=True):
            outcomes[i] = outcome
        return [o if o is not None else Outcome(None, VERIFICATION_FAILED) for o in outcomes]

    def _failure(self, error: EngineError) -> Outcome:
        return Outcome(
            None, f"{self.name}: {redact(str(error), self.secrets)}", transient=error.transient
        )

    def _run(self, rendered: Mapping[int, str], src: str, tgt: str) -> dict[int, str | EngineError]:
        """index → output text or EngineError, through batches within the limits."""
        batches: list[list[int]] = []
        chars = 0
        for i, text in rendered.items():
            if (
                not batches
                or len(batches[-1]) >= self.limits.batch_units
                or chars + len(text) > self.limits.batch_chars
            ):
                batches.append([])
                chars = 0
            batches[-1].append(i)
            chars += len(text)

        def request(batch: list[int], timeout: float) -> list[str]:
            self.requests_sent += 1
            out = self.send([rendered[i] for i in batch], src, tgt, timeout)
            if len(out) != len(batch) or not all(isinstance(t, str) for t in out):
                raise TransientError(
                    f"malformed response: {len(out)} translations for {len(batch)} texts"
                )
            return out

        results: dict[int, str | EngineError] = {}
        for batch, out in zip(batches, self.runner.map(request, batches), strict=True):
            for position, i in enumerate(batch):
                results[i] = out if isinstance(out, EngineError) else out[position]
        return results

    def _fallback(self, masked: list[Masked], src: str, tgt: str) -> list[Outcome]:
        """Translate the text runs between protected items separately, then verify."""
        if not masked:
            return []
        units = [m.text_runs() for m in masked]
        flat = [run for unit in units for run in unit]
        escaped = {k: _escape(v) if self.markup else v for k, v in enumerate(flat)}
        results = self._run(escaped, src, tgt)
        outcomes = []
        position = 0
        for m, unit in zip(masked, units, strict=True):
            outs = [results[k] for k in range(position, position + len(unit))]
            position += len(unit)
            error = next((out for out in outs if isinstance(out, EngineError)), None)
            if error is not None:
                outcomes.append(self._failure(error))
                continue
            runs = [out for out in outs if isinstance(out, str)]  # no EngineError left here
            texts = [html.unescape(out) if self.markup else out for out in runs]
            # a token out of nowhere empties the run: it fails verification below
            texts = ["" if "\ue000" in text else text for text in texts]
            restored = restore(m, m.with_runs(texts, PUA_TOKENS.token), PUA_TOKENS.pattern)
            if restored is None or not restored.strip() or not all(t.strip() for t in texts):
                # (an empty run: its words were lost, or the engine left it out)
                outcomes.append(Outcome(None, f"{VERIFICATION_FAILED} (also after the fallback)"))
            else:
                outcomes.append(Outcome(_keep_space(m.source, restored)))
        return outcomes


def _index(match: re.Match[str]) -> Item:
    return Item(int(match.group(1)), "tag", "")


def _escape(text: str) -> str:
    return html.escape(text, quote=False)


def _keep_space(source: str, restored: str) -> str:
    lead = source[: len(source) - len(source.lstrip())]
    trail = source[len(source.rstrip()) :]
    return lead + restored.strip() + trail


def _error_text(response: requests.Response) -> str:
    try:
        data = response.json()
    except ValueError:
        return response.reason or "error"
    if isinstance(data, dict):
        error = data.get("error") or data.get("message")
        if isinstance(error, dict):
            error = error.get("message")
        if error:
            return str(error)[:200]
    return response.reason or "error"


# --------------------------------------------------------------------------- engines


class LibreBackend(OnlineBackend):
    """LibreTranslate (self-hosted or libretranslate.com), its API called directly."""

    name = "libre"
    env = (("LIBRE_API_KEY", False),)
    default_url = "https://libretranslate.com"
    default_limits = Limits(batch_units=50, batch_chars=20000)
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
        base, extra = _base(lang), _script_or_region(lang)
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
            raise TransientError("malformed response: no translatedText list")
        return out


class MicrosoftBackend(OnlineBackend):
    """Azure AI Translator, REST API v3 called directly (batches, HTML text type)."""

    name = "microsoft"
    env = (("MICROSOFT_API_KEY", True), ("MICROSOFT_REGION", False))
    default_url = "https://api.cognitive.microsofttranslator.com"
    default_limits = Limits(batch_units=100, batch_chars=40000)
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
        base, extra = _base(lang), _script_or_region(lang)
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
            raise TransientError("malformed response from microsoft") from exc


class DeepLBackend(OnlineBackend):
    """DeepL through its official ``deepl`` package: text lists, XML tag handling."""

    name = "deepl"
    env = (("DEEPL_API_KEY", True),)
    package = "deepl"
    default_limits = Limits(batch_units=50, batch_chars=100000)
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
        base, extra = _base(lang).upper(), _script_or_region(lang).upper()
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
                # locpipe's runner owns retries and timeouts, not the client library.
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
            raise TransientError("HTTP 429: too many requests", status=429) from exc
        except deepl.QuotaExceededException as exc:
            raise EngineError("quota exceeded", status=456) from exc
        except deepl.AuthorizationException as exc:
            raise EngineError("authorization failed: check DEEPL_API_KEY", status=403) from exc
        except deepl.ConnectionException as exc:
            raise TransientError(f"connection failed: {exc}") from exc
        except deepl.DeepLException as exc:
            status = getattr(exc, "http_status_code", None)
            if status is not None:
                raise status_error(status, str(exc)) from exc
            if isinstance(exc.__cause__, json.JSONDecodeError) or "JSON" in str(exc):
                raise TransientError("malformed JSON in the response") from exc
            raise TransientError(f"deepl error: {exc}") from exc
        if not isinstance(results, list):
            results = [results]
        return [r.text for r in results]

    def close(self) -> None:
        client, self._client = self._client, None
        if client is not None:
            client.close()


# --------------------------------------------------------------------------- deep-translator


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
        for key in (lang, lang.replace("_", "-"), _base(lang)):
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


class MyMemoryBackend(DeepTranslatorBackend):
    """MyMemory's free API through deep-translator (500 characters per text)."""

    name = "mymemory"
    env = (("MYMEMORY_EMAIL", False),)
    module = "mymemory"
    translator = "MyMemoryTranslator"
    default_limits = Limits(batch_units=1, batch_chars=500, max_in_flight=2, rate_limit=2)

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
        email = self.secret("MYMEMORY_EMAIL")
        return {"email": email} if email else {}


#: Online backends by name.
ONLINE_BACKENDS: dict[str, type[OnlineBackend]] = {
    cls.name: cls
    for cls in (DeepLBackend, LibreBackend, MicrosoftBackend, GoogleBackend, MyMemoryBackend)
}
