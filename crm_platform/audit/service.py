"""Writing and reading the audit log."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

from crm_platform import runtime
from crm_platform.audit import chain
from crm_platform.audit.tables import ACTION_LENGTH, AuditEntry
from crm_platform.db.bulk import Inserts, insert_rows
from crm_platform.db.engine import SQLiteEngine
from crm_platform.db.raw import execute

_INSERT = (
    "INSERT INTO crm_audit_entry (at, actor_id, record_type, record_id, action, changes, seq, prev_hash, entry_hash) "
    "VALUES ({}, {}, {}, {}, {}, {}, {}, {}, {})"
)


def _plain(value: Any) -> Any:
    if isinstance(value, (dt.date, dt.datetime)):
        return value.isoformat()
    return value


def diff(before: dict[str, Any], after: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """``{field: {"from": old, "to": new}}`` for the fields of ``after`` that changed."""
    return {
        name: {"from": _plain(before.get(name)), "to": _plain(value)}
        for name, value in after.items()
        if before.get(name) != value
    }


async def record(
    actor_id: int | None,
    record_type: str,
    record_id: int,
    action: str,
    changes: dict[str, Any] | None = None,
) -> None:
    """Append one entry; call inside the transaction that made the change (outside one, the
    entry is written in a transaction of its own)."""
    if len(action) > ACTION_LENGTH:
        raise ValueError(f"audit action {action!r} is longer than {ACTION_LENGTH} characters")
    engine = runtime.current().engine
    at = dt.datetime.now(dt.UTC)
    text = json.dumps(changes or {}, default=str)
    async with engine.transaction():  # joins the caller's transaction when there is one
        start = await chain.head(engine)
        [(seq, prev_hash, entry_hash)] = chain.link(start, [{
            "at": at, "actor_id": actor_id, "record_type": record_type, "record_id": record_id,
            "action": action, "changes": text,
        }])
        await execute(_INSERT, chain.stored_moment(engine, at), actor_id, record_type, record_id, action, text,
                      seq, prev_hash, entry_hash)


async def add_many(
    inserts: Inserts, columns: tuple[str, ...], rows: list[tuple[Any, ...]], same: dict[str, Any]
) -> None:
    """Append many entries (values in ``columns`` order, plus ``same`` in every row), chained,
    for the bulk paths; ``changes`` is the JSON text to store.

    On SQLite they join ``inserts``' queue on the writer, ahead of any later read of the chain;
    on PostgreSQL they are written at once, so the next append finds them as the chain's head.
    """
    if not rows:
        return
    engine = runtime.current().engine
    chained_columns, chained = await chain.chained_rows(engine, columns, rows, same)
    if isinstance(engine, SQLiteEngine):
        inserts.add("crm_audit_entry", chained_columns, chained, same)
    else:
        await insert_rows("crm_audit_entry", chained_columns, chained, same)


async def remove(where: str, *args: Any) -> list[list[Any]]:
    """Delete the entries matching ``where`` (an erasure's, nothing else rewrites the log) and
    return ``[seq, entry_hash]`` of each, for the tombstone that keeps the chain whole."""
    engine = runtime.current().engine
    await chain.head(engine)  # holds the chain until the tombstone is written
    gone = await execute(f"DELETE FROM crm_audit_entry WHERE {where} RETURNING seq, entry_hash", *args)
    return [[row["seq"], row["entry_hash"]] for row in gone if row["seq"] is not None]


async def history(record_type: str, record_id: int, limit: int = 100) -> list[dict[str, Any]]:
    """Newest first."""
    rows = (
        await AuditEntry.select(
            AuditEntry.id, AuditEntry.at, AuditEntry.actor_id, AuditEntry.record_type, AuditEntry.record_id,
            AuditEntry.action, AuditEntry.changes,
        )
        .where((AuditEntry.record_type == record_type) & (AuditEntry.record_id == record_id))
        .order_by(AuditEntry.at, ascending=False)
        .order_by(AuditEntry.id, ascending=False)
        .limit(limit)
        .output(load_json=True)
    )
    return rows
