"""Every third-party module locpipe imports is a declared dependency, and none is declared unused.

A user installs locpipe with pip from pyproject.toml: a module imported by
``src/`` but missing there works on a developer's machine (installed by
chance, as a dependency of a dependency) and fails on a fresh install.
"""

from __future__ import annotations

import ast
import functools
import importlib.metadata
import re
import sys
import tomllib
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SRC = ROOT / "src" / "locpipe"


def _canonical(name: str) -> str:
    """A distribution name as pip compares them (PEP 503)."""
    return re.sub(r"[-_.]+", "-", name).lower()


def _requirement_name(requirement: str) -> str:
    return _canonical(re.split(r"[\s\[<>=!~;]", requirement, maxsplit=1)[0])


def _declared() -> tuple[set[str], dict[str, set[str]]]:
    """The core dependencies and each extra's, as canonical distribution names."""
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    core = {_requirement_name(r) for r in project["dependencies"]}
    extras = {
        extra: {_requirement_name(r) for r in requirements}
        for extra, requirements in project.get("optional-dependencies", {}).items()
    }
    return core, extras


@functools.cache
def _imported_modules() -> dict[str, set[str]]:
    """Top-level module → the files of src/ that import it (statements and
    ``importlib.import_module("…")``/``__import__("…")`` with a literal name)."""
    found: dict[str, set[str]] = {}
    for path in sorted(SRC.rglob("*.py")):
        source = path.relative_to(ROOT).as_posix()
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), str(path))):
            names: list[str] = []
            if isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                names = [node.module]
            elif (
                isinstance(node, ast.Call)
                and (
                    (isinstance(node.func, ast.Attribute) and node.func.attr == "import_module")
                    or (isinstance(node.func, ast.Name) and node.func.id == "__import__")
                )
                and node.args
                and isinstance(node.args[0], ast.Constant)
                and isinstance(node.args[0].value, str)
            ):
                names = [node.args[0].value]
            for name in names:
                top = name.split(".")[0]
                if top and top != "locpipe" and top not in sys.stdlib_module_names:
                    found.setdefault(top, set()).add(source)
    return found


@functools.cache
def _providers() -> dict[str, list[str]]:
    """Top-level module → the installed distributions that provide it (slow: once)."""
    return dict(importlib.metadata.packages_distributions())


def _distributions(modules: dict[str, set[str]]) -> dict[str, set[str]]:
    """Canonical distribution name → the modules of it that src/ imports."""
    providers = _providers()
    missing = sorted(m for m in modules if m not in providers)
    assert not missing, (
        f"no installed distribution provides {missing} (imported by "
        f"{sorted(set().union(*(modules[m] for m in missing)))}): install it, or fix the import"
    )
    out: dict[str, set[str]] = {}
    for module in modules:
        for distribution in providers[module]:
            out.setdefault(_canonical(distribution), set()).add(module)
    return out


def test_every_imported_module_is_declared_in_pyproject():
    modules = _imported_modules()
    core, extras = _declared()
    declared = core.union(*extras.values())
    undeclared = {
        distribution: sorted(names)
        for distribution, names in _distributions(modules).items()
        if distribution not in declared
    }
    where = {
        d: sorted(set().union(*(modules[m] for m in names))) for d, names in undeclared.items()
    }
    assert not undeclared, f"imported but not declared in pyproject.toml: {where}"


def test_no_dependency_is_declared_unused():
    """Each core dependency, and each of the online and neural extras, is imported by src/."""
    core, extras = _declared()
    used = set(_distributions(_imported_modules()))
    unused = sorted((core | extras.get("online", set()) | extras.get("neural", set())) - used)
    assert not unused, f"declared in pyproject.toml but never imported by src/: {unused}"


def test_the_online_engines_packages_are_imported_only_when_an_engine_is_used():
    """The `online` extra is optional: starting locpipe imports neither package."""
    import subprocess

    code = (
        "import sys; from locpipe.cli import main; import locpipe.mt.online, locpipe.steps.translate;"
        "print(sorted(m for m in ('deepl', 'deep_translator') if m in sys.modules))"
    )
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=120
    )
    assert done.stdout.strip() == "[]"


def test_an_online_engine_without_its_package_is_a_clear_error(monkeypatch):
    from locpipe.errors import LocpipeError
    from locpipe.mt import backend_class, get_backend

    monkeypatch.setattr(backend_class("deepl"), "package", "locpipe_no_such_package")
    with pytest.raises(LocpipeError, match=r"not installed \(pip install 'locpipe\[online\]'\)"):
        get_backend("deepl")
