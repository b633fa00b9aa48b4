"""Keyset pagination: a cursor holds the last row's sort value and id, never an offset."""

from __future__ import annotations

import base64
import datetime as dt
import json
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from crm_platform.db.raw import fetch
from crm_platform.errors import invalid

MAX_LIMIT = 200
DEFAULT_LIMIT = 50


@dataclass(frozen=True)
class Sort:
    column: str
    descending: bool

    @classmethod
    def parse(cls, raw: str, allowed: tuple[str, ...]) -> Sort:
        column = raw.removeprefix("-")
        if column not in allowed:
            raise invalid("sort", f"must be one of {', '.join(allowed)}, optionally prefixed with -")
        return cls(column, raw.startswith("-"))


def check_limit(limit: int) -> int:
    if not 1 <= limit <= MAX_LIMIT:
        raise invalid("limit", f"must be between 1 and {MAX_LIMIT}")
    return limit


def encode_cursor(value: Any, record_id: int) -> str:
    if isinstance(value, dt.datetime):
        value = {"t": value.isoformat()}
    elif isinstance(value, dt.date):
        value = value.isoformat()
    elif isinstance(value, Decimal):
        value = float(value)
    raw = json.dumps([value, record_id], separators=(",", ":")).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def decode_cursor(cursor: str) -> tuple[Any, int]:
    try:
        value, record_id = json.loads(base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)))
        if isinstance(value, dict):
            value = dt.datetime.fromisoformat(value["t"])
        if not isinstance(record_id, int):
            raise ValueError
    except Exception:
        raise invalid("cursor", "is not a cursor this API returned") from None
    return value, record_id


def keyset_condition(sort: Sort, cursor: str | None, table_alias: str = "") -> tuple[str, list[Any]]:
    """SQL (with ``{}`` placeholders) selecting rows after ``cursor`` in ``sort`` order.

    Sortable columns are never NULL, so a row's position is its (value, id) pair. The
    redundant leading range lets SQLite seek the (column, id) index to the cursor instead of
    scanning it from the start: a deep page costs what the first one does."""
    if not cursor:
        return "", []
    value, last_id = decode_cursor(cursor)
    prefix = f"{table_alias}." if table_alias else ""
    op = "<" if sort.descending else ">"
    column = f"{prefix}{sort.column}"
    return (
        f"{column} {op}= {{}} AND ({column} {op} {{}} OR {prefix}id {op} {{}})",
        [value, value, last_id],
    )


def keyset_branches(sort: Sort, cursor: str) -> list[tuple[str, list[Any]]]:
    """The rows after ``cursor`` as two index ranges: the rest of the cursor's value (by id),
    then the values after it. Queried apart and joined (``UNION ALL``), each is one seek of the
    ``(column, id)`` index, where :func:`keyset_condition`'s single range walks every row of
    the cursor's value before the cursor: fine for names, slow for a column with four values
    (a stage) or long runs of one (the time of a bulk load)."""
    value, last_id = decode_cursor(cursor)
    op = "<" if sort.descending else ">"
    return [(f"{sort.column} = {{}} AND id {op} {{}}", [value, last_id]), (f"{sort.column} {op} {{}}", [value])]


def order_by(sort: Sort, table_alias: str = "") -> str:
    prefix = f"{table_alias}." if table_alias else ""
    direction = "DESC" if sort.descending else "ASC"
    return f"{prefix}{sort.column} {direction}, {prefix}id {direction}"


async def keyset_page(
    select: str, conditions: list[str], args: list[Any], sort: Sort, *, cursor: str | None, limit: int
) -> tuple[list[dict[str, Any]], str | None]:
    """One page of ``select`` (``SELECT columns FROM table``, no ``WHERE``) under ``conditions``
    (SQL with ``{}`` placeholders for ``args``, joined by AND), in ``sort`` order after
    ``cursor``, and the next page's cursor (None on the last page). One statement: it reads
    one row more than ``limit`` to know whether another page follows. The selected columns
    include ``id`` and the sort column."""
    after, after_args = keyset_condition(sort, cursor)
    conditions = [*conditions, after] if after else conditions
    where = f" WHERE {' AND '.join(conditions)}" if conditions else ""
    rows = await fetch(f"{select}{where} ORDER BY {order_by(sort)} LIMIT {limit + 1}", *args, *after_args)
    if len(rows) <= limit:
        return rows, None
    rows = rows[:limit]
    return rows, encode_cursor(rows[-1][sort.column], rows[-1]["id"])
