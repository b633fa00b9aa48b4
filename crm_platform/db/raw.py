"""Raw SQL on either engine (reads, writes) and the steps of hand-written migrations."""

from __future__ import annotations

import functools
import json
import re
from collections.abc import Awaitable, Callable, Iterable
from typing import Any

from piccolo.engine import engine_finder
from piccolo.querystring import QueryString

from crm_platform.db.engine import Engine, SQLiteEngine

_INDEX_NAME = re.compile(r"CREATE\s+(?:UNIQUE\s+)?INDEX\s+(\w+)", re.IGNORECASE)


def execute_each(statements: Iterable[str]) -> Callable[[], Awaitable[None]]:
    """A migration step that runs each statement in order on the configured engine."""
    statements = list(statements)

    async def run() -> None:
        engine = engine_finder()
        for statement in statements:
            await engine.run_ddl(statement)

    return run


def drop_indexes(statements: Iterable[str]) -> Callable[[], Awaitable[None]]:
    """The backwards step of :func:`execute_each` for ``CREATE INDEX`` statements."""
    names = [match.group(1) for statement in statements if (match := _INDEX_NAME.search(statement))]
    return execute_each(f"DROP INDEX IF EXISTS {name}" for name in reversed(names))


def add_tables(manager: Any, tables: Iterable[Any]) -> None:
    """Add ``tables`` (a migration's frozen copies of Piccolo tables) to ``manager`` column by
    column, the way Piccolo records them, so later migrations see them as created."""
    for table in tables:
        class_name, tablename = table.__name__, table._meta.tablename
        manager.add_table(class_name=class_name, tablename=tablename, schema=None, columns=None)
        for column in table._meta.non_default_columns:
            manager.add_column(
                table_class_name=class_name, tablename=tablename, column_name=column._meta.name,
                db_column_name=column._meta.db_column_name, column_class_name=type(column).__name__,
                column_class=type(column), params=column._meta.params, schema=None,
            )


def placeholders(values: list[Any] | tuple[Any, ...]) -> str:
    """``{}, {}, {}`` for an ``IN (...)`` list of ``values``."""
    return ", ".join("{}" for _ in values)


async def fetch(template: str, *args: object) -> list[dict]:
    """Run a read-only query written with ``{}`` placeholders, on either engine.

    Piccolo runs ``Table.raw`` as a possible write; this marks the query as a read so the
    SQLite engine answers it from the reader connection.
    """
    engine = _engine()
    if isinstance(engine, SQLiteEngine):
        sql = _sqlite_sql(template)
        if engine.current_transaction.get() is not None:
            return await engine.write(sql, args)
        return engine.read(sql, args)
    querystring = QueryString(template, *args, query_type="select")
    return _as_dicts(await engine.run_querystring(querystring))


def decode_json_columns(row: dict[str, Any], names: Iterable[str]) -> dict[str, Any]:
    """Decode ``row``'s JSON columns in place: SQLite returns them as text, asyncpg as values."""
    for name in names:
        if isinstance(row.get(name), str):
            row[name] = json.loads(row[name])
    return row


def _as_dicts(rows: list) -> list[dict]:
    # SQLite rows are dicts already; asyncpg's records are read-only mappings.
    return [row if isinstance(row, dict) else dict(row) for row in rows or []]


async def execute(template: str, *args: object) -> list[dict]:
    """Run a writing statement written with ``{}`` placeholders, on either engine."""
    engine = _engine()
    if isinstance(engine, SQLiteEngine):
        return await engine.write(_sqlite_sql(template), args)
    return _as_dicts(await engine.run_querystring(QueryString(template, *args, query_type="raw")))


def _engine() -> Engine:
    from crm_platform import runtime

    return runtime.current().engine


@functools.lru_cache(maxsize=512)
def _sqlite_sql(template: str) -> str:
    # Compiling a Piccolo QueryString costs more than running a cached SQLite read; on
    # SQLite the ``{}`` placeholders are simply ``?``.
    return template.replace("{}", "?")
