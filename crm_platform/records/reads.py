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
