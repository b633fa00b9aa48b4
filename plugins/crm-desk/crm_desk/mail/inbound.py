"""Mail to the desk: one raw RFC 822 message opens a ticket or joins the one it answers.

A message joins a ticket when its ``In-Reply-To`` or ``References`` name a message of the
ticket's thread, or else when its subject names the ticket (``[#123]``). A message already
received (the same Message-ID) is skipped, so handing a mailbox in twice changes nothing. A
solved ticket the customer answers within the reopen window opens again; after it, or once
the ticket is closed, the answer opens a new ticket linked to the old one.
"""

from __future__ import annotations

import email
import email.policy
import re
from dataclasses import dataclass
from email.message import EmailMessage
from email.utils import parseaddr
from typing import Any

import nh3
from crm_hookspecs import Principal
from crm_platform.toolkit import (
    Invalid,
    fetch,
    placeholders,
    unit_of_work,
)

from crm_desk import customers
from crm_desk.tables import BODY_LENGTH, SUBJECT_LENGTH

MAX_MESSAGE_BYTES = 10 * 1024 * 1024
TICKET_IN_SUBJECT = customers.TICKET_IN_SUBJECT
MESSAGE_ID = re.compile(r"<[^<>\s]{1,250}>")


@dataclass(frozen=True)
class Received:
    """What became of one message: ``action`` is ``opened``, ``appended``, ``reopened``,
    ``followed_up`` (a new ticket linked to a closed one) or ``duplicate``; ``reason`` says why."""

    action: str
    ticket_id: int
    reason: str


def parse(raw: bytes) -> EmailMessage:
    if len(raw) > MAX_MESSAGE_BYTES:
        raise Invalid({"message": f"is {len(raw)} bytes; at most {MAX_MESSAGE_BYTES} are read"})
    message = email.message_from_bytes(raw, policy=email.policy.default)
    _, sender = parseaddr(str(message.get("From", "")))
    if not sender or "@" not in sender:
        raise Invalid({"from": "the message has no sender address"})
    return message


def _text(message: EmailMessage) -> str:
    part = message.get_body(preferencelist=("plain", "html"))
    if part is None:
        return ""
    try:
        content = part.get_content()
    except (LookupError, UnicodeError):
        content = part.get_payload(decode=True).decode("utf-8", "replace")
    if part.get_content_subtype() == "html":
        content = nh3.clean(content, tags=set())
    return str(content).strip()[:BODY_LENGTH]


def _ids(value: Any) -> list[str]:
    return MESSAGE_ID.findall(str(value or ""))


async def _ticket_by_thread(message: EmailMessage) -> int | None:
    named = [*_ids(message.get("In-Reply-To")), *_ids(message.get("References"))]
    if not named:
        return None
    rows = await fetch(
        f"SELECT ticket AS id FROM desk_message WHERE message_id IN ({placeholders(named)}) "
        f"UNION SELECT id FROM desk_ticket WHERE thread_id IN ({placeholders(named)})",
        *named, *named,
    )
    return rows[0]["id"] if rows else None


async def _ticket_by_subject(subject: str) -> int | None:
    found = TICKET_IN_SUBJECT.search(subject)
    if not found:
        return None
    rows = await fetch("SELECT id FROM desk_ticket WHERE id = {}", int(found.group(1)))
    return rows[0]["id"] if rows else None


async def receive(principal: Principal, raw: bytes) -> Received:
    """Take in one raw message as ``principal``, the user mail is received as (the CLI's
    ``--user``, or the first admin): new requesters are created as that user, and new tickets
    wait unassigned in the queue."""
    message = parse(raw)
    name, sender = parseaddr(str(message["From"]))
    message_id = (_ids(message.get("Message-ID")) or [""])[0]
    if message_id and await fetch("SELECT id FROM desk_message WHERE message_id = {}", message_id):
        [row] = await fetch("SELECT ticket FROM desk_message WHERE message_id = {}", message_id)
        return Received("duplicate", row["ticket"], f"message {message_id} was received before")
    subject = " ".join(str(message.get("Subject", "")).split())[:SUBJECT_LENGTH] or "(no subject)"
    body = _text(message) or "(no text)"
    found = await _ticket_by_thread(message)
    reason = "its In-Reply-To or References name a message of the ticket"
    if found is None:
        found = await _ticket_by_subject(subject)
        reason = "its subject names the ticket"
    if found is not None:
        action, ticket_id, why = await customers.answer(principal, found, sender, name, subject, body, message_id)
        return Received(action, ticket_id, why or reason)
    async with unit_of_work():
        new_id = await customers.open_from_customer(principal, sender, name, subject, body, message_id, "email")
    return Received("opened", new_id, "it answers no ticket")
