"""Shared fixtures: real tools are required; in CI a missing one is an error."""

from __future__ import annotations

import os
import shutil

import pytest


def require_tool(name: str) -> str:
    """Path of an external tool; skip when absent, but fail when CI=true."""
    path = shutil.which(name)
    if path:
        return path
    message = f"{name} is not installed (run `make setup`)"
    if os.environ.get("CI") == "true":
        pytest.fail(message)
    pytest.skip(message)
    raise AssertionError  # unreachable
