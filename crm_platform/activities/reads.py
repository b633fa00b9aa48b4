"""Activities as plugins read and write them through the toolkit: in bulk, with their links,
through the same validation, audit and events as the API."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

from crm_hookspecs import Principal

from crm_platform.activities import service, timeline
from crm_platform.activities.schemas import ActivityIn
from crm_platform.db.raw import fetch, placeholders
from crm_platform.db.unit import unit_of_work


async def log_activities(principal: Principal, items: Iterable[ActivityIn]) -> list[tuple[dict[str, Any], bool]]:
    """Log many activities in one transaction, in a constant number of statements whatever
    their number: all of them, or none if one is invalid (errors named ``items[3].subject``).
    Returns ``(activity, created)`` for each, as :func:`log_activity` does."""
    async with unit_of_work():
        return await service.create_many(principal, list(items))


async def create_task(
    principal: Principal,
    subject: str,
    due_at: dt.datetime,
    *,
    assignee_id: int | None = None,
    body: str = "",
    type: str = "task",
    links: list[dict[str, Any]] | None = None,
    participant_ids: list[int] | None = None,
) -> dict[str, Any]:
    """A task (or any task type, such as ``follow_up``) due at ``due_at``, assigned to
    ``assignee_id`` (the caller by default), reminded by the core when it falls due."""
    data = ActivityIn(
        type=type, subject=subject, body=body, due_at=due_at, links=links or [],
        participant_ids=participant_ids or [], **({"assignee_id": assignee_id} if assignee_id is not None else {}),
    )
    row, _ = await service.create(principal, data)
    return row


async def record_timeline(
    principal: Principal, record_type: str, record_id: int, *, limit: int = 50, cursor: str | None = None,
    types: tuple[str, ...] = (),
) -> tuple[list[dict[str, Any]], str | None]:
    """One page of the activities on a record's timeline that ``principal`` may see, newest
    first, each with its ``links``; and the next page's cursor. Check the record's own access
    first (``get_record``)."""
    return await timeline.activities_of(principal, record_type, record_id, list(types), limit, cursor)


async def last_activity_at(record_type: str, record_ids: list[int]) -> dict[int, dt.datetime]:
    """When each record last had an activity on its timeline, in one query."""
    if not record_ids:
        return {}
    rows = await fetch(
        "SELECT record_id, max(occurred_at) AS at FROM crm_activity_link "
        f"WHERE record_type = {{}} AND record_id IN ({placeholders(record_ids)}) GROUP BY record_id",
        record_type, *record_ids,
    )
    return {row["record_id"]: _as_datetime(row["at"]) for row in rows}


async def open_task_counts(user_ids: list[int]) -> dict[int, int]:
    """How many open tasks and follow-ups (not done, with a due time) each user is assigned,
    ``0`` for those with none, in one query: who has the least on their plate."""
    if not user_ids:
        return {}
    rows = await fetch(
        "SELECT assignee, count(*) AS n FROM crm_activity WHERE NOT done AND due_at IS NOT NULL "
        f"AND assignee IN ({placeholders(user_ids)}) GROUP BY assignee", *user_ids,
    )
    counts = {user_id: 0 for user_id in user_ids}
    counts |= {row["assignee"]: int(row["n"]) for row in rows}
    return counts


def _as_datetime(value: Any) -> dt.datetime:
    # SQLite hands back an aggregate as the stored text, PostgreSQL as a datetime.
    if isinstance(value, str):
        return dt.datetime.fromisoformat(value).replace(tzinfo=dt.UTC)
    return value
