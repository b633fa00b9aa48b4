"""The forecast: open deals weighted by probability, how closed deals went, and the funnel.

Three aggregate queries over the forecast cells (:mod:`crm_sales.cells`), a few thousand
rows whatever the number of deals; the figures are combined here.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from crm_hookspecs import Principal

from crm_platform.toolkit import Invalid, fetch, get_users
from crm_sales.clean import clean_currency, money
from crm_sales.deals import default_currency
from crm_sales.listing import visibility
from crm_sales.pipelines import get_pipeline

NO_MONTH = "none"


async def forecast(
    principal: Principal, currency: str | None = None, pipeline_id: int | None = None,
    owner_ids: tuple[int, ...] | None = None,
) -> dict[str, Any]:
    """The figures over the deals ``principal`` may see (of ``owner_ids`` only, when given)."""
    errors: dict[str, str] = {}
    currency = clean_currency(currency or await default_currency(), errors)
    if errors:
        raise Invalid(errors)
    pipeline = await get_pipeline(pipeline_id)
    visible, visible_args = await visibility(principal, "sales_forecast_cell")
    if owner_ids is not None:
        visible = [*visible, f"owner IN ({', '.join('{}' for _ in owner_ids)})" if owner_ids else "1 = 0"]
        visible_args = [*visible_args, *owner_ids]
    scope = ["currency = {}", *visible]
    scope_args: list[Any] = [currency, *visible_args]
    if pipeline_id is not None:
        scope.append("pipeline = {}")
        scope_args.append(pipeline_id)
    where = " AND ".join(scope)
    open_rows = await fetch(
        "SELECT close_month, owner, sum(deals) AS n, sum(amount) AS total, sum(weighted) AS weighted "
        f"FROM sales_forecast_cell WHERE status = 'open' AND {where} GROUP BY close_month, owner "
        "HAVING sum(deals) > 0",
        *scope_args,
    )
    closed_rows = await fetch(
        "SELECT status, lost_reason, sum(deals) AS n, sum(amount) AS total, sum(cycle_days) AS days "
        f"FROM sales_forecast_cell WHERE status IN ('won', 'lost') AND {where} GROUP BY status, lost_reason "
        "HAVING sum(deals) > 0",
        *scope_args,
    )
    funnel_rows = await fetch(
        "SELECT furthest_position AS position, sum(deals) AS n FROM sales_forecast_cell "
        f"WHERE pipeline = {{}} {''.join(' AND ' + c for c in visible)} GROUP BY furthest_position",
        pipeline["id"], *visible_args,
    )
    for row in (*open_rows, *closed_rows, *funnel_rows):
        row["n"] = int(row["n"] or 0)  # PostgreSQL sums integers as numeric
    for row in open_rows:
        row["owner"] = row["owner"] or None  # cells write "no owner" as 0
    owner_names = await _owner_names([row["owner"] for row in open_rows])
    return {
        "currency": currency,
        "pipeline_id": pipeline_id,
        **_open_figures(open_rows, owner_names),
        **_closed_figures(closed_rows),
        "conversion": _conversion(pipeline["stages"], funnel_rows),
    }


async def _owner_names(owner_ids: list[int | None]) -> dict[int, str]:
    ids = sorted({owner for owner in owner_ids if owner is not None})
    if not ids:
        return {}
    return {user_id: user["display_name"] for user_id, user in (await get_users(ids)).items()}


def _open_figures(rows: list[dict[str, Any]], owner_names: dict[int, str]) -> dict[str, Any]:
    by_month: dict[str, dict[str, Any]] = {}
    by_owner: dict[int | None, dict[str, Any]] = {}
    for row in rows:
        weighted = Decimal(str(row["weighted"] or 0)) / 100
        for bucket in (
            by_month.setdefault(row["close_month"] or NO_MONTH, {"weighted": Decimal(0), "total": Decimal(0), "count": 0}),
            by_owner.setdefault(row["owner"], {"weighted": Decimal(0), "total": Decimal(0), "count": 0}),
        ):
            bucket["weighted"] += weighted
            bucket["total"] += Decimal(str(row["total"] or 0))
            bucket["count"] += row["n"]
    months = sorted(by_month, key=lambda month: (month == NO_MONTH, month))
    owners = sorted(by_owner, key=lambda owner: -by_owner[owner]["weighted"])
    return {
        "by_month": [
            {"month": month, "weighted": money(by_month[month]["weighted"]), "total": money(by_month[month]["total"]),
             "count": int(by_month[month]["count"])}
            for month in months
        ],
        "by_owner": [
            {"owner_id": owner, "owner_name": owner_names.get(owner, "Nobody") if owner else "Nobody",
             "weighted": money(by_owner[owner]["weighted"]), "total": money(by_owner[owner]["total"]),
             "count": int(by_owner[owner]["count"])}
            for owner in owners
        ],
        "weighted_total": money(sum((bucket["weighted"] for bucket in by_month.values()), Decimal(0))),
        "open_count": sum(bucket["count"] for bucket in by_month.values()),
    }


def _closed_figures(rows: list[dict[str, Any]]) -> dict[str, Any]:
    won = [row for row in rows if row["status"] == "won"]
    lost = [row for row in rows if row["status"] == "lost"]
    won_count = sum(row["n"] for row in won)
    lost_count = sum(row["n"] for row in lost)
    won_amount = sum((Decimal(str(row["total"] or 0)) for row in won), Decimal(0))
    closed = won_count + lost_count
    days = sum(int(row["days"] or 0) for row in won)
    return {
        "won_count": won_count,
        "lost_count": lost_count,
        "win_rate": round(won_count / closed, 4) if closed else None,
        "won_amount": money(won_amount),
        "average_won_amount": money(won_amount / won_count) if won_count else None,
        # The sales cycle is measured on won deals: a lost deal's length says little.
        "average_cycle_days": round(days / won_count, 1) if won_count else None,
        "lost_by_reason": sorted(
            (
                {"reason": row["lost_reason"] or "", "count": row["n"], "amount": money(row["total"])}
                for row in lost
            ),
            key=lambda item: (-item["count"], item["reason"]),
        ),
    }


def _conversion(stages: list[dict[str, Any]], rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """How many deals reached each stage, and which share of them went on to the next."""
    counts = {row["position"]: row["n"] for row in rows}
    funnel = [stage for stage in stages if stage["kind"] != "lost"]
    reached = [sum(n for position, n in counts.items() if position >= stage["position"]) for stage in funnel]
    return [
        {
            "stage_id": stage["id"],
            "stage_name": stage["name"],
            "reached": reached[index],
            "to_next": round(reached[index + 1] / reached[index], 4)
            if index + 1 < len(funnel) and reached[index] else None,
        }
        for index, stage in enumerate(funnel)
    ]
