"""Outbound email: queued by ``toolkit.send_email``, sent by a job through a real SMTP server
(aiosmtpd on 127.0.0.1), over plain SMTP, STARTTLS or implicit TLS, with a login."""

from __future__ import annotations

import logging
from email.message import EmailMessage

import pytest

from crm_platform import toolkit
from crm_platform.mail.config import MailConfigError, parse_smtp_url
from crm_platform.mail.smtp import send_messages
from crm_platform.testing import SMTP_SENDER, smtp_server


async def test_an_email_is_sent_by_the_job_not_the_caller(crm_client, crm_smtp, crm_run_jobs):
    email_id = await toolkit.send_email("ann@example.com", "Hello Ann", "Plain words", html="<p>Plain words</p>")
    assert isinstance(email_id, int)
    assert crm_smtp.messages == []  # nothing leaves before the worker runs the job

    [outcome] = [o for o in await crm_run_jobs() if o.job_name == "core.send_emails"]
    assert outcome.ok, outcome.error
    [received] = crm_smtp.to("ann@example.com")
    assert received.subject == "Hello Ann"
    assert received.message["From"] == SMTP_SENDER
    assert received.body().strip() == "Plain words"
    assert received.body("html").strip() == "<p>Plain words</p>"
    [row] = await toolkit.fetch("SELECT state, sent_at FROM crm_outbound_email WHERE id = {}", email_id)
    assert row["state"] == "sent" and row["sent_at"] is not None

    # Run again, the job finds nothing left to send.
    assert [o for o in await crm_run_jobs() if o.job_name == "core.send_emails"] == []
    assert len(crm_smtp.messages) == 1


async def test_without_smtp_email_is_off_and_send_email_says_so(crm_client):
    assert not toolkit.email_enabled()
    with pytest.raises(toolkit.Conflict, match="CRM_SMTP_URL"):
        await toolkit.send_email("ann@example.com", "Hello", "Words")
    assert await toolkit.fetch("SELECT id FROM crm_outbound_email") == []


async def test_a_wrong_address_or_subject_is_named_and_nothing_is_queued(crm_client, crm_smtp):
    with pytest.raises(toolkit.Invalid) as caught:
        await toolkit.send_email("not an address", "Two\nlines", "Words")
    assert set(caught.value.errors) == {"to", "subject"}
    with pytest.raises(toolkit.Invalid, match="text"):
        await toolkit.send_email("ann@example.com", "Hello", "  ")
    assert await toolkit.fetch("SELECT id FROM crm_outbound_email") == []


async def test_a_relay_that_is_down_fails_the_run_which_is_tried_again(crm_client, crm_smtp, crm_run_jobs, caplog):
    await toolkit.send_email("ann@example.com", "Retry me", "Words")
    crm_smtp.stop()
    with caplog.at_level(logging.WARNING, logger="crm.mail"):
        [failed] = [o for o in await crm_run_jobs() if o.job_name == "core.send_emails"]
    assert failed.state == "failed" and "Connect" in failed.error
    assert "Retry me" not in caplog.text and "127.0.0.1" in caplog.text
    [row] = await toolkit.fetch("SELECT state, error FROM crm_outbound_email")
    assert row["state"] == "queued" and row["error"]

    crm_smtp.start()
    [retried] = [o for o in await crm_run_jobs() if o.job_name == "core.send_emails"]
    assert retried.ok, retried.error
    assert [email.subject for email in crm_smtp.messages] == ["Retry me"]


def _message(to: str) -> EmailMessage:
    message = EmailMessage()
    message["From"], message["To"], message["Subject"] = SMTP_SENDER, to, "Secured"
    message.set_content("Over TLS")
    return message


@pytest.mark.parametrize("security", ["starttls", "tls"])
async def test_starttls_and_implicit_tls_with_a_login(tmp_path, security):
    # The relay's certificate is self-signed: the URL's cafile is what lets the client trust it.
    with smtp_server(tmp_path, security=security, username="crm", password="s3cret pass") as server:
        config = parse_smtp_url(server.url, password="s3cret pass", sender=SMTP_SENDER)
        assert config.security == security and "s3cret" not in repr(config) + config.describe()
        assert await send_messages(config, [_message("bob@example.com")]) == {}
    assert server.logins == ["crm"]
    assert [email.subject for email in server.to("bob@example.com")] == ["Secured"]


async def test_a_wrong_password_is_refused_by_the_relay(tmp_path):
    with smtp_server(tmp_path, security="starttls", username="crm", password="right") as server:
        config = parse_smtp_url(server.url, password="wrong", sender=SMTP_SENDER)
        with pytest.raises(Exception, match="535|uthentication"):
            await send_messages(config, [_message("bob@example.com")])
    assert server.messages == []


def test_the_url_reads_scheme_port_and_parameters():
    plain = parse_smtp_url("smtp://relay.local", sender="crm@example.com")
    assert (plain.host, plain.port, plain.security, plain.username) == ("relay.local", 25, "none", "")
    starttls = parse_smtp_url("smtp://me%40example.com@mail.example.com?starttls=1&timeout=5")
    assert (starttls.port, starttls.security, starttls.username, starttls.sender, starttls.timeout) == (
        587, "starttls", "me@example.com", "me@example.com", 5.0)
    implicit = parse_smtp_url("smtps://mail.example.com:2465", sender="CRM <crm@example.com>")
    assert (implicit.port, implicit.security, implicit.sender) == (2465, "tls", "CRM <crm@example.com>")


@pytest.mark.parametrize(("url", "problem"), [
    ("http://mail.example.com", "smtp:// or smtps://"),
    ("smtp://me:hunter2@mail.example.com", "CRM_SMTP_PASSWORD"),
    ("smtp://mail.example.com?tls=1", "unknown parameters tls"),
    ("smtps://mail.example.com?starttls=1", "smtp:// only"),
    ("smtp://mail.example.com?starttls=maybe", "starttls must be 1 or 0"),
    ("smtp://mail.example.com", "CRM_SMTP_FROM"),
])
def test_a_url_that_cannot_be_used_says_what_to_change(url, problem):
    with pytest.raises(MailConfigError, match=problem) as caught:
        parse_smtp_url(url)
    assert "hunter2" not in str(caught.value)
