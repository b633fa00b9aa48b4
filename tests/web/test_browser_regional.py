"""Regional preferences in the browser: a user who moves to another time zone and date
format sees their timeline's times move with them."""

from __future__ import annotations

import pytest

from tests.web.browser import new_page, screenshot, sign_in

pytestmark = pytest.mark.browser


def _kickoff_times(page, contact_id: int) -> tuple[str, str]:
    page.goto(f"/contacts/{contact_id}")
    item = page.locator(".timeline-item", has_text="Kick-off in Bangalore")
    start = item.locator("time").first.get_attribute("title")
    end = item.locator(".timeline-head span.muted", has_text="until").inner_text()
    return start, end


def _choose(page, **labels: str) -> None:
    page.goto("/account/preferences")
    for label, value in labels.items():
        page.get_by_label(label).select_option(value)
    page.get_by_role("button", name="Save preferences").click()
    page.locator("#toast.show", has_text="Your preferences were saved.").wait_for()


def test_changing_the_time_zone_moves_the_timeline_times(browser, served_app) -> None:
    page = new_page(browser, served_app)
    sign_in(page, "riley@example.com")
    contact_id = served_app.facts["riley_contact_id"]

    _choose(page, **{"Time zone": "UTC", "Date format": "D MMM YYYY"})
    assert _kickoff_times(page, contact_id) == ("5 Mar 2026 09:00", "until 10:30")

    _choose(page, **{"Time zone": "Asia/Kolkata", "Date format": "YYYY-MM-DD"})
    assert _kickoff_times(page, contact_id) == ("2026-03-05 14:30", "until 16:00")
    screenshot(page, "desktop-timeline-kolkata")

    page.goto("/account/preferences")
    assert page.get_by_label("Time zone").input_value() == "Asia/Kolkata"
