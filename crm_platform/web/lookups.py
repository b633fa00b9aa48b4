"""Small reads many pages share: users for owner pickers, custom field definitions."""

from __future__ import annotations

from typing import Any

from crm_platform.db.raw import fetch


async def active_users() -> list[dict[str, Any]]:
    """Every active user by name, for owner filters and pickers (one query)."""
    return await fetch(
        'SELECT id, display_name, email, role, team FROM crm_user WHERE is_active = {} ORDER BY display_name, id', True
    )


def names_by_id(users: list[dict[str, Any]]) -> dict[int, str]:
    return {user["id"]: user["display_name"] for user in users}
