"""What admins change about a user (role, team, password, disabled or enabled), and the
password people change themselves. Every change is a security event (audit + log)."""

from __future__ import annotations

from typing import Any

from crm_hookspecs import ALL_ROLES, Principal

from crm_platform import clock
from crm_platform.db.raw import execute, fetch
from crm_platform.db.unit import unit_of_work
from crm_platform.errors import Forbidden, Invalid, NotFound
from crm_platform.users import passwords, security_events
from crm_platform.users.service import team_id_for
from crm_platform.users.tables import Team, User


def require_admin(principal: Principal, what: str = "change users") -> None:
    if principal.role != "admin":
        raise Forbidden(f"only admins can {what}")


async def get_user(user_id: int) -> dict[str, Any]:
    rows = await fetch(
        "SELECT u.id, u.email, u.display_name, u.role, u.team, u.is_active, u.session_version, t.name AS team_name "
        "FROM crm_user u LEFT JOIN crm_team t ON t.id = u.team WHERE u.id = {}", user_id
    )
    if not rows:
        raise NotFound("user", user_id)
    return {**rows[0], "is_active": bool(rows[0]["is_active"])}


async def all_users() -> list[dict[str, Any]]:
    rows = await fetch(
        "SELECT u.id, u.email, u.display_name, u.role, u.team, u.is_active, u.password_hash = {} AS invited, "
        "t.name AS team_name FROM crm_user u LEFT JOIN crm_team t ON t.id = u.team ORDER BY u.display_name, u.id", ""
    )
    return [{**row, "is_active": bool(row["is_active"]), "invited": bool(row["invited"])} for row in rows]


async def _end_sessions_and_tokens(user_id: int, *, tokens: bool) -> None:
    """Every session signed in before now is over; with ``tokens``, every API token too.
    Both stay over: nothing brings them back, enabling the user again included."""
    await execute("UPDATE crm_user SET session_version = session_version + 1 WHERE id = {}", user_id)
    if tokens:
        await execute(
            'UPDATE crm_api_token SET revoked_at = {} WHERE "user" = {} AND revoked_at IS NULL', clock.now(), user_id
        )


async def set_password(actor: Principal | None, user_id: int, password: str) -> None:
    """An admin (or the ``crm`` command, with no actor) sets a user's password; the user's
    sessions end, so whoever knew the old one is signed out."""
    user = await get_user(user_id)
    passwords.check(password, user["email"])
    password_hash = await passwords.hash_password(password)
    async with unit_of_work():
        await User.update({User.password_hash: password_hash}).where(User.id == user_id)
        await _end_sessions_and_tokens(user_id, tokens=False)
        await security_events.record(actor.id if actor else None, user_id, security_events.PASSWORD_SET)


async def change_own_password(principal: Principal, current: str, new: str) -> int:
    """Change the caller's password after checking the current one; returns the new session
    version, which the caller's own session takes so that only the other sessions end."""
    row = await User.select(User.password_hash, User.email).where(User.id == principal.id).first()
    if row is None:
        raise NotFound("user", principal.id)
    if not await passwords.verify_password(current, row["password_hash"]):
        raise Invalid({"current_password": "is not your current password"})
    if new == current:
        raise Invalid({"new_password": "is your current password; choose a new one"})
    passwords.check(new, row["email"], field="new_password")
    password_hash = await passwords.hash_password(new)
    async with unit_of_work():
        await User.update({User.password_hash: password_hash}).where(User.id == principal.id)
        await _end_sessions_and_tokens(principal.id, tokens=False)
        await security_events.record(principal.id, principal.id, security_events.PASSWORD_CHANGED)
    user = await get_user(principal.id)
    return user["session_version"]


async def set_active(actor: Principal | None, user_id: int, active: bool) -> bool:
    """Disable or enable a user; returns whether anything changed. Disabling ends every
    session and revokes every API token for good."""
    user = await get_user(user_id)
    if actor is not None and actor.id == user_id and not active:
        raise Invalid({"is_active": "you cannot disable yourself"})
    if user["is_active"] == active:
        return False
    async with unit_of_work():
        await User.update({User.is_active: active}).where(User.id == user_id)
        if not active:
            await _end_sessions_and_tokens(user_id, tokens=True)
        action = security_events.ENABLED if active else security_events.DISABLED
        await security_events.record(actor.id if actor else None, user_id, action)
    return True


async def change_user(actor: Principal, user_id: int, *, role: str | None = None, team: str | None = None,
                      active: bool | None = None) -> dict[str, Any]:
    """Change what is given of a user's role, team (``""`` for none) and active state."""
    require_admin(actor)
    user = await get_user(user_id)
    if role is not None and role not in ALL_ROLES:
        raise Invalid({"role": f"must be one of {', '.join(ALL_ROLES)}"})
    if role is not None and user_id == actor.id and role != "admin":
        raise Invalid({"role": "you cannot take the admin role from yourself"})
    changes: dict[str, Any] = {}
    values: dict[Any, Any] = {}
    async with unit_of_work():
        if role is not None and role != user["role"]:
            changes["role"], values[User.role] = {"from": user["role"], "to": role}, role
        if team is not None and team.strip() != (user["team_name"] or ""):
            changes["team"] = {"from": user["team_name"], "to": team.strip() or None}
            values[User.team] = await team_id_for(team.strip() or None)  # a new name makes a new team
        if values:
            await User.update(values).where(User.id == user_id)
            await security_events.record(actor.id, user_id, security_events.CHANGED, **changes)
    if active is not None:
        await set_active(actor, user_id, active)
    return await get_user(user_id)


async def user_id_for(email: str) -> int:
    row = await User.select(User.id).where(User.email == email.strip().lower()).first()
    if row is None:
        raise NotFound("user", email.strip().lower())
    return row["id"]


async def team_named(name: str) -> dict[str, Any]:
    row = await Team.select(Team.id, Team.name).where(Team.name == name.strip()).first()
    if row is None:
        raise NotFound("team", name.strip())
    return row
