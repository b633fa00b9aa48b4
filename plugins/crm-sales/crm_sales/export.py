"""CSV exports of deals and of the forecast."""

from __future__ import annotations

from typing import Any

from crm_hookspecs import Principal

from crm_platform.toolkit import csv_document
from crm_sales.listing import DealFilters, list_deals

DEAL_COLUMNS = (
    "id", "title", "amount", "currency", "status", "stage_name", "probability", "expected_close_date", "owner",
    "company", "source", "lost_reason", "next_step", "next_step_date", "created_at", "closed_at",
)
PAGE = 200


async def deals_csv(principal: Principal, filters: DealFilters) -> str:
    rows: list[list[Any]] = []
    cursor: str | None = None
    while True:
        page, cursor = await list_deals(principal, filters, "id", PAGE, cursor)
        rows += ([row[column] for column in DEAL_COLUMNS] for row in page)
        if cursor is None:
            return csv_document(DEAL_COLUMNS, rows)


def forecast_csv(figures: dict[str, Any]) -> str:
    currency = figures["currency"]
    rows = [("month", month["month"], month["weighted"], month["total"], month["count"], currency)
            for month in figures["by_month"]]
    rows += [("owner", owner["owner_name"], owner["weighted"], owner["total"], owner["count"], currency)
             for owner in figures["by_owner"]]
    return csv_document(("group", "key", "weighted", "total", "count", "currency"), rows)
