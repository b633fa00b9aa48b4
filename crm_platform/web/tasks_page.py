"""The tasks page: open tasks and follow-ups by due date, filtered by due window, assignee
and linked record, with the true count of each window, and bulk done and reschedule."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any
from urllib.parse import parse_qsl, urlencode

from crm_hookspecs import Principal
from litestar import Request, Response, get, post
from litestar.response import Redirect

from crm_platform import clock
from crm_platform.activities import tasks
from crm_platform.errors import CrmError, Invalid
from crm_platform.users.auth import CurrentPrincipal
from crm_platform.users.service import team_member_ids
from crm_platform.web import forms, lookups, record_parts
from crm_platform.web.linked import linked_records
from crm_platform.web.rendering import is_htmx, render_fragment, render_page, zone_of

PAGE_SIZE = 50
QUERY_KEYS = ("due", "assignee", "record", "cursor")
DUE_TABS = (("", "All"), ("overdue", "Overdue"), ("today", "Today"), ("week", "This week"), ("upcoming", "Upcoming"))


def _query(params: Mapping[str, str]) -> dict[str, str]:
    return {key: str(params[key])[:200] for key in QUERY_KEYS if params.get(key)}


async def _assignee_choices(principal: Principal) -> list[tuple[str, str]]:
    """Whom the assignee filter offers: scopes, then people (a member's own team only)."""
    users = await lookups.active_users()
    if not principal.sees_everything:
        team = set(await team_member_ids(principal))
        users = [user for user in users if user["id"] in team]
    scopes = [("me", "Me"), ("team", "My team"), ("all", "Everyone I can see")]
    return scopes + [(str(user["id"]), user["display_name"]) for user in users if user["id"] != principal.id]


async def _context(request: Request, principal: Principal, params: Mapping[str, str]) -> dict[str, Any]:
    query = _query(params)
    zone = zone_of(request).key
    chosen = tasks.TaskFilter.parse(query.get("assignee"), query.get("record"), principal)
    due = query.get("due") or None
    rows, next_cursor = await tasks.open_tasks(principal, due, zone, PAGE_SIZE, query.get("cursor"), chosen)
    # The filtered record's name passes the same visibility check as the rows' links.
    filtered = (chosen.record_type, chosen.record_id) if chosen.record_type is not None else None
    extra = [{"links": [{"record_type": filtered[0], "record_id": filtered[1]}]}] if filtered else []
    found = await linked_records(principal, [*extra, *rows])
    record_label = None
    if filtered:
        record_label = found[filtered][0] if filtered in found else f"{filtered[0]} {filtered[1]}"
    now = clock.now()
    for row in rows:
        row["overdue"] = clock.as_utc(row["due_at"]) < now
    base = {key: value for key, value in query.items() if key != "cursor"}
    return {
        "rows": rows, "next_cursor": next_cursor, "counts": await tasks.counts(principal, zone, chosen),
        "names": found, "query": query, "base": base, "due": due or "",
        "assignee": str(chosen.assignee), "assignee_choices": await _assignee_choices(principal),
        "record_label": record_label, "tabs": DUE_TABS, "types": record_parts.activity_types(),
        "back": "/tasks?" + urlencode(base),
    }


def _link(base: Mapping[str, str], **changes: str) -> str:
    merged = {**base, **changes}
    return "/tasks?" + urlencode({key: value for key, value in merged.items() if value})


@get("/tasks", include_in_schema=False)
async def task_list(request: Request, principal: CurrentPrincipal) -> Response:
    context = await _context(request, principal, request.query_params)
    template = "tasks/_results.html" if is_htmx(request) else "tasks/list.html"
    return render_page(request, template, link=_link, **context)


def _reschedule_target(values: dict[str, Any]) -> tuple[dt.date | None, int | None]:
    raw_date, raw_days = forms.text(values, "date", 20), forms.text(values, "days", 10)
    if raw_date:
        try:
            return dt.date.fromisoformat(raw_date), None
        except ValueError:
            raise Invalid({"date": "must be a date like 2026-03-01"}) from None
    try:
        return None, int(raw_days.lstrip("+"))
    except ValueError:
        raise Invalid({"date": "choose a date, or a number of days to move by"}) from None


def _plural(count: int) -> str:
    return f"{count} task{'' if count == 1 else 's'}"


@post("/tasks/bulk", include_in_schema=False)
async def bulk_tasks(request: Request, principal: CurrentPrincipal) -> Response:
    values = await forms.form_data(request)
    back = forms.text(values, "back", 1000)
    back = back if back.startswith("/tasks") else "/tasks"
    errors: dict[str, str] = {}
    message = ""
    try:
        ids = [int(value) for value in forms.listed(values, "ids") if value.isdecimal() and len(value) <= 9]
        action = forms.text(values, "action")
        if action == "done":
            message = f"{_plural(len(await tasks.mark_done(principal, ids)))} marked done"
        elif action == "reschedule":
            day, days = _reschedule_target(values)
            moved = await tasks.reschedule(principal, ids, day=day, days=days, tz=zone_of(request).key)
            message = f"{_plural(len(moved))} moved to {day.isoformat()}" if day else (
                f"{_plural(len(moved))} moved by {days:+d} day{'' if abs(days or 0) == 1 else 's'}")
        else:
            raise Invalid({"action": "choose mark done or reschedule"})
    except Invalid as exc:
        errors = dict(exc.errors)
    except CrmError as exc:  # a task that is gone or not the caller's to change
        errors = {"ids": exc.message}
    if not is_htmx(request):
        if errors:
            context = await _context(request, principal, dict(parse_qsl(back.partition("?")[2])))
            return render_page(request, "tasks/list.html", status_code=422, link=_link, errors=errors, **context)
        return Redirect(back, status_code=303)
    context = await _context(request, principal, dict(parse_qsl(back.partition("?")[2])))
    response = render_fragment(request, "tasks/_results.html", status_code=422 if errors else 200,
                               link=_link, errors=errors, **context)
    if message:
        response.headers["X-Toast"] = message
    return response


HANDLERS = [task_list, bulk_tasks]
