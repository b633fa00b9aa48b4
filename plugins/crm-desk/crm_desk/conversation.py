"""A ticket's conversation: public replies, the customer's messages and internal notes. Each
also lands on the requester's and the company's timeline as an activity, linked to the ticket."""

from __future__ import annotations

from typing import Any

from crm_hookspecs import ActivityType, Principal
from crm_platform.toolkit import (
    ActivityIn,
    Conflict,
    Invalid,
    email_enabled,
    enqueue,
    execute,
    fetch,
    get_record,
    get_records,
    get_users,
    log_activity,
    now,
    unit_of_work,
    update_record,
)

from crm_desk import presence, tickets
from crm_desk.events import TicketReplied
from crm_desk.mail import outbound
from crm_desk.sla import service as sla
from crm_desk.tables import BODY_LENGTH

KINDS = ("reply", "note")
REPLY_TYPE = ActivityType(key="desk_reply", label="Ticket reply", icon="mail")
NOTE_TYPE = ActivityType(key="desk_note", label="Ticket note", icon="note")
CUSTOMER_TYPE = ActivityType(key="desk_customer_message", label="Customer message", icon="mail")
MESSAGE_COLUMNS = "id, ticket, kind, author_id, from_address, to_address, body, message_id, sent_at, created_at"


def check_body(body: Any, field: str = "body") -> str:
    text = str(body or "").strip()
    if not text:
        raise Invalid({field: "must not be empty"})
    if len(text) > BODY_LENGTH:
        raise Invalid({field: f"must be at most {BODY_LENGTH} characters, not {len(text)}"})
    return text


async def messages(principal: Principal, ticket_id: int, *, public_only: bool = False) -> list[dict[str, Any]]:
    await get_record(principal, tickets.KIND_KEY, ticket_id)
    return await messages_of(ticket_id, public_only=public_only)


async def messages_of(ticket_id: int, *, public_only: bool = False) -> list[dict[str, Any]]:
    """The conversation oldest first; ``public_only`` leaves out the internal notes (for the customer)."""
    kinds = "('reply', 'customer')" if public_only else "('reply', 'customer', 'note')"
    return await fetch(
        f"SELECT {MESSAGE_COLUMNS} FROM desk_message WHERE ticket = {{}} AND kind IN {kinds} ORDER BY created_at, id",
        ticket_id,
    )


async def timeline_for(principal: Principal, ticket: dict[str, Any], activity_type: str, body: str) -> int | None:
    """Log the message on the requester's and company's timelines, as far as the user may change them."""
    links = [{"record_type": tickets.KIND_KEY, "record_id": ticket["id"]}]
    for kind, record_id in (("contact", ticket["requester_id"]), ("company", ticket["company_id"])):
        if record_id is not None and await get_records(principal, kind, [record_id], "write"):
            links.append({"record_type": kind, "record_id": record_id})
    activity, _ = await log_activity(principal, ActivityIn(
        type=activity_type, subject=f"{ticket['subject']} (#{ticket['id']})"[:200], body=body[:10_000],
        links=links, source="desk",
    ))
    return activity["id"]


async def add(
    principal: Principal, ticket_id: int, kind: str, body: Any, *, status: str | None = None,
    seen_message_id: int | None = None,
) -> int:
    """An agent's public reply (emailed to the requester) or internal note; returns its id.
    The first public reply meets the first-response target. With ``seen_message_id`` (the
    last message the agent's page showed), a newer message refuses the write with a
    ``Conflict`` naming who wrote what, so nobody answers over a reply they have not read."""
    if kind not in KINDS:
        raise Invalid({"kind": f"must be one of {', '.join(KINDS)}"})
    text = check_body(body)
    ticket = await get_record(principal, tickets.KIND_KEY, ticket_id, "write")
    if ticket["status"] == "closed":
        raise Invalid({"body": "the ticket is closed: open a new ticket instead"})
    moment = now()
    to_address, message_id = "", ""
    if kind == "reply":
        to_address = await _requester_address(principal, ticket)
        message_id = outbound.new_message_id(ticket_id)
    async with unit_of_work() as work:
        if seen_message_id is not None:
            await _refuse_if_changed(ticket_id, seen_message_id)
        activity_id = await timeline_for(principal, ticket, REPLY_TYPE.key if kind == "reply" else NOTE_TYPE.key, text)
        [row] = await execute(
            "INSERT INTO desk_message (ticket, kind, author_id, from_address, to_address, body, message_id, "
            "activity_id, created_at) VALUES ({}, {}, {}, {}, {}, {}, {}, {}, {}) RETURNING id",
            ticket_id, kind, principal.id, principal.email, to_address, text, message_id, activity_id, moment,
        )
        if kind == "reply":
            changes: dict[str, Any] = {}
            if ticket["status"] == "new" and status is None:
                changes["status"] = "open"
            if status is not None:
                changes["status"] = status
            if changes:
                await update_record(principal, tickets.KIND_KEY, ticket_id, changes)
            if ticket["first_responded_at"] is None:
                await execute("UPDATE desk_ticket SET first_responded_at = {} WHERE id = {}", moment, ticket_id)
                await sla.refresh([ticket_id])
            work.emit(TicketReplied(actor_id=principal.id, ticket_id=ticket_id, message_id=row["id"], by_customer=False))
        elif status is not None:
            await update_record(principal, tickets.KIND_KEY, ticket_id, {"status": status})
        await execute("UPDATE desk_ticket SET updated_at = {} WHERE id = {}", moment, ticket_id)
    await presence.stop_replying(principal, ticket_id)
    if to_address and email_enabled():
        await enqueue(outbound.JOB, message_id=row["id"])
    return row["id"]


async def _refuse_if_changed(ticket_id: int, seen_message_id: int) -> None:
    newer = await presence.newer_messages(ticket_id, seen_message_id)
    if not newer:
        return
    authors = await get_users([row["author_id"] for row in newer if row["author_id"] is not None])
    labels = {"reply": "replied", "note": "added an internal note", "customer": "wrote"}
    said = [
        f"{(authors.get(row['author_id']) or {}).get('display_name') or row['from_address'] or 'someone'} "
        f"{labels.get(row['kind'], 'wrote')}"
        for row in newer
    ]
    raise Conflict(
        f"the ticket changed since you opened it: {', '.join(said)}. Read the newer messages, then send again",
        newer_message_ids=[row["id"] for row in newer], latest_message_id=newer[-1]["id"],
    )


async def _requester_address(principal: Principal, ticket: dict[str, Any]) -> str:
    """The requester's primary email, if the agent may see the contact."""
    if ticket["requester_id"] is None:
        return ""
    contact = (await get_records(principal, "contact", [ticket["requester_id"]])).get(ticket["requester_id"])
    return (contact or {}).get("primary_email") or ""
