"""Records of any kind that match the filters every record list offers, counted or paged,
for what a plugin keeps about a set of records (a saved filter, a list of ids)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from crm_hookspecs import Principal

from crm_platform.clock import as_utc
from crm_platform.db.raw import fetch, placeholders
from crm_platform.errors import Invalid
from crm_platform.records import kinds
from crm_platform.records.listing import Where, keyset_page, record_filters


@dataclass(frozen=True)
class RecordFilter:
    """What a list of records is narrowed by; every part is optional.

    ``custom`` holds custom-field filters as a list's query string writes them
    (``size:gt:10``); ``equals`` compares columns of the kind's table (``lifecycle_stage``);
    ``ids`` keeps the named records; ``id_in`` is a ``SELECT`` of ids from the caller's own
    tables, with ``{}`` placeholders, and ``id_in_args`` its values (the members of a list);
    ``id_not_in``/``id_not_in_args`` leave such ids out (the records a job has already seen).
    ``between`` keeps records whose column lies in ``(low, high)``, both inclusive, ``None``
    for an open end (``{"due_at": (None, cutoff)}``); ``inactive_since`` keeps records with no
    activity on their timeline at or after that moment (a contact nobody spoke to since).
    """

    owner_id: int | None = None
    tag: str | None = None
    updated_since: dt.datetime | None = None
    custom: tuple[str, ...] = ()
    equals: Mapping[str, Any] = field(default_factory=dict)
    ids: tuple[int, ...] | None = None
    id_in: str = ""
    id_in_args: tuple[Any, ...] = ()
    id_not_in: str = ""
    id_not_in_args: tuple[Any, ...] = ()
    between: Mapping[str, tuple[Any, Any]] = field(default_factory=dict)
    inactive_since: dt.datetime | None = None


async def _where(principal: Principal, record_type: str, filters: RecordFilter) -> tuple[str, Where]:
    kind = kinds.get(record_type, "kind")
    where = await record_filters(principal, kind.key, owner_id=filters.owner_id, tag=filters.tag,
                                 updated_since=filters.updated_since, custom=list(filters.custom))
    known = kinds.columns(kind)
    unknown = {f"equals.{name}": f"is not a field of {kind.key}" for name in filters.equals if name not in known}
    unknown |= {f"between.{name}": f"is not a field of {kind.key}" for name in filters.between if name not in known}
    if unknown:
        raise Invalid(unknown)
    for name, value in filters.equals.items():
        where.add(f"{name} IS NULL" if value is None else f"{name} = {{}}", *(() if value is None else (value,)))
    if filters.ids is not None:
        if not filters.ids:
            where.add("1 = 0")
        else:
            where.add(f"id IN ({placeholders(list(filters.ids))})", *filters.ids)
    if filters.id_in:
        where.add(f"id IN ({filters.id_in})", *filters.id_in_args)
    if filters.id_not_in:
        where.add(f"id NOT IN ({filters.id_not_in})", *filters.id_not_in_args)
    for name, (low, high) in filters.between.items():
        if low is not None:
            where.add(f"{name} >= {{}}", _plain(low))
        if high is not None:
            where.add(f"{name} <= {{}}", _plain(high))
    if filters.inactive_since is not None:
        # One anti-join on the timeline's index (record_type, record_id, occurred_at).
        where.add(f"NOT EXISTS (SELECT 1 FROM crm_activity_link l WHERE l.record_type = {{}} "
                  f"AND l.record_id = {kinds.table_name(kind)}.id AND l.occurred_at >= {{}})",
                  kind.key, as_utc(filters.inactive_since))
    return kinds.table_name(kind), where


def _plain(value: Any) -> Any:
    return as_utc(value) if isinstance(value, dt.datetime) else value


async def count_records(principal: Principal, record_type: str, filters: RecordFilter) -> int:
    """How many records of ``record_type`` match ``filters`` among those ``principal`` may see,
    in one query."""
    table, where = await _where(principal, record_type, filters)
    rows = await fetch(f"SELECT COUNT(*) AS n FROM {table} {where.clause}", *where.args)
    return int(rows[0]["n"])


async def list_records(
    principal: Principal, record_type: str, filters: RecordFilter, *, sort: str = "id", limit: int = 50,
    cursor: str | None = None,
) -> tuple[list[dict[str, Any]], str | None]:
    """One keyset page of the matching records ``principal`` may see (JSON columns decoded),
    sorted by ``sort`` (``id``, ``created_at`` or ``updated_at``; ``-`` for descending), and
    the next page's cursor."""
    table, where = await _where(principal, record_type, filters)
    kind = kinds.get(record_type, "kind")
    sortable = tuple(name for name in ("id", "created_at", "updated_at") if name in kinds.columns(kind))
    rows, next_cursor = await keyset_page(table, where, sort, sortable, limit, cursor)
    return [kinds.decode(kind, row) for row in rows], next_cursor
