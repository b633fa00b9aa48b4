"""The lifecycle: how far the contacts who came in got, and customers won and lost by month."""

from __future__ import annotations

from crm_hookspecs import ReportColumn, ReportDefinition, ReportQuery, ReportResult

from crm_platform.db.raw import fetch
from crm_platform.reports import contact_aggregates
from crm_platform.reports.measures import rate
from crm_platform.reports.periods import month_sql, on_postgres
from crm_platform.reports.scope import joined, report_scope

# How far each stage is along the funnel: a former customer was a customer once.
REACHED = {"lead": 0, "prospect": 1, "customer": 2, "former": 2}
FUNNEL = (("lead", "Leads"), ("prospect", "Prospects"), ("customer", "Customers"))


async def _stages(query: ReportQuery) -> list[dict]:
    """Contacts created in the period by their stage now: from the daily contact counts
    (at most days x owners x stages x sources rows), else counted one by one."""
    if await contact_aggregates.readable_by(query.principal):
        where, args = await report_scope(query, "contact", contact_aggregates.DAYS)
        return await fetch(
            f"SELECT stage, sum(n) AS n FROM {contact_aggregates.DAYS} "
            f"WHERE kind = 'created' AND day >= {{}} AND day <= {{}}{joined(where)} GROUP BY stage",
            query.date_from.isoformat(), query.date_to.isoformat(), *args,
        )
    where, args = await report_scope(query, "contact", "crm_contact")
    return await fetch(
        "SELECT lifecycle_stage AS stage, count(*) AS n FROM crm_contact "
        f"WHERE created_at >= {{}} AND created_at < {{}}{joined(where)} GROUP BY lifecycle_stage",
        query.starts, query.ends, *args,
    )


def _days_sql(later: str, earlier: str) -> str:
    """Days from ``earlier`` to ``later``, two timestamps, as a number on either engine."""
    if on_postgres():
        return f"extract(epoch from ({later} - {earlier})) / 86400.0"
    return f"julianday({later}) - julianday({earlier})"


async def _days_in_stage(query: ReportQuery) -> dict[str, float]:
    """For each stage, the average days contacts spent in it before a change in the period
    took them out of it: from the change that brought them in (else their creation)."""
    where, args = await report_scope(query, "contact", "crm_contact", alias="c")
    entered = ("coalesce((SELECT max(p.changed_at) FROM crm_lifecycle_change p WHERE p.contact = h.contact "
               "AND p.changed_at < h.changed_at), c.created_at)")
    rows = await fetch(
        f"SELECT h.stage_from AS stage, avg({_days_sql('h.changed_at', entered)}) AS days "
        "FROM crm_lifecycle_change h JOIN crm_contact c ON c.id = h.contact "
        "WHERE h.stage_to IN ('prospect', 'customer', 'former') AND h.stage_from IN ('lead', 'prospect', 'customer') "
        f"AND h.changed_at >= {{}} AND h.changed_at < {{}}{joined(where)} GROUP BY h.stage_from",
        query.starts, query.ends, *args,
    )
    return {row["stage"]: round(max(float(row["days"]), 0.0), 1) for row in rows if row["days"] is not None}


async def lifecycle_funnel(query: ReportQuery) -> ReportResult:
    rows = await _stages(query)
    in_stage = await _days_in_stage(query)
    counts = {row["stage"]: int(row["n"]) for row in rows if int(row["n"] or 0)}
    reached = [sum(n for stage, n in counts.items() if REACHED.get(stage, 0) >= step) for step in range(len(FUNNEL))]
    result = [
        {"stage": label, "reached": reached[step],
         "to_next": rate(reached[step + 1], reached[step]) if step + 1 < len(FUNNEL) else None,
         "days_in_stage": in_stage.get(stage)}
        for step, (stage, label) in enumerate(FUNNEL)
    ]
    return ReportResult(
        (ReportColumn("stage", "Stage", "text"), ReportColumn("reached", "Contacts"),
         ReportColumn("to_next", "Went on to the next", "percent"),
         ReportColumn("days_in_stage", "Days in stage before moving on")),
        result, series=("reached",),
        summary={"conversion": rate(reached[2], reached[0]), "former": counts.get("former", 0)},
        note="Contacts created in the period, by the furthest stage they have reached (former customers count as "
             "customers); days in stage: the average time before a change in the period moved a contact on "
             "(customers: until they were lost).",
    )


async def customers_won_and_lost(query: ReportQuery) -> ReportResult:
    where, args = await report_scope(query, "contact", "crm_contact", alias="c")
    month = month_sql("h.changed_at")
    rows = await fetch(
        f"SELECT {month} AS month, h.stage_to AS stage, count(*) AS n FROM crm_lifecycle_change h "
        "JOIN crm_contact c ON c.id = h.contact WHERE h.stage_to IN ('customer', 'former') "
        f"AND h.changed_at >= {{}} AND h.changed_at < {{}}{joined(where)} GROUP BY {month}, h.stage_to",
        query.starts, query.ends, *args,
    )
    months: dict[str, dict[str, int]] = {}
    for row in rows:
        months.setdefault(row["month"], {"won": 0, "lost": 0})["won" if row["stage"] == "customer" else "lost"] += \
            int(row["n"])
    result = [{"month": month, **counts} for month, counts in sorted(months.items())]
    return ReportResult(
        (ReportColumn("month", "Month", "text"), ReportColumn("won", "New customers"),
         ReportColumn("lost", "Customers lost")),
        result, series=("won", "lost"),
        summary={"won": sum(r["won"] for r in result), "lost": sum(r["lost"] for r in result)},
        note="Contacts who became customers, and customers who became former customers, by month of the change.",
    )


REPORTS = [
    ReportDefinition(
        "lifecycle_funnel", "Lifecycle funnel", lifecycle_funnel,
        description="Leads, prospects and customers among the contacts who came in, with conversion rates.",
        group_by=("stage",), measure="rate", chart="funnel", record_kind="contact", order=30,
    ),
    ReportDefinition(
        "customers_won_lost", "Customers won and lost", customers_won_and_lost,
        description="New customers and customers lost (former), per month.",
        group_by=("month",), chart="line", record_kind="contact", order=31,
    ),
]
