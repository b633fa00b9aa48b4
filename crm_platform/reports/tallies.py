"""Counts by day kept exact from per-record tallies, for the activity and contact counts.

A record adds one to a few cells of a day table (day, kind, owner, ...). What it added is
kept in a tally row of its own; :func:`reconcile` takes back what the tally says and adds what
the record says now. That is idempotent and needs no "before" values, so an event seen twice
or late still leaves the counts exact.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from crm_hookspecs import Event, Principal
from crm_hookspecs.events import (
    MergeUndone,
    RecordCreated,
    RecordDeleted,
    RecordRestored,
    RecordsMerged,
    RecordUpdated,
)

from crm_platform.db.raw import execute, fetch, placeholders
from crm_platform.db.unit import unit_of_work
from crm_platform.records import access, kinds
from crm_platform.reports.periods import on_postgres

# Records per statement: well under SQLite's 32,766 bound parameters at eight a row.
CHUNK = 500


@dataclass(frozen=True)
class Tally:
    kind: str  # the record kind counted
    days: str  # the day table: key, the cell's columns, n
    table: str  # the tally table: one row per record
    columns: tuple[str, ...]  # the tally's columns, the record's own first
    cell_columns: tuple[str, ...]  # a cell's columns in the day table, day and kind first
    empty: dict[str, Any]  # the other columns of a tally row that counts nothing yet
    current_sql: Callable[[str], str]  # the tally rows the records give now, for a WHERE
    cells: Callable[[dict[str, Any]], list[tuple[Any, ...]]]  # the cells a tally row adds one to
    cells_sql: str  # the same cells in SQL over the tally table, one row each, for rebuild

    @property
    def record(self) -> str:
        return self.columns[0]


def cell_key(cell: tuple[Any, ...]) -> str:
    """A cell's key in the day table; a part that may hold "|" (a source) comes last."""
    return "|".join(str(part) for part in cell)


def named_ids(event: Event, kind: str) -> list[int]:
    """The records of ``kind`` that ``event`` names as written, deleted, restored or merged."""
    if isinstance(event, RecordCreated | RecordUpdated | RecordDeleted | RecordRestored) and event.kind == kind:
        return [event.record_id]
    if isinstance(event, RecordsMerged | MergeUndone) and event.kind == kind:
        return [event.survivor_id, event.merged_id]
    return []


async def readable_by(tally: Tally, principal: Principal) -> bool:
    """Whether the counts can answer for ``principal``: they know each record's owner, so the
    ownership rule applies to them, but not a team column or a plugin's conditions on other
    columns (the reports then count the records themselves)."""
    kind = kinds.find(tally.kind)
    if kind is not None and kind.team_column:
        return False
    return not await access.conditions(principal, "read", tally.kind)


async def rebuild(tally: Tally) -> int:
    """Recompute every count from the records; the number of records counted."""
    cells = ", ".join(tally.cell_columns)
    key = " || '|' || ".join(tally.cell_columns)  # as cell_key() joins them
    async with unit_of_work():
        if on_postgres():
            # Reconciles wait until the new counts are in, then correct what changed since.
            await execute(f"LOCK TABLE {tally.table}, {tally.days} IN EXCLUSIVE MODE")
        await execute(f"DELETE FROM {tally.days}")
        await execute(f"DELETE FROM {tally.table}")
        await execute(f"INSERT INTO {tally.table} ({', '.join(tally.columns)}) {tally.current_sql('')}")
        await execute(
            f"INSERT INTO {tally.days} (key, {cells}, n) "
            f"SELECT {key}, {cells}, count(*) "
            f"FROM ({tally.cells_sql}) AS cells GROUP BY {cells}"
        )
        rows = await fetch(f"SELECT count(*) AS n FROM {tally.table}")
    return int(rows[0]["n"])


async def reconcile(tally: Tally, ids: Iterable[int]) -> None:
    """Bring the counts of records ``ids`` in line with what they are now."""
    unique = sorted({int(i) for i in ids})
    for start in range(0, len(unique), CHUNK):
        await _reconcile_chunk(tally, unique[start:start + CHUNK])


async def _reconcile_chunk(tally: Tally, ids: list[int]) -> None:
    record, table, days = tally.record, tally.table, tally.days
    async with unit_of_work():
        # An empty tally row first: it takes the write lock on these records (SQLite's
        # writer, PostgreSQL's row locks), so two reconciles of one record cannot both take
        # back the same counts.
        empty_row = "(" + ", ".join(["{}"] * (1 + len(tally.empty))) + ")"
        await execute(
            f"INSERT INTO {table} ({record}, {', '.join(tally.empty)}) VALUES "
            f"{', '.join(empty_row for _ in ids)} ON CONFLICT ({record}) DO NOTHING",
            *[value for i in ids for value in (i, *tally.empty.values())],
        )
        lock = " FOR UPDATE" if on_postgres() else ""
        before = await fetch(f"SELECT * FROM {table} WHERE {record} IN ({placeholders(ids)}){lock}", *ids)
        now = await fetch(tally.current_sql(f"WHERE id IN ({placeholders(ids)})"), *ids)
        delta: Counter[tuple[Any, ...]] = Counter()
        for row in before:
            delta.subtract(tally.cells(row))
        for row in now:
            delta.update(tally.cells(row))
        changed = [(cell, n) for cell, n in delta.items() if n]
        if changed:
            cell_row = "(" + ", ".join(["{}"] * (len(tally.cell_columns) + 2)) + ")"
            await execute(
                f"INSERT INTO {days} (key, {', '.join(tally.cell_columns)}, n) VALUES "
                f"{', '.join(cell_row for _ in changed)} "
                f"ON CONFLICT (key) DO UPDATE SET n = {days}.n + excluded.n",
                *[value for cell, n in changed for value in (cell_key(cell), *cell, n)],
            )
        if now:
            await execute(
                f"INSERT INTO {table} ({', '.join(tally.columns)}) VALUES "
                f"{', '.join('(' + placeholders(tally.columns) + ')' for _ in now)} "
                f"ON CONFLICT ({record}) DO UPDATE SET "
                + ", ".join(f"{column} = excluded.{column}" for column in tally.columns[1:]),
                *[row[column] for row in now for column in tally.columns],
            )
        gone = sorted(set(ids) - {int(row[record]) for row in now})
        if gone:
            await execute(f"DELETE FROM {table} WHERE {record} IN ({placeholders(gone)})", *gone)
