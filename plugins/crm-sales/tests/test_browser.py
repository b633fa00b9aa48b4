"""In Chromium: drag a deal across the board's stages and close it as won; start a deal from a
contact's page, then edit its stage and contacts."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from crm_platform.testing import chromium, serve

pytestmark = pytest.mark.browser

PASSWORD = "correct horse battery"


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, dict[str, Any]]]:
    with serve(Path(__file__).with_name("serve_sales.py"), tmp_path_factory.mktemp("sales-served")) as served:
        yield served


@pytest.fixture(scope="module")
def page(served: tuple[str, dict[str, Any]]) -> Iterator[Any]:
    with chromium() as browser:
        context = browser.new_context(viewport={"width": 1400, "height": 900}, base_url=served[0])
        page = context.new_page()
        page.set_default_timeout(10_000)
        page.goto("/login")
        page.get_by_label("Email").fill("admin@example.com")
        page.get_by_label("Password").fill(PASSWORD)
        page.get_by_role("button", name="Sign in").click()
        page.wait_for_url("**/")
        yield page


def _column(page: Any, stage: str) -> Any:
    return page.locator("section.sales-column", has=page.get_by_role("heading", name=stage, exact=True))


def test_a_deal_is_dragged_across_stages_and_marked_won(page: Any, served: tuple[str, dict[str, Any]]) -> None:
    deal_id = served[1]["deal_id"]
    card = f'[data-deal-id="{deal_id}"]'
    page.goto("/sales/")
    assert _column(page, "Lead").locator(card).is_visible()

    with page.expect_navigation():
        page.drag_and_drop(card, 'section.sales-column[data-kind="open"]:nth-of-type(3)')
    assert _column(page, "Proposal").locator(card).is_visible()

    with page.expect_navigation():
        page.drag_and_drop(card, '.sales-drop[data-kind="won"]')
    assert page.locator(card).count() == 0

    page.goto(f"/sales/deals/{deal_id}")
    assert page.get_by_test_id("deal-status").inner_text() == "Won"
    assert page.get_by_text("Rooftop solar: Proposal → Won").is_visible()


def test_the_keyboard_moves_a_card_through_the_move_dialog(page: Any) -> None:
    page.goto("/sales/deals/new")
    page.get_by_label("Title").fill("Heat pumps")
    page.get_by_role("button", name="Create deal").click()
    page.wait_for_url("**/sales/deals/*")
    page.goto("/sales/")
    page.get_by_role("button", name="Move Heat pumps").focus()
    page.keyboard.press("Enter")
    page.get_by_label("Stage").select_option(label="Negotiation")
    page.keyboard.press("Tab")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert _column(page, "Negotiation").get_by_role("link", name="Heat pumps").is_visible()


def test_a_card_dropped_on_lost_asks_for_the_reason(page: Any) -> None:
    page.goto("/sales/deals/new")
    page.get_by_label("Title").fill("Solar roof")
    page.get_by_role("button", name="Create deal").click()
    page.wait_for_url("**/sales/deals/*")
    page.goto("/sales/")
    card = page.locator(".sales-card", has=page.get_by_role("link", name="Solar roof"))
    card.drag_to(page.locator('.sales-drop[data-kind="lost"]'))
    page.get_by_label("Why was it lost?").select_option(label="Competitor")
    with page.expect_navigation():
        page.get_by_role("button", name="Move", exact=True).click()
    assert page.get_by_role("link", name="Solar roof").count() == 0


def test_a_deal_started_on_a_contacts_page_is_saved_shown_and_edited(page: Any, served: tuple[str, dict[str, Any]]) -> None:
    contact_id = served[1]["contact_id"]
    page.goto(f"/contacts/{contact_id}")
    page.locator(".record-head").get_by_role("link", name="New deal").click()
    page.wait_for_url("**/sales/deals/new?contact=*")
    assert page.get_by_role("radio", name="Univac Ltd").is_checked()
    assert page.get_by_label("Role of Grace Hopper").is_visible()
    page.get_by_label("Title").fill("Mainframe upgrade")
    page.get_by_label("Amount").fill("25000")
    page.get_by_label("Role of Grace Hopper").select_option(label="Decision maker")
    page.get_by_role("button", name="Create deal").click()
    page.wait_for_url(re.compile(r"/sales/deals/\d+$"))
    deal_url = page.url
    assert page.get_by_role("link", name="Univac Ltd").is_visible()
    assert page.get_by_role("link", name="Grace Hopper").is_visible()

    page.goto(f"/contacts/{contact_id}")
    assert page.get_by_role("region", name="Deals").get_by_role("link", name="Mainframe upgrade").is_visible()
    page.goto("/sales/")
    assert _column(page, "Lead").get_by_role("link", name="Mainframe upgrade").is_visible()

    page.goto(deal_url)
    page.get_by_role("link", name="Edit").click()
    page.get_by_label("Stage").select_option(label="Sales · Proposal")
    page.get_by_label("Add contacts").fill("Alan")
    page.get_by_role("checkbox", name=re.compile("Alan Turing")).check()
    page.get_by_label("Role of the contacts added").select_option(label="Champion")
    page.get_by_role("button", name="Save deal").click()
    page.wait_for_url(deal_url)
    people = page.locator("section", has=page.get_by_role("heading", name="People"))
    assert people.get_by_role("link", name="Alan Turing").is_visible()
    assert "Champion" in people.inner_text() and "Decision maker" in people.inner_text()
    page.goto("/sales/")
    assert _column(page, "Proposal").get_by_role("link", name="Mainframe upgrade").is_visible()
def test_the_won_and_lost_column_is_whole_on_a_1366_px_screen(page: Any) -> None:
    page.set_viewport_size({"width": 1366, "height": 800})
    try:
        page.goto("/sales/")
        closing = page.get_by_role("region", name="Close a deal")
        box = closing.bounding_box()
        assert box["x"] >= 0 and box["x"] + box["width"] <= 1366
        assert page.evaluate("(() => { const b = document.getElementById('sales-board'); "
                             "return b.scrollWidth <= b.clientWidth; })()")
        for stage in ("Won", "Lost"):
            assert page.get_by_text(f"Drop here: {stage}").is_visible()
    finally:
        page.set_viewport_size({"width": 1400, "height": 900})


def test_forecast_chart_labels_are_at_least_12_px_on_a_desk_and_a_phone(page: Any) -> None:
    for width in (1366, 375):
        page.set_viewport_size({"width": width, "height": 800})
        page.goto("/sales/forecast")
        sizes = page.locator(".sales-chart-label").evaluate_all(
            "labels => labels.map(label => parseFloat(getComputedStyle(label).fontSize))")
        assert sizes and min(sizes) >= 12
        assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    page.set_viewport_size({"width": 1400, "height": 900})


def test_the_sales_pages_do_not_scroll_sideways_on_a_375_px_phone(page: Any) -> None:
    page.set_viewport_size({"width": 375, "height": 780})
    try:
        for path in ("/sales/", "/sales/deals", "/sales/deals/new", "/sales/forecast"):
            page.goto(path)
            assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth"), path
    finally:
        page.set_viewport_size({"width": 1400, "height": 900})


def test_a_drag_the_server_refuses_shows_a_toast_and_the_card_stays(page: Any, served: tuple[str, dict[str, Any]]) -> None:
    deal_id = served[1]["stale_deal_id"]
    card = f'[data-deal-id="{deal_id}"]'
    page.goto("/sales/")
    assert _column(page, "Lead").locator(card).is_visible()
    # A colleague deletes the deal in another tab; this board still shows its card.
    status = page.evaluate(
        "(id) => fetch('/api/v1/sales/deals/' + id, {method: 'DELETE', credentials: 'same-origin', headers: "
        "{'x-csrftoken': JSON.parse(document.body.getAttribute('hx-headers'))['x-csrftoken']}}).then(r => r.status)",
        deal_id,
    )
    assert status == 204
    page.drag_and_drop(card, 'section.sales-column[data-kind="open"]:nth-of-type(3)')
    toast = page.locator("#toast.show")
    toast.wait_for()
    assert toast.inner_text().startswith("The deal could not be moved")
    assert toast.is_visible()
    assert _column(page, "Lead").locator(card).is_visible()

