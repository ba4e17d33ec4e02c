"""The shared machinery of online engines: :class:`OnlineBackend`.

Each engine is its own module, registered in :data:`locpipe.mt.BACKEND_CLASSES`:

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
engines that have no better client (:mod:`locpipe.mt.deeptrans`).

An engine subclasses :class:`OnlineBackend`, declares its ``[mt.NAME]`` keys
in ``config_options`` (the limits of :class:`~locpipe.mt.settings.Limits` are
inherited from here), maps language codes (:meth:`~OnlineBackend.code`) and
sends one batch (:meth:`~OnlineBackend.send`).  Every request goes through
:class:`~locpipe.mt.http.RequestRunner` (timeouts, deadline, in-flight bound,
rate limit, retries).  Before the engine, each text is masked
(:mod:`locpipe.mt.protect`): items travel as ``<x id="N"/>`` elements to
engines that handle markup (DeepL, LibreTranslate, Microsoft) and as ``⟦N⟧``
to plain-text ones.  When an output fails verification, one fallback
translates the text runs between the protected items separately (nothing to
mangle); when that fails too, the text stays untranslated.  Credentials come
from environment variables only and are removed from every error message
(:func:`~locpipe.mt.http.redact`).
"""

from __future__ import annotations

import html
import importlib.util
import os
import re
import threading
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any, ClassVar

from locpipe.errors import LocpipeError
from locpipe.mt.base import VERIFICATION_FAILED, Backend, Outcome
from locpipe.mt.http import (
    EngineError,
    RequestRunner,
    RetryableError,
    redact,
    status_error,
)
from locpipe.mt.protect import PUA_TOKENS, Item, Masked, restore
from locpipe.mt.settings import LIMIT_OPTIONS, Limits, MTSettings, url_problem
from locpipe.units import has_letter

if TYPE_CHECKING:
    import requests

_XML_TOKEN_RE = re.compile(r"<x\s+id\s*=\s*[\"'](\d+)[\"']\s*(?:/>|>\s*</x\s*>)", re.I)
_PLAIN_TOKEN_RE = re.compile(r"⟦\s*(\d+)\s*⟧")
#: Statuses that stop the run: bad credentials, spent quota.
FATAL_STATUSES = (401, 403, 456)


def base_code(lang: str) -> str:
    """The language of a Babel code, lower-case (``pt_BR`` → ``pt``)."""
    return lang.split("_")[0].lower()


def script_or_region(lang: str) -> str:
    """What follows the language in a Babel code (``zh_Hant`` → ``Hant``), or ``""``."""
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
    #: Every online engine takes the limits (timeout, retries…) in ``[mt.NAME]``.
    config_options = LIMIT_OPTIONS

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
        self.limits = settings.limits_for(self.name, self.default_limits)
        self.url = str(self.engine_options.get("url") or self.default_url or "").rstrip("/")
        problem = url_problem(self.url) if self.url else None
        if problem is not None:  # also when the options did not come from locpipe.toml
            raise LocpipeError(f"{self.name}: the engine URL {problem}")
        self.runner = RequestRunner(self.limits)
        self.requests_sent = 0
        self._session: requests.Session | None = None
        self._session_lock = threading.Lock()

    @property
    def session(self) -> requests.Session:
        """This backend's HTTP session (pooled connections, urllib3 retries), made on first use."""
        with self._session_lock:
            if self._session is None:
                from locpipe.mt.session import make_session

                self._session = make_session(self.limits, self.runner)
            return self._session

    def close(self) -> None:
        """Close the pooled connections; a later request opens new ones."""
        with self._session_lock:
            session, self._session = self._session, None
        if session is not None:
            session.close()

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
        """POST through the session, then JSON; failures mapped to EngineError.

        Timeouts, connection errors, 408/429/5xx were retried by the session
        already: what comes out is final for this call, except a malformed
        body (:class:`~locpipe.mt.http.RetryableError`, the runner retries it)."""
        import requests

        from locpipe.mt.session import transport_error

        try:
            response = self.session.post(url, timeout=timeout, **kwargs)
        except requests.RequestException as exc:
            raise transport_error(exc, timeout) from exc
        with response:
            if response.status_code != 200:
                raise status_error(response.status_code, _error_text(response))
            try:
                return response.json()
            except ValueError as exc:
                raise RetryableError("malformed JSON in the response") from exc

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
                raise RetryableError(
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
