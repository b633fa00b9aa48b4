"""Bulk writes for imports and the bulk API: ids reserved up front, rows sent in batches.

Call these inside a transaction. With ids known before the insert, related rows (tags, audit
entries, search entries) are built without reading anything back.
"""

from __future__ import annotations

import asyncio
import sqlite3
from collections.abc import Mapping, Sequence
from typing import Any

from crm_platform import runtime
from crm_platform.db.engine import PostgresEngine, SQLiteEngine
from crm_platform.db.raw import fetch


async def reserve_ids(table: str, count: int) -> list[int]:
    engine = runtime.current().engine
    if count == 0:
        return []
    if isinstance(engine, SQLiteEngine):
        # The transaction holds SQLite's write lock, so nobody else can take these ids.
        start = (await engine.write(f"SELECT coalesce(max(id), 0) AS m FROM {table}"))[0]["m"]
        return list(range(start + 1, start + count + 1))
    rows = await fetch(
        f"SELECT nextval(pg_get_serial_sequence('{table}', 'id')) AS id FROM generate_series(1, {{}})", count
    )
    return [row["id"] for row in rows]


def stored(value: Any) -> Any:
    """``value`` in the form the engine stores, for a value many rows share (a bulk write's
    timestamp): the sqlite3 module would otherwise adapt a datetime in Python once per row."""
    if isinstance(runtime.current().engine, SQLiteEngine):
        return sqlite3.adapt(value)
    return value


class Inserts:
    """Row inserts that start as they are added, so the caller builds the next rows while the
    database writes these. Use inside a transaction and await :meth:`done` before the
    transaction ends; it raises the first failure.

    On SQLite each batch goes to the writer thread at once, as multi-row ``INSERT``
    statements. The sqlite3 module releases the GIL while SQLite works, so building and
    writing use both cores; and one statement for many rows lets SQLite's full-text index
    flush once per statement rather than once per row. On PostgreSQL the batches are sent in
    order by :meth:`done` (a connection runs one statement at a time).
    """

    def __init__(self) -> None:
        self._engine = runtime.current().engine
        if self._engine.current_transaction.get() is None:
            raise RuntimeError("bulk inserts need a transaction")
        self._started: list[asyncio.Future[None]] = []
        self._waiting: list[tuple[str, Sequence[str], Sequence[Sequence[Any]]]] = []

    def add(
        self, table: str, columns: Sequence[str], rows: Sequence[Sequence[Any]], same: Mapping[str, Any] | None = None
    ) -> None:
        """Insert ``rows`` (values in ``columns`` order) into ``table``; ``same`` maps further
        columns to the one value every row has (on SQLite it is sent once per statement)."""
        if not rows:
            return
        if isinstance(self._engine, SQLiteEngine):
            statements = _sqlite_inserts(self._engine, table, columns, rows, same or {})
            self._started.append(self._engine.start_writes(statements))
        elif same:
            self._waiting.append((table, (*columns, *same), [(*row, *same.values()) for row in rows]))
        else:
            self._waiting.append((table, columns, rows))

    async def done(self) -> None:
        started, self._started = self._started, []
        outcomes = await asyncio.gather(*started, return_exceptions=True)
        for outcome in outcomes:
            if isinstance(outcome, BaseException):
                raise outcome
        waiting, self._waiting = self._waiting, []
        for table, columns, rows in waiting:
            await _postgres_insert(self._engine, table, columns, rows)


async def insert_rows(
    table: str, columns: Sequence[str], rows: Sequence[Sequence[Any]], same: Mapping[str, Any] | None = None
) -> None:
    """Insert ``rows`` (values in ``columns`` order, plus the ``same`` values in every row) in as
    few statements as the engine allows."""
    inserts = Inserts()
    inserts.add(table, columns, rows, same)
    await inserts.done()


def _sqlite_inserts(
    engine: SQLiteEngine, table: str, columns: Sequence[str], rows: Sequence[Sequence[Any]], same: Mapping[str, Any]
) -> list[tuple[str, list[Any]]]:
    quoted = ", ".join(f'"{column}"' for column in (*columns, *same))
    one_row = "(" + ", ".join("?" for _ in columns) + ")"
    per_statement = max(1, (engine.max_variables - len(same)) // len(columns))
    # Every value bound is copied by SQLite while the writer holds the GIL, so the values all
    # rows share are bound once: ``SELECT *, ?`` adds them to each row of the VALUES list.
    head = f"INSERT INTO {table} ({quoted}) "
    if same:
        head += "SELECT *" + ", ?" * len(same) + " FROM (VALUES {})"
    else:
        head += "VALUES {}"
    statements = []
    for start in range(0, len(rows), per_statement):
        chunk = rows[start : start + per_statement]
        values = [*same.values()]
        for row in chunk:
            values += row
        statements.append((head.format(", ".join([one_row] * len(chunk))), values))
    return statements


async def _postgres_insert(
    engine: PostgresEngine, table: str, columns: Sequence[str], rows: Sequence[Sequence[Any]]
) -> None:
    transaction = engine.current_transaction.get()
    quoted = ", ".join(f'"{column}"' for column in columns)
    placeholders = ", ".join(f"${index}" for index in range(1, len(columns) + 1))
    engine.statements_run += 1
    await transaction.connection.executemany(
        f"INSERT INTO {table} ({quoted}) VALUES ({placeholders})", [tuple(row) for row in rows]
    )
