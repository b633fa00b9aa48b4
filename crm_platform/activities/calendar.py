"""A user's calendar: their meetings and calls (by when they happen) and the tasks and
follow-ups assigned to them (by when they fall due), in a window of time; and moving one.

One statement reads a window, through the indexes ``(owner, occurred_at)`` and
``(assignee, due_at)``, under the activity visibility rule.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from crm_hookspecs import Principal

from crm_platform import clock
from crm_platform.activities import service
from crm_platform.activities.schemas import ActivityPatch
from crm_platform.db.raw import fetch, placeholders
from crm_platform.errors import invalid
from crm_platform.records import access

# What happens at a time, as opposed to notes and messages, which are only logged.
EVENT_TYPES = ("meeting", "call")
# An event logged without an end shows this long.
DEFAULT_MINUTES = {"meeting": 60, "call": 30}
MAX_ITEMS = 2000


@dataclass(frozen=True)
class Entry:
    """One thing on the calendar: an event at ``start`` lasting ``minutes``, or a task due at
    ``start`` (``minutes`` 0)."""

    row: dict[str, Any]
    start: dt.datetime
    minutes: int
    is_task: bool

    @property
    def id(self) -> int:
        return self.row["id"]


def task_types() -> list[str]:
    # The core always registers some; the fallback only keeps the SQL valid.
    return sorted(key for key, kind in service.registered_types().items() if kind.is_task) or ["task"]


async def entries(
    principal: Principal, user_id: int, start: dt.datetime, end: dt.datetime, *, limit: int = MAX_ITEMS
) -> list[Entry]:
    """What is on ``user_id``'s calendar in ``[start, end)`` that ``principal`` may see, in
    time order (the first ``limit`` items)."""
    if end <= start:
        raise invalid("end", "must be after the start")
    tasks = task_types()
    conditions, args = await access.assigned_or_visible_sql(principal, "read", service.RECORD_TYPE, "crm_activity")
    window = (
        f"((owner = {{}} AND type IN ({placeholders(EVENT_TYPES)}) AND occurred_at >= {{}} AND occurred_at < {{}})"
        f" OR (assignee = {{}} AND type IN ({placeholders(tasks)}) AND due_at >= {{}} AND due_at < {{}}))"
    )
    at = f"CASE WHEN type IN ({placeholders(tasks)}) THEN due_at ELSE occurred_at END"
    rows = await fetch(
        f"SELECT * FROM crm_activity WHERE {' AND '.join([window, *conditions])} ORDER BY {at}, id LIMIT {limit}",
        user_id, *EVENT_TYPES, start, end, user_id, *tasks, start, end, *args, *tasks,
    )
    found = []
    for row in rows:
        row["done"] = bool(row["done"])
        is_task = row["type"] in tasks
        at = clock.as_utc(row["due_at"] if is_task else row["occurred_at"])
        found.append(Entry(row, at, 0 if is_task else _minutes(row, at), is_task))
    return found


def _minutes(row: dict[str, Any], start: dt.datetime) -> int:
    if row.get("ends_at") is None:
        return DEFAULT_MINUTES.get(row["type"], 60)
    return int((clock.as_utc(row["ends_at"]) - start).total_seconds() // 60)


async def move(principal: Principal, activity_id: int, to: dt.datetime) -> dict[str, Any]:
    """Put the activity at ``to``: a task's due time, an event's start. Through the one
    write path, so the change is checked, audited and announced."""
    row = await service.get(principal, activity_id, "write")
    kind = service.registered_types().get(row["type"])
    if kind is not None and kind.is_task:
        return await service.update(principal, activity_id, ActivityPatch(due_at=to))
    if row["type"] not in EVENT_TYPES:
        raise invalid("activity", f"a {row['type']} is not on the calendar")
    return await service.update(principal, activity_id, ActivityPatch(occurred_at=to))
