"""The SLA of stored tickets: policies by priority, calendars by team, and each ticket's due
times with their derivations, kept in step with every status and priority change."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

from crm_platform.toolkit import Invalid, execute, fetch, list_teams, now, placeholders

from crm_desk.sla import policies
from crm_desk.sla.calendar import Calendar, CalendarError, standard
from crm_desk.sla.clock import Due, due_at
from crm_desk.tables import FAR_FUTURE

PRIORITIES = ("low", "normal", "high", "urgent")
# Business minutes (first response, resolution) until an admin sets a policy of their own.
DEFAULT_TARGETS = {"urgent": (60, 240), "high": (240, 960), "normal": (480, 2400), "low": (960, 4800)}
# A target is at risk once this share of its business time has run.
AT_RISK_SHARE = 0.75
MAX_TARGET_MINUTES = 60 * 24 * 365
DONE = ("solved", "closed")
PAUSED = ("pending_customer", "on_hold")


async def targets() -> dict[str, tuple[int, int]]:
    """``{priority: (first response, resolution)}`` in business minutes."""
    rows = await fetch("SELECT priority, first_response_minutes, resolution_minutes FROM desk_policy")
    stored = {row["priority"]: (row["first_response_minutes"], row["resolution_minutes"]) for row in rows}
    return {priority: stored.get(priority, DEFAULT_TARGETS[priority]) for priority in PRIORITIES}


async def set_policy(priority: str, first_response_minutes: Any, resolution_minutes: Any) -> None:
    errors = {}
    if priority not in PRIORITIES:
        errors["priority"] = f"must be one of {', '.join(PRIORITIES)}"
    for name, value in (("first_response_minutes", first_response_minutes), ("resolution_minutes", resolution_minutes)):
        if not isinstance(value, int) or isinstance(value, bool) or not 1 <= value <= MAX_TARGET_MINUTES:
            errors[name] = f"must be a whole number of business minutes from 1 to {MAX_TARGET_MINUTES}"
    if not errors and resolution_minutes < first_response_minutes:
        errors["resolution_minutes"] = "must not be shorter than the first response target"
    if errors:
        raise Invalid(errors)
    await execute("DELETE FROM desk_policy WHERE priority = {}", priority)
    await execute(
        "INSERT INTO desk_policy (priority, first_response_minutes, resolution_minutes) VALUES ({}, {}, {})",
        priority, first_response_minutes, resolution_minutes,
    )


def _calendar(row: dict[str, Any]) -> Calendar:
    hours = row["hours"] if isinstance(row["hours"], dict) else json.loads(row["hours"] or "{}")
    holidays = row["holidays"] if isinstance(row["holidays"], list) else json.loads(row["holidays"] or "[]")
    return Calendar.build(row["timezone"], hours, holidays)


async def calendars() -> dict[int, Calendar]:
    """Every stored calendar by team id; 0 is the default one."""
    rows = await fetch("SELECT team_id, timezone, hours, holidays FROM desk_calendar")
    return {row["team_id"]: _calendar(row) for row in rows}


def calendar_for(stored: dict[int, Calendar], team_id: int | None) -> Calendar:
    return stored.get(team_id or 0) or stored.get(0) or standard()


async def set_calendar(team_id: int, timezone: Any, hours: Any, holidays: Any) -> Calendar:
    """Store a team's calendar (0: the default); ``Invalid`` names each wrong field."""
    if team_id and team_id not in {team["id"] for team in await list_teams()}:
        raise Invalid({"team_id": f"team {team_id} does not exist"})
    if not isinstance(hours, dict):
        raise Invalid({"hours": 'must be an object such as {"mon": [["09:00", "17:00"]]}'})
    try:
        calendar = Calendar.build(timezone, hours, holidays or [])
    except CalendarError as exc:
        raise Invalid(exc.errors) from None
    plain = calendar.to_plain()
    await execute("DELETE FROM desk_calendar WHERE team_id = {}", team_id)
    await execute(
        "INSERT INTO desk_calendar (team_id, timezone, hours, holidays) VALUES ({}, {}, {}, {})",
        team_id, plain["timezone"], json.dumps(plain["hours"]), json.dumps(plain["holidays"]),
    )
    return calendar


async def pauses_of(ticket_ids: list[int]) -> dict[int, list[tuple[dt.datetime, dt.datetime | None]]]:
    found: dict[int, list[tuple[dt.datetime, dt.datetime | None]]] = {ticket_id: [] for ticket_id in ticket_ids}
    if not ticket_ids:
        return found
    rows = await fetch(
        f"SELECT ticket, started_at, ended_at FROM desk_pause WHERE ticket IN ({placeholders(ticket_ids)}) "
        "ORDER BY started_at",
        *ticket_ids,
    )
    for row in rows:
        found[row["ticket"]].append((as_utc(row["started_at"]), as_utc(row["ended_at"])))
    return found


def as_utc(value: Any) -> dt.datetime | None:
    if value is None:
        return None
    if isinstance(value, str):
        value = dt.datetime.fromisoformat(value)
    return value.replace(tzinfo=dt.UTC) if value.tzinfo is None else value.astimezone(dt.UTC)


async def track_pause(ticket_id: int, status_from: str | None, status_to: str) -> None:
    """Open a pause when the ticket starts waiting, close it when it stops."""
    moment = now()
    was, is_ = status_from in PAUSED, status_to in PAUSED
    if was and not is_:
        await execute("UPDATE desk_pause SET ended_at = {} WHERE ticket = {} AND ended_at IS NULL", moment, ticket_id)
    elif is_ and not was:
        await execute("INSERT INTO desk_pause (ticket, started_at) VALUES ({}, {})", ticket_id, moment)


def _with_risk(calendar: Calendar, start: dt.datetime, minutes: int, pauses: list) -> tuple[Due, dt.datetime | None]:
    due = due_at(calendar, start, minutes, pauses)
    risk = due_at(calendar, start, max(1, int(minutes * AT_RISK_SHARE)), pauses).at if due.at else None
    return due, risk


async def refresh(ticket_ids: list[int]) -> None:
    """Recompute the due times, at-risk times and derivations of the tickets, from their
    creation time, SLA policy (by company, category and priority), team calendar and pauses.
    A met target keeps its derivation."""
    if not ticket_ids:
        return
    rows = await fetch(
        f"SELECT id, priority, team_id, company_id, category, status, created_at, first_responded_at, solved_at "
        f"FROM desk_ticket WHERE id IN ({placeholders(ticket_ids)})",
        *ticket_ids,
    )
    defaults, stored, pauses = await targets(), await calendars(), await pauses_of(ticket_ids)
    scoped = await policies.list_policies()
    for row in rows:
        calendar = calendar_for(stored, row["team_id"])
        start = as_utc(row["created_at"])
        priority = row["priority"] if row["priority"] in defaults else "normal"
        choice = policies.choose(scoped, defaults, row["company_id"], row["category"] or "", priority)
        first_minutes, resolution_minutes = choice.first_response_minutes, choice.resolution_minutes
        values: dict[str, Any] = {"sla_policy_id": choice.policy_id, "sla_policy_reason": choice.reason}
        if row["first_responded_at"] is None and row["status"] not in DONE:
            due, risk = _with_risk(calendar, start, first_minutes, pauses[row["id"]])
            values |= {"first_response_due": due.at, "first_response_at_risk": risk,
                       "first_response_derivation": due.derivation}
        elif row["first_responded_at"] is None:
            values |= {"first_response_due": None, "first_response_at_risk": None}
        if row["status"] not in DONE:
            due, risk = _with_risk(calendar, start, resolution_minutes, pauses[row["id"]])
            values |= {"resolution_due": due.at, "resolution_at_risk": risk, "resolution_derivation": due.derivation}
        else:
            values |= {"resolution_due": None, "resolution_at_risk": None}
        # A met first response no longer makes the ticket due.
        running = [
            (values.get("first_response_due"), values.get("first_response_at_risk"))
            if row["first_responded_at"] is None else (None, None),
            (values.get("resolution_due"), values.get("resolution_at_risk")),
        ]
        running = [pair for pair in running if pair[0] is not None]
        values["next_due"], values["next_at_risk"] = min(running, key=lambda pair: pair[0], default=(FAR_FUTURE, None))
        moment = now()
        values["at_risk"] = values["next_at_risk"] is not None and values["next_at_risk"] <= moment < values["next_due"]
        assignments = ", ".join(f"{name} = {{}}" for name in values)
        await execute(f"UPDATE desk_ticket SET {assignments} WHERE id = {{}}", *values.values(), row["id"])
