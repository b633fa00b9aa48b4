"""Round robin within a team: a new ticket for a team, assigned to nobody, goes to the team's
next active member after the one who got the team's last ticket. Inactive users (who left, or
are away with their account switched off) are skipped."""

from __future__ import annotations

from crm_platform.toolkit import fetch, get_users, list_teams, setting


async def next_agent(team_id: int) -> int | None:
    team = next((team for team in await list_teams() if team["id"] == team_id), None)
    if team is None or not team["member_ids"]:
        return None
    users = await get_users(list(team["member_ids"]))
    active = sorted(user_id for user_id, user in users.items() if user["is_active"])
    if not active:
        return None
    last = await fetch(
        "SELECT owner FROM desk_ticket WHERE team_id = {} AND owner IS NOT NULL ORDER BY id DESC LIMIT 1", team_id
    )
    after = last[0]["owner"] if last else None
    return next((user_id for user_id in active if after is not None and user_id > after), active[0])


async def round_robin_on() -> bool:
    return bool(await setting("desk", "round_robin"))
