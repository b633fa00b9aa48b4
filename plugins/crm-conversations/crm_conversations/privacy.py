"""The messages linked to a person. Erasure deletes the messages that concern only them and
unlinks them from messages shared with others."""

from __future__ import annotations

import json
from typing import Any

from crm_hookspecs import PersonalData

from crm_platform.toolkit import execute, fetch, placeholders, search_remove

KIND_KEY = "conversations.message"


def _contacts(row: dict[str, Any]) -> list[int]:
    value = row["contact_ids"]
    return list(json.loads(value) if isinstance(value, str) else value or [])


async def _messages_of(contact_id: int, columns: str) -> list[dict[str, Any]]:
    # contact_ids is a JSON list; the text match narrows the rows, the decoded list decides.
    rows = await fetch(f"SELECT id, contact_ids, {columns} FROM conversations_message "
                       "WHERE CAST(contact_ids AS TEXT) LIKE {} ORDER BY id", f"%{contact_id}%")
    return [row for row in rows if contact_id in _contacts(row)]


async def export(contact_id: int) -> list[dict[str, Any]]:
    rows = await _messages_of(contact_id, "channel, direction, sender, sender_name, recipients, sent_at, "
                                          "subject, body_text, attachments")
    for row in rows:
        row.pop("contact_ids")
    return rows


async def erase(contact_id: int) -> int:
    rows = await _messages_of(contact_id, "thread")
    alone = [row["id"] for row in rows if _contacts(row) == [contact_id]]
    if alone:
        await execute(f"DELETE FROM conversations_message WHERE id IN ({placeholders(alone)})", *alone)
        for message_id in alone:
            await search_remove(KIND_KEY, message_id)
    for row in rows:
        if row["id"] not in alone:
            others = [other for other in _contacts(row) if other != contact_id]
            await execute("UPDATE conversations_message SET contact_ids = {} WHERE id = {}",
                          json.dumps(others), row["id"])
    return len(rows)


DECLARATIONS = (
    PersonalData("conversations.messages", "conversations_message", "contact_ids",
                 ("contact_ids", "sender", "sender_name", "recipients", "subject", "body_text", "body_html"),
                 export=export, erase=erase, label="Messages", record_kind="conversations.message"),
)
