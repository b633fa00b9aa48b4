"""A deal's own timeline: the activities linked to it, newest first."""

from __future__ import annotations

from typing import Any

from crm_platform.toolkit import fetch
from crm_sales.deals import RECORD_TYPE

TIMELINE_LIMIT = 50


async def deal_timeline(deal_id: int, limit: int = TIMELINE_LIMIT) -> list[dict[str, Any]]:
    return await fetch(
        "SELECT a.id, a.type, a.subject, a.body, a.occurred_at, u.display_name AS owner_name "
        "FROM crm_activity_link l JOIN crm_activity a ON a.id = l.activity "
        "LEFT JOIN crm_user u ON u.id = a.owner "
        f"WHERE l.record_type = {{}} AND l.record_id = {{}} ORDER BY l.occurred_at DESC, a.id DESC LIMIT {int(limit)}",
        RECORD_TYPE, deal_id,
    )
