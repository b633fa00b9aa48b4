"""Creating users, checking passwords, issuing and revoking API tokens."""

from __future__ import annotations

import contextlib
import datetime as dt
import hashlib
import secrets
from collections.abc import Iterator
from contextvars import ContextVar
from dataclasses import dataclass
from typing import Any

from crm_hookspecs import ALL_ROLES, Principal
from email_validator import EmailNotValidError, validate_email

from crm_platform.db.raw import fetch
from crm_platform.db.unit import unit_of_work
from crm_platform.errors import Conflict, NotFound, invalid
from crm_platform.regional import preferences as regional
from crm_platform.users import passwords, security_events
from crm_platform.users.tables import ApiToken, Team, User

TOKEN_PREFIX = "crm_"
MIN_PASSWORD_LENGTH = passwords.MIN_PASSWORD_LENGTH


def hash_token(token: str) -> str:
    # Tokens are 256 random bits, so a fast hash is enough; it keeps lookups one indexed read.
    return hashlib.sha256(token.encode()).hexdigest()


def normalise_email(address: str, field: str = "email") -> str:
    try:
        return validate_email(address, check_deliverability=False).normalized.lower()
    except EmailNotValidError as exc:
        raise invalid(field, str(exc)) from None


def principal_from_row(row: dict[str, Any]) -> Principal:
    return Principal(
        id=row["id"],
        email=row["email"],
        display_name=row["display_name"],
        role=row["role"],
        team_id=row.get("team"),
    )


async def team_id_for(name: str | None) -> int | None:
    if not name:
        return None
    existing = await Team.select(Team.id).where(Team.name == name).first()
    if existing:
        return existing["id"]
    created = await Team.insert(Team(name=name))
    return created[0]["id"]


async def create_user(
    email: str,
    password: str,
    role: str = "member",
    display_name: str = "",
    team: str | None = None,
    *,
    actor_id: int | None = None,
) -> Principal:
    """Create a user who signs in with ``email`` and ``password`` (checked against the
    password policy); ``actor_id`` is the admin who did it, for the audit log."""
    email = normalise_email(email)
    if role not in ALL_ROLES:
        raise invalid("role", f"must be one of {', '.join(ALL_ROLES)}")
    passwords.check(password, email)
    if await User.exists().where(User.email == email):
        raise Conflict(f"a user with email {email} already exists")
    user = User(
        email=email,
        display_name=display_name or email.split("@")[0],
        password_hash=await passwords.hash_password(password),
        role=role,
    )
    async with unit_of_work():
        user.team = await team_id_for(team)
        await user.save()
        await security_events.record(actor_id, user.id, security_events.CREATED, email=email, role=role,
                                     team=team or None)
    return principal_from_row({**user.to_dict(), "team": user.team})


@dataclass(frozen=True)
class LoginCheck:
    """The outcome of checking an email and password: the principal when they match an
    active account; the id of the account named, matched or not, when there is one."""

    principal: Principal | None
    user_id: int | None
    session_version: int = 0


async def check_login(email: str, password: str) -> LoginCheck:
    row = await User.select().where(User.email == email.strip().lower()).first()
    if row is None or not row["is_active"] or not row["password_hash"]:  # unknown, disabled, invited
        await passwords.spend_one_check(password)
        return LoginCheck(None, row["id"] if row else None)
    if not await passwords.verify_password(password, row["password_hash"]):
        return LoginCheck(None, row["id"])
    return LoginCheck(principal_from_row(row), row["id"], row["session_version"])


async def authenticate(email: str, password: str) -> Principal | None:
    return (await check_login(email, password)).principal


async def user_by_email(email: str) -> dict[str, Any]:
    row = await User.select().where(User.email == email.strip().lower()).first()
    if row is None:
        raise NotFound("user", email)
    return row


async def create_token(email: str, name: str = "") -> str:
    """Issue a token for the user; only its hash is stored, so it is shown once."""
    user = await user_by_email(email)
    token = TOKEN_PREFIX + secrets.token_urlsafe(32)
    await ApiToken.insert(
        ApiToken(user=user["id"], name=name, token_hash=hash_token(token), prefix=token[:12])
    )
    return token


async def revoke_token(token_or_prefix: str) -> int:
    """Revoke by the full token or by its 12-character prefix; returns how many were revoked."""
    condition = (
        ApiToken.token_hash == hash_token(token_or_prefix)
        if len(token_or_prefix) > 12
        else ApiToken.prefix == token_or_prefix
    )
    open_tokens = await ApiToken.select(ApiToken.id).where(condition & ApiToken.revoked_at.is_null())
    if open_tokens:
        await ApiToken.update({ApiToken.revoked_at: dt.datetime.now(dt.UTC)}).where(
            ApiToken.id.is_in([row["id"] for row in open_tokens])
        )
    return len(open_tokens)


_PRINCIPAL_BY_TOKEN = (
    f"SELECT u.id, u.email, u.display_name, u.role, u.team, {regional.PRINCIPAL_COLUMNS} FROM crm_api_token t "
    "JOIN crm_user u ON u.id = t.\"user\" "
    "WHERE t.token_hash = {} AND t.revoked_at IS NULL AND u.is_active = {}"
)


async def principal_for_token(token: str) -> Principal | None:
    """The user behind a live token, in one indexed query."""
    rows = await fetch(_PRINCIPAL_BY_TOKEN, hash_token(token), True)
    if not rows:
        return None
    # The same statement read the user's regional preferences: they hold for this request.
    regional.remember(regional.from_row(rows[0]))
    return principal_from_row(rows[0])


async def principal_for_session(user_id: int, session_version: int) -> Principal | None:
    """The user behind a web session, while the session is as new as the user's last
    disabling or password change."""
    rows = await fetch(
        f"SELECT u.id, u.email, u.display_name, u.role, u.team, {regional.PRINCIPAL_COLUMNS} FROM crm_user u "
        "WHERE u.id = {} AND u.is_active = {} AND u.session_version = {}", user_id, True, session_version,
    )
    if not rows:
        return None
    regional.remember(regional.from_row(rows[0]))
    return principal_from_row(rows[0])


async def principal_for_user_id(user_id: int) -> Principal | None:
    row = await User.select(User.id, User.email, User.display_name, User.role, User.team).where(
        (User.id == user_id) & (User.is_active == True)  # noqa: E712
    ).first()
    return principal_from_row(row) if row else None


# Team members by team, read once per request: access checks ask for them for every record
# a request touches. Outside a request (jobs, the CLI) there is no cache and each call reads.
_request_teams: ContextVar[dict[int | None, list[int]] | None] = ContextVar("crm_request_teams", default=None)


@contextlib.contextmanager
def request_cache() -> Iterator[None]:
    """Give the request handled inside the block its own, empty, team cache."""
    token = _request_teams.set({})
    try:
        yield
    finally:
        _request_teams.reset(token)


async def team_member_ids(principal: Principal) -> list[int]:
    """The users whose records a member sees: themselves and their team."""
    if principal.team_id is None:
        return [principal.id]
    cache = _request_teams.get()
    if cache is None or principal.team_id not in cache:
        rows = await User.select(User.id).where(User.team == principal.team_id)
        members = [row["id"] for row in rows]
        if cache is None:
            return sorted({principal.id, *members})
        cache[principal.team_id] = members
    return sorted({principal.id, *cache[principal.team_id]})
