"""Who else has a ticket open, and who is typing a reply to it, so two agents do not answer
the same customer twice. An open ticket page renews its agent's row every few seconds; a row
not renewed within ``SEEN_FOR`` means the agent has gone. Kept in the desk's own table, which
every web process shares."""

from __future__ import annotations

import datetime as dt
from typing import Any

from crm_hookspecs import Principal
from crm_platform.toolkit import execute, fetch, get_record, get_users, now

from crm_desk import tickets

# A page renews every POLL_SECONDS; two missed renewals and the agent counts as gone.
POLL_SECONDS = 5
SEEN_FOR = dt.timedelta(seconds=3 * POLL_SECONDS)
# Typing renews this; a reply box left alone for this long is no longer "replying".
REPLYING_FOR = dt.timedelta(seconds=20)
# Rows older than this are removed by desk.sla_watch.
KEPT_FOR = dt.timedelta(hours=1)
STATES = ("viewing", "replying")


async def ping(principal: Principal, ticket_id: int, state: str) -> None:
    """Record that ``principal`` has the ticket open (and is typing a reply, for ``replying``)."""
    await get_record(principal, tickets.KIND_KEY, ticket_id)
    moment = now()
    replying_at = moment if state == "replying" else None
    await execute(
        "INSERT INTO desk_presence (ticket, user_id, seen_at, replying_at) VALUES ({}, {}, {}, {}) "
        "ON CONFLICT (ticket, user_id) DO UPDATE SET seen_at = excluded.seen_at, "
        "replying_at = COALESCE(excluded.replying_at, desk_presence.replying_at)",
        ticket_id, principal.id, moment, replying_at,
    )


async def stop_replying(principal: Principal, ticket_id: int) -> None:
    """The agent sent their reply: they are only viewing now."""
    await execute(
        "UPDATE desk_presence SET replying_at = NULL WHERE ticket = {} AND user_id = {}", ticket_id, principal.id
    )


async def others(principal: Principal, ticket_id: int) -> list[dict[str, Any]]:
    """The other agents with the ticket open now: ``[{"name": ..., "state": "replying"}]``,
    those replying first."""
    moment = now()
    rows = await fetch(
        "SELECT user_id, seen_at, replying_at FROM desk_presence WHERE ticket = {} AND user_id <> {} "
        "AND seen_at >= {} ORDER BY user_id",
        ticket_id, principal.id, moment - SEEN_FOR,
    )
    users = await get_users([row["user_id"] for row in rows])
    found = []
    for row in rows:
        user = users.get(row["user_id"])
        if user is None:
            continue
        replying_at = _utc(row["replying_at"])
        replying = replying_at is not None and replying_at >= moment - REPLYING_FOR
        found.append({"name": user["display_name"], "state": "replying" if replying else "viewing"})
    return sorted(found, key=lambda other: (other["state"] != "replying", other["name"]))


async def forget_old() -> None:
    await execute("DELETE FROM desk_presence WHERE seen_at < {}", now() - KEPT_FOR)


def _utc(value: Any) -> dt.datetime | None:
    if value is None:
        return None
    if isinstance(value, str):
        value = dt.datetime.fromisoformat(value)
    return value.replace(tzinfo=dt.UTC) if value.tzinfo is None else value


async def newer_messages(ticket_id: int, seen_message_id: int) -> list[dict[str, Any]]:
    """The messages added to the ticket after the one the agent's page last showed."""
    return await fetch(
        "SELECT id, kind, author_id, from_address, created_at FROM desk_message WHERE ticket = {} AND id > {} "
        "ORDER BY id",
        ticket_id, seen_message_id,
    )
