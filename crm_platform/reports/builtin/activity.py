"""Team activity: calls, meetings, emails, notes and tasks done, per person and week."""

from __future__ import annotations

from typing import Any

from crm_hookspecs import ReportColumn, ReportDefinition, ReportParameter, ReportQuery, ReportResult

from crm_platform.db.raw import fetch, placeholders
from crm_platform.reports import aggregates
from crm_platform.reports.builtin.people import names
from crm_platform.reports.periods import day_sql, week_of, week_sql
from crm_platform.reports.scope import joined, report_scope

LOGGED = (("call", "calls", "Calls"), ("meeting", "meetings", "Meetings"), ("email", "emails", "Emails"),
          ("note", "notes", "Notes"))
# Whose work an activity is: the person it is assigned to, else whoever logged it.
PERSON = "coalesce(assignee, owner)"
TASK_DONE = "task_done"


async def team_activity(query: ReportQuery) -> ReportResult:
    if await aggregates.readable_by(query.principal):
        rows = await _counted(query)
    else:
        rows = await _scanned(query)
    return await _result(query, rows)


async def _counted(query: ReportQuery) -> list[dict[str, Any]]:
    """From the daily counts, summed per week in the database: at most weeks x people x types
    rows, however many activities."""
    where, args = await report_scope(query, "activity", aggregates.DAYS, person_column="person")
    kinds = [f"logged:{key}" for key, _, _ in LOGGED] + ["done"]
    per = query.params.get("per") or "person_week"
    person = "person" if per != "week" else "0"
    week = week_sql("day") if per != "person" else "''"
    groups = ", ".join(["kind", *(["person"] if per != "week" else []), *([week] if per != "person" else [])])
    rows = await fetch(
        f"SELECT {person} AS person, kind, {week} AS week, sum(n) AS n FROM {aggregates.DAYS} "
        f"WHERE day >= {{}} AND day <= {{}} AND kind IN ({placeholders(kinds)}){joined(where)} "
        f"GROUP BY {groups}",
        query.date_from.isoformat(), query.date_to.isoformat(), *kinds, *args,
    )
    return [{"person": row["person"] or None, "type": TASK_DONE if row["kind"] == "done" else row["kind"][7:],
             "week": row["week"], "n": row["n"]} for row in rows if row["n"]]


async def _scanned(query: ReportQuery) -> list[dict[str, Any]]:
    """From the activities themselves, when a plugin's access conditions must be applied."""
    where, args = await report_scope(query, "activity", "crm_activity", person_column=PERSON)
    types = [key for key, _, _ in LOGGED]
    logged = await fetch(
        f"SELECT {PERSON} AS person, type, {day_sql('occurred_at')} AS day, count(*) AS n FROM crm_activity "
        f"WHERE occurred_at >= {{}} AND occurred_at < {{}} AND type IN ({', '.join('{}' for _ in types)})"
        f"{joined(where)} GROUP BY {PERSON}, type, {day_sql('occurred_at')}",
        query.starts, query.ends, *types, *args,
    )
    done = await fetch(
        f"SELECT {PERSON} AS person, '{TASK_DONE}' AS type, {day_sql('done_at')} AS day, count(*) AS n "
        f"FROM crm_activity WHERE done_at >= {{}} AND done_at < {{}} AND done{joined(where)} "
        f"GROUP BY {PERSON}, {day_sql('done_at')}",
        query.starts, query.ends, *args,
    )
    return [{**row, "week": week_of(row["day"])} for row in (*logged, *done)]


async def _result(query: ReportQuery, found: list[dict[str, Any]]) -> ReportResult:
    per = query.params.get("per") or "person_week"
    column_of = {key: column for key, column, _ in LOGGED} | {TASK_DONE: "tasks_done"}
    buckets: dict[tuple[Any, str], dict[str, int]] = {}
    for row in found:
        person = row["person"] if per != "week" else 0
        week = row["week"] if per != "person" else ""
        bucket = buckets.setdefault((person, week), dict.fromkeys(column_of.values(), 0))
        bucket[column_of[row["type"]]] += int(row["n"])
    people = await names(person for person, _ in buckets)
    rows = []
    for (person, week), counts in sorted(buckets.items(), key=lambda item: (item[0][1], people.get(item[0][0], ""))):
        row: dict[str, Any] = {}
        if per != "week":
            row["person"] = people.get(person, "Nobody")
        if per != "person":
            row["week"] = week
        rows.append({**row, **counts, "total": sum(counts.values())})
    label_columns = ([ReportColumn("person", "Person", "text")] if per != "week" else []) + (
        [ReportColumn("week", "Week of", "text")] if per != "person" else [])
    series = [ReportColumn(column, label) for _, column, label in LOGGED] + [ReportColumn("tasks_done", "Tasks done")]
    return ReportResult(
        (*label_columns, *series, ReportColumn("total", "Total")), rows,
        series=tuple(column.key for column in series),
        summary={"total": sum(row["total"] for row in rows)},
        note="Activities logged in the period, and tasks marked done in it, by the person they are assigned to.",
    )


REPORTS = [
    ReportDefinition(
        "team_activity", "Team activity", team_activity,
        description="Calls, meetings, emails, notes and tasks done per person and week.",
        parameters=(ReportParameter("per", "Group by", kind="choice", default="person_week",
                                    choices=("person_week", "person", "week")),),
        group_by=("owner", "week", "type"), chart="stacked", record_kind="activity", order=10,
    ),
]
