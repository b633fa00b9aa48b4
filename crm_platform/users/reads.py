"""The people who use the CRM, as plugins read them: public fields only, never a password hash."""

from __future__ import annotations

from typing import Any

from crm_platform.db.raw import fetch, placeholders

_USER_COLUMNS = "id, email, display_name, role, team AS team_id, is_active"


async def get_users(user_ids: list[int]) -> dict[int, dict[str, Any]]:
    """``{id: {"id", "email", "display_name", "role", "team_id", "is_active"}}`` for the users
    among ``user_ids`` that exist, in one query."""
    ids = sorted({user_id for user_id in user_ids if user_id is not None})
    if not ids:
        return {}
    rows = await fetch(f"SELECT {_USER_COLUMNS} FROM crm_user WHERE id IN ({placeholders(ids)})", *ids)
    return {row["id"]: _plain(row) for row in rows}


async def list_users(*, active_only: bool = True) -> list[dict[str, Any]]:
    """Every user (the active ones by default), by display name."""
    where = "WHERE is_active = {} " if active_only else ""
    rows = await fetch(
        f"SELECT {_USER_COLUMNS} FROM crm_user {where}ORDER BY display_name, id", *([True] if active_only else [])
    )
    return [_plain(row) for row in rows]


async def list_teams() -> list[dict[str, Any]]:
    """Every team with its members' ids: ``[{"id", "name", "member_ids"}]``, by name."""
    teams = await fetch("SELECT id, name FROM crm_team ORDER BY name, id")
    members = await fetch("SELECT id, team FROM crm_user WHERE team IS NOT NULL ORDER BY id")
    by_team: dict[int, list[int]] = {}
    for row in members:
        by_team.setdefault(row["team"], []).append(row["id"])
    return [{"id": team["id"], "name": team["name"], "member_ids": by_team.get(team["id"], [])} for team in teams]


def _plain(row: dict[str, Any]) -> dict[str, Any]:
    return {**row, "is_active": bool(row["is_active"])}  # SQLite answers 0 or 1
