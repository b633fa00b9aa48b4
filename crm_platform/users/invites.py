"""Invites: an admin names a new user; the user sets their own password through a one-time
link that expires.

The invited user exists at once (so records can be assigned to them) with no password, so
nobody can sign in as them until the link is used. Only the SHA-256 of the link's token is
stored. :func:`invite_message` builds the mail that will carry the link; until mail is sent,
the admin copies the link from the settings page or the ``crm`` command.
"""

from __future__ import annotations

import datetime as dt
import secrets
from dataclasses import dataclass

from crm_hookspecs import ALL_ROLES, Principal

from crm_platform import clock
from crm_platform.db.raw import execute, fetch
from crm_platform.db.unit import unit_of_work
from crm_platform.errors import Conflict, CrmError, Invalid
from crm_platform.mail.config import email_enabled
from crm_platform.mail.outbox import send_email
from crm_platform.users import passwords, security_events
from crm_platform.users.service import hash_token, normalise_email, principal_from_row, team_id_for
from crm_platform.users.tables import User, UserInvite

INVITE_HOURS = 72
INVITE_PATH = "/invite/"


class InviteUnusable(CrmError):
    """The link is unknown, used, superseded or expired; the message says which to tell."""

    status_code = 410


@dataclass(frozen=True)
class Invite:
    user_id: int
    email: str
    display_name: str
    url: str
    expires_at: dt.datetime


@dataclass(frozen=True)
class InviteMessage:
    to: str
    subject: str
    text: str


def invite_message(invite: Invite, inviter: str, site: str = "the CRM") -> InviteMessage:
    """The mail that carries an invite's link: what sending it by email needs, in one call."""
    hours = INVITE_HOURS
    return InviteMessage(
        to=invite.email,
        subject=f"{inviter} invited you to {site}",
        text=(
            f"Hello {invite.display_name},\n\n{inviter} invited you to {site}. Open this link to choose your "
            f"password and sign in:\n\n{invite.url}\n\nThe link works once and expires in {hours} hours "
            f"({invite.expires_at:%Y-%m-%d %H:%M} UTC). If you did not expect it, ignore this message.\n"
        ),
    )


async def send_invite(invite: Invite, inviter: str) -> bool:
    """Email the invite's link when this instance sends email; ``False`` when it does not,
    and the admin passes the link on themselves."""
    if not email_enabled():
        return False
    message = invite_message(invite, inviter)
    await send_email(message.to, message.subject, message.text)
    return True


async def invite(actor: Principal | None, email: str, *, base_url: str, role: str = "member",
                 team: str | None = None, display_name: str = "") -> Invite:
    """Create the user (or, for one invited before who has not joined yet, replace their
    link) and return the new one-time link under ``base_url``."""
    email = normalise_email(email)
    if role not in ALL_ROLES:
        raise Invalid({"role": f"must be one of {', '.join(ALL_ROLES)}"})
    token = secrets.token_urlsafe(32)
    expires_at = clock.now() + dt.timedelta(hours=INVITE_HOURS)
    async with unit_of_work():
        existing = await User.select(User.id, User.password_hash, User.display_name).where(User.email == email).first()
        if existing and existing["password_hash"]:
            raise Conflict(f"{email} has an account already; set their password instead")
        if existing:
            user_id, name = existing["id"], existing["display_name"]
            await execute("UPDATE crm_user_invite SET used_at = {} WHERE \"user\" = {} AND used_at IS NULL",
                          clock.now(), user_id)
        else:
            name = display_name or email.split("@")[0]
            user = User(email=email, display_name=name, password_hash="", role=role,
                        team=await team_id_for(team))
            await user.save()
            user_id = user.id
        await UserInvite.insert(UserInvite(user=user_id, token_hash=hash_token(token),
                                           created_by=actor.id if actor else None, expires_at=expires_at))
        await security_events.record(actor.id if actor else None, user_id, security_events.INVITED, email=email,
                                     role=role, team=team or None, expires_at=expires_at.isoformat())
    return Invite(user_id=user_id, email=email, display_name=name,
                  url=f"{base_url.rstrip('/')}{INVITE_PATH}{token}", expires_at=expires_at)


_OPEN_INVITE = (
    'SELECT i.id, i.used_at, i.expires_at, u.id AS user_id, u.email, u.display_name, u.is_active, u.password_hash '
    'FROM crm_user_invite i JOIN crm_user u ON u.id = i."user" WHERE i.token_hash = {}'
)


async def pending(token: str) -> dict:
    """The invite behind ``token``, while it can still be used; :class:`InviteUnusable` otherwise."""
    rows = await fetch(_OPEN_INVITE, hash_token(token))
    if not rows:
        raise InviteUnusable("this invite link is not known; ask your admin for a new one")
    row = rows[0]
    expires_at = row["expires_at"]
    if isinstance(expires_at, str):  # SQLite keeps timestamps as text
        expires_at = dt.datetime.fromisoformat(expires_at)
    if row["used_at"] is not None or row["password_hash"]:
        raise InviteUnusable("this invite link has been used already; sign in, or ask your admin for a new one")
    if expires_at <= clock.now():
        raise InviteUnusable("this invite link has expired; ask your admin for a new one")
    if not row["is_active"]:
        raise InviteUnusable("this account is disabled; ask your admin")
    return row


async def accept(token: str, password: str) -> tuple[Principal, int]:
    """Set the invited user's password through the link, once; returns the user and the
    session version to sign them in with."""
    row = await pending(token)
    passwords.check(password, row["email"])
    password_hash = await passwords.hash_password(password)
    async with unit_of_work():
        # The guarded update makes the link single-use even when it is submitted twice at once.
        used = await execute("UPDATE crm_user_invite SET used_at = {} WHERE id = {} AND used_at IS NULL RETURNING id",
                             clock.now(), row["id"])
        if not used:
            raise InviteUnusable("this invite link has been used already; sign in, or ask your admin for a new one")
        await User.update({User.password_hash: password_hash}).where(User.id == row["user_id"])
        await security_events.record(row["user_id"], row["user_id"], security_events.INVITE_USED)
    user = await User.select().where(User.id == row["user_id"]).first()
    return principal_from_row(user), user["session_version"]


async def open_invites() -> dict[int, dt.datetime]:
    """The users still to join, with when their newest link expires."""
    rows = await fetch(
        'SELECT i."user" AS user_id, MAX(i.expires_at) AS expires_at FROM crm_user_invite i '
        'JOIN crm_user u ON u.id = i."user" WHERE i.used_at IS NULL AND u.password_hash = {} GROUP BY i."user"', ""
    )
    return {row["user_id"]: row["expires_at"] for row in rows}
