"""An admin imports a CSV file in a real browser, with a real worker: upload, map, dry run,
commit with live progress, then roll it back."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from crm_platform.testing import serve
from tests.web.browser import Server, new_page, screenshot, sign_in

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def import_app(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Server, Path]]:
    folder = tmp_path_factory.mktemp("import-app")
    with serve(Path(__file__).with_name("serve_app.py"), folder) as (url, facts):
        environment = {
            **os.environ, "CRM_DATABASE_URL": f"sqlite:///{folder / 'crm.sqlite3'}",
            "CRM_JOBS_URL": f"sqlite:///{folder / 'jobs.sqlite3'}", "CRM_IMPORTS_DIR": str(folder / "imports"),
            "CRM_PLUGINS": "", "CRM_CONFIG": str(folder / "none.toml"),
        }
        # The worker loads every installed plugin, as `make run` does; their tables come first.
        subprocess.run([sys.executable, "-c", "from crm_platform.cli import main; main()", "migrate"],
                       env=environment, check=True, capture_output=True)
        with (folder / "worker.log").open("w") as log:
            worker = subprocess.Popen([sys.executable, "-c", "from crm_platform.cli import main; main()", "worker"],
                                      env=environment, stdout=log, stderr=subprocess.STDOUT)
        try:
            yield Server(url, facts), folder
        finally:
            worker.terminate()
            worker.wait(timeout=20)


def test_an_admin_imports_a_file_checks_the_dry_run_commits_and_rolls_back(browser, import_app) -> None:
    server, folder = import_app
    csv_file = folder / "new-people.csv"
    csv_file.write_text("First name;Last name;Email\nAda;Lovelace;ada@imported.example\n"
                        "Linus;Pauling;linus@imported.example\nBroken;Row;not-an-email\n")
    page = new_page(browser, server)
    sign_in(page, "admin@example.com")
    page.get_by_role("link", name="Imports").first.click()
    page.get_by_role("link", name="Import a file").click()
    page.get_by_label("File", exact=True).set_input_files(str(csv_file))
    page.get_by_role("button", name="Upload and map columns").click()
    page.wait_for_url("**/imports/*")
    assert page.get_by_label("Email", exact=True).input_value() == "email"
    assert page.get_by_label("First name").input_value() == "given_name"

    page.get_by_role("button", name="Dry run").click()
    page.locator("#import-totals").wait_for(timeout=30_000)
    assert page.locator("#import-totals").inner_text() == "Dry run: 2 create · 0 update · 0 skip · 1 error"
    page.get_by_role("link", name="Error", exact=True).click()
    assert "emails[0].address" in page.locator("#import-rows").inner_text()
    screenshot(page, "desktop-import-dry-run")

    page.get_by_role("button", name="Import 2 rows").click()
    page.locator("#import-status", has_text="Committed").wait_for(timeout=30_000)
    assert page.locator("#import-totals").inner_text() == "Done: 2 create · 0 update · 0 skip · 1 error"
    page.get_by_label("Row number, email or external id").fill("ada@imported.example")
    page.get_by_role("button", name="Look up").click()
    assert page.locator("#lookup-result").inner_text().startswith("Row 1: create")
    page.goto("/contacts?q=imported.example")
    assert page.get_by_text("Ada Lovelace").first.is_visible()

    page.go_back()
    page.get_by_role("link", name="Roll back…").click()
    page.get_by_role("button", name="Roll back").click()
    page.locator("#import-status", has_text="Rolled back").wait_for(timeout=30_000)
    assert "2 removed" in page.locator("#rollback-totals").inner_text()
    page.goto("/contacts?q=imported.example")
    assert page.get_by_text("Ada Lovelace").count() == 0
