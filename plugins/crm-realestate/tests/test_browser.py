"""In Chromium, an agent's day: list a property, add a buyer with a budget, see the match with
its reasons on both sides, log a showing and record an offer."""

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
    with serve(Path(__file__).with_name("serve_realestate.py"), tmp_path_factory.mktemp("realestate-served")) as served:
        yield served


def test_a_listing_meets_its_buyer_who_views_it_and_makes_an_offer(served: tuple[str, dict[str, Any]]) -> None:
    with chromium() as browser:
        page = browser.new_context(viewport={"width": 1280, "height": 900}, base_url=served[0]).new_page()
        page.set_default_timeout(10_000)
        page.goto("/login")
        page.get_by_label("Email").fill("admin@example.com")
        page.get_by_label("Password").fill(PASSWORD)
        page.get_by_role("button", name="Sign in").click()
        page.wait_for_url("**/")

        page.get_by_role("link", name="Properties").first.click()
        page.get_by_role("link", name="New listing").click()
        page.get_by_label("Address").fill("12 Quay Side")
        page.get_by_label("Area", exact=True).fill("Harbour")
        page.get_by_label("Type").select_option("apartment")
        page.get_by_label("Bedrooms").fill("2")
        page.get_by_label("Price").fill("425000")
        page.get_by_role("button", name="Save listing").click()
        page.wait_for_url(re.compile(r"/realestate/properties/\d+$"))
        listing_url = page.url
        assert page.get_by_role("heading", name="12 Quay Side").is_visible()

        page.goto("/contacts/new")
        page.get_by_label("First name").fill("Bea")
        page.get_by_label("Last name").fill("Buyer")
        page.get_by_label("Real estate role").select_option(["buyer"])
        page.get_by_label("Budget up to").fill("450000")
        page.get_by_label("Wanted areas").fill("Harbour, Old Town")
        page.get_by_label("Wanted property types").select_option(["apartment"])
        page.get_by_role("button", name="Create contact").click()
        page.wait_for_url(re.compile(r"/contacts/\d+"))
        matches = page.get_by_test_id("matching-listings")
        assert matches.get_by_role("link", name="12 Quay Side").is_visible()
        assert "In Harbour: a wanted area" in matches.inner_text()

        page.goto(listing_url)
        buyers = page.get_by_test_id("matching-buyers")
        assert buyers.get_by_role("link", name="Bea Buyer").is_visible()
        assert "Apartment: a wanted type" in buyers.inner_text()

        page.get_by_role("searchbox", name="Visitor").fill("Bea")
        page.get_by_role("radio", name=re.compile("Bea Buyer")).check()
        page.get_by_label("Notes").fill("Loved the balcony")
        page.get_by_role("button", name="Log showing").click()
        page.wait_for_url(listing_url)
        assert page.get_by_test_id("property-timeline").get_by_text("Showing of 12 Quay Side").is_visible()

        page.get_by_label("Amount").fill("410000")
        page.get_by_label("Conditions").fill("Subject to survey")
        page.get_by_role("searchbox", name="Buyer").fill("Bea")
        page.get_by_role("radio", name=re.compile("Bea Buyer")).check()
        page.get_by_role("button", name="Record offer").click()
        page.wait_for_url(listing_url)
        offers = page.get_by_test_id("offers").inner_text()
        assert "410,000 EUR" in offers and "Subject to survey" in offers and "Bea Buyer" in offers
