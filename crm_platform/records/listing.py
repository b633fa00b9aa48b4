"""What contact and company lists share: the filters every record list offers, and one
keyset page of a fixed number of queries."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from crm_hookspecs import Principal

from crm_platform import runtime
from crm_platform.clock import as_utc
from crm_platform.db.engine import is_sqlite
from crm_platform.db.raw import fetch, placeholders
from crm_platform.records import access, customfields, kinds
from crm_platform.records.pagination import Sort, check_limit, encode_cursor, keyset_branches, order_by


@dataclass
class Where:
    """A WHERE clause built a condition at a time, with ``{}`` placeholders."""

    conditions: list[str] = field(default_factory=list)
    args: list[Any] = field(default_factory=list)

    def add(self, condition: str, *args: Any) -> None:
        self.conditions.append(condition)
        self.args += args

    @property
    def clause(self) -> str:
        return f"WHERE {' AND '.join(self.conditions)}" if self.conditions else ""


async def record_filters(
    principal: Principal,
    record_type: str,
    *,
    owner_id: int | None,
    tag: str | None,
    updated_since: dt.datetime | None,
    custom: list[str],
) -> Where:
    """What ``principal`` may see (ownership and the plugins' access conditions), narrowed by
    the filters every record list offers."""
    where = Where()
    kind = kinds.get(record_type)
    conditions, args = await access.visibility_sql(principal, "read", record_type, kinds.table_name(kind))
    where.conditions += conditions
    where.args += args
    if owner_id is not None:
        where.add("owner = {}", owner_id)
    if updated_since:
        where.add("updated_at >= {}", as_utc(updated_since))
    if tag:
        where.add(
            "id IN (SELECT record_id FROM crm_tagging WHERE record_type = {} AND tag = {})",
            record_type,
            tag.strip().lower(),
        )
    conditions, args = await customfields.filters_sql(record_type, custom, is_sqlite(runtime.current().engine))
    where.conditions += conditions
    where.args += args
    return where


async def keyset_page(
    table: str, where: Where, sort: str, sortable: tuple[str, ...], limit: int, cursor: str | None
) -> tuple[list[dict[str, Any]], str | None]:
    """One page of ``table`` in ``sort`` order after ``cursor``, and the next page's cursor."""
    order = Sort.parse(sort, sortable)
    limit = check_limit(limit)
    page = f"ORDER BY {order_by(order)} LIMIT {limit + 1}"
    if not cursor:
        rows = await fetch(f"SELECT * FROM {table} {where.clause} {page}", *where.args)
    else:
        parts, args = [], []
        for index, (condition, condition_args) in enumerate(keyset_branches(order, cursor)):
            branch = Where([*where.conditions, condition], [*where.args, *condition_args])
            parts.append(f"SELECT * FROM (SELECT * FROM {table} {branch.clause} {page}) AS branch_{index}")
            args += branch.args
        rows = await fetch(f"SELECT * FROM ({' UNION ALL '.join(parts)}) AS after_cursor {page}", *args)
    if len(rows) <= limit:
        return rows, None
    rows = rows[:limit]
    return rows, encode_cursor(rows[-1][order.column], rows[-1]["id"])


async def custom_matches(record_type: str, table: str, ids: list[int], custom: list[str]) -> set[int]:
    """Which of ``ids`` (search hits, say) pass the ``custom`` filters: one query, the same
    SQL as a list's."""
    if not custom or not ids:
        return set(ids)
    conditions, args = await customfields.filters_sql(record_type, custom, is_sqlite(runtime.current().engine))
    where = " AND ".join([f"id IN ({placeholders(ids)})", *conditions])
    return {row["id"] for row in await fetch(f"SELECT id FROM {table} WHERE {where}", *ids, *args)}
