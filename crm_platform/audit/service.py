"""Writing and reading the audit log."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

from crm_platform.audit.tables import AuditEntry


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
    """Append one entry; call inside the transaction that made the change."""
    await AuditEntry.insert(
        AuditEntry(
            actor_id=actor_id,
            record_type=record_type,
            record_id=record_id,
            action=action,
            changes=json.dumps(changes or {}, default=str),
        )
    )


async def history(record_type: str, record_id: int, limit: int = 100) -> list[dict[str, Any]]:
    """Newest first."""
    rows = (
        await AuditEntry.select()
        .where((AuditEntry.record_type == record_type) & (AuditEntry.record_id == record_id))
        .order_by(AuditEntry.at, ascending=False)
        .order_by(AuditEntry.id, ascending=False)
        .limit(limit)
        .output(load_json=True)
    )
    return rows
