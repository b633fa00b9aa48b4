"""The sales reports on the core's reports page, dashboards and emails: the forecast, the win
rate and the length of the sales cycle, each over the deals the viewer may see."""

from __future__ import annotations

from typing import Any

from crm_hookspecs import (
    ContactRevenue,
    Principal,
    ReportColumn,
    ReportDefinition,
    ReportParameter,
    ReportQuery,
    ReportResult,
)

from crm_platform.toolkit import (
    fetch,
    get_users,
    placeholders,
    report_measure,
    report_rate,
    report_scope,
    visibility_sql,
)
from crm_sales import forecast

NOBODY = "Nobody"


async def _names(owner_ids: list[Any]) -> dict[Any, str]:
    users = await get_users([owner for owner in owner_ids if owner])
    return {user_id: user["display_name"] for user_id, user in users.items()}


async def forecast_report(query: ReportQuery) -> ReportResult:
    figures = await forecast.forecast(query.principal, query.params.get("currency") or None,
                                      owner_ids=query.owner_ids)
    rows = [{"month": "no date" if row["month"] == forecast.NO_MONTH else row["month"], "weighted": row["weighted"],
             "total": row["total"], "count": row["count"]} for row in figures["by_month"]]
    return ReportResult(
        (ReportColumn("month", "Expected close", "text"), ReportColumn("weighted", f"Weighted ({figures['currency']})",
                                                                       "money"),
         ReportColumn("total", f"Total ({figures['currency']})", "money"), ReportColumn("count", "Open deals")),
        rows, series=("weighted", "total"),
        summary={"weighted_total": figures["weighted_total"], "open_count": figures["open_count"]},
        note="Open deals by expected close month, weighted by their probability; the period does not apply to "
             "deals still open.",
    )


async def _closed(query: ReportQuery, *columns: str) -> list[dict[str, Any]]:
    where, args = await report_scope(query, "sales.deal", "sales_deal", alias="d")
    return await fetch(
        f"SELECT {', '.join(columns)} FROM sales_deal d WHERE d.status IN ('won', 'lost') "
        "AND d.closed_at >= {} AND d.closed_at < {}" + "".join(f" AND {condition}" for condition in where),
        query.starts, query.ends, *args,
    )


async def win_rate(query: ReportQuery) -> ReportResult:
    where, args = await report_scope(query, "sales.deal", "sales_deal", alias="d")
    rows = await fetch(
        "SELECT d.owner AS owner, sum(CASE WHEN d.status = 'won' THEN 1 ELSE 0 END) AS won, "
        "sum(CASE WHEN d.status = 'lost' THEN 1 ELSE 0 END) AS lost FROM sales_deal d "
        "WHERE d.status IN ('won', 'lost') AND d.closed_at >= {} AND d.closed_at < {}"
        + "".join(f" AND {condition}" for condition in where) + " GROUP BY d.owner",
        query.starts, query.ends, *args,
    )
    names = await _names([row["owner"] for row in rows])
    result = sorted(
        ({"owner": names.get(row["owner"], NOBODY), "won": int(row["won"] or 0), "lost": int(row["lost"] or 0),
          "win_rate": report_rate(int(row["won"] or 0), int(row["won"] or 0) + int(row["lost"] or 0))} for row in rows),
        key=lambda row: row["owner"],
    )
    won, lost = sum(row["won"] for row in result), sum(row["lost"] for row in result)
    return ReportResult(
        (ReportColumn("owner", "Owner", "text"), ReportColumn("won", "Won"), ReportColumn("lost", "Lost"),
         ReportColumn("win_rate", "Win rate", "percent")),
        result, series=("won", "lost"), summary={"win_rate": report_rate(won, won + lost), "won": won, "lost": lost},
        note="Deals closed in the period: won against won and lost, by owner.",
    )


async def cycle_length(query: ReportQuery) -> ReportResult:
    rows = await _closed(query, "d.owner AS owner", "d.cycle_days AS days", "d.status AS status")
    days_by_owner: dict[Any, list[float]] = {}
    for row in rows:
        if row["status"] == "won" and row["days"] is not None:
            days_by_owner.setdefault(row["owner"], []).append(float(row["days"]))
    names = await _names(list(days_by_owner))
    result = sorted(
        ({"owner": names.get(owner, NOBODY), "won": len(days),
          **{measure: report_measure(days, measure) for measure in ("avg", "median", "p90")}}
         for owner, days in days_by_owner.items()),
        key=lambda row: row["owner"],
    )
    every = [day for days in days_by_owner.values() for day in days]
    return ReportResult(
        (ReportColumn("owner", "Owner", "text"), ReportColumn("won", "Deals won"),
         ReportColumn("avg", "Average", "days"), ReportColumn("median", "Median", "days"),
         ReportColumn("p90", "90th percentile", "days")),
        result, series=("median", "p90"),
        summary={measure: report_measure(every, measure) for measure in ("avg", "median", "p90")},
        note="Days from a deal's creation to its winning, for deals won in the period.",
    )


REPORTS = [
    ReportDefinition(
        "sales.forecast", "Sales forecast", forecast_report,
        description="Open deals weighted by probability, by expected close month.",
        parameters=(ReportParameter("currency", "Currency"),), group_by=("close_month",), measure="sum",
        chart="bar", record_kind="sales.deal", order=60,
    ),
    ReportDefinition(
        "sales.win_rate", "Win rate", win_rate, description="Deals won and lost in the period, by owner.",
        group_by=("owner",), measure="rate", chart="stacked", record_kind="sales.deal", order=61,
    ),
    ReportDefinition(
        "sales.cycle_length", "Sales cycle length", cycle_length,
        description="How many days won deals took, by owner: average, median and 90th percentile.",
        group_by=("owner",), measure="median", chart="bar", record_kind="sales.deal", order=62,
    ),
]


async def _pipeline(query: ReportQuery) -> dict[str, Any] | None:
    chosen = query.params.get("pipeline")
    rows = await fetch("SELECT id, name FROM sales_pipeline WHERE " + ("id = {}" if chosen else "is_default = {}"),
                       int(float(chosen)) if chosen else True)
    return rows[0] if rows else None


async def stage_conversion(query: ReportQuery) -> ReportResult:
    columns = (ReportColumn("stage", "Stage", "text"), ReportColumn("reached", "Deals reaching it"),
               ReportColumn("from_previous", "From the stage before", "percent"),
               ReportColumn("from_first", "From the first stage", "percent"))
    pipeline = await _pipeline(query)
    if pipeline is None:
        return ReportResult(columns, (), series=("reached",), note="No such pipeline.")
    stages = await fetch("SELECT name, position, kind FROM sales_stage WHERE pipeline = {} ORDER BY position, id",
                         pipeline["id"])
    where, args = await report_scope(query, "sales.deal", "sales_deal", alias="d")
    counts = await fetch(
        "SELECT d.furthest_position AS position, d.status AS status, count(*) AS deals FROM sales_deal d "
        "WHERE d.pipeline = {} AND d.created_at >= {} AND d.created_at < {}"
        + "".join(f" AND {condition}" for condition in where) + " GROUP BY d.furthest_position, d.status",
        pipeline["id"], query.starts, query.ends, *args,
    )
    rows: list[dict[str, Any]] = []
    won_name = next((stage["name"] for stage in stages if stage["kind"] == "won"), "Won")
    steps = [stage for stage in stages if stage["kind"] == "open"] + [{"name": won_name, "kind": "won", "position": 0}]
    for stage in steps:
        if stage["kind"] == "won":
            reached = sum(int(row["deals"]) for row in counts if row["status"] == "won")
        else:
            reached = sum(int(row["deals"]) for row in counts if int(row["position"] or 0) >= stage["position"])
        rows.append({"stage": stage["name"], "reached": reached,
                     "from_previous": report_rate(reached, rows[-1]["reached"]) if rows else None,
                     "from_first": report_rate(reached, rows[0]["reached"]) if rows else None})
    return ReportResult(
        columns, rows, series=("reached",),
        summary={"pipeline": pipeline["name"], "created": rows[0]["reached"] if rows else 0,
                 "won": rows[-1]["reached"] if rows else 0},
        note=f"Deals of the {pipeline['name']} pipeline created in the period, by the furthest stage they reached; a won deal has passed every stage.",
    )


async def lost_reasons(query: ReportQuery) -> ReportResult:
    where, args = await report_scope(query, "sales.deal", "sales_deal", alias="d")
    counts = await fetch(
        "SELECT coalesce(d.lost_reason, '') AS reason, count(*) AS deals FROM sales_deal d "
        "WHERE d.status = 'lost' AND d.closed_at >= {} AND d.closed_at < {}"
        + "".join(f" AND {condition}" for condition in where) + " GROUP BY coalesce(d.lost_reason, '')",
        query.starts, query.ends, *args,
    )
    lost = sum(int(row["deals"]) for row in counts)
    rows = sorted(({"reason": row["reason"] or "No reason given", "deals": int(row["deals"]),
                    "share": report_rate(int(row["deals"]), lost)} for row in counts),
                  key=lambda row: (-row["deals"], row["reason"]))
    return ReportResult(
        (ReportColumn("reason", "Reason", "text"), ReportColumn("deals", "Deals lost"),
         ReportColumn("share", "Share", "percent")),
        rows, series=("deals",), summary={"lost": lost}, note="Deals lost in the period, by the reason given.",
    )


async def lifetime_value(query: ReportQuery) -> ReportResult:
    where, args = await report_scope(query, "sales.deal", "sales_deal", alias="d")
    totals = await fetch(
        "SELECT d.currency AS currency, d.company AS company, sum(d.amount) AS amount FROM sales_deal d "
        "WHERE d.status = 'won' AND d.company IS NOT NULL AND d.amount > 0 AND d.closed_at < {}"
        + "".join(f" AND {condition}" for condition in where) + " GROUP BY d.currency, d.company",
        query.ends, *args,
    )
    by_currency: dict[str, list[float]] = {}
    for row in totals:
        by_currency.setdefault(row["currency"], []).append(float(row["amount"]))
    rows = [{"currency": currency, "customers": len(values), "total": round(sum(values), 2),
             **{measure: report_measure(values, measure) for measure in ("avg", "median", "p90")}}
            for currency, values in sorted(by_currency.items())]
    return ReportResult(
        (ReportColumn("currency", "Currency", "text"), ReportColumn("customers", "Customers"),
         ReportColumn("total", "Won in all", "money"), ReportColumn("avg", "Lifetime value, average", "money"),
         ReportColumn("median", "Lifetime value, median", "money"),
         ReportColumn("p90", "Lifetime value, 90th percentile", "money")),
        rows, series=("avg", "median"), summary={"customers": sum(row["customers"] for row in rows)},
        note="What each company brought in over the won deals you may see, closed up to the period's end, "
             "per currency (deals without an amount or a company are left out).",
    )


REPORTS += [
    ReportDefinition(
        "sales.stage_conversion", "Stage conversion", stage_conversion,
        description="Deals created in the period, by the furthest stage of the pipeline they reached.",
        parameters=(ReportParameter("pipeline", "Pipeline (id; the default one when empty)", kind="number"),),
        group_by=("stage",), measure="rate", chart="funnel", record_kind="sales.deal", order=63,
    ),
    ReportDefinition(
        "sales.lost_reasons", "Lost reasons", lost_reasons, description="Deals lost in the period, by reason.",
        group_by=("lost_reason",), measure="count", chart="bar", record_kind="sales.deal", order=64,
    ),
    ReportDefinition(
        "sales.lifetime_value", "Customer lifetime value", lifetime_value,
        description="Won amounts per customer company: average, median and 90th percentile, by currency.",
        group_by=("currency",), measure="avg", chart="bar", record_kind="sales.deal", order=65,
    ),
]

# Contacts per query: well under SQLite's bound parameters, beside the visibility's own.
REVENUE_CHUNK = 5_000


async def contact_revenue(principal: Principal, contact_ids: list[int]) -> list[ContactRevenue]:
    """Won amounts per contact and currency, over the deals ``principal`` may see linked to
    each contact (a deal with two of the contacts counts for both)."""
    where, args = await visibility_sql(principal, "sales.deal", alias="d")
    found: list[ContactRevenue] = []
    for start in range(0, len(contact_ids), REVENUE_CHUNK):
        chunk = contact_ids[start:start + REVENUE_CHUNK]
        rows = await fetch(
            "SELECT dc.contact AS contact, d.currency AS currency, sum(d.amount) AS amount "
            "FROM sales_deal d JOIN sales_deal_contact dc ON dc.deal = d.id "
            f"WHERE d.status = 'won' AND d.amount > 0 AND dc.contact IN ({placeholders(chunk)})"
            + "".join(f" AND {condition}" for condition in where) + " GROUP BY dc.contact, d.currency",
            *chunk, *args,
        )
        found += [ContactRevenue(int(row["contact"]), row["currency"], float(row["amount"])) for row in rows]
    return found
