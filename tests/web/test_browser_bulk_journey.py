"""A day's list work in the browser: a new contact with the company they work at and a custom
value, then the list filtered, every matching contact selected, given to a colleague, moved
to the trash, and brought back with Undo."""

from __future__ import annotations

import re

import pytest

from tests.web.browser import new_page, sign_in

pytestmark = pytest.mark.browser


def _new_contact(page, given: str, family: str, code: str) -> None:
    page.goto("/contacts/new")
    page.get_by_label("First name").fill(given)
    page.get_by_label("Last name").fill(family)
    page.get_by_label("Tags").fill("journey")
    page.locator("#f-company-q").fill("Northwind Fr")
    page.locator("#f-company-picks label", has_text="Northwind Freight").click()
    page.get_by_label("Referral code").fill(code)
    page.get_by_role("button", name="Create contact").click()
    page.wait_for_url(re.compile(r"/contacts/\d+$"))


def _select_all_matching(page, count: int) -> None:
    page.locator("#contact-rows input[name=ids]").first.check()
    page.locator("label", has_text=f"Select all {count} matching").wait_for()
    page.locator("#select-matching").check()


def test_a_new_contact_is_linked_then_all_matching_are_reassigned_deleted_and_restored(browser, served_app) -> None:
    page = new_page(browser, served_app)
    page.on("dialog", lambda dialog: dialog.accept())
    sign_in(page, "admin@example.com")
    page.goto("/settings#fields")
    page.locator("#fields summary", has_text="Add a field").click()
    page.locator("#field-key").fill("referral_code")
    page.locator("#field-label").fill("Referral code")
    page.locator("#field-kind").select_option("text")
    page.get_by_role("button", name="Add field").click()
    page.locator(".alert-ok", has_text="Field added").wait_for()
    try:
        _new_contact(page, "Zelda", "Quill", "ZQ-1")
        card = page.locator("#profile-card")
        card.get_by_text("ZQ-1").wait_for()
        assert "Northwind Freight" in page.locator("main").inner_text()
        _new_contact(page, "Yuri", "Quill", "YQ-2")

        page.goto("/contacts")
        page.locator("#filter-tag").fill("journey")
        page.locator("#filter-tag").press("Enter")
        page.wait_for_url(re.compile(r"tag=journey"))
        rows = page.locator("#contact-rows tr")
        rows.nth(1).wait_for()
        assert rows.count() == 2
        assert "Northwind Freight" in rows.first.inner_text()

        _select_all_matching(page, 2)
        page.locator("#bulk-owner").select_option(label="Jordan Lee")
        page.get_by_role("button", name="Assign").click()
        page.locator("#toast", has_text="Assigned 2 contacts.").wait_for()
        assert [text.count("Jordan Lee") for text in page.locator("#contact-rows tr").all_inner_texts()] == [1, 1]

        _select_all_matching(page, 2)
        page.locator("#bulk-delete").click()
        page.locator("#toast", has_text="Deleted 2 contacts.").wait_for()
        assert page.locator("#contact-rows tr").count() == 0
        page.locator("#undo-delete").click()
        page.locator("#toast", has_text="Restored 2 contacts.").wait_for()
        page.goto("/contacts?tag=journey")
        assert sorted(page.locator("#contact-rows a[href^='/contacts/']").all_inner_texts()) == [
            "Yuri Quill", "Zelda Quill"]
    finally:
        page.goto("/contacts?tag=journey")
        if page.locator("#contact-rows tr").count():
            _select_all_matching(page, page.locator("#contact-rows tr").count())
            page.locator("#bulk-delete").click()
            page.locator("#toast", has_text="Deleted").wait_for()
        page.goto("/settings#fields")
        page.locator("#fields tr", has_text="referral_code").get_by_role("button", name="Remove").click()
        page.locator(".alert-ok", has_text="Field removed").wait_for()
