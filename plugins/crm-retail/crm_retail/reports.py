"""The retail reports on the core's reports page, dashboards, emails and CSV, over the orders
the viewer may see: the size of each RFM segment, customer lifetime value and average order
value."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from crm_hookspecs import ReportColumn, ReportDefinition, ReportQuery, ReportResult
from crm_platform.toolkit import fetch, month_sql, report_measure, report_rate, report_scope

from crm_retail.orders import KIND_KEY
from crm_retail.rfm import SEGMENTS

COUNTED = "o.status IN ('paid', 'fulfilled')"


def _and(where: list[str]) -> str:
    return "".join(f" AND {condition}" for condition in where)


async def rfm_segments(query: ReportQuery) -> ReportResult:
    # A customer counts when the viewer may see one of their orders: the scores are the
    # nightly run's, the scope the viewer's now.
    where, args = await report_scope(query, KIND_KEY, "retail_order", alias="o")
    counts = await fetch(
        "SELECT s.segment AS segment, count(*) AS customers FROM retail_rfm s WHERE EXISTS "
        f"(SELECT 1 FROM retail_order o WHERE o.contact = s.contact AND {COUNTED}{_and(where)}) GROUP BY s.segment",
        *args,
    )
    by_segment = {row["segment"]: int(row["customers"]) for row in counts}
    scored = sum(by_segment.values())
    rows = [{"segment": label, "customers": by_segment.get(key, 0), "share": report_rate(by_segment.get(key, 0), scored)}
            for key, (label, _) in SEGMENTS.items()]
    return ReportResult(
        (ReportColumn("segment", "Segment", "text"), ReportColumn("customers", "Customers"),
         ReportColumn("share", "Share", "percent")),
        rows, series=("customers",), summary={"customers": scored},
        note="Customers by the segment of the last RFM run, among those with orders you may see; "
             "the period does not apply.",
    )


async def lifetime_value(query: ReportQuery) -> ReportResult:
    where, args = await report_scope(query, KIND_KEY, "retail_order", alias="o")
    totals = await fetch(
        "SELECT o.currency AS currency, o.contact AS contact, count(*) AS orders, sum(o.total) AS spent "
        f"FROM retail_order o WHERE o.contact IS NOT NULL AND {COUNTED} AND o.ordered_at < {{}}{_and(where)} "
        "GROUP BY o.currency, o.contact",
        query.ends, *args,
    )
    spent: dict[str, list[float]] = {}
    orders: dict[str, int] = {}
    for row in totals:
        spent.setdefault(row["currency"], []).append(float(row["spent"] or 0))
        orders[row["currency"]] = orders.get(row["currency"], 0) + int(row["orders"])
    rows = [{"currency": currency, "customers": len(values), "orders": orders[currency],
             **{measure: report_measure(values, measure) for measure in ("avg", "median", "p90")}}
            for currency, values in sorted(spent.items())]
    return ReportResult(
        (ReportColumn("currency", "Currency", "text"), ReportColumn("customers", "Customers"),
         ReportColumn("orders", "Orders"), ReportColumn("avg", "Lifetime value, average", "money"),
         ReportColumn("median", "Lifetime value, median", "money"),
         ReportColumn("p90", "Lifetime value, 90th percentile", "money")),
        rows, series=("avg", "median"), summary={"customers": sum(row["customers"] for row in rows)},
        note="What each customer has spent on paid and fulfilled orders up to the period's end, per currency.",
    )


async def order_value(query: ReportQuery) -> ReportResult:
    where, args = await report_scope(query, KIND_KEY, "retail_order", alias="o")
    month = month_sql("o.ordered_at")
    totals = await fetch(
        f"SELECT {month} AS month, o.currency AS currency, count(*) AS orders, sum(o.total) AS revenue "
        f"FROM retail_order o WHERE {COUNTED} AND o.ordered_at >= {{}} AND o.ordered_at < {{}}{_and(where)} "
        f"GROUP BY {month}, o.currency ORDER BY {month}, o.currency",
        query.starts, query.ends, *args,
    )
    rows: list[dict[str, Any]] = []
    for row in totals:
        revenue = Decimal(str(row["revenue"] or 0))
        count = int(row["orders"])
        rows.append({"month": row["month"], "currency": row["currency"], "orders": count,
                     "revenue": float(revenue), "average": round(float(revenue / count), 2) if count else None})
    return ReportResult(
        (ReportColumn("month", "Month", "text"), ReportColumn("currency", "Currency", "text"),
         ReportColumn("orders", "Orders"), ReportColumn("revenue", "Revenue", "money"),
         ReportColumn("average", "Average order value", "money")),
        rows, series=("average",), summary={"orders": sum(row["orders"] for row in rows)},
        note="Paid and fulfilled orders placed in the period, by month and currency.",
    )


REPORTS = [
    ReportDefinition(
        "retail.rfm_segments", "RFM segments", rfm_segments,
        description="How many customers each recency-frequency-monetary segment holds.",
        group_by=("segment",), measure="count", chart="bar", record_kind=KIND_KEY, order=80,
    ),
    ReportDefinition(
        "retail.lifetime_value", "Customer lifetime value", lifetime_value,
        description="What customers have spent: average, median and 90th percentile, per currency.",
        group_by=("currency",), measure="avg", chart="bar", record_kind=KIND_KEY, order=81,
    ),
    ReportDefinition(
        "retail.order_value", "Average order value", order_value,
        description="Orders, revenue and the average order, by month and currency.",
        group_by=("month", "currency"), measure="avg", chart="line", record_kind=KIND_KEY, order=82,
    ),
]
