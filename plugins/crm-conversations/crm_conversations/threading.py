"""Threads, JWZ-style: a message joins the thread of any message it names in In-Reply-To or
References, and of any earlier message that names it (a parent arriving after its replies
merges their threads); mail without references joins a thread of the same subject within
a time window. Thread membership is a union of sets, so a References cycle cannot loop.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

from crm_platform.toolkit import execute, fetch, insert_rows, placeholders, reserve_ids

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


def _named(values: dict[str, Any]) -> list[str]:
    own_id = values.get("message_id") or ""
    return [ref for ref in dict.fromkeys([values.get("in_reply_to") or "", *(values.get("refs") or "").split()])
            if ref and ref != own_id][:100]


class _Threads:
    """Threads as the batch sees them: the database's that the batch touches, the batch's
    new ones, and merges as a union-find, so each message is placed in memory and the
    batch is written in a constant number of statements."""

    def __init__(self) -> None:
        self.parent: dict[int, int] = {}
        self.span: dict[int, tuple[Any, Any, str, str]] = {}  # id: (started, last, subject key, channel)
        self.new: dict[int, tuple[str, str, str, Any]] = {}  # id: (channel, subject, key, sent)

    def find(self, thread: int) -> int:
        while self.parent.get(thread, thread) != thread:
            self.parent[thread] = self.parent.get(self.parent[thread], self.parent[thread])
            thread = self.parent[thread]
        return thread

    def merge(self, threads: set[int]) -> int:
        roots = sorted({self.find(thread) for thread in threads})
        winner = roots[0]
        for loser in roots[1:]:
            self.parent[loser] = winner
            started, last = self.span.get(loser, (None, None, "", ""))[:2]
            self.widen(winner, started)
            self.widen(winner, last)
        return winner

    def widen(self, thread: int, moment: Any) -> None:
        if moment is None or thread not in self.span:
            return
        started, last, key, channel = self.span[thread]
        self.span[thread] = (moment if started is None or moment < started else started,
                             moment if last is None or moment > last else last, key, channel)

    def by_subject(self, key: str, channel: str, sent_at: Any) -> int | None:
        for thread in sorted(self.span):
            started, last, thread_key, thread_channel = self.span[thread]
            if (self.find(thread) == thread and thread_key == key and thread_channel == channel
                    and last is not None and started is not None
                    and last >= sent_at - SUBJECT_WINDOW and started <= sent_at + SUBJECT_WINDOW):
                return thread
        return None


async def assign(message_id: int, values: dict[str, Any], owner_id: int) -> int:
    """Put a newly written message in its thread (creating one, or merging the threads it
    joins); returns the thread's id."""
    return (await assign_many([(message_id, values, owner_id)]))[0]


async def assign_many(items: list[tuple[int, dict[str, Any], int]]) -> list[int]:
    """Thread each ``(message id, values, owner id)`` of a batch of newly written messages,
    in order, as :func:`assign` would one by one, in a constant number of statements (plus
    two per merge of threads the database already had). Returns the threads' ids."""
    if not items:
        return []
    named = {message_id: _named(values) for message_id, values, _ in items}
    every_ref = sorted({ref for refs in named.values() for ref in refs})
    own_ids = sorted({values.get("message_id") or "" for _, values, _ in items} - {""})
    keys = sorted({subject_key(values.get("subject") or "") for _, values, _ in items} - {""})
    # Threads of the messages the batch names, and of the messages that name the batch's.
    thread_of: dict[str, int] = {}
    if every_ref:
        for row in await fetch(f"SELECT message_id, thread FROM conversations_message WHERE message_id IN "
                               f"({placeholders(every_ref)}) AND thread IS NOT NULL", *every_ref):
            thread_of.setdefault(row["message_id"], row["thread"])
    named_by: dict[str, set[int]] = {}
    if own_ids:
        for row in await fetch("SELECT r.ref, m.thread FROM conversations_reference r JOIN conversations_message m "
                               f"ON m.id = r.message WHERE r.ref IN ({placeholders(own_ids)}) AND m.thread IS NOT NULL",
                               *own_ids):
            named_by.setdefault(row["ref"], set()).add(row["thread"])
    threads = _Threads()
    known = sorted(set(thread_of.values()) | {thread for found in named_by.values() for thread in found})
    moments = [values["sent_at"] for _, values, _ in items if values.get("sent_at") is not None]
    keys = keys if moments else []  # the subject fallback needs a time
    if keys or known:
        by_subject = (f"(subject_key IN ({placeholders(keys)}) AND last_at >= {{}} AND started_at <= {{}})"
                      if keys else "")
        window = [min(moments) - SUBJECT_WINDOW, max(moments) + SUBJECT_WINDOW] if keys else []
        condition = " OR ".join(filter(None, [by_subject, f"id IN ({placeholders(known)})" if known else ""]))
        for row in await fetch(f"SELECT id, started_at, last_at, subject_key, channel FROM conversations_thread "
                               f"WHERE {condition}", *keys, *window, *known):
            threads.span[row["id"]] = (row["started_at"], row["last_at"], row["subject_key"], row["channel"])
    fresh = iter(await reserve_ids("conversations_thread", len(items)))
    merged_old: list[tuple[int, int]] = []  # (loser, winner) among threads the database has
    placed: list[int] = []
    for message_id, values, owner_id in items:
        own_id = values.get("message_id") or ""
        channel = values.get("channel") or "email"
        sent_at = values.get("sent_at")
        key = subject_key(values.get("subject") or "")
        joined = {thread_of[ref] for ref in named[message_id] if ref in thread_of}
        joined |= named_by.get(own_id, set()) if own_id else set()
        if not joined and key and sent_at is not None:
            found = threads.by_subject(key, channel, sent_at)
            if found is not None:
                joined = {found}
        if not joined:
            thread = next(fresh)
            threads.new[thread] = (channel, (values.get("subject") or "")[:500], key, owner_id)
            threads.span[thread] = (sent_at, sent_at, key, channel)
        else:
            before = {threads.find(found) for found in joined}
            thread = threads.merge(joined)
            merged_old += [(loser, thread) for loser in before - {thread} if loser not in threads.new]
            threads.widen(thread, sent_at)
        placed.append(thread)
        if own_id:
            thread_of[own_id] = thread
        for ref in named[message_id]:
            named_by.setdefault(ref, set()).add(thread)
    final = [threads.find(thread) for thread in placed]
    live_new = {thread for thread in threads.new if threads.find(thread) == thread}
    if live_new:
        now_at = dt.datetime.now(dt.UTC)
        await insert_rows("conversations_thread", ("id", "channel", "subject", "subject_key", "started_at", "last_at",
                                                   "owner", "created_at"),
                          [(thread, *threads.new[thread][:3], threads.span[thread][0], threads.span[thread][1],
                            threads.new[thread][3], now_at) for thread in sorted(live_new)])
    refs = [(message_id, ref) for message_id, _, _ in items for ref in named[message_id]]
    if refs:
        await insert_rows("conversations_reference", ("message", "ref"), refs)
    for loser, _ in merged_old:  # rare: a batch message joined threads written earlier
        winner = threads.find(loser)
        await execute("UPDATE conversations_message SET thread = {} WHERE thread = {}", winner, loser)
        await execute("DELETE FROM conversations_thread WHERE id = {}", loser)
    pairs = list(zip((message_id for message_id, _, _ in items), final, strict=True))
    cases = " ".join("WHEN {} THEN CAST({} AS INTEGER)" for _ in pairs)
    await execute(f"UPDATE conversations_message SET thread = CASE id {cases} END WHERE id IN ({placeholders(pairs)})",
                  *(value for pair in pairs for value in pair), *(message_id for message_id, _ in pairs))
    touched = sorted(set(final) - live_new)
    if touched:
        await execute(
            "UPDATE conversations_thread SET "
            "started_at = (SELECT min(m.sent_at) FROM conversations_message m WHERE m.thread = conversations_thread.id), "
            "last_at = (SELECT max(m.sent_at) FROM conversations_message m WHERE m.thread = conversations_thread.id) "
            f"WHERE id IN ({placeholders(touched)})", *touched)
    return final
