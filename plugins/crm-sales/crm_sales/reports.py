"""The sales reports on the core's reports page, dashboards and emails: the forecast, the win
rate and the length of the sales cycle, each over the deals the viewer may see."""

from __future__ import annotations

from typing import Any

from crm_hookspecs import ReportColumn, ReportDefinition, ReportParameter, ReportQuery, ReportResult

from crm_platform.toolkit import fetch, get_users, report_measure, report_rate, report_scope
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
