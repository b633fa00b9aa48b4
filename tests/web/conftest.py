"""Fixtures for the web UI's browser tests: a served app on a fresh SQLite database and
Debian's Chromium driven by Playwright (never a downloaded browser)."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from tests.web.browser import CHROMIUM, CHROMIUM_ARGS, Server


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture(scope="session")
def served_app(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    """The app in its own process (as in production), seeded with a few people and records."""
    folder = tmp_path_factory.mktemp("served")
    port = _free_port()
    facts = folder / "facts.json"
    log = (folder / "server.log").open("w")
    process = subprocess.Popen(
        [sys.executable, str(Path(__file__).with_name("serve_app.py")), str(folder / "crm.sqlite3"), str(port),
         str(facts)],
        stdout=log, stderr=subprocess.STDOUT, env={**os.environ, "CRM_CONFIG": str(folder / "none.toml")},
    )
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while True:
        try:
            if httpx.get(f"{url}/health", timeout=1).status_code == 200 and facts.exists():
                break
        except httpx.HTTPError:
            pass
        if process.poll() is not None or time.monotonic() > deadline:
            process.kill()
            raise RuntimeError(f"the app did not start: {(folder / 'server.log').read_text()[-2000:]}")
        time.sleep(0.2)
    yield Server(url, json.loads(facts.read_text()))
    process.terminate()
    process.wait(timeout=10)
    log.close()


# Module scope: Playwright's sync API keeps an event loop running in this thread while it is
# open, which the async tests of other modules cannot share.
@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    if not Path(CHROMIUM).exists():
        pytest.skip(f"{CHROMIUM} is missing: apt-get install chromium (make test does)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        yield chromium
        chromium.close()


