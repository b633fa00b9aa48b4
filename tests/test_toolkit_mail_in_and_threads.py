"""Toolkit for plugins that keep conversations by email: prepared messages, with threading
headers of their own, handed to the relay at once."""

from __future__ import annotations

from email.message import EmailMessage

import pytest

from crm_platform import toolkit
from crm_platform.testing import SMTP_SENDER


async def test_deliver_emails_sends_a_prepared_message_with_its_own_thread_headers(crm_client, crm_smtp):
    message = EmailMessage()
    message["To"] = "ann@example.com"
    message["Subject"] = "Re: [#7] Printer"
    message["Message-ID"] = f"<reply-1@{toolkit.sender_domain()}>"
    message["In-Reply-To"] = "<question@example.com>"
    message["References"] = "<question@example.com>"
    message.set_content("We are on it.")
    assert await toolkit.deliver_emails([message]) == {}
    [received] = crm_smtp.to("ann@example.com")
    assert received.message["From"] == SMTP_SENDER
    assert received.message["In-Reply-To"] == "<question@example.com>"
    assert received.message["Message-ID"] == "<reply-1@example.com>"
    assert received.message["Date"]


async def test_deliver_emails_says_so_while_email_is_off(crm_client):
    message = EmailMessage()
    message["To"] = "ann@example.com"
    message.set_content("x")
    with pytest.raises(toolkit.Conflict, match="CRM_SMTP_URL"):
        await toolkit.deliver_emails([message])
    assert toolkit.sender_domain() == "localhost"
