"""``/api/v1/users`` (admins: users, invites, passwords, disabling, hand-over) and
``/api/v1/account/password`` (everyone: their own password)."""

from __future__ import annotations

import datetime as dt
from typing import Any

import msgspec
from litestar import Request, get, patch, post, put
from litestar.params import FromPath, JSONBody
from litestar.status_codes import HTTP_204_NO_CONTENT

from crm_platform import runtime
from crm_platform.users import accounts, handover, invites
from crm_platform.users.auth import CurrentPrincipal


class UserOut(msgspec.Struct):
    id: int
    email: str
    display_name: str
    role: str
    team: str | None
    is_active: bool


class UserChange(msgspec.Struct, forbid_unknown_fields=True):
    """What to change; the fields left out stay as they are. ``team`` ``""`` leaves every team."""

    role: str | None = None
    team: str | None = None
    is_active: bool | None = None


class PasswordIn(msgspec.Struct, forbid_unknown_fields=True):
    password: str


class OwnPasswordIn(msgspec.Struct, forbid_unknown_fields=True):
    current_password: str
    new_password: str


class InviteIn(msgspec.Struct, forbid_unknown_fields=True):
    email: str
    role: str = "member"
    team: str | None = None
    display_name: str = ""


class InviteMessageOut(msgspec.Struct):
    to: str
    subject: str
    text: str


class InviteOut(msgspec.Struct):
    user_id: int
    email: str
    # The one-time link; it is shown once and only its hash is kept.
    url: str
    expires_at: dt.datetime
    message: InviteMessageOut
    # Whether the message went out by email (SMTP is on); otherwise pass the link on yourself.
    emailed: bool


class HandOverIn(msgspec.Struct, forbid_unknown_fields=True):
    """One of ``to_user_id`` (everything to that user) or ``team_id`` (round-robin across
    the team's active members)."""

    to_user_id: int | None = None
    team_id: int | None = None


class HandOverOut(msgspec.Struct):
    from_user_id: int
    to_user_ids: list[int]
    # Records moved, by record kind (``contact``, ``activity``, ``sales.deal`` ...).
    moved: dict[str, int]
    total: int


def _user_out(row: dict[str, Any]) -> UserOut:
    return UserOut(id=row["id"], email=row["email"], display_name=row["display_name"], role=row["role"],
                   team=row["team_name"], is_active=row["is_active"])


def public_base_url(request: Request) -> str:
    return runtime.current().settings.base_url or str(request.base_url)


@get("/api/v1/users", tags=["users"])
async def list_users(principal: CurrentPrincipal) -> list[UserOut]:
    """Every user, active or not, by name. Admins only."""
    accounts.require_admin(principal, "list users")
    return [_user_out(row) for row in await accounts.all_users()]


@patch("/api/v1/users/{user_id:int}", tags=["users"])
async def change_user(principal: CurrentPrincipal, user_id: FromPath[int], data: JSONBody[UserChange]) -> UserOut:
    """Change a user's role, team or active state. Disabling (``"is_active": false``) ends the
    user's sessions and revokes their API tokens for good: enabling them again brings neither
    back, they sign in anew."""
    return _user_out(await accounts.change_user(principal, user_id, role=data.role, team=data.team,
                                                active=data.is_active))


@put("/api/v1/users/{user_id:int}/password", tags=["users"], status_code=HTTP_204_NO_CONTENT)
async def set_password(principal: CurrentPrincipal, user_id: FromPath[int], data: JSONBody[PasswordIn]) -> None:
    """Set a user's password (checked against the password policy; 422 naming ``password``).
    Their sessions end."""
    accounts.require_admin(principal, "set other users' passwords")
    await accounts.set_password(principal, user_id, data.password)


@put("/api/v1/account/password", tags=["users"], status_code=HTTP_204_NO_CONTENT)
async def change_own_password(principal: CurrentPrincipal, data: JSONBody[OwnPasswordIn]) -> None:
    """Change your own password, giving the current one (422 naming ``current_password`` when
    it is wrong, ``new_password`` when the new one breaks the policy). Your sessions end."""
    await accounts.change_own_password(principal, data.current_password, data.new_password)


@post("/api/v1/users/invites", tags=["users"], status_code=201)
async def invite_user(request: Request, principal: CurrentPrincipal, data: JSONBody[InviteIn]) -> InviteOut:
    """Invite a user by email: the answer holds the one-time link (valid 72 hours) through
    which they set their password, and the message to send them."""
    accounts.require_admin(principal, "invite users")
    invite = await invites.invite(principal, data.email, base_url=public_base_url(request), role=data.role,
                                  team=data.team, display_name=data.display_name)
    message = invites.invite_message(invite, principal.display_name)
    emailed = await invites.send_invite(invite, principal.display_name)
    return InviteOut(user_id=invite.user_id, email=invite.email, url=invite.url, expires_at=invite.expires_at,
                     message=InviteMessageOut(to=message.to, subject=message.subject, text=message.text),
                     emailed=emailed)


@post("/api/v1/users/{user_id:int}/hand-over", tags=["users"], status_code=200)
async def hand_over(principal: CurrentPrincipal, user_id: FromPath[int], data: JSONBody[HandOverIn]) -> HandOverOut:
    """Hand over the user's open records of every kind (contacts, companies, open tasks and
    follow-ups, open deals ...) to one user or round-robin across a team, in one step."""
    done = await handover.hand_over(principal, user_id, to_user_id=data.to_user_id, team_id=data.team_id)
    return HandOverOut(from_user_id=done.from_user_id, to_user_ids=done.to_user_ids, moved=done.moved,
                       total=done.total)


HANDLERS = [list_users, change_user, set_password, change_own_password, invite_user,
            hand_over]
