"""Names of the people rows are grouped by: users, shown to anyone signed in."""

from __future__ import annotations

from collections.abc import Iterable

from crm_platform.users.reads import get_users

NOBODY = "Nobody"


async def names(user_ids: Iterable[int | None]) -> dict[int | None, str]:
    users = await get_users([user_id for user_id in user_ids if user_id])
    found: dict[int | None, str] = {user_id: user["display_name"] for user_id, user in users.items()}
    found[None] = NOBODY
    return found
