"""Knowing your work in the browser: drag a meeting to another day of the week, and tick
tasks off in bulk from the tasks page."""

from __future__ import annotations

import re

import pytest

from tests.web.browser import new_page, screenshot, sign_in

pytestmark = pytest.mark.browser


def test_drag_a_meeting_to_another_day_then_mark_tasks_done_in_bulk(browser, served_app) -> None:
    page = new_page(browser, served_app)
    sign_in(page, "casey@example.com")

    page.get_by_role("navigation", name="Main").get_by_role("link", name="Calendar").click()
    page.wait_for_url("**/calendar")
    meeting = page.locator(f'[data-activity-id="{served_app.facts["planning_id"]}"]')
    source_day = meeting.locator("xpath=ancestor::li[@data-drop-date]").get_attribute("data-drop-date")
    days = page.locator(".cal-week [data-drop-date]")
    dates = [days.nth(index).get_attribute("data-drop-date") for index in range(days.count())]
    target_day = dates[4] if source_day != dates[4] else dates[5]  # Friday
    target = page.locator(f'.cal-week [data-drop-date="{target_day}"]')
    meeting.drag_to(target)
    page.locator("#toast.show", has_text="moved to").wait_for()
    target.locator(".cal-item", has_text="Planning meeting").wait_for()
    screenshot(page, "desktop-calendar-week")

    page.reload()
    assert page.locator(f'.cal-week [data-drop-date="{target_day}"] .cal-item', has_text="Planning meeting").count() == 1
    assert page.locator(f'.cal-week [data-drop-date="{source_day}"] .cal-item', has_text="Planning meeting").count() == 0

    page.goto("/tasks")
    page.get_by_role("link", name=re.compile("Upcoming")).click()
    page.wait_for_url(re.compile(r"due=upcoming"))
    assert page.locator('[data-due-tab="upcoming"] [data-count]').inner_text() == "3"
    page.get_by_label("Select “Send the proposal”").check()
    page.get_by_label("Select “Book the venue”").check()
    page.get_by_role("button", name="Mark done").click()
    page.locator("#toast.show", has_text="2 tasks marked done").wait_for()
    assert page.locator('[data-due-tab="upcoming"] [data-count]').inner_text() == "1"
    page.reload()
    rows = page.locator("#task-rows tr")
    assert rows.count() == 1 and "Renew the licence" in rows.first.inner_text()
