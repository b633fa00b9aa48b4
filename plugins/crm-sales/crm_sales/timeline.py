"""A deal's own timeline: the activities linked to it that the viewer may see, newest first."""

from __future__ import annotations

from typing import Any

from crm_hookspecs import Principal

from crm_platform.toolkit import get_users, record_timeline
from crm_sales.deals import RECORD_TYPE

TIMELINE_LIMIT = 50


async def deal_timeline(principal: Principal, deal_id: int, limit: int = TIMELINE_LIMIT) -> list[dict[str, Any]]:
    rows, _ = await record_timeline(principal, RECORD_TYPE, deal_id, limit=limit)
    owners = await get_users([row["owner"] for row in rows])
    for row in rows:
        row["owner_name"] = owners[row["owner"]]["display_name"] if row["owner"] in owners else None
    return rows
