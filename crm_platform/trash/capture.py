"""What goes to the trash with a record and comes back with it: its own row, and the rows of
other tables that point at it.

Two sorts of rows point at a record:

* rows that name it by kind and id, whatever its kind: its relationships (either end) and
  its timeline links;
* rows whose foreign key references its table, in the core's tables and every installed
  plugin's: a contact's lifecycle history and deal roles, a deal's contacts and stage
  history, an activity's links. Those deleted with the record (``ON DELETE CASCADE``) are
  kept whole; those only cut loose (``SET NULL``: a company's subsidiaries, its deals) keep
  the ids of the rows to point again.

Nothing is declared for this: Piccolo knows every table's foreign keys, so a plugin's kind
gets it for free. Rows are kept as JSON, their values in the column's plain form, and turned
back into the column's type when they are written again.
"""

from __future__ import annotations

import datetime as dt
import json
import weakref
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from piccolo.columns import Date, Numeric, OnDelete, Timestamp, Timestamptz
from piccolo.columns.column_types import Decimal as DecimalColumn
from piccolo.conf.apps import AppRegistry, Finder
from piccolo.table import Table

from crm_platform import runtime
from crm_platform.db.bulk import insert_rows
from crm_platform.db.engine import SQLiteEngine
from crm_platform.db.raw import execute, fetch, placeholders
from crm_platform.records import kinds

# The rows that name a record by kind and id: ``(table, [(id column, kind column), ...])``.
NAMED_BY_KIND = (
    ("crm_relationship", (("source_id", "source_type"), ("target_id", "target_type"))),
    ("crm_activity_link", (("record_id", "record_type"),)),
)


@dataclass(frozen=True)
class Pointer:
    """A foreign key column of ``table`` that references a record kind's table."""

    table: type[Table]
    column: str
    cascade: bool


def _registry() -> AppRegistry:
    # The apps ``db.setup.configure`` bound to the engine: the core's and each installed plugin's.
    return Finder().get_app_registry()


def _tables() -> dict[str, type[Table]]:
    """Every table of the configured apps (the core's and each installed plugin's), by name."""
    registry = _registry()
    return {
        table._meta.tablename: table
        for app in registry.app_configs.values()
        for table in app.table_classes
    }


_pointers: weakref.WeakKeyDictionary[Any, dict[str, list[Pointer]]] = weakref.WeakKeyDictionary()


def pointers(table_name: str) -> list[Pointer]:
    """The foreign keys that reference ``table_name`` and give way when a row is deleted."""
    by_table = _pointers.setdefault(_registry(), {})
    if table_name not in by_table:
        found = []
        for table in _tables().values():
            for column in table._meta.foreign_key_columns:
                meta = column._foreign_key_meta
                if meta.resolved_references._meta.tablename != table_name:
                    continue
                if meta.on_delete in (OnDelete.cascade, OnDelete.set_null):
                    found.append(Pointer(table, column._meta.name, meta.on_delete == OnDelete.cascade))
        by_table[table_name] = found
    return by_table[table_name]


# --- plain values and back ------------------------------------------------------------------


def _plain(value: Any) -> Any:
    if isinstance(value, (dt.datetime, dt.date)):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, bytes):
        return value.decode()
    raise TypeError(f"cannot keep a {type(value).__name__} in the trash")


def dumps(value: Any) -> str:
    return json.dumps(value, default=_plain)


def typed(table: type[Table], row: dict[str, Any]) -> dict[str, Any]:
    """A row kept as JSON, with each value in its column's type again."""
    columns = {column._meta.name: column for column in table._meta.columns}
    out = {}
    for name, value in row.items():
        column = columns.get(name)
        if column is None:
            continue  # a column dropped since: nothing to put it in
        if value is not None and isinstance(value, str):
            if isinstance(column, (Timestamptz, Timestamp)):
                value = dt.datetime.fromisoformat(value)
            elif isinstance(column, Date):
                value = dt.date.fromisoformat(value)
            elif isinstance(column, (Numeric, DecimalColumn)):
                value = Decimal(value)
        out[name] = value
    return out


# --- capturing ------------------------------------------------------------------------------


async def _existing_tables() -> set[str]:
    if isinstance(runtime.current().engine, SQLiteEngine):
        rows = await fetch("SELECT name FROM sqlite_master WHERE type = 'table'")
    else:
        rows = await fetch("SELECT tablename AS name FROM pg_tables WHERE schemaname = current_schema()")
    return {row["name"] for row in rows}


async def capture(kind_key: str, table_name: str, record_id: int) -> dict[str, Any]:
    """The rows pointing at the record, read inside the deleting transaction before anything
    is deleted: ``{"groups": [...], "nulled": [...]}``. Each group is one table's rows with
    the columns that hold the record's id (and, where rows name records of any kind, the
    column holding the kind)."""
    groups: list[dict[str, Any]] = []
    for name, ends in NAMED_BY_KIND:
        conditions = " OR ".join(f"({kind_col} = {{}} AND {id_col} = {{}})" for id_col, kind_col in ends)
        args = [value for _ in ends for value in (kind_key, record_id)]
        rows = await fetch(f"SELECT * FROM {name} WHERE {conditions}", *args)
        if rows:
            groups.append({"table": name, "refs": [list(end) for end in ends], "rows": rows})
    nulled: list[dict[str, Any]] = []
    found = pointers(table_name)
    # A plugin installed but not migrated yet (or purged) has no table, so nothing of it to keep.
    existing = await _existing_tables() if found else set()
    for pointer in found:
        name = pointer.table._meta.tablename
        if name not in existing:
            continue
        if pointer.cascade:
            rows = await fetch(f'SELECT * FROM {name} WHERE "{pointer.column}" = {{}}', record_id)
            if rows:
                groups.append({"table": name, "refs": [[pointer.column, None]], "rows": rows})
        else:
            rows = await fetch(f'SELECT id FROM {name} WHERE "{pointer.column}" = {{}}', record_id)
            if rows:
                nulled.append({"table": name, "column": pointer.column, "ids": [row["id"] for row in rows]})
    return {"groups": groups, "nulled": nulled}


# --- putting back ---------------------------------------------------------------------------


def _points_at(row: dict[str, Any], refs: list[list[Any]], kind_key: str, record_id: int) -> list[str]:
    """The columns of ``row`` that hold the record's id."""
    return [
        id_col for id_col, kind_col in refs
        if row.get(id_col) == record_id and (kind_col is None or row.get(kind_col) == kind_key)
    ]


async def _existing_ids(table_name: str, ids: list[Any]) -> set[Any]:
    ids = [value for value in dict.fromkeys(ids) if value is not None]
    if not ids:
        return set()
    rows = await fetch(f"SELECT id FROM {table_name} WHERE id IN ({placeholders(ids)})", *ids)
    return {row["id"] for row in rows}


async def _named_ends_exist(rows: list[dict[str, Any]], ends: list[tuple[str, str]]) -> set[tuple[str, Any]]:
    """Which ``(kind, id)`` the rows name are records that exist (or of a kind no enabled
    plugin keeps, which cannot be checked and so are kept), one query per kind."""
    wanted: dict[str, list[Any]] = {}
    for row in rows:
        for id_col, kind_col in ends:
            wanted.setdefault(row[kind_col], []).append(row[id_col])
    found: set[tuple[str, Any]] = set()
    for key, ids in wanted.items():
        kind = kinds.find(key)
        present = set(ids) if kind is None else await _existing_ids(kinds.table_name(kind), ids)
        found |= {(key, value) for value in present}
    return found


async def _keepable(table: type[Table], rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The rows that can be written again: not there already, and every record they point at
    there (the restored one is, by now). A nullable foreign key to a row gone since is left
    empty; a row naming a record gone since is left out. One query per column, not per row."""
    name = table._meta.tablename
    taken = await _existing_ids(name, [row.get("id") for row in rows])
    rows = [row for row in rows if row.get("id") not in taken]
    for column in table._meta.foreign_key_columns:
        column_name = column._meta.name
        target = column._foreign_key_meta.resolved_references._meta.tablename
        present = await _existing_ids(target, [row.get(column_name) for row in rows])
        kept = []
        for row in rows:
            value = row.get(column_name)
            if value is None or value in present:
                kept.append(row)
            elif column._meta.null:
                kept.append(row | {column_name: None})
        rows = kept
    ends = dict(NAMED_BY_KIND).get(name)
    if ends and rows:
        present_ends = await _named_ends_exist(rows, list(ends))
        rows = [row for row in rows if all((row[kind_col], row[id_col]) in present_ends for id_col, kind_col in ends)]
    return rows


async def put_back(links: dict[str, Any], kind_key: str, old_id: int, new_id: int) -> None:
    """Write the captured rows again, pointing at the record under ``new_id`` (its old id
    unless another record took it since), which is written already. Rows that would point at
    a record gone since are left out; inside the restoring transaction."""
    tables = _tables()
    for group in links.get("groups", []):
        table = tables.get(group["table"])
        if table is None:
            continue  # the plugin that kept these rows was removed
        rows = []
        for row in group["rows"]:
            if columns := _points_at(row, group["refs"], kind_key, old_id):
                rows.append(typed(table, row) | dict.fromkeys(columns, new_id))
        rows = await _keepable(table, rows)
        if rows:
            names = sorted({name for row in rows for name in row})
            await insert_rows(group["table"], names, [[row.get(name) for name in names] for row in rows])
    for item in links.get("nulled", []):
        if item["table"] not in tables or not item["ids"]:
            continue
        await execute(
            f'UPDATE {item["table"]} SET "{item["column"]}" = {{}} '
            f'WHERE id IN ({placeholders(item["ids"])}) AND "{item["column"]}" IS NULL',
            new_id, *item["ids"],
        )
