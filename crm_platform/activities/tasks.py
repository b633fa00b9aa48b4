"""The caller's open tasks and follow-ups, by due date."""

from __future__ import annotations

import datetime as dt
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from crm_hookspecs import Principal

from crm_platform import clock
from crm_platform.activities import links
from crm_platform.db.raw import fetch
from crm_platform.errors import invalid
from crm_platform.records.pagination import Sort, check_limit, encode_cursor, keyset_condition

DUE = ("overdue", "today", "upcoming")


def _zone(name: str) -> ZoneInfo:
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        raise invalid("tz", f"{name!r} is not an IANA time zone such as Europe/London") from None


def due_window(due: str | None, tz: str, now: dt.datetime) -> tuple[dt.datetime | None, dt.datetime | None]:
    """``[start, end)`` of due dates: overdue is before now; today is the caller's local day;
    upcoming is after it."""
    zone = _zone(tz)
    local_midnight = dt.datetime.combine(now.astimezone(zone).date(), dt.time(), tzinfo=zone)
    start_of_day = local_midnight.astimezone(dt.UTC)
    end_of_day = (local_midnight + dt.timedelta(days=1)).astimezone(dt.UTC)
    if due is None:
        return None, None
    if due == "overdue":
        return None, now
    if due == "today":
        return start_of_day, end_of_day
    if due == "upcoming":
        return end_of_day, None
    raise invalid("due", f"must be one of {', '.join(DUE)}")


async def open_tasks(
    principal: Principal, due: str | None, tz: str, limit: int, cursor: str | None
) -> tuple[list[dict[str, Any]], str | None]:
    limit = check_limit(limit)
    start, end = due_window(due, tz, clock.now())
    conditions = ["assignee = {}", "done = {}", "due_at IS NOT NULL"]
    args: list[Any] = [principal.id, False]
    if start is not None:
        conditions.append("due_at >= {}")
        args.append(start)
    if end is not None:
        conditions.append("due_at < {}")
        args.append(end)
    order = Sort("due_at", descending=False)
    after, after_args = keyset_condition(order, cursor)
    if after:
        conditions.append(after)
        args += after_args
    rows = await fetch(
        f"SELECT * FROM crm_activity WHERE {' AND '.join(conditions)} ORDER BY due_at, id LIMIT {limit + 1}",
        *args,
    )
    next_cursor = None
    if len(rows) > limit:
        rows = rows[:limit]
        next_cursor = encode_cursor(rows[-1]["due_at"], rows[-1]["id"])
    linked = await links.of([row["id"] for row in rows])
    for row in rows:
        row["links"] = linked[row["id"]]
    return rows, next_cursor
