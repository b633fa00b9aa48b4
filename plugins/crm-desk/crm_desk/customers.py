"""What a customer's message does to a ticket, whether it came by email or the status page:
it joins an open ticket, reopens a solved one within the reopen window, or else opens a new
ticket linked to the old one."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

from crm_hookspecs import Principal
from crm_platform.toolkit import execute, fetch, now, setting, unit_of_work, update_record

from crm_desk import service, tickets
from crm_desk.conversation import CUSTOMER_TYPE, timeline_for
from crm_desk.events import TicketReplied
from crm_desk.sla.service import as_utc

TICKET_IN_SUBJECT = re.compile(r"\[#(\d{1,12})\]")
REPLY_PREFIXES = re.compile(r"^((re|fwd?|aw|wg|sv):\s*)+", re.I)


async def may_reopen(ticket: dict[str, Any]) -> bool:
    """Whether a customer's answer joins the ticket (else it opens a new one)."""
    if ticket["status"] == "closed":
        return False
    if ticket["status"] != "solved" or ticket["solved_at"] is None:
        return True
    days = int(await setting("desk", "reopen_days"))
    return now() - as_utc(ticket["solved_at"]) <= dt.timedelta(days=days)


async def append(principal: Principal, ticket_id: int, sender: str, body: str, message_id: str) -> int:
    """Store the customer's message on the ticket and the requester's timeline; returns its id."""
    [ticket] = await fetch("SELECT id, subject, requester_id, company_id FROM desk_ticket WHERE id = {}", ticket_id)
    activity_id = await timeline_for(principal, ticket, CUSTOMER_TYPE.key, body)
    [row] = await execute(
        "INSERT INTO desk_message (ticket, kind, from_address, body, message_id, activity_id, created_at) "
        "VALUES ({}, 'customer', {}, {}, {}, {}, {}) RETURNING id",
        ticket_id, sender.lower(), body, message_id, activity_id, now(),
    )
    await execute("UPDATE desk_ticket SET updated_at = {} WHERE id = {}", now(), ticket_id)
    return row["id"]


async def open_from_customer(
    principal: Principal, sender: str, name: str, subject: str, body: str, message_id: str, channel: str,
    reopened_from: int | None = None,
) -> int:
    """A new ticket from the customer's first message, waiting unassigned in the queue."""
    cleaned = TICKET_IN_SUBJECT.sub("", REPLY_PREFIXES.sub("", subject)).strip() or subject
    ticket_id = await service.open_ticket(
        principal, {"subject": cleaned, "description": body, "channel": channel, "owner": None,
                    "reopened_from": reopened_from},
        requester_email=sender, requester_name=name,
    )
    await execute("UPDATE desk_ticket SET thread_id = {} WHERE id = {}", message_id, ticket_id)
    await append(principal, ticket_id, sender, body, message_id)
    return ticket_id


async def answer(
    principal: Principal, ticket_id: int, sender: str, name: str, subject: str, body: str, message_id: str,
    channel: str = "email",
) -> tuple[str, int, str]:
    """The customer answers ticket ``ticket_id``: ``(action, ticket id, reason)`` with action
    ``appended``, ``reopened`` or ``followed_up``."""
    [ticket] = await fetch("SELECT id, status, solved_at, subject FROM desk_ticket WHERE id = {}", ticket_id)
    async with unit_of_work() as work:
        if not await may_reopen(ticket):
            new_id = await open_from_customer(
                principal, sender, name, subject or ticket["subject"], body, message_id, channel, reopened_from=ticket_id
            )
            return "followed_up", new_id, f"ticket #{ticket_id} is {ticket['status']}: a new ticket follows it"
        message_row = await append(principal, ticket_id, sender, body, message_id)
        if ticket["status"] in ("solved", "pending_customer"):
            await update_record(principal, tickets.KIND_KEY, ticket_id, {"status": "open"})
        work.emit(TicketReplied(actor_id=None, ticket_id=ticket_id, message_id=message_row, by_customer=True))
    return ("reopened" if ticket["status"] == "solved" else "appended"), ticket_id, ""
