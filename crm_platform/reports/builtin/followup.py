"""Follow-up discipline: tasks done on time, late or overdue, and contacts left untouched."""

from __future__ import annotations

import datetime as dt
from typing import Any

from crm_hookspecs import ReportColumn, ReportDefinition, ReportParameter, ReportQuery, ReportResult

from crm_platform import clock
from crm_platform.db.raw import fetch
from crm_platform.reports import aggregates, contact_aggregates
from crm_platform.reports.builtin.activity import PERSON
from crm_platform.reports.builtin.people import names
from crm_platform.reports.measures import rate
from crm_platform.reports.scope import joined, report_scope

DEFAULT_STALE_DAYS = "30"
STATES = ("on_time", "late", "overdue")


async def _scanned_tasks(query: ReportQuery, starts: dt.datetime, ends: dt.datetime,
                         now: dt.datetime) -> list[dict[str, Any]]:
    """Tasks due from ``starts`` to ``ends``, counted from the activities themselves."""
    where, args = await report_scope(query, "activity", "crm_activity", person_column=PERSON)
    return await fetch(
        f"SELECT {PERSON} AS person, "
        "sum(CASE WHEN done AND done_at <= due_at THEN 1 ELSE 0 END) AS on_time, "
        "sum(CASE WHEN done AND done_at > due_at THEN 1 ELSE 0 END) AS late, "
        "sum(CASE WHEN NOT done AND due_at < {} THEN 1 ELSE 0 END) AS overdue "
        f"FROM crm_activity WHERE due_at >= {{}} AND due_at < {{}}{joined(where)} GROUP BY {PERSON}",
        now, starts, ends, *args,
    )


async def _counted_tasks(query: ReportQuery, now: dt.datetime) -> list[dict[str, Any]]:
    """From the daily counts. A task still open is overdue once its due moment has passed:
    for the days before today the counts say so; today's open tasks are counted one by one
    (a day's worth at most)."""
    today = now.astimezone(dt.UTC).date()
    where, args = await report_scope(query, "activity", aggregates.DAYS, person_column="person")
    rows = await fetch(
        "SELECT person, "
        "sum(CASE WHEN kind = 'due:on_time' THEN n ELSE 0 END) AS on_time, "
        "sum(CASE WHEN kind = 'due:late' THEN n ELSE 0 END) AS late, "
        "sum(CASE WHEN kind = 'due:open' AND day < {} THEN n ELSE 0 END) AS overdue "
        f"FROM {aggregates.DAYS} WHERE day >= {{}} AND day <= {{}} "
        f"AND kind IN ('due:on_time', 'due:late', 'due:open'){joined(where)} GROUP BY person "
        "HAVING sum(n) > 0",
        today.isoformat(), query.date_from.isoformat(), query.date_to.isoformat(), *args,
    )
    found = [{**row, "person": row["person"] or None} for row in rows]
    if query.date_from <= today <= query.date_to:
        midnight = dt.datetime.combine(today, dt.time(), tzinfo=dt.UTC)
        found += [{**row, "on_time": 0, "late": 0}
                  for row in await _scanned_tasks(query, midnight, min(now, query.ends), now)]
    return found


async def _scanned_untouched(query: ReportQuery, since: dt.datetime) -> list[dict[str, Any]]:
    """Contacts last touched (or, never touched, created) before ``since``, counted one by one."""
    where, args = await report_scope(query, "contact", "crm_contact")
    return await fetch(
        "SELECT owner AS person, count(*) AS n FROM crm_contact "
        # A contact added since is not one left untouched for that long.
        f"WHERE (last_contacted_at < {{}} OR (last_contacted_at IS NULL AND created_at < {{}})){joined(where)} "
        "GROUP BY owner",
        since, since, *args,
    )


async def _counted_untouched(query: ReportQuery, since: dt.datetime) -> list[dict[str, Any]]:
    """The same from the daily contact counts: the days before ``since``'s day summed, that
    day's contacts up to ``since`` counted from the tally (one day's worth, through its index)."""
    day, midnight, moment = contact_aggregates.untouched_since(since)
    where, args = await report_scope(query, "contact", contact_aggregates.DAYS)
    days = await fetch(
        f"SELECT owner AS person, sum(n) AS n FROM {contact_aggregates.DAYS} "
        f"WHERE kind = 'touched' AND day < {{}}{joined(where)} GROUP BY owner HAVING sum(n) > 0",
        day, *args,
    )
    where, args = await report_scope(query, "contact", contact_aggregates.TALLY)
    part = await fetch(
        f"SELECT owner AS person, count(*) AS n FROM {contact_aggregates.TALLY} "
        f"WHERE touched_at >= {{}} AND touched_at < {{}}{joined(where)} GROUP BY owner",
        midnight, moment, *args,
    )
    return [{"person": row["person"] or None, "n": row["n"]} for row in (*days, *part)]


async def follow_up(query: ReportQuery) -> ReportResult:
    now = clock.now()
    if await aggregates.readable_by(query.principal):
        tasks = await _counted_tasks(query, now)
    else:
        tasks = await _scanned_tasks(query, query.starts, query.ends, now)
    # Within a century: further back than that no contact was touched anyway.
    stale_days = min(max(int(float(query.params.get("stale_days") or DEFAULT_STALE_DAYS)), 0), 36_500)
    since = now - dt.timedelta(days=stale_days)
    if await contact_aggregates.readable_by(query.principal):
        untouched = await _counted_untouched(query, since)
    else:
        untouched = await _scanned_untouched(query, since)
    by_person: dict[Any, dict[str, int]] = {}
    for row in tasks:
        counts = by_person.setdefault(row["person"], dict.fromkeys(STATES, 0))
        for key in STATES:
            counts[key] += int(row[key] or 0)
    for row in untouched:
        counts = by_person.setdefault(row["person"], dict.fromkeys(STATES, 0))
        counts["untouched"] = counts.get("untouched", 0) + int(row["n"])
    people = await names(by_person)
    rows = [
        {"person": people.get(person, "Nobody"), "on_time": counts["on_time"], "late": counts["late"],
         "overdue": counts["overdue"], "on_time_rate": rate(counts["on_time"], counts["on_time"] + counts["late"]),
         "untouched": counts.get("untouched", 0)}
        for person, counts in sorted(by_person.items(), key=lambda item: people.get(item[0], ""))
    ]
    return ReportResult(
        (ReportColumn("person", "Owner", "text"), ReportColumn("on_time", "Done on time"),
         ReportColumn("late", "Done late"), ReportColumn("overdue", "Overdue"),
         ReportColumn("on_time_rate", "On time", "percent"),
         ReportColumn("untouched", f"Contacts untouched {stale_days}+ days")),
        rows, series=("on_time", "late", "overdue"),
        summary={"overdue": sum(row["overdue"] for row in rows), "untouched": sum(row["untouched"] for row in rows)},
        note=f"Tasks due in the period, by assignee; contacts nobody has touched for {stale_days} days, by owner.",
    )


REPORTS = [
    ReportDefinition(
        "follow_up", "Follow-up discipline", follow_up,
        description="Tasks done on time, late and overdue, and contacts not touched for a while, by owner.",
        parameters=(ReportParameter("stale_days", "Untouched for (days)", kind="number", default=DEFAULT_STALE_DAYS),),
        group_by=("owner",), measure="rate", chart="stacked", record_kind="activity", order=20,
    ),
]
