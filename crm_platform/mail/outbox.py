"""Queueing email and the job that sends it.

``send_email`` never talks to the relay: it writes the message to ``crm_outbound_email`` and
records a run of ``core.send_emails`` in the same transaction, so a request returns at once
and an email is neither lost nor sent for a write that rolled back. The job sends what is
still queued in its batch; a relay that cannot be reached fails the run, which is tried again
(``jobs.ledger.MAX_ATTEMPTS`` in all), and each failure is logged.
"""

from __future__ import annotations

import logging
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from email.message import EmailMessage
from email.utils import formatdate, make_msgid

from email_validator import EmailNotValidError, validate_email

from crm_platform import clock
from crm_platform.db.bulk import insert_rows
from crm_platform.db.raw import execute, fetch, placeholders
from crm_platform.db.unit import unit_of_work
from crm_platform.errors import Conflict, Invalid
from crm_platform.jobs.runner import enqueue_on_commit
from crm_platform.mail.config import email_enabled, smtp_config
from crm_platform.mail.smtp import send_messages

log = logging.getLogger("crm.mail")

SEND_JOB = "core.send_emails"
MAX_SUBJECT = 200
MAX_TEXT = 100_000
COLUMNS = ("to_address", "subject", "text_body", "html_body")


@dataclass(frozen=True)
class Email:
    """One message to one address, checked: ``Invalid`` names each field that is wrong."""

    to: str
    subject: str
    text: str
    html: str = ""

    def __post_init__(self) -> None:
        errors: dict[str, str] = {}
        try:
            object.__setattr__(self, "to", validate_email(str(self.to).strip(), check_deliverability=False).normalized)
        except EmailNotValidError as exc:
            errors["to"] = f"must be an email address: {exc}"
        subject = self.subject.strip() if isinstance(self.subject, str) else ""
        if not subject or "\n" in subject or "\r" in subject:
            errors["subject"] = "is required: one line"
        elif len(subject) > MAX_SUBJECT:
            errors["subject"] = f"must be at most {MAX_SUBJECT} characters, not {len(subject)}"
        object.__setattr__(self, "subject", subject)
        for name in ("text", "html"):
            value = getattr(self, name)
            if not isinstance(value, str):
                errors[name] = "must be a string"
            elif len(value) > MAX_TEXT:
                errors[name] = f"must be at most {MAX_TEXT} characters"
        if not errors and not self.text.strip():
            errors["text"] = "is required: the plain-text body every mail reader can show"
        if errors:
            raise Invalid(errors)


async def send_email(to: str, subject: str, text: str, html: str | None = None) -> int:
    """Queue an email to ``to`` and return its id; the worker sends it. Raises ``Invalid``
    naming the field that is wrong, and ``Conflict`` while email is off (``CRM_SMTP_URL``
    unset). Inside a ``unit_of_work()`` it is sent only once that commits."""
    if not email_enabled():
        raise Conflict("email is off on this instance: an administrator sets CRM_SMTP_URL to turn it on")
    email = Email(to, subject, text, html or "")
    [email_id] = await queue_emails([email])
    return email_id


async def queue_emails(emails: Sequence[Email]) -> list[int]:
    """Write ``emails`` as one batch and record one run of the send job for it; returns their ids."""
    if not emails:
        return []
    batch = uuid.uuid4().hex
    async with unit_of_work():
        await insert_rows(
            "crm_outbound_email", COLUMNS, [(e.to, e.subject, e.text, e.html) for e in emails],
            same={"batch": batch, "state": "queued", "error": "", "created_at": clock.now()},
        )
        rows = await fetch("SELECT id FROM crm_outbound_email WHERE batch = {} ORDER BY id", batch)
        await enqueue_on_commit(SEND_JOB, batch=batch)
    return [row["id"] for row in rows]


def _message(row: dict, sender: str) -> EmailMessage:
    message = EmailMessage()
    message["From"] = sender
    message["To"] = row["to_address"]
    message["Subject"] = row["subject"]
    message["Date"] = formatdate(clock.now().timestamp())
    message["Message-ID"] = make_msgid(idstring=f"crm{row['id']}", domain=sender.rsplit("@", 1)[-1].strip(">"))
    message.set_content(row["text_body"])
    if row["html_body"]:
        message.add_alternative(row["html_body"], subtype="html")
    return message


async def send_batch(batch: str) -> int:
    """The job ``core.send_emails``: send the batch's emails still queued; returns how many went.

    Run again after a crash it sends only what was not marked sent (the relay may see one
    message twice if the crash fell between its answer and the mark, never none)."""
    rows = await fetch(
        "SELECT id, to_address, subject, text_body, html_body FROM crm_outbound_email "
        "WHERE batch = {} AND state = {} ORDER BY id",
        batch, "queued",
    )
    if not rows:
        return 0
    config = smtp_config()
    if config is None:
        raise RuntimeError("email is off (CRM_SMTP_URL is unset); the emails stay queued")
    try:
        refused = await send_messages(config, [_message(row, config.sender) for row in rows])
    except Exception as exc:
        log.warning("sending %d email(s) of batch %s through %s failed: %s: %s",
                    len(rows), batch, config.describe(), type(exc).__name__, exc)
        await execute(
            f"UPDATE crm_outbound_email SET error = {{}} WHERE id IN ({placeholders(rows)})",
            f"{type(exc).__name__}: {exc}"[:2000], *[row["id"] for row in rows],
        )
        raise
    sent = [row["id"] for index, row in enumerate(rows) if index not in refused]
    async with unit_of_work():
        if sent:
            await execute(
                f"UPDATE crm_outbound_email SET state = {{}}, sent_at = {{}}, error = {{}} "
                f"WHERE id IN ({placeholders(sent)})",
                "sent", clock.now(), "", *sent,
            )
        for index, reason in refused.items():
            log.warning("the relay refused email %d to %s: %s", rows[index]["id"], rows[index]["to_address"], reason)
            await execute(
                "UPDATE crm_outbound_email SET state = {}, error = {} WHERE id = {}", "refused", reason[:2000],
                rows[index]["id"],
            )
    return len(sent)


async def deliver_now(messages: Sequence[EmailMessage]) -> dict[int, str]:
    """Hand prepared messages to the instance's relay at once, over one connection, each sent
    from the instance's address; returns ``{index: reason}`` for those the relay refused for
    good. For a plugin that keeps its own queue of messages with headers of their own (a
    ticket's replies with ``In-Reply-To`` and ``References``, so mail clients thread them):
    it calls this from its job, which is tried again when this raises because the relay cannot
    be reached. A message without ``Message-ID`` or ``Date`` gets one."""
    config = smtp_config()
    if config is None:
        raise Conflict("email is off on this instance: an administrator sets CRM_SMTP_URL to turn it on")
    domain = config.sender.rsplit("@", 1)[-1].strip(">")
    for message in messages:
        if message["From"] is None:
            message["From"] = config.sender
        if message["Date"] is None:
            message["Date"] = formatdate(clock.now().timestamp())
        if message["Message-ID"] is None:
            message["Message-ID"] = make_msgid(domain=domain)
    return await send_messages(config, list(messages))


def sender_domain() -> str:
    """The domain of the instance's sending address, for Message-IDs a plugin makes itself;
    ``"localhost"`` while email is off."""
    config = smtp_config()
    return config.sender.rsplit("@", 1)[-1].strip(">").strip() if config else "localhost"
