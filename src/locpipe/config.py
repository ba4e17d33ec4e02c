"""``locpipe.toml`` → a validated :class:`Config`."""

from __future__ import annotations

import os
import re
import tomllib
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

from locpipe.errors import LocpipeError
from locpipe.mt.settings import engine_table, parse_settings

CONFIG_NAME = "locpipe.toml"
LOCATIONS = ("file", "line", "none")
#: How a page is built: the source page itself with its units spliced, or the
#: article's body rendered into the site's templates.
LAYOUTS = ("template", "page")
#: "article": one domain per page; "section": one per top-level folder.
DOMAIN_MODES = ("article", "section")

_TOP_KEYS = {
    "source_language",
    "languages",
    "backend",
    "do_not_translate",
    "locations",
    "paths",
    "site",
    "apertium",
    "publish_threshold",
    "glossary",
    "mt",
    "qa",
    "layout",
    "content",
    "domains",
}
_PATH_KEYS = {"source_articles", "templates", "locales", "build"}
_SITE_KEYS = {"name", "email", "base_url"}
_QA_KEYS = {"ui_length_ratio", "french_spacing"}


@dataclass(frozen=True)
class Paths:
    """Absolute folders of a project."""

    root: Path
    source_articles: Path
    templates: Path
    locales: Path
    build: Path


@dataclass(frozen=True)
class Config:
    """A project's validated configuration."""

    path: Path
    source_language: str
    languages: tuple[str, ...]
    backend: str
    do_not_translate: tuple[str, ...]
    locations: str
    paths: Paths
    site: dict[str, str] = field(default_factory=dict)
    #: Apertium's route overrides: ``[mt.apertium] chains`` (or ``[apertium] chains``).
    apertium_chains: dict[str, tuple[str, ...]] = field(default_factory=dict)
    #: Percent of an article's units translated below which a language is not built.
    publish_threshold: float = 0.0
    #: language → {source term: forced translation}.
    glossary: dict[str, dict[str, str]] = field(default_factory=dict)
    #: The raw ``[mt]`` table: engine settings, validated by :mod:`locpipe.mt`.
    mt: dict[str, Any] = field(default_factory=dict)
    #: A UI translation longer than this times its source may overflow the layout.
    ui_length_ratio: float = 1.6
    #: Languages whose translations are checked for French spacing (``fr`` covers ``fr_BE``).
    french_spacing: tuple[str, ...] = ("fr",)
    #: "template" (the body in templates/article.html) or "page" (the page itself).
    layout: str = "template"
    #: CSS selector of each page's own content; None: the whole page. Units
    #: outside it (the chrome) go to the shared ``site`` domain.
    content: str | None = None
    #: "article" (one domain per page) or "section" (the pages of a top-level
    #: folder share one domain, named after the folder).
    domains: str = "article"


#: A plain language code (``fr``, ``ast``): canonical as it is when Babel has data for it.
_SIMPLE_CODE = re.compile(r"[a-z]{2,3}")


@cache
def _locale_data() -> Path | None:
    """Babel's locale-data folder, found without importing Babel (a tenth of start-up)."""
    import importlib.util

    spec = importlib.util.find_spec("babel")
    if spec is None or not spec.submodule_search_locations:
        return None
    return Path(next(iter(spec.submodule_search_locations))) / "locale-data"


def _has_locale_data(code: str) -> bool:
    folder = _locale_data()
    return folder is not None and (folder / f"{code}.dat").is_file()


def normalize_language(code: str, path: Path | None = None, line: int | None = None) -> str:
    """A Babel-known language code in its canonical form (``pt-br`` → ``pt_BR``)."""
    if not isinstance(code, str) or not code.strip():
        raise LocpipeError(f"language code must be a non-empty string, not {code!r}", path, line)
    if _SIMPLE_CODE.fullmatch(code) and _has_locale_data(code):
        return code  # what Locale.parse gives, without importing Babel (a test checks)
    from babel import Locale, UnknownLocaleError

    try:
        return str(Locale.parse(code.strip().replace("-", "_")))
    except (UnknownLocaleError, ValueError, TypeError) as exc:
        raise LocpipeError(f"unknown language code {code!r} ({exc})", path, line) from None


def _line_of(text: str, pattern: str) -> int | None:
    """The first line of the config text matching a regex, for error messages."""
    match = re.search(pattern, text, re.MULTILINE)
    return text.count("\n", 0, match.start()) + 1 if match else None


def _key_line(text: str, key: str) -> int | None:
    return _line_of(text, rf"^[ \t]*{re.escape(key)}[ \t]*=") or _line_of(
        text, rf"^[ \t]*\[[ \t]*{re.escape(key)}[ \t]*\]"
    )


def _check_keys(table: dict[str, Any], allowed: set[str], where: str, text: str, path: Path):
    for key in table:
        if key not in allowed:
            raise LocpipeError(
                f"unknown key '{where}{key}'; known keys: {', '.join(sorted(allowed))}",
                path,
                _key_line(text, key),
            )


def _expect(value: Any, kind: type[Any], key: str, text: str, path: Path) -> Any:
    if not isinstance(value, kind) or (kind is list and not all(isinstance(v, str) for v in value)):
        wanted = "a list of strings" if kind is list else f"a {kind.__name__}"
        raise LocpipeError(f"{key} must be {wanted}", path, _key_line(text, key.split(".")[-1]))
    return value


#: The cache folder (:mod:`locpipe.cachedir`), which no ``[paths]`` folder may overlap.
_CACHE_NAME = ".locpipe-cache"


def _aliases(folder: Path) -> set[Path]:
    """A folder as written and as resolved (a symlink may make two names one folder)."""
    return {folder, folder.resolve()}


def _check_apart(folders: dict[str, Path], root: Path, text: str, path: Path) -> None:
    """Refuse ``[paths]`` folders that are one another or inside one another (or the
    cache): a build folder inside the templates would make built pages templates,
    one inside the sources would make them articles, and so on."""
    named = [(f"paths.{key}", folder) for key, folder in sorted(folders.items())]
    named.append((f"the cache folder {_CACHE_NAME}", root / _CACHE_NAME))
    for i, first in enumerate(named):
        for second in named[i + 1 :]:
            overlap = _overlap(first, second)
            if overlap is None:
                continue
            (inner, inner_path), relation, (outer, outer_path) = overlap
            line = _culprit_line(text, root, (inner, inner_path), (outer, outer_path))
            raise LocpipeError(
                f"{_shown(inner, inner_path, root)} {relation} {_shown(outer, outer_path, root)}; "
                "the [paths] folders and the cache must not contain one another "
                "(built pages inside the templates would become templates, inside the "
                "sources articles)",
                path,
                line or _key_line(text, "paths"),
            )


def _culprit_line(text: str, root: Path, *named: tuple[str, Path]) -> int | None:
    """The line of the first folder not at its default place (``build = "build"``)."""
    keys = {name[6:]: folder for name, folder in named if name.startswith("paths.")}
    moved = [key for key, folder in keys.items() if folder != root / key]
    for key in [*moved, *keys]:
        if (line := _key_line(text, key)) is not None:
            return line
    return None


def _shown(name: str, folder: Path, root: Path) -> str:
    """``paths.build ("templates/out")``: a folder's key and where it is."""
    if not name.startswith("paths."):
        return name
    where = folder.relative_to(root).as_posix() if folder.is_relative_to(root) else str(folder)
    return f'{name} ("{where}")'


def _overlap(
    first: tuple[str, Path], second: tuple[str, Path]
) -> tuple[tuple[str, Path], str, tuple[str, Path]] | None:
    """(inner, relation, outer) when two named folders are one or nested, else None."""
    for a in _aliases(first[1]):
        for b in _aliases(second[1]):
            if a == b:
                return second, "is the same folder as", first
            if b.is_relative_to(a):
                return second, "is inside", first
            if a.is_relative_to(b):
                return first, "is inside", second
    return None


def load_config(root: Path) -> Config:
    """Read and validate ``root/locpipe.toml``."""
    path = root / CONFIG_NAME
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise LocpipeError(
            f"no {CONFIG_NAME} here; run locpipe in a project folder or pass -C DIR", path
        ) from None
    except (OSError, UnicodeDecodeError) as exc:
        raise LocpipeError(f"cannot read: {exc}", path) from None
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        found = re.search(r"line (\d+)", str(exc))
        line = int(found.group(1)) if found else text.count("\n") + 1
        raise LocpipeError(f"invalid TOML: {exc}", path, line) from None
    return parse_config(data, text, path)


def parse_config(data: dict[str, Any], text: str, path: Path) -> Config:
    """Validate parsed TOML; errors name the file and the line of the key."""
    _check_keys(data, _TOP_KEYS, "", text, path)
    if "source_language" not in data:
        raise LocpipeError("missing key 'source_language'", path)
    source = normalize_language(
        _expect(data["source_language"], str, "source_language", text, path),
        path,
        _key_line(text, "source_language"),
    )
    raw_languages = _expect(data.get("languages", [source]), list, "languages", text, path)
    languages_line = _key_line(text, "languages")
    languages: list[str] = []
    for code in raw_languages:
        normalized = normalize_language(code, path, languages_line)
        if normalized in languages:
            raise LocpipeError(f"language {code!r} is listed twice", path, languages_line)
        languages.append(normalized)
    if source not in languages:
        languages.insert(0, source)
    backend = _expect(data.get("backend", "apertium"), str, "backend", text, path)
    dnt = _expect(data.get("do_not_translate", []), list, "do_not_translate", text, path)
    locations = _expect(data.get("locations", "file"), str, "locations", text, path)
    if locations not in LOCATIONS:
        raise LocpipeError(
            f"locations must be one of {', '.join(LOCATIONS)}, not {locations!r}",
            path,
            _key_line(text, "locations"),
        )
    paths_table = _expect(data.get("paths", {}), dict, "paths", text, path)
    _check_keys(paths_table, _PATH_KEYS, "paths.", text, path)
    root = path.parent.resolve()
    folders: dict[str, Path] = {}
    for key in sorted(_PATH_KEYS):
        value = _expect(paths_table.get(key, key), str, f"paths.{key}", text, path)
        # Not resolved: symlinks on the way stay visible to the project's write guard.
        folder = Path(os.path.normpath(root / value))
        if key in ("source_articles", "templates") and not folder.is_dir():
            raise LocpipeError(
                f"paths.{key}: folder {value!r} does not exist", path, _key_line(text, key)
            )
        folders[key] = folder
    _check_apart(folders, root, text, path)
    site = _expect(data.get("site", {}), dict, "site", text, path)
    _check_keys(site, _SITE_KEYS, "site.", text, path)
    threshold = data.get("publish_threshold", 0)
    if (
        isinstance(threshold, bool)
        or not isinstance(threshold, int | float)
        or not (0 <= threshold <= 100)
    ):
        raise LocpipeError(
            "publish_threshold must be a number from 0 to 100",
            path,
            _key_line(text, "publish_threshold"),
        )
    glossary_table = _expect(data.get("glossary", {}), dict, "glossary", text, path)
    glossary: dict[str, dict[str, str]] = {}
    for lang, terms in glossary_table.items():
        code = normalize_language(lang, path, _key_line(text, f"glossary.{lang}"))
        if not isinstance(terms, dict) or not all(
            isinstance(k, str) and isinstance(v, str) and k and v for k, v in terms.items()
        ):
            raise LocpipeError(
                f"glossary.{lang} must map source terms to translations (strings)",
                path,
                _key_line(text, f"glossary.{lang}"),
            )
        glossary[code] = dict(terms)
    mt = _expect(data.get("mt", {}), dict, "mt", text, path)
    # validate now: a typo in [mt] fails every command, not only translate
    apertium_chains = parse_settings(mt, path).engine("apertium").get("chains")
    if "apertium" in data:  # the older top-level table, still read
        if apertium_chains is not None:
            raise LocpipeError(
                "give Apertium's chains in one table, [mt.apertium] (or the older [apertium])",
                path,
                _key_line(text, "apertium"),
            )
        legacy = _expect(data["apertium"], dict, "apertium", text, path)
        apertium_chains = engine_table("apertium", legacy, path, "apertium").get("chains")
    qa = _expect(data.get("qa", {}), dict, "qa", text, path)
    _check_keys(qa, _QA_KEYS, "qa.", text, path)
    ratio = qa.get("ui_length_ratio", 1.6)
    if isinstance(ratio, bool) or not isinstance(ratio, int | float) or ratio < 1:
        raise LocpipeError(
            "qa.ui_length_ratio must be a number of at least 1",
            path,
            _key_line(text, "ui_length_ratio"),
        )
    spacing = qa.get("french_spacing", ["fr"])
    if not isinstance(spacing, list) or not all(isinstance(c, str) for c in spacing):
        raise LocpipeError(
            'qa.french_spacing must be a list of language codes (e.g. ["fr"]; [] for none)',
            path,
            _key_line(text, "french_spacing"),
        )
    layout = _expect(data.get("layout", "template"), str, "layout", text, path)
    if layout not in LAYOUTS:
        raise LocpipeError(
            f"layout must be one of {', '.join(LAYOUTS)}, not {layout!r}",
            path,
            _key_line(text, "layout"),
        )
    domains = _expect(data.get("domains", "article"), str, "domains", text, path)
    if domains not in DOMAIN_MODES:
        raise LocpipeError(
            f"domains must be one of {', '.join(DOMAIN_MODES)}, not {domains!r}",
            path,
            _key_line(text, "domains"),
        )
    content = data.get("content")
    if content is not None:
        content = _selector(_expect(content, str, "content", text, path), text, path)
    return Config(
        path=path,
        source_language=source,
        languages=tuple(languages),
        backend=backend,
        do_not_translate=tuple(dnt),
        locations=locations,
        paths=Paths(root=root, **folders),
        site={k: str(v) for k, v in site.items()},
        apertium_chains=dict(apertium_chains or {}),
        publish_threshold=float(threshold),
        glossary=glossary,
        mt=mt,
        ui_length_ratio=float(ratio),
        french_spacing=tuple(spacing),
        layout=layout,
        content=content,
        domains=domains,
    )


def _selector(value: str, text: str, path: Path) -> str:
    """A CSS selector soupsieve can compile, stripped; else an error at its line."""
    import soupsieve

    selector = value.strip()
    if not selector:
        raise LocpipeError(
            'content must be a CSS selector (e.g. "main, article, #content")',
            path,
            _key_line(text, "content"),
        )
    try:
        soupsieve.compile(selector)
    except (soupsieve.SelectorSyntaxError, ValueError, TypeError) as exc:
        first = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
        raise LocpipeError(
            f"content: {selector!r} is not a CSS selector ({first})",
            path,
            _key_line(text, "content"),
        ) from None
    return selector
