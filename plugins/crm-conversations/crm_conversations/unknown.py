"""Senders no contact has: a contact made at once (for the channels chosen in the setting
``create_contacts_channels``) or a row in the review queue, where someone creates a contact
or links the sender to one in one click. Linking puts the sender's messages on the contact's
timeline."""

from __future__ import annotations

import json
from typing import Any

from crm_hookspecs import Principal

from crm_platform.toolkit import (
    Identity,
    NotFound,
    add_identities,
    create_record,
    execute,
    fetch,
    get_record,
    now,
    unit_of_work,
    visible_owner_ids,
)


async def handle(principal: Principal, message_id: int, pending: dict[str, Any]) -> int | None:
    if pending.get("create"):
        return await create_contact(principal, pending["identity"], pending.get("name") or "")
    await queue_many(principal, [(message_id, pending)])
    return None


async def queue_many(principal: Principal, senders: list[tuple[int, dict[str, Any]]]) -> None:
    """Queue the unknown senders of ``(message_id, pending)`` for review, in one statement per
    500 senders: a sender already queued counts the messages and keeps its name, a new one
    takes the name of its first message; each points at its last message."""
    queued: dict[str, list[Any]] = {}
    for message_id, pending in senders:
        identity: Identity = pending["identity"]
        if identity.key in queued:
            queued[identity.key][5] += 1
            queued[identity.key][6] = message_id
        else:
            queued[identity.key] = [identity.key, identity.kind, identity.network, identity.value,
                                    (pending.get("name") or "")[:200], 1, message_id, principal.id, now()]
    rows = list(queued.values())
    for start in range(0, len(rows), 500):
        chunk = rows[start:start + 500]
        await execute(
            "INSERT INTO conversations_unknown (identity, kind, network, value, name, message_count, last_message, "
            f"owner, created_at) VALUES {', '.join('({}, {}, {}, {}, {}, {}, {}, {}, {})' for _ in chunk)} "
            "ON CONFLICT (identity) DO UPDATE SET message_count = conversations_unknown.message_count + "
            "excluded.message_count, last_message = excluded.last_message",
            *(value for row in chunk for value in row))


async def create_contact(principal: Principal, identity: Identity, name: str) -> int:
    given, _, family = (name or "").strip().partition(" ")
    values: dict[str, Any] = {"given_name": given[:100], "family_name": family[:100],
                              "display_name": (name or identity.value)[:200], "source": "conversations"}
    if identity.kind == "email":
        values["emails"] = [{"address": identity.value, "label": "work"}]
    elif identity.kind == "phone":
        values["phones"] = [{"number": identity.value, "label": "mobile"}]
    contact_id = await create_record(principal, "contact", values)
    await add_identities(contact_id, [identity])
    return contact_id


async def queue(principal: Principal, limit: int = 50) -> list[dict[str, Any]]:
    """The senders waiting for review that the user may see (those of their own imports, or
    of their team's; every one for admins and managers), most messages first."""
    owners = await visible_owner_ids(principal)
    where, args = "", []
    if owners is not None:
        where = f"WHERE owner IN ({', '.join('{}' for _ in owners)})" if owners else "WHERE 1 = 0"
        args = list(owners)
    return await fetch(
        f"SELECT id, kind, network, value, name, message_count, last_message FROM conversations_unknown {where} "
        f"ORDER BY message_count DESC, id LIMIT {int(limit)}", *args)


async def _entry(principal: Principal, entry_id: int) -> dict[str, Any]:
    owners = await visible_owner_ids(principal)
    rows = await fetch("SELECT * FROM conversations_unknown WHERE id = {}", entry_id)
    if not rows or (owners is not None and rows[0]["owner"] not in owners):
        raise NotFound("unknown sender", entry_id)
    return rows[0]


async def resolve(principal: Principal, entry_id: int, contact_id: int | None = None) -> int:
    """Create a contact for the queued sender (or link it to ``contact_id``), give the contact
    the identity, put the sender's messages on its timeline and drop the queue entry."""
    from crm_conversations.messages import log_on_timelines

    entry = await _entry(principal, entry_id)
    identity = Identity(entry["kind"], entry["value"], entry["network"])
    async with unit_of_work():
        if contact_id is None:
            contact_id = await create_contact(principal, identity, entry["name"])
        else:
            await get_record(principal, "contact", contact_id, "write")
            await add_identities(contact_id, [identity])
        # A chat's sender is stored as the export wrote it (the queue keeps that as the name).
        messages = await fetch(
            "SELECT * FROM conversations_message WHERE sender IN ({}, {}) AND channel = {} ORDER BY id LIMIT 1000",
            entry["value"], entry["name"], "email" if identity.kind == "email" else identity.network or "whatsapp")
        placed = []
        for message in messages:
            contacts = sorted(set(json.loads(message["contact_ids"]) if isinstance(message["contact_ids"], str)
                                  else message["contact_ids"] or []) | {contact_id})
            if message["activity"] is None:
                placed.append((message["id"], message, contacts))
        activities = await log_on_timelines(principal, placed) if placed else []
        for (message_id, _, contacts), activity in zip(placed, activities, strict=True):
            await execute("UPDATE conversations_message SET contact_ids = {}, activity = {} WHERE id = {}",
                          json.dumps(contacts), activity, message_id)
        await execute("DELETE FROM conversations_unknown WHERE id = {}", entry_id)
    return contact_id
