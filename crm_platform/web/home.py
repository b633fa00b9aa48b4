"""Home, "my day": tasks and follow-ups by due date, recent activity, contacts gone quiet."""

from __future__ import annotations

import datetime as dt
from typing import Any

from crm_hookspecs import Principal
from litestar import Request, Response, get, post
from litestar.params import FromPath, FromQuery
from litestar.response import Redirect

from crm_platform import clock
from crm_platform.activities import links, tasks
from crm_platform.activities import service as activities
from crm_platform.activities.schemas import ActivityPatch
from crm_platform.db.raw import fetch, placeholders
from crm_platform.records import pipeline
from crm_platform.users.auth import CurrentPrincipal
from crm_platform.web import plugin_slots, record_parts
from crm_platform.web.auth import safe_next
from crm_platform.web.rendering import render_page, zone_of

QUIET_DAYS = 30
LIST_LIMIT = 10


async def _recent_activity(principal: Principal) -> list[dict[str, Any]]:
    """The newest things that happened (not tasks) among records the user may see."""
    task_types = [key for key, kind in record_parts.activity_types().items() if kind.is_task]
    conditions, args = await pipeline.visibility(principal, activities.RECORD_TYPE)
    if task_types:
        conditions.append(f"type NOT IN ({placeholders(task_types)})")
        args += task_types
    where = f"WHERE {' AND '.join(conditions)}" if conditions else ""
    return await fetch(f"SELECT * FROM crm_activity {where} ORDER BY occurred_at DESC, id DESC LIMIT {LIST_LIMIT}",
                       *args)


async def _quiet_contacts(principal: Principal, days: int) -> list[dict[str, Any]]:
    """The user's own contacts with no call, meeting or message for ``days`` days, longest first."""
    cutoff = clock.now() - dt.timedelta(days=days)
    return await fetch(
        "SELECT id, display_name, primary_email, last_contacted_at FROM crm_contact "
        "WHERE owner = {} AND (last_contacted_at IS NULL OR last_contacted_at < {}) "
        f"ORDER BY last_contacted_at ASC NULLS FIRST, id LIMIT {LIST_LIMIT}",
        principal.id, cutoff,
    )


async def _record_names(principal: Principal, activity_rows: list[dict[str, Any]]) -> dict[tuple[str, int], str]:
    """Names of the contacts and companies these activities link to that the user may see
    (a record handed to another team keeps its name to itself): two queries at most."""
    return await pipeline.visible_names(principal, (
        (link["record_type"], link["record_id"])
        for row in activity_rows for link in row["links"] if link["record_type"] in ("contact", "company")
    ))


@get("/", include_in_schema=False)
async def my_day(request: Request, principal: CurrentPrincipal, days: FromQuery[int] = QUIET_DAYS) -> Response:
    days = max(1, min(days, 3650))
    zone = zone_of(request).key
    overdue, _ = await tasks.open_tasks(principal, "overdue", zone, LIST_LIMIT, None)
    today, _ = await tasks.open_tasks(principal, "today", zone, LIST_LIMIT * 2, None)
    # Today's window starts at midnight, so what fell due earlier today is already overdue.
    overdue_ids = {row["id"] for row in overdue}
    today = [row for row in today if row["id"] not in overdue_ids][:LIST_LIMIT]
    upcoming, _ = await tasks.open_tasks(principal, "upcoming", zone, LIST_LIMIT, None)
    totals = await tasks.counts(principal, zone)
    recent = await _recent_activity(principal)
    recent_links = await links.of([row["id"] for row in recent])
    for row in recent:
        row["links"] = recent_links[row["id"]]
    names = await _record_names(principal, [*overdue, *today, *upcoming, *recent])
    return render_page(
        request, "home.html", overdue=overdue, today=today, upcoming=upcoming, recent=recent, names=names,
        quiet=await _quiet_contacts(principal, days), days=days, widgets=await plugin_slots.dashboard_widgets(request, principal),
        types=record_parts.activity_types(), totals=totals,
    )


@post("/tasks/{activity_id:int}/done", include_in_schema=False)
async def mark_done(request: Request, principal: CurrentPrincipal, activity_id: FromPath[int]) -> Response:
    form = await request.form()
    await activities.update(principal, activity_id, ActivityPatch(done=True))
    return Redirect(safe_next(form.get("next")), status_code=303)


HANDLERS = [my_day, mark_done]
