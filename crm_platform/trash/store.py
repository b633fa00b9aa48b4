"""Putting a deleted record in the trash, inside the transaction that deletes it."""

from __future__ import annotations

import datetime as dt
from typing import Any

from crm_platform import clock
from crm_platform.db.raw import execute
from crm_platform.instance import settings
from crm_platform.trash.capture import dumps

KEEP_DAYS_KEY = "trash_keep_days"
KEEP_DAYS_DEFAULT = 30


async def keep_days() -> int:
    """How many days a deleted record stays restorable (the core's ``trash_keep_days``)."""
    return int(await settings.get_setting("core", KEEP_DAYS_KEY))


async def keep(
    actor_id: int | None, kind: str, record_id: int, *, title: str, owner: int | None,
    row: dict[str, Any], links: dict[str, Any],
) -> int:
    """Store the record's row and what pointed at it; returns the trash entry's id."""
    now = clock.now()
    expires = now + dt.timedelta(days=await keep_days())
    inserted = await execute(
        "INSERT INTO crm_trash (kind, record_id, title, owner, row_data, links, deleted_by, deleted_at, expires) "
        "VALUES ({}, {}, {}, {}, {}, {}, {}, {}, {}) RETURNING id",
        kind, record_id, title[:300], owner, dumps(row), dumps(links), actor_id, now, expires,
    )
    return inserted[0]["id"]
