"""In Chromium: build "deal won → a task for the owner and an email to the contact" in the
builder, switch it on, win the deal, watch the run on the workflow's page, and find the email
in the test kit's SMTP server; a real ``crm worker`` runs the workflow."""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from crm_platform.testing import chromium, serve

pytestmark = pytest.mark.browser

PASSWORD = "correct horse battery"


def test_a_deal_won_workflow_is_built_runs_and_emails_the_contact(crm_smtp, tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setenv("AUTOMATION_TEST_SMTP_URL", crm_smtp.url)
    with serve(Path(__file__).with_name("serve_automation.py"), tmp_path) as (url, facts), chromium() as browser:
        page = browser.new_context(viewport={"width": 1280, "height": 900}, base_url=url).new_page()
        page.set_default_timeout(10_000)
        page.goto("/login")
        page.get_by_label("Email").fill("admin@example.com")
        page.get_by_label("Password").fill(PASSWORD)
        page.get_by_role("button", name="Sign in").click()
        page.wait_for_url("**/")

        page.goto("/automation/")
        page.get_by_role("link", name="New workflow").click()
        page.get_by_label("Name").fill("Deal won: kick-off")
        page.get_by_label("Trigger").select_option("DealWon")
        page.get_by_label("Action of the next step").select_option("automation.create_task")
        page.get_by_role("button", name="Add step").click()
        page.get_by_label("Subject (step 1)").fill("Kick-off for {{ record.title }}")
        page.get_by_label("Assignee (step 1)").fill("owner")
        page.get_by_label("Action of the next step").select_option("automation.send_email")
        page.get_by_role("button", name="Add step").click()
        page.get_by_label("Subject (step 2)").fill("Welcome, {{ contact.given_name }}")
        page.get_by_label("Body (step 2)").fill("Thank you for {{ record.title }}.")
        page.get_by_role("button", name="Save workflow").click()
        page.wait_for_url("**/automation/workflows/*")
        assert page.get_by_test_id("workflow-state").inner_text() == "Off"
        page.get_by_role("button", name="Switch on").click()
        assert page.get_by_test_id("workflow-state").inner_text() == "On"
        workflow_url = page.url

        page.goto(f"/sales/deals/{facts['deal_id']}")
        page.get_by_role("button", name="Mark won").click()
        page.wait_for_load_state()

        deadline = time.monotonic() + 60
        while True:
            page.goto(workflow_url)
            runs = page.get_by_role("table", name="Runs")
            if "done" in runs.inner_text() or time.monotonic() > deadline:
                break
            time.sleep(0.5)
        row = runs.locator("tbody tr").first
        assert "Analytical engine" in row.inner_text() and "done" in row.inner_text()
        assert "automation.create_task: done; 2. automation.send_email: done" in row.inner_text()
        row.get_by_role("link").click()
        assert page.get_by_test_id("run-state").inner_text() == "done"

        page.goto("/tasks")
        assert page.get_by_text("Kick-off for Analytical engine").first.is_visible()

    deadline = time.monotonic() + 30
    while not crm_smtp.to("ada@example.com") and time.monotonic() < deadline:
        time.sleep(0.2)
    [email] = crm_smtp.to("ada@example.com")
    assert email.subject == "Welcome, Ada"
    assert "Thank you for Analytical engine." in email.body("plain")


def test_a_form_built_in_the_browser_takes_an_anonymous_lead_and_starts_a_workflow(
        crm_smtp, tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setenv("AUTOMATION_TEST_SMTP_URL", crm_smtp.url)
    with serve(Path(__file__).with_name("serve_automation.py"), tmp_path) as (url, _), chromium() as browser:
        page = browser.new_context(viewport={"width": 1280, "height": 900}, base_url=url).new_page()
        page.set_default_timeout(10_000)
        page.goto("/login")
        page.get_by_label("Email").fill("admin@example.com")
        page.get_by_label("Password").fill(PASSWORD)
        page.get_by_role("button", name="Sign in").click()
        page.wait_for_url("**/")

        page.goto("/automation/forms")
        page.get_by_label("Form name").fill("Contact us")
        page.get_by_label("Tag for new contacts").fill("web-lead")
        page.get_by_label("Label (field 1)").fill("Your email")
        page.get_by_label("Contact field (field 1)").select_option("email")
        page.get_by_label("Label (field 2)").fill("First name")
        page.get_by_label("Contact field (field 2)").select_option("given_name")
        page.get_by_label("Required (field 2)").check()
        page.get_by_role("button", name="Save form").click()
        page.wait_for_url("**/automation/forms")
        hosted = page.get_by_role("table", name="Forms").get_by_role("link").first.get_attribute("href")

        page.goto("/automation/new")
        page.get_by_label("Name").fill("Welcome web leads")
        page.get_by_label("Trigger").select_option("FormSubmitted")
        page.get_by_label("Action of the next step").select_option("automation.add_tag")
        page.get_by_role("button", name="Add step").click()
        page.get_by_label("Tag (step 1)").fill("welcomed")
        page.get_by_role("button", name="Save workflow").click()
        page.wait_for_url("**/automation/workflows/*")
        page.get_by_role("button", name="Switch on").click()
        workflow_url = page.url

        visitor = browser.new_context(base_url=url).new_page()  # no sign-in, no cookies of the admin
        visitor.set_default_timeout(10_000)
        visitor.goto(hosted)
        visitor.get_by_label("Your email").fill("grace@example.com")
        visitor.get_by_label("First name").fill("Grace")
        visitor.get_by_role("button", name="Send").click()
        assert visitor.get_by_test_id("form-thanks").is_visible()

        deadline = time.monotonic() + 60
        while True:
            page.goto(workflow_url)
            runs = page.get_by_role("table", name="Runs")
            if "done" in runs.inner_text() or time.monotonic() > deadline:
                break
            time.sleep(0.5)
        assert "Grace" in runs.inner_text() and "done" in runs.inner_text()
        page.goto("/contacts")
        page.get_by_role("link", name="Grace").first.click()
        assert page.get_by_text("welcomed").first.is_visible() and page.get_by_text("web-lead").first.is_visible()
