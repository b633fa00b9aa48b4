"""Company lists: filters, sort, keyset pages, a fixed number of queries per page."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from crm_hookspecs import Principal

from crm_platform import runtime
from crm_platform.companies.service import RECORD_TYPE, loads_row
from crm_platform.db.engine import is_sqlite
from crm_platform.db.raw import fetch
from crm_platform.records import access, customfields
from crm_platform.records.pagination import Sort, check_limit, encode_cursor, keyset_condition, order_by
from crm_platform.relationships.ends import placeholders

SORTABLE = ("name", "created_at", "updated_at", "id")


@dataclass(frozen=True)
class CompanyFilters:
    owner_id: int | None = None
    tag: str | None = None
    industry: str | None = None
    parent_id: int | None = None
    updated_since: dt.datetime | None = None
    custom: list[str] = field(default_factory=list)


def _as_utc(moment: dt.datetime) -> dt.datetime:
    return moment.replace(tzinfo=dt.UTC) if moment.tzinfo is None else moment.astimezone(dt.UTC)


async def list_companies(
    principal: Principal,
    filters: CompanyFilters,
    sort: str = "name",
    limit: int = 50,
    cursor: str | None = None,
) -> tuple[list[dict[str, Any]], str | None]:
    """One page of the companies ``principal`` may see, and the cursor of the next page."""
    order = Sort.parse(sort, SORTABLE)
    limit = check_limit(limit)
    conditions: list[str] = []
    args: list[Any] = []
    owners = await access.visible_owner_ids(principal)
    if owners is not None:
        conditions.append(f"owner IN ({placeholders(owners)})")
        args += owners
    for column, value in (("owner", filters.owner_id), ("parent", filters.parent_id)):
        if value is not None:
            conditions.append(f"{column} = {{}}")
            args.append(value)
    if filters.industry:
        conditions.append("lower(industry) = {}")
        args.append(filters.industry.strip().lower())
    if filters.updated_since:
        conditions.append("updated_at >= {}")
        args.append(_as_utc(filters.updated_since))
    if filters.tag:
        conditions.append(
            f"id IN (SELECT record_id FROM crm_tagging WHERE record_type = '{RECORD_TYPE}' AND tag = {{}})"
        )
        args.append(filters.tag.strip().lower())
    custom_conditions, custom_args = await customfields.filters_sql(
        RECORD_TYPE, filters.custom, is_sqlite(runtime.current().engine)
    )
    conditions += custom_conditions
    args += custom_args
    after, after_args = keyset_condition(order, cursor)
    if after:
        conditions.append(after)
        args += after_args
    where = f"WHERE {' AND '.join(conditions)}" if conditions else ""
    rows = await fetch(
        f"SELECT * FROM crm_company {where} ORDER BY {order_by(order)} LIMIT {limit + 1}", *args
    )
    next_cursor = None
    if len(rows) > limit:
        rows = rows[:limit]
        next_cursor = encode_cursor(rows[-1][order.column], rows[-1]["id"])
    return [loads_row(row) for row in rows], next_cursor
