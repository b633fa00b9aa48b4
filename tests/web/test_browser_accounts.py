"""Accounts in a real browser: an admin invites someone, who joins through the copied link;
and an admin hands over a leaving user's records from the settings page."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import expect

from crm_platform.testing import serve
from tests.web.browser import Server, new_page, screenshot, sign_in

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def accounts_app(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    """An instance of its own: these tests add users and move records."""
    with serve(Path(__file__).with_name("serve_app.py"), tmp_path_factory.mktemp("accounts-app")) as (url, facts):
        yield Server(url, facts)


def test_an_invited_user_joins_through_the_copied_link_and_lands_signed_in(browser, accounts_app) -> None:
    admin = new_page(browser, accounts_app)
    admin.context.grant_permissions(["clipboard-read", "clipboard-write"], origin=accounts_app.url)
    sign_in(admin, "admin@example.com")
    admin.goto("/settings#users")
    admin.get_by_text("Invite a user").click()
    invite_form = admin.locator("form[action='/settings/users/invite']")
    invite_form.get_by_label("Email").fill("nora@example.com")
    invite_form.get_by_label("Name").fill("Nora New")
    invite_form.get_by_role("button", name="Create invite link").click()
    assert "nora@example.com invited" in admin.locator(".alert-ok").first.inner_text()
    admin.get_by_role("button", name="Copy link").click()
    expect(admin.locator("#copy-invite-link")).to_have_text("Copied")
    link = admin.evaluate("navigator.clipboard.readText()")
    assert link == admin.get_by_label("Invite link for nora@example.com").input_value()
    assert link.startswith(f"{accounts_app.url}/invite/")
    screenshot(admin, "desktop-invite-link")

    newcomer = new_page(browser, accounts_app)
    newcomer.goto(link)
    assert newcomer.get_by_role("heading", name="Welcome, Nora New").is_visible()
    newcomer.locator("#invite-password").fill("first light over the bay")
    newcomer.locator("#invite-confirm_password").fill("first light over the bay")
    newcomer.get_by_role("button", name="Set password and sign in").click()
    newcomer.wait_for_url(f"{accounts_app.url}/")
    expect(newcomer.get_by_role("heading", name="Good day, Nora New")).to_be_visible()
    newcomer.get_by_label("Account menu").click()
    assert newcomer.get_by_text("nora@example.com").is_visible()

    again = new_page(browser, accounts_app)
    again.goto(link)
    assert "used already" in again.get_by_role("alert").inner_text()


def test_an_admin_hands_over_a_leaving_users_records_from_the_settings_page(browser, accounts_app) -> None:
    admin = new_page(browser, accounts_app)
    sign_in(admin, "admin@example.com")
    admin.goto("/settings#users")
    admin.get_by_text("Hand over someone's records").click()
    admin.get_by_label("From (the user who leaves)").select_option(label="Bob Member (bob@example.com)")
    admin.get_by_label("To", exact=True).select_option(label="Alice Member (alice@example.com)")
    admin.get_by_role("button", name="Hand over", exact=True).click()
    assert admin.locator(".alert-ok").first.inner_text() == "Handed over from bob@example.com: 1 contact"

    alice = new_page(browser, accounts_app)
    sign_in(alice, "alice@example.com")
    alice.goto("/contacts")
    expect(alice.get_by_role("link", name="Bobs Client")).to_be_visible()
