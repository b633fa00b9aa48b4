"""Merging two contacts in a real browser: the duplicates page, the side-by-side choice of a
field from the other contact, and the undo from the toast right after."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from crm_platform.testing import serve
from tests.web.browser import Server, new_page, screenshot, sign_in

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def merge_app(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    # An app of its own: the merge changes the seeded people the other browser tests look at.
    with serve(Path(__file__).with_name("serve_app.py"), tmp_path_factory.mktemp("merge-app")) as (url, facts):
        yield Server(url, facts)


def test_an_admin_merges_two_contacts_choosing_a_field_and_undoes_it_from_the_toast(browser, merge_app) -> None:
    page = new_page(browser, merge_app)
    sign_in(page, "admin@example.com")
    page.goto("/contacts")
    page.get_by_role("link", name="Duplicates").click()
    pair = page.locator("#duplicate-pairs tr", has_text="Grace Hopper").filter(has_text="Alan Turing")
    assert "same phone" in pair.inner_text() and "same name at the same company" not in pair.inner_text()
    pair.get_by_role("link", name="Review and merge").click()
    page.wait_for_url("**/merge/contact/**")
    assert page.get_by_role("heading", level=1).inner_text() == "Merge Alan Turing into Grace Hopper"
    page.get_by_role("radio", name="Data Lead").check()
    screenshot(page, "desktop-merge-form")
    page.get_by_role("button", name="Merge").click()

    toast = page.locator("#merge-toast")
    assert "Merged into Grace Hopper." in toast.inner_text()
    survivor = page.context.new_page()
    survivor.goto(merge_app.url + page.locator("#survivor-link").get_attribute("href"))
    assert "Data Lead" in survivor.locator(".subtitle").first.inner_text()
    survivor.close()
    screenshot(page, "desktop-merge-toast")
    page.locator("#merge-toast").get_by_role("button", name="Undo").click()
    page.wait_for_url("**/contacts/*")
    assert page.get_by_role("heading", level=1).inner_text() == "Alan Turing"
    page.goto(f"/contacts/{merge_app.facts['grace_id']}")
    assert "Head of Operations" in page.locator(".subtitle").first.inner_text()
