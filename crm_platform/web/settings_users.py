"""The users section of the settings page: adding and inviting users, their role, team and
active state, setting a password, and handing over what a leaving user owns. Admins only."""

from __future__ import annotations

from typing import Any

from crm_hookspecs import Principal
from litestar import Request, Response, post
from litestar.params import FromPath

from crm_platform.errors import Conflict, Invalid
from crm_platform.records import kinds
from crm_platform.users import accounts, handover, invites
from crm_platform.users import service as users
from crm_platform.users.api import public_base_url
from crm_platform.users.auth import CurrentPrincipal
from crm_platform.web import forms
from crm_platform.web.account import password_value
from crm_platform.web.settings import back_with_notice, render_settings


async def _page(request: Request, principal: Principal, **context: Any) -> Response:
    return await render_settings(request, principal, **context)


def _values(values: dict[str, Any]) -> dict[str, Any]:
    """The form as typed, for showing it again: never a password."""
    return {key: value for key, value in values.items() if "password" not in key}


@post("/settings/users", include_in_schema=False)
async def add_user(request: Request, principal: CurrentPrincipal) -> Response:
    accounts.require_admin(principal)
    values = await forms.form_data(request)
    try:
        await users.create_user(
            forms.text(values, "email", 254), password_value(values, "password"),
            role=forms.text(values, "role", 20) or "member", display_name=forms.text(values, "display_name", 200),
            team=forms.text(values, "team", 100) or None, actor_id=principal.id,
        )
    except Invalid as exc:
        return await _page(request, principal, status_code=422, errors={"user": exc.errors},
                           values={"user": _values(values)})
    except Conflict as exc:
        return await _page(request, principal, status_code=422, errors={"user": {"email": exc.message}},
                           values={"user": _values(values)})
    return back_with_notice(request, "User added", "#users")


@post("/settings/users/invite", include_in_schema=False)
async def invite_user(request: Request, principal: CurrentPrincipal) -> Response:
    """The link is shown on the page this answers with, once; it is never in a URL."""
    accounts.require_admin(principal, "invite users")
    values = await forms.form_data(request)
    try:
        invite = await invites.invite(
            principal, forms.text(values, "email", 254), base_url=public_base_url(request),
            role=forms.text(values, "role", 20) or "member", team=forms.text(values, "team", 100) or None,
            display_name=forms.text(values, "display_name", 200),
        )
    except Invalid as exc:
        return await _page(request, principal, status_code=422, errors={"invite": exc.errors},
                           values={"invite": values})
    except Conflict as exc:
        return await _page(request, principal, status_code=422, errors={"invite": {"email": exc.message}},
                           values={"invite": values})
    if await invites.send_invite(invite, principal.display_name):
        notice = f"{invite.email} invited: the link is on its way by email, and below"
    else:
        notice = f"{invite.email} invited: copy the link below"
    return await _page(request, principal, invite=invite, notice=notice)


@post("/settings/users/{user_id:int}", include_in_schema=False)
async def change_user(request: Request, principal: CurrentPrincipal, user_id: FromPath[int]) -> Response:
    values = await forms.form_data(request)
    await accounts.change_user(principal, user_id, role=forms.text(values, "role", 20),
                               team=forms.text(values, "team", 100),
                               active=forms.text(values, "is_active") == "on" or user_id == principal.id)
    return back_with_notice(request, "User saved", "#users")


@post("/settings/users/{user_id:int}/active", include_in_schema=False)
async def set_active(request: Request, principal: CurrentPrincipal, user_id: FromPath[int]) -> Response:
    values = await forms.form_data(request)
    active = forms.text(values, "active") == "true"
    user = await accounts.change_user(principal, user_id, active=active)
    notice = f"{user['email']} {'enabled' if active else 'disabled: their sessions and API tokens are revoked'}"
    return back_with_notice(request, notice, "#users")


@post("/settings/users/{user_id:int}/password", include_in_schema=False)
async def set_password(request: Request, principal: CurrentPrincipal, user_id: FromPath[int]) -> Response:
    accounts.require_admin(principal, "set other users' passwords")
    values = await forms.form_data(request)
    try:
        await accounts.set_password(principal, user_id, password_value(values, "password"))
    except Invalid as exc:
        return await _page(request, principal, status_code=422, errors={f"password-{user_id}": exc.errors})
    email = (await accounts.get_user(user_id))["email"]
    return back_with_notice(request, f"Password of {email} set", "#users")


def summary(done: handover.HandOver) -> str:
    """``3 contacts, 1 company`` in the kinds' own words."""
    active = kinds.active()
    parts = []
    for key, count in sorted(done.moved.items()):
        kind = active.get(key)
        label = (kind.label if count == 1 else kind.plural or f"{kind.label}s") if kind else key
        parts.append(f"{count} {label.lower()}")
    return ", ".join(parts) or "nothing was open"


@post("/settings/users/hand-over", include_in_schema=False)
async def hand_over(request: Request, principal: CurrentPrincipal) -> Response:
    accounts.require_admin(principal, "hand over records")
    values = await forms.form_data(request)
    from_id = forms.text(values, "from", 20)
    kind, _, raw_id = forms.text(values, "target", 40).partition(":")  # "user:<id>" or "team:<id>"
    errors: dict[str, str] = {}
    if not from_id.isdecimal():
        errors["from"] = "choose the user who leaves"
    if kind not in ("user", "team") or not raw_id.isdecimal():
        errors["target"] = "choose a user or a team to hand over to"
    if not errors:
        try:
            done = await handover.hand_over(principal, int(from_id), to_user_id=int(raw_id) if kind == "user" else None,
                                            team_id=int(raw_id) if kind == "team" else None)
        except Invalid as exc:
            errors["target"] = "; ".join(exc.errors.values())
    if errors:
        return await _page(request, principal, status_code=422, errors={"handover": errors})
    email = (await accounts.get_user(int(from_id)))["email"]
    notice = f"Handed over from {email}: {summary(done)}"
    return back_with_notice(request, notice[:200], "#users")


HANDLERS = [add_user, invite_user, hand_over, change_user, set_active, set_password]
