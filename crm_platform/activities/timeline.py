"""A record's timeline: its activities, newest first, with plugins' items on the first page.

A page costs the same few queries whatever its size: the record, the caller's team, one
for the activities and one for their links.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from crm_hookspecs import Principal, TimelineItem

from crm_platform import runtime
from crm_platform.activities import links
from crm_platform.db.raw import fetch, placeholders
from crm_platform.errors import invalid
from crm_platform.records import access
from crm_platform.records.pagination import Sort, check_limit, encode_cursor, keyset_condition

MAX_TYPES = 20


def parse_types(raw: str | None) -> list[str]:
    """``"call,meeting"`` -> ``["call", "meeting"]``."""
    types = [part.strip() for part in (raw or "").split(",") if part.strip()]
    if len(types) > MAX_TYPES:
        raise invalid("types", f"at most {MAX_TYPES} types")
    return types


async def activities_of(
    principal: Principal,
    record_type: str,
    record_id: int,
    types: list[str],
    limit: int,
    cursor: str | None,
) -> tuple[list[dict[str, Any]], str | None]:
    """Activities linked to the record that ``principal`` may see; the record's access is the
    caller's to check."""
    limit = check_limit(limit)
    conditions = ["l.record_type = {}", "l.record_id = {}"]
    args: list[Any] = [record_type, record_id]
    if types:
        conditions.append(f"a.type IN ({placeholders(types)})")
        args += types
    visible, visible_args = await access.assigned_or_visible_sql(
        principal, "read", "activity", "crm_activity", alias="a"
    )
    conditions += visible
    args += visible_args
    order = Sort("occurred_at", descending=True)
    after, after_args = keyset_condition(order, cursor, "l")
    if after:
        # The link's activity column is the activity id: the keyset's tie-breaker.
        conditions.append(after.replace("l.id", "l.activity"))
        args += after_args
    rows = await fetch(
        "SELECT a.* FROM crm_activity_link l JOIN crm_activity a ON a.id = l.activity "
        f"WHERE {' AND '.join(conditions)} ORDER BY l.occurred_at DESC, l.activity DESC LIMIT {limit + 1}",
        *args,
    )
    next_cursor = None
    if len(rows) > limit:
        rows = rows[:limit]
        next_cursor = encode_cursor(rows[-1]["occurred_at"], rows[-1]["id"])
    linked = await links.of([row["id"] for row in rows])
    for row in rows:
        row["links"] = linked[row["id"]]
    return rows, next_cursor


async def plugin_items(
    principal: Principal, record_type: str, record_id: int, limit: int
) -> list[TimelineItem]:
    items = await runtime.current().host.call(
        "crm_timeline_items", expect=TimelineItem, record_type=record_type, record_id=record_id,
        principal=principal, limit=limit,
    )
    return items[:limit]


def sort_key(occurred_at: dt.datetime) -> dt.datetime:
    return occurred_at.replace(tzinfo=dt.UTC) if occurred_at.tzinfo is None else occurred_at
