"""Whether the instance's database holds data a restore would replace."""

from __future__ import annotations

from crm_platform import runtime
from crm_platform.db.engine import SQLiteEngine
from crm_platform.db.raw import fetch

# Piccolo's record of migrations run: a migrated database with nothing in it is empty.
_BOOKKEEPING = {"migration"}


async def database_is_empty() -> bool:
    if isinstance(runtime.current().engine, SQLiteEngine):
        tables = await fetch("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' "
                             "AND sql NOT LIKE 'CREATE VIRTUAL TABLE%' AND name NOT LIKE '%fts_%'")
    else:
        tables = await fetch("SELECT tablename AS name FROM pg_tables WHERE schemaname = current_schema()")
    for name in sorted(row["name"] for row in tables if row["name"] not in _BOOKKEEPING):
        if await fetch(f'SELECT 1 AS held FROM "{name}" LIMIT 1'):
            return False
    return True
