"""Talking to the relay: one connection for a batch of messages, with aiosmtplib."""

from __future__ import annotations

import ssl
from collections.abc import Sequence
from email.message import EmailMessage

import aiosmtplib

from crm_platform.mail.config import SmtpConfig


def tls_context(config: SmtpConfig) -> ssl.SSLContext:
    """The system's trusted CAs, plus ``cafile`` for a relay with a private certificate."""
    context = ssl.create_default_context()
    if config.cafile:
        context.load_verify_locations(cafile=config.cafile)
    return context


async def send_messages(config: SmtpConfig, messages: Sequence[EmailMessage]) -> dict[int, str]:
    """Hand each message to the relay over one connection; returns ``{index: reason}`` for
    those whose recipient the relay refused for good (a 5xx answer). A failure to connect,
    to secure the connection, to log in, or a temporary (4xx) refusal raises, so the job is
    tried again."""
    refused: dict[int, str] = {}
    client = aiosmtplib.SMTP(
        hostname=config.host, port=config.port, timeout=config.timeout,
        use_tls=config.security == "tls", start_tls=config.security == "starttls",
        tls_context=tls_context(config) if config.security != "none" else None,
    )
    async with client:
        if config.username:
            await client.login(config.username, config.password)
        for index, message in enumerate(messages):
            try:
                await client.send_message(message)
            except aiosmtplib.SMTPRecipientsRefused as exc:
                if any(500 <= problem.code < 600 for problem in exc.recipients):
                    refused[index] = "; ".join(f"{problem.code} {problem.message}" for problem in exc.recipients)
                else:
                    raise
            except aiosmtplib.SMTPResponseException as exc:
                if 500 <= exc.code < 600:
                    refused[index] = f"{exc.code} {exc.message}"
                else:
                    raise
    return refused
