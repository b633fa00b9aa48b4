"""Commission on won deals: with the sales plugin, the deals won in the period that are linked
to a property, at the commission rate of the settings, over the deals the viewer may see."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from crm_hookspecs import ReportColumn, ReportDefinition, ReportQuery, ReportResult
from crm_platform.toolkit import fetch, get_users, record_kinds, report_scope, setting

from crm_realestate.deals import DEAL_KIND

NOBODY = "Nobody"
COLUMNS = (ReportColumn("owner", "Deal owner", "text"), ReportColumn("currency", "Currency", "text"),
           ReportColumn("deals", "Deals won"), ReportColumn("amount", "Won", "money"),
           ReportColumn("commission", "Commission", "money"))


async def commission_rate() -> Decimal | None:
    """The commission as a share (3 % is 0.03); ``None`` when the setting is not a percentage
    from 0 to 100."""
    try:
        percent = Decimal(str(await setting("realestate", "commission_rate")))
    except ArithmeticError:
        return None
    return percent / 100 if 0 <= percent <= 100 else None


async def commission(query: ReportQuery) -> ReportResult:
    if DEAL_KIND not in {kind.key for kind in record_kinds()}:
        return ReportResult(COLUMNS, (), series=("commission",), note="Commission needs the sales plugin.")
    rate = await commission_rate()
    if rate is None:
        return ReportResult(COLUMNS, (), series=("commission",),
                            note="The commission_rate setting is not a percentage from 0 to 100; set it to count.")
    where, args = await report_scope(query, DEAL_KIND, "sales_deal", alias="d")
    # A deal linked to two properties earns its commission once.
    rows = await fetch(
        "SELECT d.owner AS owner, d.currency AS currency, count(*) AS deals, sum(d.amount) AS amount FROM sales_deal d "
        "WHERE d.status = 'won' AND d.closed_at >= {} AND d.closed_at < {} "
        "AND d.id IN (SELECT deal_id FROM realestate_deal_link)"
        + "".join(f" AND {condition}" for condition in where) + " GROUP BY d.owner, d.currency",
        query.starts, query.ends, *args,
    )
    users = await get_users([row["owner"] for row in rows if row["owner"]])
    result: list[dict[str, Any]] = []
    for row in rows:
        amount = Decimal(str(row["amount"] or 0))
        result.append({"owner": users[row["owner"]]["display_name"] if row["owner"] in users else NOBODY,
                       "currency": row["currency"], "deals": int(row["deals"]), "amount": float(amount),
                       "commission": float((amount * rate).quantize(Decimal("0.01")))})
    result.sort(key=lambda row: (row["owner"], row["currency"]))
    totals: dict[str, float] = {}
    for row in result:
        totals[row["currency"]] = round(totals.get(row["currency"], 0.0) + row["commission"], 2)
    return ReportResult(
        COLUMNS, result, series=("commission",), summary={"rate": float(rate), "commission": totals},
        note=f"Deals won in the period that are linked to a property, at a commission of {float(rate) * 100:g} %.",
    )


REPORTS = [
    ReportDefinition(
        "realestate.commission", "Commission on won deals", commission,
        description="Deals won on properties and the commission they earn, by owner (with the sales plugin).",
        group_by=("owner",), measure="sum", chart="bar", record_kind=DEAL_KIND, order=90,
    ),
]
