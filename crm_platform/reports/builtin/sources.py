"""Sources: where the contacts came from, and how many of them became customers."""

from __future__ import annotations

from crm_hookspecs import ReportColumn, ReportDefinition, ReportQuery, ReportResult

from crm_platform.db.raw import fetch
from crm_platform.reports.measures import rate
from crm_platform.reports.scope import joined, report_scope

UNKNOWN = "(no source)"


async def sources(query: ReportQuery) -> ReportResult:
    where, args = await report_scope(query, "contact", "crm_contact")
    rows = await fetch(
        "SELECT source, count(*) AS contacts, "
        "sum(CASE WHEN lifecycle_stage IN ('customer', 'former') THEN 1 ELSE 0 END) AS customers "
        f"FROM crm_contact WHERE created_at >= {{}} AND created_at < {{}}{joined(where)} GROUP BY source",
        query.starts, query.ends, *args,
    )
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
