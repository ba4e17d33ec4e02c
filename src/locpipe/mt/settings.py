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
retries = 4           # extra attempts after a timeout, 408, 429 or 5xx (urllib3's Retry)
backoff = 0.5         # retry n waits backoff × 2^(n-1) + jitter (the first at once)
max_backoff = 30      # longest wait between attempts (also caps Retry-After)

[mt.libre]            # per engine: any key above, plus the engine's own
url = "http://localhost:5000"
batch_units = 50
batch_chars = 20000

[mt.ctranslate2]      # a table of strings: one model directory per language pair
models = { "it-en" = "models/opus-mt-it-en" }

[mt.apertium]         # (or the older top-level [apertium] table)
chains = { en = ["ita-cat", "cat-eng"] }
```

The keys of ``[mt.NAME]`` are those engine ``NAME`` declares
(:meth:`~locpipe.mt.base.Backend.known_options`, its ``config_options`` and
its bases'); an online engine inherits the limits.  Credentials are never
read from here: see :mod:`locpipe.mt.online`.
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
#: The limit keys as engine options: every online engine accepts them in ``[mt.NAME]``.
LIMIT_OPTIONS: dict[str, type] = {
    name: int if kind in (int, "int") else float for name, kind in _LIMIT_KEYS.items()
}


class URL(str):
    """Option kind: an engine base URL (http or https, no credentials, no query)."""


class Table(dict):
    """Option kind: a table of strings (``models = { "it-en" = "models/it-en" }``)."""


class Chains(dict):
    """Option kind: target language → a list of strings (Apertium mode chains)."""


#: What each option kind must be, for error messages.
_WANTED = {
    str: "a string",
    URL: "a string",
    Table: "a table of strings",
    Chains: "a table of lists of strings",
}


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


def _header_line(config_path: Path | None, table: str) -> int | None:
    """The line of ``[table]`` (or of ``table =``) in the configuration, for errors."""
    if config_path is None:
        return None
    try:
        text = config_path.read_text(encoding="utf-8")
    except OSError:
        return None
    dotted = r"[ \t]*\.[ \t]*".join(re.escape(part) for part in table.split("."))
    match = re.search(rf"^[ \t]*\[[ \t]*{dotted}[ \t]*\]", text, re.MULTILINE)
    return text.count("\n", 0, match.start()) + 1 if match else _line(config_path, table)


def _option(kind: Any, value: Any, where: str, path: Path | None, line: int | None) -> Any:
    """``value`` checked against an option kind (see :class:`URL`, :class:`Table`…)."""
    if kind in (int, float):
        return _number(value, where.removeprefix("mt."), kind, path)
    wanted = _WANTED.get(kind)
    if wanted is None:
        raise TypeError(f"{where}: unknown option kind {kind!r}")
    if kind in (str, URL):
        ok = isinstance(value, str)
    elif kind is Table:
        ok = isinstance(value, dict) and all(isinstance(v, str) for v in value.values())
    else:
        ok = isinstance(value, dict) and all(
            isinstance(v, list) and all(isinstance(s, str) for s in v) for v in value.values()
        )
    if not ok:
        raise LocpipeError(f"{where} must be {wanted}", path, line)
    if kind is URL:
        problem = url_problem(value)
        if problem is not None:
            raise LocpipeError(f"{where} {problem}", path, line)
    if kind is Chains:
        from locpipe.config import normalize_language

        return {normalize_language(k, path, line): tuple(v) for k, v in value.items()}
    return dict(value) if isinstance(value, dict) else value


def engine_table(
    name: str, table: Mapping[str, Any], path: Path | None = None, where: str | None = None
) -> dict[str, Any]:
    """Validate engine ``name``'s table against the options its class declares.

    ``where`` is the table as the user wrote it (``mt.libre``; ``apertium`` for
    the older top-level table).  Errors name the file and the line.
    """
    from locpipe.mt import BACKEND_CLASSES, backend_class

    where = where or f"mt.{name}"
    if name not in BACKEND_CLASSES:
        engines = ", ".join(sorted(BACKEND_CLASSES))
        raise LocpipeError(
            f"unknown engine table [{where}]; engines: {engines}", path, _header_line(path, where)
        )
    options = backend_class(name).known_options()
    cleaned: dict[str, Any] = {}
    for key, value in table.items():
        line = _line(path, key)
        if any(word in key.lower() for word in _SECRET_WORDS):
            raise LocpipeError(
                f"{where}.{key}: credentials are read from environment variables "
                "only, never from the configuration file (see `locpipe backends`)",
                path,
                line,
            )
        if key not in options:
            known = ", ".join(sorted(options)) or "none"
            raise LocpipeError(
                f"unknown key '{where}.{key}'; known keys for {name}: {known}", path, line
            )
        cleaned[key] = _option(options[key], value, f"{where}.{key}", path, line)
    return cleaned


def parse_settings(raw: Mapping[str, Any] | None, path: Path | None = None) -> MTSettings:
    """Validate the raw ``[mt]`` table; errors name the file and line.

    A ``[mt.NAME]`` table is checked against engine ``NAME``'s declared options
    (:meth:`~locpipe.mt.base.Backend.known_options`).
    """
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
            engines[key] = engine_table(key, value, path)
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
