"""Sources: where the contacts came from, and how many of them became customers."""

from __future__ import annotations

from crm_hookspecs import ReportColumn, ReportDefinition, ReportQuery, ReportResult

from crm_platform.db.raw import fetch
from crm_platform.reports import contact_aggregates
from crm_platform.reports.measures import rate
from crm_platform.reports.scope import joined, report_scope

UNKNOWN = "(no source)"


async def _by_source(query: ReportQuery) -> list[dict]:
    """Contacts created in the period, and those now customers, by source: from the daily
    contact counts, else counted one by one."""
    if await contact_aggregates.readable_by(query.principal):
        where, args = await report_scope(query, "contact", contact_aggregates.DAYS)
        return await fetch(
            "SELECT source, sum(n) AS contacts, "
            "sum(CASE WHEN stage IN ('customer', 'former') THEN n ELSE 0 END) AS customers "
            f"FROM {contact_aggregates.DAYS} WHERE kind = 'created' AND day >= {{}} AND day <= {{}}{joined(where)} "
            "GROUP BY source HAVING sum(n) > 0",
            query.date_from.isoformat(), query.date_to.isoformat(), *args,
        )
    where, args = await report_scope(query, "contact", "crm_contact")
    return await fetch(
        "SELECT source, count(*) AS contacts, "
        "sum(CASE WHEN lifecycle_stage IN ('customer', 'former') THEN 1 ELSE 0 END) AS customers "
        f"FROM crm_contact WHERE created_at >= {{}} AND created_at < {{}}{joined(where)} GROUP BY source",
        query.starts, query.ends, *args,
    )


async def sources(query: ReportQuery) -> ReportResult:
    rows = await _by_source(query)
    result = sorted(
        ({"source": row["source"] or UNKNOWN, "contacts": int(row["contacts"]), "customers": int(row["customers"] or 0),
          "customer_rate": rate(int(row["customers"] or 0), int(row["contacts"]))} for row in rows),
        key=lambda row: (-row["contacts"], row["source"]),
    )
    return ReportResult(
        (ReportColumn("source", "Source", "text"), ReportColumn("contacts", "Contacts"),
         ReportColumn("customers", "Became customers"), ReportColumn("customer_rate", "Customer rate", "percent")),
        result, series=("contacts", "customers"),
        summary={"contacts": sum(r["contacts"] for r in result), "customers": sum(r["customers"] for r in result)},
        note="Contacts created in the period by their source; customers include former customers.",
    )


REPORTS = [
    ReportDefinition(
        "sources", "Sources", sources, description="Leads and customers by source.",
        group_by=("source",), chart="bar", record_kind="contact", order=40,
    ),
]
