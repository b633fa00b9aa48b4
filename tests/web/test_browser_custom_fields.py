"""A custom field in the browser: defined in settings, filled in on the new contact form,
then used to filter the contacts list and shown as a column."""

from __future__ import annotations

import re

import pytest

from tests.web.browser import new_page, sign_in

pytestmark = pytest.mark.browser


def test_a_contact_created_with_a_custom_value_is_found_by_filtering_on_it(browser, served_app) -> None:
    page = new_page(browser, served_app)
    sign_in(page, "admin@example.com")
    page.goto("/settings#fields")
    page.locator("#fields summary", has_text="Add a field").click()
    page.locator("#field-key").fill("shoe_size")
    page.locator("#field-label").fill("Shoe size")
    page.locator("#field-kind").select_option("number")
    page.get_by_role("button", name="Add field").click()
    page.locator(".alert-ok", has_text="Field added").wait_for()
    try:
        page.goto("/contacts/new")
        page.get_by_label("First name").fill("Cinderella")
        page.get_by_label("Shoe size").fill("36")
        page.get_by_role("button", name="Create contact").click()
        page.wait_for_url(re.compile(r"/contacts/\d+$"))
        page.locator("#profile-card dd", has_text="36").wait_for()

        page.goto("/contacts")
        page.locator("#filter-cf").select_option("shoe_size")
        page.locator("#filter-co").select_option("lt")
        page.locator("#filter-cv").fill("40")
        page.locator("#filter-cv").press("Enter")
        page.wait_for_url(re.compile(r"cf=shoe_size.*co=lt.*cv=40"))
        rows = page.locator("#contact-rows tr")
        rows.first.wait_for()
        assert rows.count() == 1
        assert "Cinderella" in rows.first.inner_text()

        page.locator(".columns-choice summary").click()
        page.get_by_label("Shoe size", exact=True).check()
        page.wait_for_url(re.compile(r"cols=shoe_size"))
        page.locator("#contact-results th", has_text="Shoe size").wait_for()
    finally:
        page.goto("/settings#fields")
        page.locator("#fields tr", has_text="shoe_size").get_by_role("button", name="Remove").click()
        page.locator(".alert-ok", has_text="Field removed").wait_for()
