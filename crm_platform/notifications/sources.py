"""Notifications the core sends when people write: "assigned to you" when someone else gives
you a task or an activity, or changes a record's owner to you, and "mentioned" when someone
writes ``@your name`` in an activity you may see. They listen to the core's events, after
commit, like a plugin.

A record created already owned by someone else (an import, a bulk create) notifies nobody:
the importer chose the owners, and a thousand rows must not cost a thousand notifications.
"""

from __future__ import annotations

import html
import logging
import re
from typing import Any

from crm_hookspecs import Event
from crm_hookspecs.events import RecordCreated, RecordUpdated

from crm_platform.db.raw import fetch, placeholders
from crm_platform.db.unit import after_delivery, delivery_cache
from crm_platform.jobs.reminders import first_contacts
from crm_platform.notifications.kinds import ASSIGNED, MENTIONED
from crm_platform.notifications.service import MAX_BODY, MAX_SUBJECT, Message, deliver
from crm_platform.records import kinds
from crm_platform.records.pipeline import read_many
from crm_platform.users.reads import list_users
from crm_platform.users.service import principal_for_user_id

ACTIVITY = "activity"
# Who a record is given to: its owner, and a task's assignee.
HOLDERS = ("owner", "assignee")
_TAG = re.compile(r"<[^>]+>")
# An @ that starts a word: not the one inside ann@example.com.
_AT = re.compile(r"(?<![\w.+-])@")
log = logging.getLogger("crm.notifications")


async def on_event(event: Event) -> None:
    if event.actor_id is None:
        return
    if isinstance(event, RecordCreated) and event.kind == ACTIVITY:
        cache = delivery_cache()
        if cache is not None and after_delivery(_CREATED, _created_pending):
            # A batch of 500 activities (an import) is read in one query, not one each.
            cache.setdefault(_CREATED, []).append((event.actor_id, event.record_id))
            return
        row = await _row(event.kind, event.record_id)
        if row is not None:
            await _created(event.actor_id, row)
    elif isinstance(event, RecordUpdated):
        given = {change["to"] for name, change in event.changes.items() if name in HOLDERS and change.get("to")}
        mentions_changed = event.kind == ACTIVITY and "body" in event.changes
        if not given and not mentions_changed:
            return
        row = await _row(event.kind, event.record_id)
        if row is None:
            return
        await _assigned(event.actor_id, event.kind, row, given)
        if mentions_changed:
            await _mentioned(event.actor_id, row, previous_body=event.changes["body"].get("from") or "")


_CREATED = "crm.notifications.created"


async def _created(actor_id: int, row: dict[str, Any]) -> None:
    await _assigned(actor_id, ACTIVITY, row, {row.get(name) for name in HOLDERS})
    await _mentioned(actor_id, row, previous_body="")


async def _created_pending() -> None:
    created: list[tuple[int, int]] = (delivery_cache() or {}).pop(_CREATED, [])
    kind = kinds.get(ACTIVITY)
    for start in range(0, len(created), 500):
        chunk = created[start:start + 500]
        ids = sorted({record_id for _, record_id in chunk})
        rows = {row["id"]: row for row in await fetch(
            f"SELECT * FROM {kinds.table_name(kind)} WHERE id IN ({placeholders(ids)})", *ids)}
        for actor_id, record_id in chunk:
            if (row := rows.get(record_id)) is None:
                continue
            _describe(kind, row)
            try:
                await _created(actor_id, row)
            except Exception:  # one activity's notification must not keep the others back
                log.exception("notifying about activity %s failed", record_id)


async def _row(key: str, record_id: int) -> dict[str, Any] | None:
    kind = kinds.find(key)
    if kind is None:
        return None
    rows = await fetch(f"SELECT * FROM {kinds.table_name(kind)} WHERE id = {{}}", record_id)
    if not rows:
        return None
    return _describe(kind, rows[0])


def _describe(kind: Any, row: dict[str, Any]) -> dict[str, Any]:
    row["_kind"], row["_title"] = kind, str(row.get(kind.title_column) or "").strip()
    if kind.owner_column != "owner":
        row["owner"] = row.get(kind.owner_column)
    return row


async def _href(row: dict[str, Any]) -> str:
    kind = row["_kind"]
    if kind.key != ACTIVITY:
        return kinds.page_url(kind, row["id"])
    contact = (await first_contacts([row["id"]])).get(row["id"])
    return f"/contacts/{contact}" if contact else "/"


def _fit(text: str, room: int) -> str:
    return text if len(text) <= room else text[: room - 1] + "…"


async def _actor_name(actor_id: int) -> str:
    actor = await principal_for_user_id(actor_id)
    return actor.display_name if actor else "Someone"


async def _assigned(actor_id: int, key: str, row: dict[str, Any], user_ids: set[Any]) -> None:
    targets = sorted(user_id for user_id in user_ids if isinstance(user_id, int) and user_id != actor_id)
    if not targets:
        return
    kind = row["_kind"]
    what = "task" if key == ACTIVITY and row.get("due_at") is not None else kind.label.lower()
    actor = await _actor_name(actor_id)
    message = Message(
        subject=_fit(f"Assigned to you: {row['_title'] or what}", MAX_SUBJECT),
        body=f"{actor} gave you this {what}.", href=await _href(row), kind=ASSIGNED,
        record_type=key, record_id=row["id"],
    )
    await deliver([(user_id, message) for user_id in targets])


def plain_text(body: str) -> str:
    """An activity's body (sanitised HTML) as the text a person reads."""
    return html.unescape(_TAG.sub(" ", body or "")).replace("\xa0", " ")


def mentioned_user_ids(text: str, users: list[dict[str, Any]]) -> set[int]:
    """The users ``@``-named in ``text``: by display name (``@Ann Lee``), by the part of their
    address before the @ (``@ann.lee``), or by first name where only one user has it (``@Ann``).
    Where names overlap the longest wins, so ``@Ann Lee`` is not taken for ``@Ann``."""
    first_names: dict[str, list[int]] = {}
    names: list[tuple[str, int]] = []
    for user in users:
        display = " ".join(str(user["display_name"] or "").split()).lower()
        if display:
            names.append((display, user["id"]))
            first_names.setdefault(display.split()[0], []).append(user["id"])
        names.append((str(user["email"]).split("@", 1)[0].lower(), user["id"]))
    names += [(first, ids[0]) for first, ids in first_names.items() if len(ids) == 1]
    names.sort(key=lambda pair: len(pair[0]), reverse=True)
    lowered = " ".join(text.split()).lower()
    found: set[int] = set()
    for at in _AT.finditer(lowered):
        after = lowered[at.end():]
        for name, user_id in names:
            if name and after.startswith(name) and not after[len(name) : len(name) + 1].isalnum():
                found.add(user_id)
                break
    return found


async def _mentioned(actor_id: int, row: dict[str, Any], previous_body: str) -> None:
    text = plain_text(row.get("body") or "")
    if "@" not in text:
        return
    users = await list_users()
    new = mentioned_user_ids(text, users) - mentioned_user_ids(plain_text(previous_body), users) - {actor_id}
    readers = []
    for user_id in sorted(new):  # only who may see the activity hears of it
        principal = await principal_for_user_id(user_id)
        if principal is not None and await read_many(principal, ACTIVITY, [row["id"]]):
            readers.append(user_id)
    if not readers:
        return
    actor = await _actor_name(actor_id)
    message = Message(
        subject=_fit(f"{actor} mentioned you: {row['_title'] or row.get('type', 'a note')}", MAX_SUBJECT),
        body=_fit(" ".join(text.split()), MAX_BODY), href=await _href(row), kind=MENTIONED,
        record_type=ACTIVITY, record_id=row["id"],
    )
    await deliver([(user_id, message) for user_id in readers])
