"""Contact lists: filters, sort, keyset pages, a fixed number of queries per page."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from crm_hookspecs import Principal

from crm_platform.contacts.service import RECORD_TYPE, companies_of, loads_row
from crm_platform.records.listing import Where, keyset_page, record_filters

# Each has a (column, id) index (migrations 0002 and 0014), so every sort pages by keyset.
SORTABLE = ("display_name", "lifecycle_stage", "created_at", "updated_at", "id")


@dataclass(frozen=True)
class ContactFilters:
    owner_id: int | None = None
    tag: str | None = None
    lifecycle_stage: str | None = None
    updated_since: dt.datetime | None = None
    custom: list[str] = field(default_factory=list)


async def contact_where(principal: Principal, filters: ContactFilters) -> Where:
    """The contacts ``principal`` may see that ``filters`` match, as a WHERE clause."""
    where = await record_filters(
        principal, RECORD_TYPE, owner_id=filters.owner_id, tag=filters.tag,
        updated_since=filters.updated_since, custom=filters.custom,
    )
    if filters.lifecycle_stage:
        where.add("lifecycle_stage = {}", filters.lifecycle_stage)
    return where


async def list_contacts(
    principal: Principal,
    filters: ContactFilters,
    sort: str = "display_name",
    limit: int = 50,
    cursor: str | None = None,
) -> tuple[list[dict[str, Any]], str | None]:
    """One page of the contacts ``principal`` may see, and the cursor of the next page."""
    where = await contact_where(principal, filters)
    rows, next_cursor = await keyset_page("crm_contact", where, sort, SORTABLE, limit, cursor)
    companies = await companies_of(principal, [row["id"] for row in rows])
    for row in rows:
        loads_row(row)["companies"] = companies[row["id"]]
    return rows, next_cursor
