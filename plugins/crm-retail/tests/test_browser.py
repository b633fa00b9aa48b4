"""In Chromium, with a real worker: import a Shopify order export with a dry run, see the
customer's orders, points and tier on their page, run the RFM scoring and find the customer
in their segment's list."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from crm_platform.testing import chromium, serve

from .conftest import SAMPLES

pytestmark = pytest.mark.browser

PASSWORD = "correct horse battery"
CLI = [sys.executable, "-c", "from crm_platform.cli import main; main()"]


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, dict[str, Any]]]:
    folder = tmp_path_factory.mktemp("retail-served")
    with serve(Path(__file__).with_name("serve_retail.py"), folder) as served:
        environment = {
            **os.environ, "CRM_DATABASE_URL": f"sqlite:///{folder / 'crm.sqlite3'}",
            "CRM_JOBS_URL": f"sqlite:///{folder / 'jobs.sqlite3'}", "CRM_IMPORTS_DIR": str(folder / "imports"),
            "CRM_PLUGINS": "retail", "CRM_CONFIG": str(folder / "none.toml"),
        }
        subprocess.run([*CLI, "migrate"], env=environment, check=True, capture_output=True)
        with (folder / "worker.log").open("w") as log:
            worker = subprocess.Popen([*CLI, "worker"], env=environment, stdout=log, stderr=subprocess.STDOUT)
        try:
            yield served
        finally:
            worker.terminate()
            worker.wait(timeout=20)


def test_an_order_export_is_imported_and_its_customer_lands_in_a_segment(
    served: tuple[str, dict[str, Any]],
) -> None:
    url, facts = served
    with chromium() as browser:
        page = browser.new_context(viewport={"width": 1280, "height": 900}, base_url=url).new_page()
        page.set_default_timeout(15_000)
        page.goto("/login")
        page.get_by_label("Email").fill("admin@example.com")
        page.get_by_label("Password").fill(PASSWORD)
        page.get_by_role("button", name="Sign in").click()
        page.wait_for_url("**/")

        page.get_by_role("link", name="Orders").first.click()
        page.get_by_role("link", name="Import orders").click()
        page.get_by_label("File", exact=True).set_input_files(str(SAMPLES / "shopify_orders.csv"))
        page.get_by_label("Import into").select_option("retail.order")
        page.get_by_role("button", name="Upload and map columns").click()
        page.wait_for_url("**/imports/*")
        page.get_by_role("button", name="Dry run").click()
        page.locator("#import-totals").wait_for(timeout=30_000)
        assert page.locator("#import-totals").inner_text() == "Dry run: 3 create · 0 update · 0 skip · 1 error"
        page.get_by_role("button", name="Import 3 rows").click()
        page.locator("#import-status", has_text="Committed").wait_for(timeout=30_000)

        page.goto(f"/contacts/{facts['contact_id']}")
        panel = page.get_by_test_id("retail-panel")
        assert panel.get_by_role("link", name="Order #1001").is_visible()
        assert page.get_by_test_id("retail-balance").inner_text() == "48 points"
        assert page.get_by_test_id("retail-tier").inner_text() == "Bronze"

        page.goto("/retail/segments")
        page.get_by_role("button", name="Run RFM now").click()
        page.wait_for_url("**/retail/segments")
        page.get_by_role("link", name="Loyal", exact=True).click()
        assert page.get_by_role("link", name="Ada Lovelace").is_visible()
        page.get_by_role("link", name="Ada Lovelace").click()
        assert page.get_by_test_id("retail-segment").inner_text().startswith("Segment: Loyal")
