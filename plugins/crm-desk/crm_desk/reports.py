"""The desk's reports on the core's reports page, dashboards, emails and CSV, over the tickets
the viewer may see: first-response and resolution times (median and 90th percentile,
wall-clock hours) with SLA attainment by priority, assignee, team, category or month; the
backlog week by week; satisfaction month by month."""

from __future__ import annotations

import datetime as dt
from typing import Any

from crm_hookspecs import ReportColumn, ReportDefinition, ReportParameter, ReportQuery, ReportResult
from crm_platform.toolkit import (
    fetch,
    get_users,
    list_teams,
    report_measure,
    report_rate,
    report_scope,
    week_of,
)

from crm_desk.sla.service import as_utc
from crm_desk.tickets import KIND_KEY

GROUPS = ("priority", "assignee", "team", "category", "month")
_GROUP_COLUMNS = {"priority": "t.priority", "assignee": "t.owner", "team": "t.team_id", "category": "t.category",
                  "month": "t.created_at"}
DONE = ("solved", "closed")
NONE = "(none)"


async def _tickets(query: ReportQuery, columns: str, period: str = "t.created_at") -> list[dict[str, Any]]:
    """The visible tickets whose ``period`` column falls in the period, with ``breaches``:
    how many SLA targets each missed (one statement, the flags counted in a join)."""
    where, args = await report_scope(query, KIND_KEY, "desk_ticket", alias="t")
    return await fetch(
        f"SELECT {columns}, coalesce(b.breaches, 0) AS breaches FROM desk_ticket t "
        "LEFT JOIN (SELECT ticket, count(*) AS breaches FROM desk_sla_flag WHERE flag = 'breached' GROUP BY ticket) b "
        f"ON b.ticket = t.id WHERE {period} >= {{}} AND {period} < {{}}" + "".join(f" AND {w}" for w in where),
        query.starts, query.ends, *args,
    )


def _hours(start: Any, end: Any) -> float | None:
    if start is None or end is None:
        return None
    return round((as_utc(end) - as_utc(start)).total_seconds() / 3600, 2)


async def _labels(group: str, rows: list[dict[str, Any]]) -> dict[Any, str]:
    if group == "assignee":
        users = await get_users([row["grouped"] for row in rows if row["grouped"] is not None])
        return {user_id: user["display_name"] for user_id, user in users.items()}
    if group == "team":
        return {team["id"]: team["name"] for team in await list_teams()}
    return {}


def _label(group: str, value: Any, labels: dict[Any, str]) -> str:
    if group == "month":
        return as_utc(value).strftime("%Y-%m")
    return labels.get(value, str(value) if value not in (None, "") else NONE)


async def times(query: ReportQuery) -> ReportResult:
    group = query.params.get("group") or "priority"
    rows = await _tickets(query, f"{_GROUP_COLUMNS[group]} AS grouped, t.status, t.created_at, "
                                 "t.first_responded_at, t.solved_at, t.csat_score")
    labels = await _labels(group, rows)
    buckets: dict[str, list[dict[str, Any]]] = {}
    for row in rows:
        buckets.setdefault(_label(group, row["grouped"], labels), []).append(row)
    result = []
    for label, members in sorted(buckets.items()):
        first = [h for h in (_hours(r["created_at"], r["first_responded_at"]) for r in members) if h is not None]
        resolved = [h for h in (_hours(r["created_at"], r["solved_at"]) for r in members) if h is not None]
        done = [r for r in members if r["status"] in DONE]
        scores = [float(r["csat_score"]) for r in members if r["csat_score"] is not None]
        result.append({
            "group": label, "tickets": len(members), "open": len(members) - len(done), "solved": len(done),
            "first_response_median": report_measure(first, "median"), "first_response_p90": report_measure(first, "p90"),
            "resolution_median": report_measure(resolved, "median"), "resolution_p90": report_measure(resolved, "p90"),
            "sla_attained": report_rate(sum(1 for r in done if not r["breaches"]), len(done)),
            "csat_average": report_measure(scores, "avg"), "csat_responses": len(scores),
        })
    every_done = [r for r in rows if r["status"] in DONE]
    return ReportResult(
        (ReportColumn("group", group.capitalize(), "text"), ReportColumn("tickets", "Tickets"),
         ReportColumn("open", "Open"), ReportColumn("solved", "Solved"),
         ReportColumn("first_response_median", "First response, median (h)"),
         ReportColumn("first_response_p90", "First response, 90th percentile (h)"),
         ReportColumn("resolution_median", "Resolution, median (h)"),
         ReportColumn("resolution_p90", "Resolution, 90th percentile (h)"),
         ReportColumn("sla_attained", "SLA attained", "percent"), ReportColumn("csat_average", "Satisfaction"),
         ReportColumn("csat_responses", "Ratings")),
        result, series=("first_response_median", "resolution_median"),
        summary={"tickets": len(rows),
                 "sla_attained": report_rate(sum(1 for r in every_done if not r["breaches"]), len(every_done))},
        note="Tickets created in the period; times in wall-clock hours from creation; SLA attained: solved "
             "tickets that breached no target.",
    )


async def sla_attainment(query: ReportQuery) -> ReportResult:
    rows = await _tickets(query, "t.priority AS priority, t.status")
    counted: dict[str, list[int]] = {}
    for row in rows:
        if row["status"] in DONE:
            tally = counted.setdefault(row["priority"] or NONE, [0, 0])
            tally[0 if not row["breaches"] else 1] += 1
    result = [{"priority": priority, "attained": met, "breached": missed, "rate": report_rate(met, met + missed)}
              for priority, (met, missed) in sorted(counted.items())]
    met, missed = sum(row["attained"] for row in result), sum(row["breached"] for row in result)
    return ReportResult(
        (ReportColumn("priority", "Priority", "text"), ReportColumn("attained", "Attained"),
         ReportColumn("breached", "Breached"), ReportColumn("rate", "Attainment", "percent")),
        result, series=("attained", "breached"), summary={"rate": report_rate(met, met + missed)},
        note="Solved tickets created in the period: those that met every SLA target against those that breached one.",
    )


async def backlog(query: ReportQuery) -> ReportResult:
    where, args = await report_scope(query, KIND_KEY, "desk_ticket", alias="t")
    rows = await fetch(
        "SELECT t.created_at, t.solved_at, t.status FROM desk_ticket t WHERE t.created_at < {} "
        "AND (t.solved_at IS NULL OR t.solved_at >= {} OR t.status NOT IN ('solved', 'closed'))"
        + "".join(f" AND {w}" for w in where),
        query.ends, query.starts, *args,
    )
    # A reopened ticket keeps the moment it was first solved; it counts as unsolved throughout.
    spans = [(as_utc(row["created_at"]), as_utc(row["solved_at"]) if row["status"] in DONE else None) for row in rows]
    result = []
    monday = dt.date.fromisoformat(week_of(query.date_from))
    while monday <= query.date_to:
        week_end = dt.datetime.combine(min(monday + dt.timedelta(days=7), query.date_to + dt.timedelta(days=1)),
                                       dt.time(), tzinfo=dt.UTC)
        week_start = dt.datetime.combine(monday, dt.time(), tzinfo=dt.UTC)
        result.append({
            "week": monday.isoformat(),
            "created": sum(1 for created, _ in spans if week_start <= created < week_end),
            "solved": sum(1 for _, solved in spans if solved is not None and week_start <= solved < week_end),
            "open": sum(1 for created, solved in spans if created < week_end and (solved is None or solved >= week_end)),
        })
        monday += dt.timedelta(days=7)
    return ReportResult(
        (ReportColumn("week", "Week of", "text"), ReportColumn("open", "Open at the end"),
         ReportColumn("created", "Created"), ReportColumn("solved", "Solved")),
        result, series=("open",), summary={"open": result[-1]["open"] if result else 0},
        note="Tickets unsolved at the end of each week, with those created and solved in it; a reopened "
             "ticket counts as unsolved throughout.",
    )


async def satisfaction(query: ReportQuery) -> ReportResult:
    rows = await _tickets(query, "t.solved_at, t.csat_score", period="t.solved_at")
    by_month: dict[str, list[float]] = {}
    for row in rows:
        if row["csat_score"] is not None:
            by_month.setdefault(as_utc(row["solved_at"]).strftime("%Y-%m"), []).append(float(row["csat_score"]))
    result = [{"month": month, "average": report_measure(scores, "avg"), "ratings": len(scores)}
              for month, scores in sorted(by_month.items())]
    every = [score for scores in by_month.values() for score in scores]
    return ReportResult(
        (ReportColumn("month", "Month solved", "text"), ReportColumn("average", "Average rating"),
         ReportColumn("ratings", "Ratings")),
        result, series=("average",), summary={"average": report_measure(every, "avg"), "ratings": len(every)},
        note="Satisfaction ratings of tickets solved in the period, by month.",
    )


REPORTS = [
    ReportDefinition(
        "desk.times", "Response and resolution times", times,
        description="First-response and resolution hours (median, 90th percentile), SLA attainment and "
                    "satisfaction, by priority, assignee, team, category or month.",
        parameters=(ReportParameter("group", "Group by", kind="choice", default="priority", choices=GROUPS),),
        group_by=GROUPS, measure="median", chart="bar", record_kind=KIND_KEY, order=70,
    ),
    ReportDefinition(
        "desk.sla", "SLA attainment", sla_attainment,
        description="Solved tickets that met every SLA target, by priority.",
        group_by=("priority",), measure="rate", chart="stacked", record_kind=KIND_KEY, order=71,
    ),
    ReportDefinition(
        "desk.backlog", "Ticket backlog", backlog, description="Unsolved tickets at the end of each week.",
        group_by=("week",), measure="count", chart="line", record_kind=KIND_KEY, order=72,
    ),
    ReportDefinition(
        "desk.csat", "Customer satisfaction", satisfaction,
        description="Average satisfaction rating of solved tickets, by month.",
        group_by=("month",), measure="avg", chart="line", record_kind=KIND_KEY, order=73,
    ),
]
