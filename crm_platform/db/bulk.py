"""Bulk writes for imports and the bulk API: ids reserved up front, rows sent in batches.

Call these inside a transaction. With ids known before the insert, related rows (tags, audit
entries, search entries) are built without reading anything back.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from crm_platform import runtime
from crm_platform.db.engine import SQLiteEngine
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


async def insert_rows(table: str, columns: Sequence[str], rows: Sequence[Sequence[Any]]) -> None:
    """Insert ``rows`` (values in ``columns`` order) in one round trip per batch."""
    if not rows:
        return
    engine = runtime.current().engine
    quoted = ", ".join(f'"{column}"' for column in columns)
    if isinstance(engine, SQLiteEngine):
        placeholders = ", ".join("?" for _ in columns)
        await engine.write_many(f"INSERT INTO {table} ({quoted}) VALUES ({placeholders})", [list(row) for row in rows])
        return
    transaction = engine.current_transaction.get()
    if transaction is None:
        raise RuntimeError("insert_rows needs a transaction")
    placeholders = ", ".join(f"${index}" for index in range(1, len(columns) + 1))
    engine.statements_run += 1
    await transaction.connection.executemany(
        f"INSERT INTO {table} ({quoted}) VALUES ({placeholders})", [tuple(row) for row in rows]
    )
