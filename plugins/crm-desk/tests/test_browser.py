"""In Chromium, one whole journey: a customer writes through the public form, an agent finds the
ticket in the unassigned queue, takes it, replies and solves it, and the customer rates the help
on the status page."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from crm_platform.testing import chromium, serve

pytestmark = pytest.mark.browser

PASSWORD = "correct horse battery"


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, dict[str, Any]]]:
    with serve(Path(__file__).with_name("serve_desk.py"), tmp_path_factory.mktemp("desk-served")) as served:
        yield served


def test_public_form_to_queue_assign_reply_solve_and_rating(served: tuple[str, dict[str, Any]]) -> None:
    with chromium() as browser:
        customer = browser.new_context(viewport={"width": 390, "height": 800}, base_url=served[0]).new_page()
        customer.set_default_timeout(10_000)
        customer.goto("/desk/public/new")
        customer.get_by_label("Your name").fill("Ada Lovelace")
        customer.get_by_label("Your email").fill("ada@example.com")
        customer.get_by_label("Subject").fill("Engine will not start")
        customer.get_by_label("What happened?").fill("It makes a clicking noise.")
        customer.get_by_role("button", name="Send").click()
        customer.wait_for_url("**/desk/public/t/*")
        status_url = customer.url
        assert customer.get_by_role("heading", name="Engine will not start").is_visible()

        agent = browser.new_context(viewport={"width": 1400, "height": 900}, base_url=served[0]).new_page()
        agent.set_default_timeout(10_000)
        agent.goto("/login")
        agent.get_by_label("Email").fill("admin@example.com")
        agent.get_by_label("Password").fill(PASSWORD)
        agent.get_by_role("button", name="Sign in").click()
        agent.wait_for_url("**/")
        agent.goto("/desk/?queue=unassigned")
        agent.get_by_role("link", name="Engine will not start").click()
        agent.wait_for_url("**/desk/tickets/*")
        assert agent.get_by_text("due ", exact=False).first.is_visible()
        agent.get_by_label("Assignee").select_option(label="Morgan Admin")
        agent.get_by_role("button", name="Save").click()
        agent.wait_for_load_state()
        agent.goto("/desk/?queue=mine")
        agent.get_by_role("link", name="Engine will not start").click()
        agent.get_by_label("Reply or note").fill("Please check the fuel.")
        agent.get_by_label("Then set status").select_option(label="solved")
        agent.get_by_role("button", name="Send", exact=True).click()
        agent.wait_for_load_state()
        assert agent.get_by_text("Please check the fuel.").is_visible()

        customer.goto(status_url)
        assert customer.get_by_text("Please check the fuel.").is_visible()
        assert customer.locator(".desk-status").inner_text() == "solved"
        customer.get_by_label("5").check()
        customer.get_by_label("Comment (optional)").fill("Fast and friendly")
        customer.get_by_role("button", name="Rate").click()
        customer.wait_for_load_state()
        assert customer.get_by_text("You rated this help 5 of 5").is_visible()

        agent.reload()
        assert agent.get_by_text("5 of 5: Fast and friendly").is_visible()


def _signed_in(browser: Any, base_url: str, email: str) -> Any:
    page = browser.new_context(viewport={"width": 1400, "height": 900}, base_url=base_url).new_page()
    page.set_default_timeout(10_000)
    page.goto("/login")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url("**/")
    return page


def test_two_agents_on_one_ticket_see_each_other_and_a_reply_over_a_newer_one_is_held(
    served: tuple[str, dict[str, Any]],
) -> None:
    from playwright.sync_api import expect

    with chromium() as browser:
        morgan = _signed_in(browser, served[0], "admin@example.com")
        morgan.goto("/desk/tickets/new")
        morgan.get_by_label("Subject").fill("Two agents, one customer")
        morgan.get_by_role("button", name="Open ticket").click()
        morgan.wait_for_url("**/desk/tickets/*")
        ticket_url = morgan.url

        sam = _signed_in(browser, served[0], "sam@example.com")
        sam.goto(ticket_url)
        assert sam.locator("#desk-presence").inner_text().strip() == "Morgan Admin is viewing"
        presence = morgan.locator("#desk-presence")
        # Morgan's page learns of Sam through its polling, within a few seconds.
        expect(presence).to_have_text("Sam Agent is viewing", timeout=20_000)
        sam.get_by_label("Reply or note").press_sequentially("Try a restart")
        expect(presence).to_have_text("Sam Agent is replying", timeout=20_000)
        sam.get_by_role("button", name="Send", exact=True).click()
        sam.wait_for_load_state()
        expect(presence).to_contain_text("1 new message since this page was loaded", timeout=20_000)

        morgan.get_by_label("Reply or note").fill("Have you tried a restart?")
        morgan.get_by_role("button", name="Send", exact=True).click()
        morgan.wait_for_load_state()
        expect(morgan.get_by_role("alert")).to_contain_text("The ticket changed since you opened it: Sam Agent replied.")
        assert morgan.get_by_text("Try a restart", exact=True).is_visible()
        expect(morgan.get_by_label("Reply or note")).to_have_value("Have you tried a restart?")
        morgan.get_by_role("button", name="Send", exact=True).click()
        morgan.wait_for_url(ticket_url)
        expect(morgan.get_by_text("Have you tried a restart?", exact=True)).to_be_visible()
        expect(morgan.get_by_role("alert")).to_have_count(0)


def test_an_admin_creates_an_sla_policy_and_a_ticket_of_that_priority_shows_its_due_time(
    served: tuple[str, dict[str, Any]],
) -> None:
    from playwright.sync_api import expect

    with chromium() as browser:
        admin = _signed_in(browser, served[0], "admin@example.com")
        admin.goto("/desk/")
        admin.get_by_role("link", name="SLA policies").click()
        admin.get_by_role("link", name="New SLA policy").click()
        admin.get_by_label("Name").fill("Billing emergencies")
        admin.get_by_label("Category").fill("billing")
        admin.get_by_label("Urgent: resolution").fill("90")  # and no first response target
        admin.get_by_role("button", name="Save policy").click()
        expect(admin.get_by_text("must be a whole number of business minutes")).to_be_visible()
        admin.get_by_label("Urgent: first response").fill("20")
        admin.get_by_role("button", name="Save policy").click()
        admin.wait_for_url("**/desk/sla")
        expect(admin.get_by_role("row", name="Billing emergencies")).to_contain_text(
            "urgent: 20 business minutes / 1 h 30 min")

        admin.goto("/desk/tickets/new")
        admin.get_by_label("Subject").fill("Charged twice")
        admin.get_by_label("Priority").select_option("urgent")
        admin.get_by_label("Category").fill("Billing")
        admin.get_by_role("button", name="Open ticket").click()
        admin.wait_for_url("**/desk/tickets/*")
        sla = admin.get_by_role("region", name="SLA")
        expect(sla).to_contain_text("SLA policy “Billing emergencies” (urgent: first response in 20 business minutes")
        expect(sla.locator(".desk-derivation").first).to_contain_text("20 business minutes")
        expect(sla.locator(".desk-derivation").first).to_contain_text("due ")
