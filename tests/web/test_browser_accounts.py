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


def test_a_member_leaves_and_their_contacts_and_open_tasks_go_to_a_colleague(browser, accounts_app) -> None:
    """The whole journey: the leaver's open work, a colleague who cannot see it yet, the admin
    who disables the leaver and hands over, the colleague who then finds it all."""
    contact_id = accounts_app.facts["bob_contact_id"]
    bob = new_page(browser, accounts_app)
    sign_in(bob, "bob@example.com")
    bob.goto(f"/contacts/{contact_id}")
    bob.locator("#fu-subject").fill("Send the renewal quote")
    bob.locator("#fu-due_at").fill("2031-04-02T10:00")
    bob.locator("#follow-up-submit").click()
    expect(bob.locator(".timeline-item", has_text="Send the renewal quote")).to_be_visible()

    alice = new_page(browser, accounts_app)
    sign_in(alice, "alice@example.com")
    assert alice.goto(f"/contacts/{contact_id}").status == 403

    admin = new_page(browser, accounts_app)
    sign_in(admin, "admin@example.com")
    admin.goto("/settings#users")
    admin.get_by_label("More for Bob Member").click()
    admin.locator("tr", has_text="bob@example.com").get_by_role("button", name="Disable").click()
    expect(admin.locator("tr", has_text="bob@example.com").get_by_text("Disabled")).to_be_visible()
    admin.get_by_text("Hand over someone's records").click()
    admin.get_by_label("From (the user who leaves)").select_option(label="Bob Member (bob@example.com)")
    admin.get_by_label("To", exact=True).select_option(label="Alice Member (alice@example.com)")
    admin.get_by_role("button", name="Hand over", exact=True).click()
    summary = admin.locator(".alert-ok").first.inner_text()
    assert summary.startswith("Handed over from bob@example.com:")
    assert "1 activity" in summary
    screenshot(admin, "desktop-hand-over-summary")

    bob.goto("/")
    bob.wait_for_url("**/login**")

    alice.goto(f"/contacts/{contact_id}")
    expect(alice.get_by_role("heading", name="Bobs Client")).to_be_visible()
    expect(alice.locator(".timeline-item", has_text="Send the renewal quote")).to_be_visible()
    alice.goto("/tasks?due=upcoming")
    expect(alice.locator("#task-rows", has_text="Send the renewal quote")).to_be_visible()
