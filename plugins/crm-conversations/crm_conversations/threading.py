"""Threads, JWZ-style: a message joins the thread of any message it names in In-Reply-To or
References, and of any earlier message that names it (a parent arriving after its replies
merges their threads); mail without references joins a thread of the same subject within
a time window. Thread membership is a union of sets, so a References cycle cannot loop.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

from crm_platform.toolkit import execute, fetch, insert_rows, placeholders

SUBJECT_WINDOW = dt.timedelta(days=30)
_PREFIX = re.compile(r"^\s*((re|aw|fw|fwd|wg|sv|tr|rv|antw)(\[\d+\])?\s*:\s*)+", re.IGNORECASE)


def subject_key(subject: str) -> str:
    """``Re: Fwd: Quote`` → ``quote``: what replies and forwards of one message share."""
    return " ".join(_PREFIX.sub("", subject or "").lower().split())[:500]


def reply_tree(messages: list[dict[str, Any]]) -> list[tuple[dict[str, Any], int]]:
    """The messages of a thread in reply order with their depth, each once: a message under the
    nearest message it names (In-Reply-To, then the last of References), roots by time. A
    chain of references that loops back is cut where it would repeat."""
    by_id = {m["message_id"]: m for m in messages if m.get("message_id")}
    parent: dict[int, int | None] = {}
    for message in messages:
        named = [message.get("in_reply_to") or "", *reversed((message.get("refs") or "").split())]
        found = next((by_id[i] for i in named if i in by_id and by_id[i]["id"] != message["id"]), None)
        parent[message["id"]] = found["id"] if found else None
    for message_id in list(parent):  # break cycles: walk up, cut the link that closes a loop
        seen = {message_id}
        current = message_id
        while (up := parent.get(current)) is not None:
            if up in seen:
                parent[current] = None
                break
            seen.add(up)
            current = up
    children: dict[int | None, list[dict[str, Any]]] = {}
    for message in sorted(messages, key=lambda m: (m.get("sent_at") or dt.datetime.min.replace(tzinfo=dt.UTC),
                                                   m["id"])):
        children.setdefault(parent[message["id"]], []).append(message)
    ordered: list[tuple[dict[str, Any], int]] = []
    stack = [(m, 0) for m in reversed(children.get(None, []))]
    while stack:
        message, depth = stack.pop()
        ordered.append((message, depth))
        stack.extend((child, depth + 1) for child in reversed(children.get(message["id"], [])))
    return ordered


async def assign(message_id: int, values: dict[str, Any], owner_id: int) -> int:
    """Put a newly written message in its thread (creating one, or merging the threads it
    joins); returns the thread's id."""
    own_id = values.get("message_id") or ""
    named = [ref for ref in dict.fromkeys([values.get("in_reply_to") or "", *(values.get("refs") or "").split()])
             if ref and ref != own_id][:100]
    if named:
        await insert_rows("conversations_reference", ("message", "ref"), [(message_id, ref) for ref in named])
    threads: set[int] = set()
    if named:
        threads |= {row["thread"] for row in await fetch(
            f"SELECT DISTINCT thread FROM conversations_message WHERE message_id IN ({placeholders(named)}) "
            "AND thread IS NOT NULL", *named)}
    if own_id:
        threads |= {row["thread"] for row in await fetch(
            "SELECT DISTINCT m.thread FROM conversations_reference r JOIN conversations_message m ON m.id = r.message "
            "WHERE r.ref = {} AND m.thread IS NOT NULL", own_id)}
    sent_at = values.get("sent_at")
    key = subject_key(values.get("subject") or "")
    if not threads and key and sent_at is not None:
        rows = await fetch(
            "SELECT id FROM conversations_thread WHERE subject_key = {} AND channel = {} AND last_at >= {} "
            "AND started_at <= {} ORDER BY id LIMIT 1",
            key, values.get("channel") or "email", sent_at - SUBJECT_WINDOW, sent_at + SUBJECT_WINDOW,
        )
        threads |= {row["id"] for row in rows}
    if not threads:
        rows = await execute(
            "INSERT INTO conversations_thread (channel, subject, subject_key, started_at, last_at, owner, created_at) "
            "VALUES ({}, {}, {}, {}, {}, {}, {}) RETURNING id",
            values.get("channel") or "email", (values.get("subject") or "")[:500], key, sent_at, sent_at, owner_id,
            dt.datetime.now(dt.UTC),
        )
        thread = rows[0]["id"]
    else:
        thread, *others = sorted(threads)
        if others:
            await execute(f"UPDATE conversations_message SET thread = {{}} WHERE thread IN ({placeholders(others)})",
                          thread, *others)
            await execute(f"DELETE FROM conversations_thread WHERE id IN ({placeholders(others)})", *others)
    await execute("UPDATE conversations_message SET thread = {} WHERE id = {}", thread, message_id)
    await execute(
        "UPDATE conversations_thread SET started_at = (SELECT min(sent_at) FROM conversations_message WHERE thread = {}), "
        "last_at = (SELECT max(sent_at) FROM conversations_message WHERE thread = {}) WHERE id = {}",
        thread, thread, thread,
    )
    return thread
