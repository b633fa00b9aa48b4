"""Fixtures for the web UI's browser tests: a served app on a fresh SQLite database and
Debian's Chromium driven by Playwright (never a downloaded browser)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from crm_platform.testing import chromium, serve
from tests.web.browser import Server


@pytest.fixture(scope="session")
def served_app(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    """The app in its own process (as in production), seeded with a few people and records."""
    with serve(Path(__file__).with_name("serve_app.py"), tmp_path_factory.mktemp("served")) as (url, facts):
        yield Server(url, facts)


# Module scope: Playwright's sync API keeps an event loop running in this thread while it is
# open, which the async tests of other modules cannot share.
@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    with chromium() as launched:
        yield launched
