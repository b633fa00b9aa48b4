"""The contacts list and the profile in the browser: htmx updates in place, with CSRF."""

from __future__ import annotations

import re

import pytest

from tests.web.browser import new_page, sign_in

pytestmark = pytest.mark.browser


def test_typing_in_the_search_box_narrows_the_list_without_a_reload(browser, served_app) -> None:
    page = new_page(browser, served_app)
    sign_in(page, "admin@example.com")
    page.goto("/contacts")
    page.locator("#contact-q").fill("grace")
    page.wait_for_url(re.compile(r"q=grace"))
    rows = page.locator("#contact-rows tr")
    rows.first.wait_for()
    assert rows.count() == 1
    assert "Grace Hopper" in rows.first.inner_text()


def test_selecting_contacts_and_adding_a_tag_tags_each_of_them(browser, served_app) -> None:
    page = new_page(browser, served_app)
    sign_in(page, "admin@example.com")
    page.goto("/contacts?q=northwind")
    page.get_by_label("Select all", exact=True).check()
    page.get_by_label("Tag to add").fill("key account")
    page.get_by_role("button", name="Add tag").click()
    page.wait_for_url(re.compile(r"/contacts"))
    page.goto("/contacts?tag=key+account")
    assert page.locator("#contact-rows tr").count() == 2


def test_the_profile_is_edited_in_place_and_errors_stay_beside_the_field(browser, served_app) -> None:
    page = new_page(browser, served_app)
    sign_in(page, "admin@example.com")
    page.goto(f"/contacts/{served_app.facts['grace_id']}")
    page.locator("#profile-card").get_by_role("button", name="Edit").click()
    page.locator("#edit-email").fill("not an email")
    page.get_by_role("button", name="Save").click()
    error = page.locator("#edit-email-error")
    error.wait_for()
    assert page.locator("#edit-email").input_value() == "not an email"
    page.locator("#edit-email").fill("grace@northwind.example")
    page.locator("#edit-job_title").fill("Chief Operating Officer")
    page.get_by_role("button", name="Save").click()
    page.locator("#profile-card dd", has_text="Chief Operating Officer").wait_for()
    assert "/contacts/" in page.url  # no navigation: the card was swapped in place
