"""Retention: customers by the month they became customers, and how many stayed."""

from __future__ import annotations

import datetime as dt
from typing import Any

from crm_hookspecs import ReportColumn, ReportDefinition, ReportParameter, ReportQuery, ReportResult

from crm_platform import clock
from crm_platform.db.raw import fetch
from crm_platform.reports.measures import rate
from crm_platform.reports.periods import days_between
from crm_platform.reports.scope import joined, report_scope

DEFAULT_MONTHS = "3"
MONTH_DAYS = 30.44


def _month(moment: Any) -> str:
    return moment.strftime("%Y-%m") if isinstance(moment, dt.datetime) else str(moment)[:7]


async def retention(query: ReportQuery) -> ReportResult:
    months = min(max(1, int(float(query.params.get("months") or DEFAULT_MONTHS))), 1200)
    where, args = await report_scope(query, "contact", "crm_contact", alias="c")
    rows = await fetch(
        "SELECT c.id AS id, c.lifecycle_stage AS stage, min(h.changed_at) AS became, min(l.changed_at) AS lost "
        "FROM crm_lifecycle_change h JOIN crm_contact c ON c.id = h.contact "
        "LEFT JOIN crm_lifecycle_change l ON l.contact = c.id AND l.stage_to = 'former' AND l.changed_at > h.changed_at "
        f"WHERE h.stage_to = 'customer' AND h.changed_at >= {{}} AND h.changed_at < {{}}{joined(where)} "
        "GROUP BY c.id, c.lifecycle_stage",
        query.starts, query.ends, *args,
    )
    now = clock.now()
    horizon = months * MONTH_DAYS
    cohorts: dict[str, dict[str, int]] = {}
    for row in rows:
        cohort = cohorts.setdefault(_month(row["became"]), {"customers": 0, "still": 0, "old_enough": 0, "kept": 0})
        cohort["customers"] += 1
        cohort["still"] += row["stage"] == "customer"
        if days_between(row["became"], now) >= horizon:
            cohort["old_enough"] += 1
            cohort["kept"] += row["lost"] is None or days_between(row["became"], row["lost"]) > horizon
    result = [
        {"cohort": month, "customers": c["customers"], "still": c["still"],
         "retained": rate(c["kept"], c["old_enough"]), "lost": c["customers"] - c["still"]}
        for month, c in sorted(cohorts.items())
    ]
    return ReportResult(
        (ReportColumn("cohort", "Became customers in", "text"), ReportColumn("customers", "Customers"),
         ReportColumn("still", "Still customers"), ReportColumn("retained", f"Kept {months}+ months", "percent"),
         ReportColumn("lost", "No longer customers")),
        result, series=("still", "lost"),
        summary={"customers": sum(r["customers"] for r in result), "still": sum(r["still"] for r in result)},
        note=f"Contacts who became customers in the period, by month; kept {months}+ months counts those at "
             f"least {months} months on who had not become former customers by then (a year's period shows more).",
    )


REPORTS = [
    ReportDefinition(
        "retention", "Retention by cohort", retention,
        description="Customers by the month they became customers, how many stayed and for how long.",
        parameters=(ReportParameter("months", "Kept for (months)", kind="number", default=DEFAULT_MONTHS),),
        group_by=("month",), measure="rate", chart="stacked", record_kind="contact", order=35,
    ),
]
