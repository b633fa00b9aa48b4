"""Company lists: filters, sort, keyset pages, a fixed number of queries per page."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from crm_hookspecs import Principal

from crm_platform.companies.service import RECORD_TYPE, loads_row
from crm_platform.records.listing import Where, keyset_page, record_filters

# Each has a (column, id) index (migrations 0002 and 0014), so every sort pages by keyset.
SORTABLE = ("name", "industry", "created_at", "updated_at", "id")


@dataclass(frozen=True)
class CompanyFilters:
    owner_id: int | None = None
    tag: str | None = None
    industry: str | None = None
    parent_id: int | None = None
    updated_since: dt.datetime | None = None
    custom: list[str] = field(default_factory=list)


async def list_companies(
    principal: Principal,
    filters: CompanyFilters,
    sort: str = "name",
    limit: int = 50,
    cursor: str | None = None,
) -> tuple[list[dict[str, Any]], str | None]:
    """One page of the companies ``principal`` may see, and the cursor of the next page."""
    where = await company_where(principal, filters)
    rows, next_cursor = await keyset_page("crm_company", where, sort, SORTABLE, limit, cursor)
    return [loads_row(row) for row in rows], next_cursor


async def company_where(principal: Principal, filters: CompanyFilters) -> Where:
    """The companies ``principal`` may see that ``filters`` match, as a WHERE clause."""
    where = await record_filters(
        principal, RECORD_TYPE, owner_id=filters.owner_id, tag=filters.tag,
        updated_since=filters.updated_since, custom=filters.custom,
    )
    if filters.parent_id is not None:
        where.add("parent = {}", filters.parent_id)
    if filters.industry:
        where.add("lower(industry) = {}", filters.industry.strip().lower())
    return where
