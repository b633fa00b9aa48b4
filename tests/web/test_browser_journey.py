"""The whole day of a user, in a real browser: from signing in to signing out."""

from __future__ import annotations

import datetime as dt
import re

import pytest

from tests.web.browser import new_page, screenshot, sign_in

pytestmark = pytest.mark.browser


def test_a_user_works_through_their_day_from_sign_in_to_sign_out(browser, served_app) -> None:
    page = new_page(browser, served_app)
    sign_in(page, "admin@example.com")
    assert page.get_by_role("heading", name="Overdue").is_visible()
    screenshot(page, "desktop-my-day")

    page.goto("/companies/new")
    page.get_by_label("Name").fill("Acme Industries")
    page.get_by_label("Domains").fill("acme.example")
    page.get_by_role("button", name="Create company").click()
    page.wait_for_url(re.compile(r"/companies/\d+$"))
    assert page.locator("#record-name").inner_text() == "Acme Industries"

    page.goto("/contacts/new")
    page.get_by_label("First name").fill("Ada")
    page.get_by_label("Last name").fill("Lovelace")
    page.get_by_label("Email").fill("ada@acme.example")
    page.get_by_role("button", name="Create contact").click()
    page.wait_for_url(re.compile(r"/contacts/\d+$"))
    assert page.locator("#record-name").inner_text() == "Ada Lovelace"

    page.locator("#relationships summary").click()
    page.get_by_label("…whom (search)").fill("Acme")
    page.locator("#rel-picks input[type=radio]").first.wait_for()
    page.get_by_role("button", name="Add relationship").click()
    page.wait_for_url(re.compile(r"/contacts/\d+"))
    assert "Acme Industries" in page.locator("#relationships .list").inner_text()

    page.get_by_label("Summary").fill("Discussed pricing")
    page.get_by_label("Notes").fill("Wants a quote for 20 seats.")
    page.get_by_role("button", name="Log it").click()
    page.wait_for_url(re.compile(r"/contacts/\d+"))
    assert "Discussed pricing" in page.locator("#timeline-list").inner_text()

    due = dt.datetime.now(dt.UTC) + dt.timedelta(hours=2)
    page.get_by_label("What to do").fill("Send the proposal")
    page.get_by_label("Due").fill(due.strftime("%Y-%m-%dT%H:%M"))
    page.get_by_role("button", name="Schedule").click()
    page.wait_for_url(re.compile(r"/contacts/\d+"))
    screenshot(page, "desktop-contact")

    page.goto("/")
    task = page.locator("li", has_text="Send the proposal")
    assert task.is_visible()
    assert "Ada Lovelace" in task.inner_text()
    task.get_by_role("button", name=re.compile("Mark .* done")).click()
    page.wait_for_url("**/")
    assert page.locator("li", has_text="Send the proposal").count() == 0

    page.keyboard.press("Control+k")
    page.locator("#global-search").fill("Ada")
    page.locator("#search-results a", has_text="Ada Lovelace").wait_for()
    screenshot(page, "desktop-command-k")
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r"/contacts/\d+$"))
    assert page.locator("#record-name").inner_text() == "Ada Lovelace"

    page.goto("/settings")
    page.get_by_label(re.compile("High contrast")).check()
    page.get_by_role("button", name="Save appearance").click()
    page.wait_for_url(re.compile(r"/settings"))
    assert page.locator("html").get_attribute("data-theme") == "contrast"
    page.goto("/contacts")
    screenshot(page, "desktop-contacts-contrast")

    page.locator(".usermenu summary").click()
    page.get_by_role("button", name="Sign out").click()
    page.wait_for_url(re.compile(r"/login"))
    page.goto("/contacts")
    assert "/login" in page.url
