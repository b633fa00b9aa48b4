"""Telling plugins which records a user is about to be shown (``crm_records_read``), so a
plugin can keep a read audit and mask values in the answer."""

from __future__ import annotations

from typing import Any

from crm_hookspecs import Principal

from crm_platform import runtime


async def announce_read(
    principal: Principal, record_type: str, records: list[dict[str, Any]], surface: str, request: Any = None
) -> None:
    """Call every enabled plugin's ``crm_records_read`` once for ``records``; a plugin may
    change values in them (in place) for this answer only."""
    if not records:
        return
    await runtime.current().host.call(
        "crm_records_read", principal=principal, record_type=record_type, records=records, surface=surface,
        request=request,
    )


async def announce_history(
    principal: Principal, record_type: str, record_id: int, entries: list[dict[str, Any]], request: Any = None
) -> None:
    """Show the record's audit history to plugins as the past versions of its custom fields
    (surface ``"history"``): each ``from`` and ``to`` of a ``custom`` change is a record
    ``{"id", "custom"}`` whose values a plugin may mask, in the entries themselves."""
    versions = []
    for entry in entries:
        change = (entry.get("changes") or {}).get("custom")
        if isinstance(change, dict):
            versions += [{"id": record_id, "custom": side} for side in (change.get("from"), change.get("to"))
                         if isinstance(side, dict) and side]
    await announce_read(principal, record_type, versions, "history", request)
