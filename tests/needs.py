"""What a test needs (a model, its weights, shared recordings, a tool `make test` installs).

``needs(missing, reason)`` skips the test when something is missing, so a partial checkout
can still run what it can. ``make test`` sets ``MEETING_RECORDER_STRICT_TESTS=1``: then a
missing requirement fails the test instead, so a broken install can never pass by skipping
dozens of tests.
"""

from __future__ import annotations

import importlib.util
import os

import pytest

STRICT_ENV = "MEETING_RECORDER_STRICT_TESTS"


def strict() -> bool:
    return os.environ.get(STRICT_ENV, "") not in ("", "0")


def needs(missing: bool, reason: str) -> pytest.MarkDecorator:
    """A mark: skip when ``missing`` (fail instead under ``make test``)."""
    if missing and strict():
        return pytest.mark.missing_requirement(reason)
    return pytest.mark.skipif(missing, reason=reason)


def needs_modules(*names: str) -> pytest.MarkDecorator:
    missing = [name for name in names if importlib.util.find_spec(name) is None]
    return needs(bool(missing), f"not installed: {', '.join(missing)}")


def fail_if_missing(item: pytest.Item) -> None:
    """conftest's setup hook: a requirement missing under strict mode is a failure."""
    for mark in item.iter_markers("missing_requirement"):
        pytest.fail(f"{mark.args[0]} (make test requires it; {STRICT_ENV}=1)", pytrace=False)


def skip_or_fail(reason: str) -> None:
    """Inside a test: skip, or fail under strict mode."""
    if strict():
        pytest.fail(f"{reason} (make test requires it; {STRICT_ENV}=1)", pytrace=False)
    pytest.skip(reason)
