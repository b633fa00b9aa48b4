"""CSV exports of deals and of the forecast."""

from __future__ import annotations

import csv
import io
from typing import Any

from crm_hookspecs import Principal

from crm_sales.listing import DealFilters, list_deals

DEAL_COLUMNS = (
    "id", "title", "amount", "currency", "status", "stage_name", "probability", "expected_close_date", "owner",
    "company", "source", "lost_reason", "next_step", "next_step_date", "created_at", "closed_at",
)
PAGE = 200


def _cell(value: Any) -> Any:
    # A leading = + - @ makes spreadsheets run the cell as a formula.
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@"):
        return "'" + value
    return "" if value is None else value


async def deals_csv(principal: Principal, filters: DealFilters) -> str:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(DEAL_COLUMNS)
    cursor: str | None = None
    while True:
        rows, cursor = await list_deals(principal, filters, "id", PAGE, cursor)
        writer.writerows([_cell(row[column]) for column in DEAL_COLUMNS] for row in rows)
        if cursor is None:
            return out.getvalue()


def forecast_csv(figures: dict[str, Any]) -> str:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(("group", "key", "weighted", "total", "count", "currency"))
    for month in figures["by_month"]:
        writer.writerow(("month", month["month"], month["weighted"], month["total"], month["count"], figures["currency"]))
    for owner in figures["by_owner"]:
        writer.writerow(
            ("owner", _cell(owner["owner_name"]), owner["weighted"], owner["total"], owner["count"], figures["currency"])
        )
    return out.getvalue()
