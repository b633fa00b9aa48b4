"""Deleting a contact in a real browser: it asks first, Undo brings it back, and so does the
trash page."""

from __future__ import annotations

import re

import pytest

from tests.web.browser import new_page, sign_in

pytestmark = pytest.mark.browser


def test_a_deleted_contact_comes_back_by_undo_and_from_the_trash(browser, served_app) -> None:
    page = new_page(browser, served_app)
    sign_in(page, "admin@example.com")
    page.goto("/contacts/new")
    page.get_by_label("First name").fill("Undine")
    page.get_by_label("Last name").fill("Restorable")
    page.get_by_role("button", name="Create contact").click()
    page.wait_for_url(re.compile(r"/contacts/\d+$"))
    contact_url = page.url

    questions: list[str] = []
    page.once("dialog", lambda dialog: (questions.append(dialog.message), dialog.dismiss()))
    page.locator("#delete-record").click()
    assert questions == ["Delete Undine Restorable? You can restore it from the trash."]
    assert page.url == contact_url  # dismissed: nothing deleted

    page.once("dialog", lambda dialog: dialog.accept())
    page.locator("#delete-record").click()
    page.wait_for_url(re.compile(r"/contacts$"))
    toast = page.locator("#toast")
    assert "Deleted Undine Restorable." in toast.inner_text()
    assert page.locator("#contact-results").get_by_text("Undine Restorable").count() == 0
    toast.get_by_role("button", name="Undo").click()
    page.wait_for_url(contact_url)
    assert page.locator("#record-name").inner_text() == "Undine Restorable"

    page.once("dialog", lambda dialog: dialog.accept())
    page.locator("#delete-record").click()
    page.wait_for_url(re.compile(r"/contacts$"))
    page.get_by_role("link", name="Trash").click()
    page.wait_for_url(re.compile(r"/trash$"))
    entry = page.locator(".trash-entry", has_text="Undine Restorable")
    entry.get_by_role("button", name="Restore Undine Restorable").click()
    page.wait_for_url(contact_url)
    assert page.locator("#record-name").inner_text() == "Undine Restorable"
    page.goto("/trash")
    assert page.locator(".trash-entry", has_text="Undine Restorable").count() == 0
