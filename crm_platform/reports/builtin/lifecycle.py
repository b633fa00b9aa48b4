"""The lifecycle: how far the contacts who came in got, and customers won and lost by month."""

from __future__ import annotations

from crm_hookspecs import ReportColumn, ReportDefinition, ReportQuery, ReportResult

from crm_platform.db.raw import fetch
from crm_platform.reports.measures import rate
from crm_platform.reports.periods import month_sql
from crm_platform.reports.scope import joined, report_scope

# How far each stage is along the funnel: a former customer was a customer once.
REACHED = {"lead": 0, "prospect": 1, "customer": 2, "former": 2}
FUNNEL = (("lead", "Leads"), ("prospect", "Prospects"), ("customer", "Customers"))


async def lifecycle_funnel(query: ReportQuery) -> ReportResult:
    where, args = await report_scope(query, "contact", "crm_contact")
    rows = await fetch(
        "SELECT lifecycle_stage AS stage, count(*) AS n FROM crm_contact "
        f"WHERE created_at >= {{}} AND created_at < {{}}{joined(where)} GROUP BY lifecycle_stage",
        query.starts, query.ends, *args,
    )
    counts = {row["stage"]: int(row["n"]) for row in rows}
    reached = [sum(n for stage, n in counts.items() if REACHED.get(stage, 0) >= step) for step in range(len(FUNNEL))]
    result = [
        {"stage": label, "reached": reached[step],
         "to_next": rate(reached[step + 1], reached[step]) if step + 1 < len(FUNNEL) else None}
        for step, (_, label) in enumerate(FUNNEL)
    ]
    return ReportResult(
        (ReportColumn("stage", "Stage", "text"), ReportColumn("reached", "Contacts"),
         ReportColumn("to_next", "Went on to the next", "percent")),
        result, series=("reached",),
        summary={"conversion": rate(reached[2], reached[0]), "former": counts.get("former", 0)},
        note="Contacts created in the period, by the furthest stage they have reached (former customers count as "
             "customers).",
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
