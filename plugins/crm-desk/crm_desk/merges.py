"""Merging two tickets about one problem, and splitting a message off into a ticket of its own.

A merge moves the whole conversation of one ticket into the other (its emails' Message-IDs
with it, so the customer's answers to either thread find the survivor) and closes the merged
ticket with a note saying where it went; a split moves one customer message into a new ticket
for the same requester. Both are written to the audit log of every ticket they touch.
"""

from __future__ import annotations

from typing import Any

from crm_hookspecs import Principal
from crm_platform.toolkit import (
    Forbidden,
    Invalid,
    NotFound,
    audit_record,
    execute,
    fetch,
    get_record,
    now,
    unit_of_work,
    update_record,
)

from crm_desk import service, tickets


async def merge(principal: Principal, ticket_id: int, into_id: int) -> None:
    """Merge ticket ``ticket_id`` into ``into_id``; the user must be able to change both."""
    if ticket_id == into_id:
        raise Invalid({"into_id": "a ticket cannot be merged into itself"})
    source = await get_record(principal, tickets.KIND_KEY, ticket_id, "write")
    try:
        target = await get_record(principal, tickets.KIND_KEY, into_id, "write")
    except (NotFound, Forbidden):
        raise Invalid({"into_id": f"ticket {into_id} does not exist or you may not change it"}) from None
    if target["status"] == "closed":
        raise Invalid({"into_id": f"ticket {into_id} is closed: merge into an open ticket"})
    if source["status"] == "closed":
        raise Invalid({"ticket": f"ticket {ticket_id} is closed already"})
    moved = await fetch("SELECT id FROM desk_message WHERE ticket = {}", ticket_id)
    async with unit_of_work():
        await execute("UPDATE desk_message SET ticket = {} WHERE ticket = {}", into_id, ticket_id)
        if source["thread_id"]:
            # The customer's answers to the merged ticket's first email find the survivor.
            await execute(
                "INSERT INTO desk_message (ticket, kind, body, message_id, created_at) VALUES ({}, 'note', {}, {}, {})",
                into_id, f"Merged from {service.number(ticket_id)}: {source['subject']}", source["thread_id"], now(),
            )
            await execute("UPDATE desk_ticket SET thread_id = '' WHERE id = {}", ticket_id)
        else:
            await execute(
                "INSERT INTO desk_message (ticket, kind, body, created_at) VALUES ({}, 'note', {}, {})",
                into_id, f"Merged from {service.number(ticket_id)}: {source['subject']}", now(),
            )
        await execute(
            "INSERT INTO desk_message (ticket, kind, body, created_at) VALUES ({}, 'note', {}, {})",
            ticket_id, f"Merged into {service.number(into_id)}", now(),
        )
        await update_record(principal, tickets.KIND_KEY, ticket_id, {"status": "closed"})
        await audit_record(principal.id, tickets.KIND_KEY, ticket_id, "merge",
                           {"merged_into": {"from": None, "to": into_id}, "messages": {"from": len(moved), "to": 0}})
        await audit_record(principal.id, tickets.KIND_KEY, into_id, "merge",
                           {"merged_from": {"from": None, "to": ticket_id}, "messages_added": {"from": 0, "to": len(moved)}})


async def split(principal: Principal, ticket_id: int, message_id: int, subject: str | None = None) -> int:
    """A new ticket from one message of ``ticket_id``, for the same requester; returns its id."""
    ticket = await get_record(principal, tickets.KIND_KEY, ticket_id, "write")
    rows = await fetch("SELECT id, kind, body FROM desk_message WHERE id = {} AND ticket = {}", message_id, ticket_id)
    if not rows:
        raise Invalid({"message_id": f"ticket {ticket_id} has no message {message_id}"})
    message: dict[str, Any] = rows[0]
    first_line = " ".join(message["body"].split())[:80] or ticket["subject"]
    async with unit_of_work():
        new_id = await service.open_ticket(principal, {
            "subject": subject or f"{first_line} (split from {service.number(ticket_id)})",
            "description": message["body"], "requester_id": ticket["requester_id"], "company_id": ticket["company_id"],
            "priority": ticket["priority"], "category": ticket["category"], "channel": ticket["channel"],
            "team_id": ticket["team_id"], "owner": ticket["owner"], "reopened_from": None,
        })
        await execute("UPDATE desk_message SET ticket = {} WHERE id = {}", new_id, message_id)
        await execute(
            "INSERT INTO desk_message (ticket, kind, body, created_at) VALUES ({}, 'note', {}, {})",
            ticket_id, f"A message was split off into {service.number(new_id)}", now(),
        )
        await audit_record(principal.id, tickets.KIND_KEY, ticket_id, "split",
                           {"split_into": {"from": None, "to": new_id}, "message": {"from": message_id, "to": None}})
        await audit_record(principal.id, tickets.KIND_KEY, new_id, "split",
                           {"split_from": {"from": None, "to": ticket_id}, "message": {"from": None, "to": message_id}})
    return new_id
