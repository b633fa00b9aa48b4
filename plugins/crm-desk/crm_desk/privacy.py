"""The tickets a person asked for and what was written on them. Erasure keeps each ticket's
shape (status, timings, for the team's figures) but blanks what the person wrote or was sent,
cuts the ticket from them and takes it out of search."""

from __future__ import annotations

from typing import Any

from crm_hookspecs import PersonalData
from crm_platform.toolkit import execute, fetch, placeholders, search_remove

ERASED_SUBJECT = "Erased request"


async def export(contact_id: int) -> list[dict[str, Any]]:
    tickets = await fetch("SELECT id, subject, description, status, priority, category, channel, csat_score, "
                          "csat_comment, created_at, solved_at FROM desk_ticket WHERE requester_id = {} "
                          "ORDER BY id", contact_id)
    if tickets:
        ids = [ticket["id"] for ticket in tickets]
        messages = await fetch(f"SELECT ticket, kind, from_address, to_address, body, sent_at FROM desk_message "
                               f"WHERE ticket IN ({placeholders(ids)}) AND kind <> 'note' ORDER BY id", *ids)
        for ticket in tickets:
            ticket["messages"] = [message for message in messages if message["ticket"] == ticket["id"]]
    return tickets


async def erase(contact_id: int) -> int:
    ids = [row["id"] for row in await fetch("SELECT id FROM desk_ticket WHERE requester_id = {}", contact_id)]
    if not ids:
        return 0
    await execute(f"UPDATE desk_message SET from_address = '', to_address = '', body = '' "
                  f"WHERE ticket IN ({placeholders(ids)})", *ids)
    await execute(f"UPDATE desk_ticket SET requester_id = NULL, subject = {{}}, description = '', csat_comment = '', "
                  f"custom = {{}} WHERE id IN ({placeholders(ids)})", ERASED_SUBJECT, "{}", *ids)
    for ticket_id in ids:
        await search_remove("desk.ticket", ticket_id)
    return len(ids)


DECLARATIONS = (
    PersonalData("desk.tickets", "desk_ticket", "requester_id",
                 ("requester_id", "subject", "description", "csat_comment", "custom"),
                 export=export, erase=erase, label="Support tickets", record_kind="desk.ticket"),
)
