"""Records stay with their team, even when someone types the address by hand."""

from __future__ import annotations

import pytest

from tests.web.browser import new_page, sign_in

pytestmark = pytest.mark.browser


def test_a_member_cannot_open_another_members_contact_by_its_address(browser, served_app) -> None:
    page = new_page(browser, served_app)
    sign_in(page, "alice@example.com")
    response = page.goto(f"/contacts/{served_app.facts['bob_contact_id']}")
    assert response.status == 403
    assert page.get_by_role("heading", name="You do not have access to this").is_visible()
    assert "Bobs Client" not in page.content()


def test_the_owner_opens_the_same_contact(browser, served_app) -> None:
    page = new_page(browser, served_app)
    sign_in(page, "bob@example.com")
    response = page.goto(f"/contacts/{served_app.facts['bob_contact_id']}")
    assert response.status == 200
    assert page.locator("#record-name").inner_text() == "Bobs Client"
