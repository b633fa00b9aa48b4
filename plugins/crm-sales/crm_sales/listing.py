"""Deal lists: filters, sort and keyset pages in a fixed number of queries."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from crm_hookspecs import Principal

from crm_platform.toolkit import (
    Invalid,
    Sort,
    check_limit,
    encode_cursor,
    fetch,
    keyset_condition,
    order_by,
    visibility_sql,
)
from crm_sales.clean import money
from crm_sales.deals import DEAL_COLUMNS, contacts_of

SORTABLE = ("updated_at", "created_at", "title", "id")
STATUSES = ("open", "won", "lost")
MONTH = re.compile(r"^\d{4}-(0[1-9]|1[0-2])$")


@dataclass(frozen=True)
class DealFilters:
    pipeline_id: int | None = None
    stage_id: int | None = None
    owner_id: int | None = None
    status: str | None = None
    close_month: str | None = None
    company_id: int | None = None
    contact_id: int | None = None


async def visibility(principal: Principal, alias: str = "d") -> tuple[list[str], list[Any]]:
    """The conditions limiting deals to those ``principal`` may see: ownership, and every
    plugin's access conditions on deals."""
    return await visibility_sql(principal, "sales.deal", alias=alias)


async def filter_sql(principal: Principal, filters: DealFilters) -> tuple[list[str], list[Any]]:
    if filters.status is not None and filters.status not in STATUSES:
        raise Invalid({"status": f"must be one of {', '.join(STATUSES)}"})
    if filters.close_month is not None and not MONTH.match(filters.close_month):
        raise Invalid({"close_month": "must be a month written YYYY-MM"})
    conditions, args = await visibility(principal)
    for column, value in (
        ("d.pipeline", filters.pipeline_id), ("d.stage", filters.stage_id), ("d.owner", filters.owner_id),
        ("d.status", filters.status), ("d.close_month", filters.close_month), ("d.company", filters.company_id),
    ):
        if value is not None:
            conditions.append(f"{column} = {{}}")
            args.append(value)
    if filters.contact_id is not None:
        conditions.append("d.id IN (SELECT deal FROM sales_deal_contact WHERE contact = {})")
        args.append(filters.contact_id)
    return conditions, args


async def list_deals(
    principal: Principal, filters: DealFilters, sort: str = "-updated_at", limit: int = 50, cursor: str | None = None
) -> tuple[list[dict[str, Any]], str | None]:
    """One page of the deals ``principal`` may see, and the cursor of the next page."""
    order = Sort.parse(sort, SORTABLE)
    limit = check_limit(limit)
    conditions, args = await filter_sql(principal, filters)
    after, after_args = keyset_condition(order, cursor, "d")
    if after:
        conditions.append(after)
        args += after_args
    where = f"WHERE {' AND '.join(conditions)}" if conditions else ""
    rows = await fetch(
        f"SELECT {DEAL_COLUMNS} FROM sales_deal d JOIN sales_stage s ON s.id = d.stage {where} "
        f"ORDER BY {order_by(order, 'd')} LIMIT {limit + 1}",
        *args,
    )
    next_cursor = None
    if len(rows) > limit:
        rows = rows[:limit]
        next_cursor = encode_cursor(rows[-1][order.column], rows[-1]["id"])
    contacts = await contacts_of(principal, [row["id"] for row in rows])
    for row in rows:
        row["contacts"] = contacts[row["id"]]
        row["amount"] = money(row["amount"])
    return rows, next_cursor
