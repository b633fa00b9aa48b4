"""Writing and reading the audit log."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

from crm_platform import runtime
from crm_platform.audit import chain
from crm_platform.audit.tables import ACTION_LENGTH, AuditEntry
from crm_platform.db.engine import SQLiteEngine
from crm_platform.db.raw import execute, placeholders
from crm_platform.db.unit import current_unit


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
    """Append one entry; call inside the transaction that made the change. In a unit of work
    the entry is written as it commits; outside one, at once in a transaction of its own."""
    if len(action) > ACTION_LENGTH:
        raise ValueError(f"audit action {action!r} is longer than {ACTION_LENGTH} characters")
    row = (dt.datetime.now(dt.UTC), actor_id, record_type, record_id, action, json.dumps(changes or {}, default=str))
    await _append([row])


async def add_many(columns: tuple[str, ...], rows: list[tuple[Any, ...]], same: dict[str, Any]) -> None:
    """Append many entries (values in ``columns`` order, plus ``same`` in every row; ``changes``
    as the JSON text to store), for the bulk paths."""
    if rows:
        await _append(chain.entries(columns, rows, same))


async def _append(rows: list[tuple[Any, ...]]) -> None:
    work = current_unit()
    if work is not None:
        work.audit.extend(rows)
        return
    engine = runtime.current().engine
    async with engine.transaction():  # joins the caller's transaction when there is one
        await chain.append(engine, rows)


async def remove(record_type: str, record_ids: list[int]) -> list[list[Any]]:
    """Delete the entries about these records (an erasure's, nothing else rewrites the log) and
    return ``[seq, entry_hash]`` of each, for the tombstone that keeps the chain whole.

    On PostgreSQL through ``crm_audit_erase`` (migration 0029), which runs with the migrating
    role's rights: the application's role may hold no DELETE on the log (docs/deployment.md)."""
    if not record_ids:
        return []
    if isinstance(runtime.current().engine, SQLiteEngine):
        gone = await execute(f"DELETE FROM crm_audit_entry WHERE record_type = {{}} "
                             f"AND record_id IN ({placeholders(record_ids)}) RETURNING seq, entry_hash",
                             record_type, *record_ids)
    else:
        gone = await execute("SELECT erased_seq AS seq, erased_hash AS entry_hash "
                             "FROM crm_audit_erase({}, {}::bigint[])", record_type, list(record_ids))
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
