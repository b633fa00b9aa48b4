"""``/api/v1/conversations/``: messages (a keyset page, one, delete to the trash), threads, the
ledger ("why isn't this email here?") and the unknown-sender queue."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

import msgspec
from litestar import Controller, delete, get, post
from litestar.params import FromPath, FromQuery, JSONBody

from crm_conversations import unknown
from crm_conversations.sources import formats
from crm_platform.toolkit import (
    CurrentPrincipal,
    Invalid,
    check_limit,
    decode_cursor,
    delete_record,
    encode_cursor,
    fetch,
    get_record,
    import_ledger,
    visibility_sql,
)

KIND = "conversations.message"


class MessageOut(msgspec.Struct):
    id: int
    channel: str
    message_id: str
    thread_id: int | None
    direction: str
    sender: str
    sender_name: str
    recipients: list[str]
    sent_at: dt.datetime | None
    sent_tz: str
    subject: str
    body_text: str
    attachments: list[dict[str, Any]]
    contact_ids: list[int]
    flags: list[str]


class MessagePage(msgspec.Struct):
    items: list[MessageOut]
    next_cursor: str | None


def message_out(row: dict[str, Any]) -> MessageOut:
    contacts = row.get("contact_ids") or []
    return MessageOut(
        id=row["id"], channel=row["channel"], message_id=row["message_id"], thread_id=row.get("thread"),
        direction=row["direction"], sender=row["sender"], sender_name=row["sender_name"],
        recipients=[r.strip() for r in (row.get("recipients") or "").split(",") if r.strip()],
        sent_at=row.get("sent_at"), sent_tz=row.get("sent_tz") or "", subject=row["subject"],
        body_text=row.get("body_text") or "",
        attachments=json.loads(row["attachments"]) if row.get("attachments") else [],
        contact_ids=json.loads(contacts) if isinstance(contacts, str) else list(contacts),
        flags=(row.get("flags") or "").split(),
    )


class MessageController(Controller):
    path = "/messages"

    @get("/")
    async def list_messages(self, principal: CurrentPrincipal, q: FromQuery[str] = "", limit: FromQuery[int] = 50,
                            cursor: FromQuery[str | None] = None, thread_id: FromQuery[int | None] = None) -> MessagePage:
        """Messages you may see, newest first, one keyset page at a time; ``q`` finds a
        Message-ID, sender or subject."""
        check_limit(limit)
        conditions, args = await visibility_sql(principal, KIND)
        if q.strip():
            pattern = "%" + q.strip().lower()[:200].replace("%", "").replace("_", "") + "%"
            conditions.append("(lower(message_id) LIKE {} OR lower(sender) LIKE {} OR lower(subject) LIKE {})")
            args += [pattern, pattern, pattern]
        if thread_id is not None:
            conditions.append("thread = {}")
            args.append(thread_id)
        if cursor:
            try:
                _, before = decode_cursor(cursor)
            except ValueError:
                raise Invalid({"cursor": "is not a cursor this list gave"}) from None
            conditions.append("id < {}")
            args.append(before)
        where = f"WHERE {' AND '.join(conditions)}" if conditions else ""
        rows = await fetch(f"SELECT * FROM conversations_message {where} ORDER BY id DESC LIMIT {limit + 1}", *args)
        more = len(rows) > limit
        rows = rows[:limit]
        return MessagePage(items=[message_out(row) for row in rows],
                           next_cursor=encode_cursor(None, rows[-1]["id"]) if more else None)

    @get("/{message_id:int}")
    async def get_message(self, principal: CurrentPrincipal, message_id: FromPath[int]) -> MessageOut:
        return message_out(await get_record(principal, KIND, message_id))

    @delete("/{message_id:int}")
    async def delete_message(self, principal: CurrentPrincipal, message_id: FromPath[int]) -> None:
        """To the trash (restorable); its activity stays on the timelines."""
        await get_record(principal, KIND, message_id, "delete")
        await delete_record(principal, KIND, message_id)


@get("/ledger")
async def ledger(principal: CurrentPrincipal, q: FromQuery[str] = "", limit: FromQuery[int] = 50) -> list[dict[str, Any]]:
    """What the imports did with each message whose Message-ID, sender or subject holds ``q``:
    kept (``create``), skipped or failed, with the reason."""
    check_limit(limit)
    return await import_ledger(principal, text=q[:200], formats=formats.KEYS, limit=limit)


@get("/unknown")
async def unknown_senders(principal: CurrentPrincipal) -> list[dict[str, Any]]:
    return await unknown.queue(principal, 200)


class LinkIn(msgspec.Struct, forbid_unknown_fields=True):
    contact_id: int | None = None


@post("/unknown/{entry_id:int}/resolve")
async def resolve_sender(principal: CurrentPrincipal, entry_id: FromPath[int], data: JSONBody[LinkIn]) -> dict[str, int]:
    """Create a contact for the sender (no ``contact_id``) or link it to one."""
    return {"contact_id": await unknown.resolve(principal, entry_id, data.contact_id)}


HANDLERS = [MessageController, ledger, unknown_senders, resolve_sender]
