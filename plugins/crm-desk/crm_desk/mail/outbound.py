"""Agents' replies by email, threaded: each carries its own Message-ID, answers the customer's
last message (``In-Reply-To``) and lists the thread (``References``), and names the ticket in
its subject, so the customer's mail client keeps one conversation and their answer finds the
ticket again."""

from __future__ import annotations

import secrets
from email.message import EmailMessage

from crm_platform.toolkit import deliver_emails, execute, fetch, now, sender_domain

JOB = "desk.send_reply"
# The newest thread members named in References; mail clients need only the last few.
MAX_REFERENCES = 20


def new_message_id(ticket_id: int) -> str:
    return f"<desk.{ticket_id}.{secrets.token_hex(8)}@{sender_domain()}>"


def subject_for(ticket_id: int, subject: str) -> str:
    tag = f"[#{ticket_id}]"
    text = subject if tag in subject else f"{tag} {subject}"
    return text if text.lower().startswith("re:") else f"Re: {text}"


async def thread_of(ticket_id: int, before_id: int) -> list[str]:
    """The Message-IDs of the ticket's emailed messages before ``before_id``, oldest first."""
    rows = await fetch(
        "SELECT message_id FROM desk_message WHERE ticket = {} AND id < {} AND message_id <> '' "
        "AND kind IN ('reply', 'customer') ORDER BY id",
        ticket_id, before_id,
    )
    return [row["message_id"] for row in rows]


async def send_reply(message_id: int) -> None:
    """The job: email one agent reply once; run again, it finds the reply sent and stops."""
    rows = await fetch(
        "SELECT m.id, m.ticket, m.body, m.to_address, m.message_id, m.sent_at, t.subject, t.thread_id "
        "FROM desk_message m JOIN desk_ticket t ON t.id = m.ticket WHERE m.id = {} AND m.kind = 'reply'",
        message_id,
    )
    if not rows or rows[0]["sent_at"] is not None or not rows[0]["to_address"]:
        return
    row = rows[0]
    thread = [mid for mid in [row["thread_id"], *await thread_of(row["ticket"], row["id"])] if mid]
    thread = list(dict.fromkeys(thread))[-MAX_REFERENCES:]
    message = EmailMessage()
    message["To"] = row["to_address"]
    message["Subject"] = subject_for(row["ticket"], row["subject"])
    message["Message-ID"] = row["message_id"]
    if thread:
        message["In-Reply-To"] = thread[-1]
        message["References"] = " ".join(thread)
    message.set_content(row["body"])
    refused = await deliver_emails([message])
    await execute("UPDATE desk_message SET sent_at = {} WHERE id = {}", now(), row["id"])
    if refused:
        # Refused for good (a 5xx): trying again would not help; the note says so on the ticket.
        await execute(
            "INSERT INTO desk_message (ticket, kind, body, created_at) VALUES ({}, 'note', {}, {})",
            row["ticket"], f"The reply could not be emailed to {row['to_address']}: {refused[0]}", now(),
        )
