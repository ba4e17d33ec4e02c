"""The ``[mt]`` table of ``locpipe.toml``, validated.

```toml
[mt]
cache = true          # SQLite cache under .locpipe-cache/ (never pay twice)
memory = true         # reuse reviewed translations (exact units)
sentences = true      # sentence-level memory (pysbd)
timeout = 20          # seconds per HTTP request (connect and read)
deadline = 900        # seconds for all the requests of one run
max_in_flight = 4     # requests at the same time
rate_limit = 5        # requests per second (0: unlimited)
retries = 4           # extra attempts after a timeout, 429 or 5xx
backoff = 0.5         # first retry delay in seconds (doubles, with jitter)
max_backoff = 30      # longest wait between attempts (also caps Retry-After)

[mt.libre]            # per engine: any key above, plus the engine's own
url = "http://localhost:5000"
batch_units = 50
batch_chars = 20000

[mt.ctranslate2]      # a table of strings: one model directory per language pair
models = { "it-en" = "models/opus-mt-it-en" }
```

Credentials are never read from here: see :mod:`locpipe.mt.online`.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, fields, replace
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from locpipe.errors import LocpipeError

_SECRET_WORDS = ("key", "token", "secret", "password", "auth")


@dataclass(frozen=True)
class Limits:
    """How locpipe talks to an online engine."""

    timeout: float = 20.0
    deadline: float = 900.0
    max_in_flight: int = 4
    rate_limit: float = 5.0
    retries: int = 4
    backoff: float = 0.5
    max_backoff: float = 30.0
    batch_units: int = 50
    batch_chars: int = 20000


@dataclass(frozen=True)
class MTSettings:
    """Engine-independent switches plus the raw per-engine tables."""

    cache: bool = True
    memory: bool = True
    sentences: bool = True
    #: Limit values given in ``[mt]`` (they apply to every engine).
    limits: Mapping[str, Any] | None = None
    engines: Mapping[str, Mapping[str, Any]] | None = None
    #: The folder of locpipe.toml: relative paths in ``[mt.NAME]`` start there.
    root: Path | None = None

    def engine(self, name: str) -> dict[str, Any]:
        return dict((self.engines or {}).get(name, {}))

    def limits_for(self, name: str, defaults: Limits | None = None) -> Limits:
        """The limits of one engine: its defaults, the ``[mt]`` values, then ``[mt.NAME]``."""
        overrides = dict(self.limits or {})
        overrides.update({k: v for k, v in self.engine(name).items() if k in _LIMIT_KEYS})
        return replace(defaults or Limits(), **overrides)


_LIMIT_KEYS = {f.name: f.type for f in fields(Limits)}
_SWITCHES = ("cache", "memory", "sentences")
#: Engine-specific keys allowed in ``[mt.NAME]`` besides the limits.
ENGINE_KEYS = {"url", "region", "formality", "model", "email"}
#: Engine-specific keys whose value is a table of strings (``models = { "it-en" = "…" }``).
ENGINE_TABLES = {"models"}


def url_problem(url: str) -> str | None:
    """Why an engine base URL is refused, or None.

    The URL is part of the engine's description, which is written into every
    ``# machine translation:`` comment, exported XLIFF and the MT cache: it must
    carry no credentials (``user:pass@``), and no query or fragment
    (``?api_key=…``); keys come from environment variables.
    """
    try:
        parts = urlsplit(url)
        parts.port  # noqa: B018 - raises on a bad port
    except ValueError:
        return "is not a valid URL"
    if parts.scheme not in ("http", "https") or not parts.hostname:
        return "must be an http:// or https:// URL with a host"
    if parts.username is not None or parts.password is not None or "@" in parts.netloc:
        return (
            "must not hold credentials (user:password@): the URL is written into catalogs, "
            "exported XLIFF and the cache; keys are read from environment variables only"
        )
    if parts.query or parts.fragment or "?" in url or "#" in url:
        return (
            "must not have a query or fragment (?api_key=…): the URL is written into "
            "catalogs, exported XLIFF and the cache; keys are read from environment variables only"
        )
    return None


def _line(config_path: Path | None, key: str) -> int | None:
    if config_path is None:
        return None
    try:
        text = config_path.read_text(encoding="utf-8")
    except OSError:
        return None
    match = re.search(rf"^[ \t]*{re.escape(key)}[ \t]*=", text, re.MULTILINE)
    return text.count("\n", 0, match.start()) + 1 if match else None


def _number(value: Any, key: str, kind: Any, path: Path | None) -> Any:
    line = _line(path, key.split(".")[-1])
    if isinstance(value, bool) or not isinstance(value, int | float) or value < 0:
        raise LocpipeError(f"mt.{key} must be a number >= 0", path, line)
    if kind is int or kind == "int":
        if int(value) != value:
            raise LocpipeError(f"mt.{key} must be an integer", path, line)
        return int(value)
    return float(value)


def parse_settings(raw: Mapping[str, Any] | None, path: Path | None = None) -> MTSettings:
    """Validate the raw ``[mt]`` table; errors name the file and line."""
    raw = dict(raw or {})
    switches: dict[str, bool] = {}
    limits: dict[str, Any] = {}
    engines: dict[str, dict[str, Any]] = {}
    for key, value in raw.items():
        if key in _SWITCHES:
            if not isinstance(value, bool):
                raise LocpipeError(f"mt.{key} must be true or false", path, _line(path, key))
            switches[key] = value
        elif key in _LIMIT_KEYS:
            limits[key] = _number(value, key, _LIMIT_KEYS[key], path)
        elif isinstance(value, dict):
            table: dict[str, Any] = {}
            for sub, subvalue in value.items():
                if any(word in sub.lower() for word in _SECRET_WORDS):
                    raise LocpipeError(
                        f"mt.{key}.{sub}: credentials are read from environment variables "
                        "only, never from the configuration file (see `locpipe backends`)",
                        path,
                        _line(path, sub),
                    )
                if sub in _LIMIT_KEYS:
                    table[sub] = _number(subvalue, f"{key}.{sub}", _LIMIT_KEYS[sub], path)
                elif sub in ENGINE_KEYS:
                    if not isinstance(subvalue, str):
                        raise LocpipeError(
                            f"mt.{key}.{sub} must be a string", path, _line(path, sub)
                        )
                    problem = url_problem(subvalue) if sub == "url" else None
                    if problem is not None:
                        raise LocpipeError(f"mt.{key}.url {problem}", path, _line(path, sub))
                    table[sub] = subvalue
                elif sub in ENGINE_TABLES:
                    if not isinstance(subvalue, dict) or not all(
                        isinstance(v, str) for v in subvalue.values()
                    ):
                        raise LocpipeError(
                            f"mt.{key}.{sub} must be a table of strings", path, _line(path, sub)
                        )
                    table[sub] = dict(subvalue)
                else:
                    known = ", ".join(sorted({*_LIMIT_KEYS, *ENGINE_KEYS, *ENGINE_TABLES}))
                    raise LocpipeError(
                        f"unknown key 'mt.{key}.{sub}'; known keys: {known}", path, _line(path, sub)
                    )
            engines[key] = table
        else:
            known = ", ".join(sorted({*_SWITCHES, *_LIMIT_KEYS}))
            raise LocpipeError(
                f"unknown key 'mt.{key}'; known keys: {known} and [mt.ENGINE] tables",
                path,
                _line(path, key),
            )
    for key in ("max_in_flight", "batch_units", "batch_chars"):
        if limits.get(key) == 0:
            raise LocpipeError(f"mt.{key} must be at least 1", path, _line(path, key))
    root = path.parent if path is not None else None
    return MTSettings(limits=limits, engines=engines, root=root, **switches)
