"""A due task reaches its assignee in a real browser (the bell's count, the notifications
page) and in the inbox of a real SMTP server, linking to the task's contact."""

from __future__ import annotations

from pathlib import Path

import pytest

from crm_platform.testing import serve, smtp_server
from tests.web.browser import Server, new_page, screenshot, sign_in

pytestmark = pytest.mark.browser


def test_a_due_task_rings_the_bell_lists_on_the_page_and_arrives_by_email(browser, tmp_path: Path) -> None:
    with smtp_server(tmp_path) as inbox:
        (tmp_path / "smtp_url.txt").write_text(inbox.url)
        with serve(Path(__file__).with_name("serve_mail_app.py"), tmp_path) as (url, facts):
            page = new_page(browser, Server(url, facts))
            sign_in(page, "alice@example.com")
            # "Assigned to you" when the admin gave her the task, then "Task due".
            assert page.locator(".notify-count").get_attribute("data-unread") == "2"
            page.locator('a[href="/notifications"]').first.click()
            page.wait_for_url("**/notifications")
            due = page.locator("#notification-list li", has_text="Task due: Send Grace the contract")
            assert due.locator("a").get_attribute("href") == f"/contacts/{facts['grace_id']}"
            assert page.locator("#preferences").get_by_label("Task due by email").is_checked()
            screenshot(page, "desktop-notifications")

    subjects = [email.subject for email in inbox.to("alice@example.com")]
    assert sorted(subjects) == ["Assigned to you: Send Grace the contract", "Task due: Send Grace the contract"]
    [email] = [email for email in inbox.messages if email.subject.startswith("Task due")]
    assert f"{url}/contacts/{facts['grace_id']}" in email.body()
