"""Open tasks and follow-ups by due date: whose (the caller's, their team's, everyone's or one
person's), when (overdue, today, this week, upcoming), about which record; with the count of
each due window, and bulk done and reschedule.

Every read keeps the activity visibility rule (owner's team, or assigned to the caller), so
a count never includes a task its reader could not open.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from crm_hookspecs import Principal

from crm_platform import clock
from crm_platform.activities import links, service
from crm_platform.activities.schemas import ActivityPatch
from crm_platform.db.raw import fetch, placeholders
from crm_platform.db.unit import unit_of_work
from crm_platform.errors import invalid
from crm_platform.records import access, kinds
from crm_platform.records.pagination import Sort, check_limit, encode_cursor, keyset_condition
from crm_platform.users.service import team_member_ids

DUE = ("overdue", "today", "week", "upcoming")
SCOPES = ("me", "team", "all")
MAX_BULK = 200
MAX_SHIFT_DAYS = 3650
MAX_ID = 2**31 - 1


def check_day(day: dt.date, field: str = "date") -> dt.date:
    """A date a calendar can show and move to (far enough from the ends of time to step by a
    month or a time zone)."""
    if not 1900 <= day.year <= 2999:
        raise invalid(field, "must be between the years 1900 and 2999")
    return day


def zone(name: str) -> ZoneInfo:
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        raise invalid("tz", f"{name!r} is not an IANA time zone such as Europe/London") from None


@dataclass(frozen=True)
class Windows:
    """The caller's ``now``, local day and local week (Monday to Monday), in UTC."""

    now: dt.datetime
    day_start: dt.datetime
    day_end: dt.datetime
    week_start: dt.datetime
    week_end: dt.datetime

    @classmethod
    def at(cls, now: dt.datetime, tz: str) -> Windows:
        local = zone(tz)
        today = now.astimezone(local).date()
        monday = today - dt.timedelta(days=today.weekday())

        def midnight(day: dt.date) -> dt.datetime:
            return dt.datetime.combine(day, dt.time(), tzinfo=local).astimezone(dt.UTC)

        return cls(now, midnight(today), midnight(today + dt.timedelta(days=1)),
                   midnight(monday), midnight(monday + dt.timedelta(days=7)))

    def of(self, due: str | None) -> tuple[dt.datetime | None, dt.datetime | None]:
        """``[start, end)`` of due dates: overdue is before now; today and week are the
        caller's local day and week; upcoming is after today."""
        if due is None:
            return None, None
        windows = {
            "overdue": (None, self.now), "today": (self.day_start, self.day_end),
            "week": (self.week_start, self.week_end), "upcoming": (self.day_end, None),
        }
        if due not in windows:
            raise invalid("due", f"must be one of {', '.join(DUE)}")
        return windows[due]


def due_window(due: str | None, tz: str, now: dt.datetime) -> tuple[dt.datetime | None, dt.datetime | None]:
    return Windows.at(now, tz).of(due)


@dataclass(frozen=True)
class TaskFilter:
    """Whose open tasks: ``me``, ``team``, ``all`` or one user's id; optionally only those
    linked to one record."""

    assignee: str | int = "me"
    record_type: str | None = None
    record_id: int | None = None

    @classmethod
    def parse(cls, assignee: str | None, record: str | None, principal: Principal) -> TaskFilter:
        """``assignee``: me, team, all or a user id (left out: the caller's own for members,
        their team's for managers, everyone's for admins); ``record``: ``contact:12``."""
        chosen: str | int = assignee or default_scope(principal)
        if isinstance(chosen, str) and chosen not in SCOPES:
            if not chosen.isdecimal() or int(chosen) > MAX_ID:
                raise invalid("assignee", f"must be one of {', '.join(SCOPES)} or a user id")
            chosen = int(chosen)
        if not record:
            return cls(chosen)
        record_type, _, raw_id = record.partition(":")
        if not raw_id.isdecimal() or int(raw_id) > MAX_ID:
            raise invalid("record", "must be a record type and id such as contact:12")
        kinds.get(record_type, "record")
        return cls(chosen, record_type, int(raw_id))


def default_scope(principal: Principal) -> str:
    return {"admin": "all", "manager": "team"}.get(principal.role, "me")


async def _conditions(principal: Principal, chosen: TaskFilter) -> tuple[list[str], list[Any]]:
    """Open tasks, of whom and about what the filter says, that ``principal`` may see."""
    conditions, args = await access.assigned_or_visible_sql(principal, "read", service.RECORD_TYPE, "crm_activity")
    conditions += ["done = {}", "due_at IS NOT NULL"]
    args.append(False)
    if chosen.assignee == "me":
        conditions.append("assignee = {}")
        args.append(principal.id)
    elif chosen.assignee == "team":
        team = await team_member_ids(principal)
        conditions.append(f"assignee IN ({placeholders(team)})")
        args += team
    elif isinstance(chosen.assignee, int):
        conditions.append("assignee = {}")
        args.append(chosen.assignee)
    if chosen.record_type is not None:
        conditions.append(
            "id IN (SELECT activity FROM crm_activity_link WHERE record_type = {} AND record_id = {})"
        )
        args += [chosen.record_type, chosen.record_id]
    return conditions, args


async def open_tasks(
    principal: Principal, due: str | None, tz: str, limit: int, cursor: str | None,
    chosen: TaskFilter | None = None,
) -> tuple[list[dict[str, Any]], str | None]:
    """One page of open tasks, soonest due first, each with its ``links``; and the next
    page's cursor. Without ``chosen``: the caller's own."""
    limit = check_limit(limit)
    start, end = due_window(due, tz, clock.now())
    conditions, args = await _conditions(principal, chosen or TaskFilter())
    if start is not None:
        conditions.append("due_at >= {}")
        args.append(start)
    if end is not None:
        conditions.append("due_at < {}")
        args.append(end)
    after, after_args = keyset_condition(Sort("due_at", descending=False), cursor)
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
        row["done"] = bool(row["done"])
        row["links"] = linked[row["id"]]
    return rows, next_cursor


async def counts(principal: Principal, tz: str, chosen: TaskFilter | None = None) -> dict[str, int]:
    """How many open tasks the filter finds in all and in each due window, in one statement.

    Each count is its own subquery over an index range: counting index entries is several
    times cheaper than testing every open task against each window in one pass."""
    windows = Windows.at(clock.now(), tz)
    conditions, args = await _conditions(principal, chosen or TaskFilter())
    where = " AND ".join(conditions)
    columns, column_args = [f"(SELECT count(*) FROM crm_activity WHERE {where}) AS all_open"], [*args]
    for due in DUE:
        start, end = windows.of(due)
        tests = [test for test, bound in (("due_at >= {}", start), ("due_at < {}", end)) if bound is not None]
        columns.append(f"(SELECT count(*) FROM crm_activity WHERE {where} AND {' AND '.join(tests)}) AS {due}")
        column_args += [*args, *(bound for bound in (start, end) if bound is not None)]
    rows = await fetch(f"SELECT {', '.join(columns)}", *column_args)
    found = {key: int(value or 0) for key, value in rows[0].items()}
    found["all"] = found.pop("all_open")
    return found


def _ids(activity_ids: list[int]) -> list[int]:
    ids = list(dict.fromkeys(activity_ids))
    if not ids:
        raise invalid("ids", "choose at least one task")
    if len(ids) > MAX_BULK:
        raise invalid("ids", f"at most {MAX_BULK} tasks at once")
    return ids


async def _task(principal: Principal, activity_id: int) -> dict[str, Any]:
    row = await service.get(principal, activity_id, "write")
    kind = service.registered_types().get(row["type"])
    if kind is None or not kind.is_task:
        raise invalid("ids", f"activity {activity_id} is a {row['type']}, not a task")
    return row


async def mark_done(principal: Principal, activity_ids: list[int]) -> list[int]:
    """Mark the tasks done, all of them or none (one that is missing, hidden or not a task
    stops the lot)."""
    ids = _ids(activity_ids)
    async with unit_of_work():
        for activity_id in ids:
            await _task(principal, activity_id)
            await service.update(principal, activity_id, ActivityPatch(done=True))
    return ids


def moved(due_at: dt.datetime, local: ZoneInfo, day: dt.date | None, days: int | None) -> dt.datetime:
    """``due_at`` on ``day``, or ``days`` later, at the same local wall-clock time."""
    wall = clock.as_utc(due_at).astimezone(local)
    target = day if day is not None else wall.date() + dt.timedelta(days=days or 0)
    return dt.datetime.combine(target, wall.time().replace(tzinfo=None), tzinfo=local).astimezone(dt.UTC)


async def reschedule(
    principal: Principal, activity_ids: list[int], *, day: dt.date | None = None, days: int | None = None,
    tz: str = "UTC",
) -> list[int]:
    """Move each task to ``day`` or by ``days``, keeping its time of day in ``tz``; all of
    them or none."""
    if (day is None) == (days is None):
        raise invalid("date", "give either a date or a number of days")
    if days is not None and not -MAX_SHIFT_DAYS <= days <= MAX_SHIFT_DAYS:
        raise invalid("days", f"must be between -{MAX_SHIFT_DAYS} and {MAX_SHIFT_DAYS}")
    if day is not None:
        check_day(day)
    local = zone(tz)
    ids = _ids(activity_ids)
    async with unit_of_work():
        for activity_id in ids:
            row = await _task(principal, activity_id)
            start = row["due_at"] or clock.now()
            await service.update(principal, activity_id, ActivityPatch(due_at=moved(start, local, day, days)))
    return ids
