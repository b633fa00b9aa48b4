"""``/api/v1/activities``, ``/api/v1/tasks`` and the timelines of contacts and companies."""

from __future__ import annotations

from typing import Annotated, Any

import msgspec
from crm_hookspecs import ActivityType, Principal
from litestar import Controller, Response, delete, get, patch, post
from litestar.openapi import ResponseSpec
from litestar.params import FromPath, FromQuery, JSONBody, Parameter
from litestar.status_codes import HTTP_200_OK, HTTP_201_CREATED

from crm_platform.activities import service, tasks, timeline
from crm_platform.activities.schemas import (
    ActivityIn,
    ActivityOut,
    ActivityPatch,
    TaskCounts,
    TaskPage,
    TasksChanged,
    TasksDone,
    TasksReschedule,
    TimelineEntry,
    TimelinePage,
)
from crm_platform.companies import service as companies
from crm_platform.contacts import service as contacts
from crm_platform.users.auth import CurrentPrincipal

Limit = Annotated[int, Parameter(ge=1, le=200)]
Types = Annotated[str | None, Parameter(description="activity types to show, comma-separated: call,meeting")]


def to_out(row: dict[str, Any], types: dict[str, ActivityType] | None = None) -> ActivityOut:
    kind = (types if types is not None else service.registered_types()).get(row["type"])
    participants = [link["record_id"] for link in row["links"] if link["role"] == "participant"]
    return msgspec.convert(
        {
            **row, "owner_id": row["owner"], "assignee_id": row["assignee"], "done": bool(row["done"]),
            "is_task": bool(kind and kind.is_task), "participant_ids": participants,
        },
        ActivityOut,
        strict=False,
    )


class ActivityController(Controller):
    path = "/api/v1/activities"
    tags = ["activities"]

    @post(
        "/",
        description=(
            "Log an activity, or create a task or follow-up. Imports are idempotent: posting a "
            "source and external_id pair that already exists returns the existing activity with 200 "
            "instead of creating a duplicate. An unknown type is a 422 listing the known types."
        ),
        responses={
            HTTP_200_OK: ResponseSpec(
                ActivityOut, description="An activity with this source and external_id was already imported"
            )
        },
    )
    async def log_activity(self, principal: CurrentPrincipal, data: JSONBody[ActivityIn]) -> Response[ActivityOut]:
        """Log an activity, or create a task or follow-up.

        Imports are idempotent: posting a ``source`` and ``external_id`` pair that already
        exists returns the existing activity with 200 instead of creating a duplicate. An
        unknown ``type`` is a 422 listing the known types.
        """
        row, created = await service.create(principal, data)
        return Response(to_out(row), status_code=HTTP_201_CREATED if created else HTTP_200_OK)

    @get("/{activity_id:int}")
    async def get_activity(self, principal: CurrentPrincipal, activity_id: FromPath[int]) -> ActivityOut:
        return to_out(await service.get(principal, activity_id))

    @patch("/{activity_id:int}")
    async def update_activity(
        self, principal: CurrentPrincipal, activity_id: FromPath[int], data: JSONBody[ActivityPatch]
    ) -> ActivityOut:
        """Change the fields given. ``done: true`` stamps ``done_at``; the assignee may do it too."""
        return to_out(await service.update(principal, activity_id, data))

    @delete("/{activity_id:int}")
    async def delete_activity(self, principal: CurrentPrincipal, activity_id: FromPath[int]) -> None:
        await service.delete(principal, activity_id)


@get("/api/v1/tasks", tags=["activities"])
async def list_tasks(
    principal: CurrentPrincipal,
    due: Annotated[
        str | None, Parameter(description="overdue, today, week or upcoming; all open tasks if left out")
    ] = None,
    assignee: Annotated[
        str | None,
        Parameter(description="me, team, all or a user id; by default yours (members), your team's "
                  "(managers) or everyone's (admins)"),
    ] = None,
    record: Annotated[str | None, Parameter(description="only tasks linked to this record: contact:12")] = None,
    tz: Annotated[str, Parameter(description="IANA time zone that decides what today and this week are")] = "UTC",
    limit: Limit = 50,
    cursor: FromQuery[str | None] = None,
) -> TaskPage:
    """Open tasks and follow-ups you may see, soonest due first, with the number the filter
    finds in all and in each due window (whatever page this is)."""
    chosen = tasks.TaskFilter.parse(assignee, record, principal)
    rows, next_cursor = await tasks.open_tasks(principal, due, tz, limit, cursor, chosen)
    types = service.registered_types()
    counts = msgspec.convert(await tasks.counts(principal, tz, chosen), TaskCounts)
    return TaskPage(items=[to_out(row, types) for row in rows], next_cursor=next_cursor, counts=counts)


@post("/api/v1/tasks/done", tags=["activities"], status_code=HTTP_200_OK)
async def tasks_done(principal: CurrentPrincipal, data: JSONBody[TasksDone]) -> TasksChanged:
    """Mark tasks done: all of them, or none if one is missing, hidden or not a task."""
    return TasksChanged(ids=await tasks.mark_done(principal, data.ids))


@post("/api/v1/tasks/reschedule", tags=["activities"], status_code=HTTP_200_OK)
async def tasks_reschedule(principal: CurrentPrincipal, data: JSONBody[TasksReschedule]) -> TasksChanged:
    """Move tasks to a ``date`` or by ``days``, each keeping its time of day in ``tz``; all
    of them or none."""
    return TasksChanged(ids=await tasks.reschedule(principal, data.ids, day=data.date, days=data.days, tz=data.tz))


async def _timeline(
    principal: Principal, record_type: str, record_id: int, types: str | None, limit: int, cursor: str | None
) -> TimelinePage:
    rows, next_cursor = await timeline.activities_of(
        principal, record_type, record_id, timeline.parse_types(types), limit, cursor
    )
    types = service.registered_types()
    entries = [
        TimelineEntry(
            kind=row["type"], key=f"activity-{row['id']}", occurred_at=row["occurred_at"],
            title=row["subject"], activity=to_out(row, types),
        )
        for row in rows
    ]
    if cursor is None:
        for item in await timeline.plugin_items(principal, record_type, record_id, limit):
            entries.append(
                TimelineEntry(item.kind, item.key, item.occurred_at, item.title, item.body_html, item.href)
            )
        entries.sort(key=lambda entry: timeline.sort_key(entry.occurred_at), reverse=True)
    return TimelinePage(items=entries, next_cursor=next_cursor)


@get("/api/v1/contacts/{contact_id:int}/timeline", tags=["contacts"])
async def contact_timeline(
    principal: CurrentPrincipal, contact_id: FromPath[int], types: Types = None, limit: Limit = 50,
    cursor: FromQuery[str | None] = None,
) -> TimelinePage:
    """Activities with this contact, newest first, and plugins' items on the first page."""
    await contacts.get(principal, contact_id)
    return await _timeline(principal, "contact", contact_id, types, limit, cursor)


@get("/api/v1/companies/{company_id:int}/timeline", tags=["companies"])
async def company_timeline(
    principal: CurrentPrincipal, company_id: FromPath[int], types: Types = None, limit: Limit = 50,
    cursor: FromQuery[str | None] = None,
) -> TimelinePage:
    """Activities about this company, newest first, and plugins' items on the first page."""
    await companies.get(principal, company_id)
    return await _timeline(principal, "company", company_id, types, limit, cursor)
