"""Contact lists: filters, sort, keyset pages, a fixed number of queries per page."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from crm_hookspecs import Principal

from crm_platform import runtime
from crm_platform.contacts.service import companies_of, loads_row
from crm_platform.db.engine import is_sqlite
from crm_platform.db.raw import fetch
from crm_platform.records import access, customfields
from crm_platform.records.pagination import Sort, check_limit, encode_cursor, keyset_condition, order_by

SORTABLE = ("display_name", "created_at", "updated_at", "id")


@dataclass(frozen=True)
class ContactFilters:
    owner_id: int | None = None
    tag: str | None = None
    lifecycle_stage: str | None = None
    updated_since: dt.datetime | None = None
    custom: list[str] = field(default_factory=list)


def _in(values: list[Any]) -> str:
    return ", ".join("{}" for _ in values)


async def list_contacts(
    principal: Principal,
    filters: ContactFilters,
    sort: str = "display_name",
    limit: int = 50,
    cursor: str | None = None,
) -> tuple[list[dict[str, Any]], str | None]:
    """One page of the contacts ``principal`` may see, and the cursor of the next page."""
    order = Sort.parse(sort, SORTABLE)
    limit = check_limit(limit)
    conditions: list[str] = []
    args: list[Any] = []
    owners = await access.visible_owner_ids(principal)
    if owners is not None:
        conditions.append(f"owner IN ({_in(owners)})")
        args += owners
    if filters.owner_id is not None:
        conditions.append("owner = {}")
        args.append(filters.owner_id)
    if filters.lifecycle_stage:
        conditions.append("lifecycle_stage = {}")
        args.append(filters.lifecycle_stage)
    if filters.updated_since:
        conditions.append("updated_at >= {}")
        args.append(filters.updated_since)
    if filters.tag:
        conditions.append("id IN (SELECT record_id FROM crm_tagging WHERE record_type = 'contact' AND tag = {})")
        args.append(filters.tag.strip().lower())
    custom_conditions, custom_args = await customfields.filters_sql(
        "contact", filters.custom, is_sqlite(runtime.current().engine)
    )
    conditions += custom_conditions
    args += custom_args
    after, after_args = keyset_condition(order, cursor)
    if after:
        conditions.append(after)
        args += after_args
    where = f"WHERE {' AND '.join(conditions)}" if conditions else ""
    rows = await fetch(
        f"SELECT * FROM crm_contact {where} ORDER BY {order_by(order)} LIMIT {limit + 1}", *args
    )
    next_cursor = None
    if len(rows) > limit:
        rows = rows[:limit]
        next_cursor = encode_cursor(rows[-1][order.column], rows[-1]["id"])
    companies = await companies_of([row["id"] for row in rows])
    for row in rows:
        loads_row(row)["companies"] = companies[row["id"]]
    return rows, next_cursor
