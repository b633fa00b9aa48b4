"""A notification as an email: the subject, the body, and a link back to what it is about."""

from __future__ import annotations

from html import escape

from crm_platform.mail.config import absolute_url
from crm_platform.mail.outbox import Email

PREFERENCES_PATH = "/notifications#preferences"


def notification_email(address: str, subject: str, body: str, href: str) -> Email:
    """Plain text and simple HTML (every value escaped), both linking to ``href`` made absolute."""
    link = absolute_url(href or "/notifications")
    preferences = absolute_url(PREFERENCES_PATH)
    text = "\n\n".join(part for part in (
        subject, body, f"Open it: {link}",
        f"-- \nChoose which notifications reach you by email: {preferences}",
    ) if part) + "\n"
    paragraphs = "".join(
        f"<p>{escape(part).replace(chr(10), '<br>')}</p>" for part in body.split("\n\n") if part.strip()
    )
    html = (
        f'<!doctype html><html><body style="font-family: sans-serif; line-height: 1.4">'
        f"<p><strong>{escape(subject)}</strong></p>{paragraphs}"
        f'<p><a href="{escape(link)}">Open it in the CRM</a></p>'
        f'<p style="color: #666; font-size: small">Choose which notifications reach you by email: '
        f'<a href="{escape(preferences)}">your notification settings</a></p></body></html>'
    )
    return Email(address, subject, text, html)
