"""In Chromium, with a real worker: an admin imports a Google Takeout mbox, checks the dry
run, commits, asks why the auto-reply is not there, and reads the message on the contact's
timeline, its HTML in a sandboxed frame, and the whole conversation."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from conftest import SAMPLES

from crm_platform.testing import chromium, serve

pytestmark = pytest.mark.browser

PASSWORD = "correct horse battery"
CLI = "from crm_platform.cli import main; main()"


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, dict[str, Any]]]:
    folder = tmp_path_factory.mktemp("conversations-served")
    with serve(Path(__file__).with_name("serve_conversations.py"), folder) as (url, facts):
        environment = {
            **os.environ, "CRM_DATABASE_URL": f"sqlite:///{folder / 'crm.sqlite3'}",
            "CRM_JOBS_URL": f"sqlite:///{folder / 'jobs.sqlite3'}", "CRM_IMPORTS_DIR": str(folder / "imports"),
            "CRM_PLUGINS": "conversations", "CRM_CONFIG": str(folder / "none.toml"),
        }
        with (folder / "worker.log").open("w") as log:
            worker = subprocess.Popen([sys.executable, "-c", CLI, "worker"], env=environment, stdout=log,
                                      stderr=subprocess.STDOUT)
        try:
            yield url, facts
        finally:
            worker.terminate()
            worker.wait(timeout=20)


def test_an_admin_imports_a_mailbox_and_finds_every_message_or_its_reason(served) -> None:
    url, facts = served
    with chromium() as browser:
        page = browser.new_context(viewport={"width": 1280, "height": 900}, base_url=url).new_page()
        page.set_default_timeout(20_000)
        page.goto("/login")
        page.get_by_label("Email").fill("admin@example.com")
        page.get_by_label("Password").fill(PASSWORD)
        page.get_by_role("button", name="Sign in").click()
        page.wait_for_url("**/")

        page.get_by_role("link", name="Conversations").first.click()
        page.get_by_role("link", name="Import mail").click()
        page.get_by_label("File", exact=True).set_input_files(str(SAMPLES / "takeout.mbox"))
        page.get_by_role("button", name="Upload and map columns").click()
        page.wait_for_url("**/imports/*")
        page.get_by_role("button", name="Dry run").click()
        page.locator("#import-totals").wait_for(timeout=60_000)
        assert page.locator("#import-totals").inner_text() == "Dry run: 2 create · 0 update · 1 skip · 0 error"
        page.get_by_role("button", name="Import 2 rows").click()
        page.locator("#import-status", has_text="Committed").wait_for(timeout=60_000)
        assert page.locator("#import-totals").inner_text() == "Done: 2 create · 0 update · 1 skip · 0 error"

        page.goto("/conversations/")
        page.get_by_label("Why isn't this email here?").fill("auto-1@example.se")
        page.get_by_role("button", name="Find it").click()
        answer = page.locator("#ledger-answer")
        assert "Skipped" in answer.inner_text() and "Auto-Submitted: auto-replied" in answer.inner_text()

        page.goto(f"/contacts/{facts['contact_id']}")
        assert page.locator(".timeline-item", has_text="Re: Förfrågan").count() == 1
        item = page.locator(".timeline-item", has_text="beställa 20 stolar")
        assert "Vi vill beställa 20 stolar" in item.inner_text()
        item.get_by_role("link", name="Open the message").click()
        page.wait_for_url("**/conversations/messages/*")
        frame = page.frame_locator("iframe.message-html")
        assert "beställa 20 stolar" in frame.locator("body").inner_text()
        assert page.locator("iframe.message-html").get_attribute("sandbox") == ""
        page.get_by_role("link", name="Whole conversation").click()
        thread = page.locator("#thread")
        assert "Björn Åström" in thread.inner_text() and "Acme Sales" in thread.inner_text()
