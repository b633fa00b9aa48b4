"""Pages of one's own account: changing one's password, and joining through an invite link."""

from __future__ import annotations

from typing import Any

from litestar import Request, Response, get, post
from litestar.params import FromPath
from litestar.response import Redirect

from crm_platform.errors import Invalid
from crm_platform.users import accounts, invites, passwords
from crm_platform.users.auth import SESSION_VERSION_KEY, CurrentPrincipal
from crm_platform.web import forms
from crm_platform.web.auth import sign_in
from crm_platform.web.rendering import render_page

POLICY_HELP = (f"{passwords.MIN_PASSWORD_LENGTH} to {passwords.MAX_PASSWORD_LENGTH} characters; "
               "not your email, nor a common password.")


def password_value(values: dict[str, Any], key: str) -> str:
    """A password as typed: never stripped or cut short (the policy refuses over-long ones)."""
    value = values.get(key, "")
    return str(value[0] if isinstance(value, list) and value else value or "")


@get("/account/password", include_in_schema=False)
async def password_form(request: Request, principal: CurrentPrincipal) -> Response:
    return render_page(request, "account/password.html", errors={}, notice="", policy_help=POLICY_HELP)


@post("/account/password", include_in_schema=False)
async def change_password(request: Request, principal: CurrentPrincipal) -> Response:
    values = await forms.form_data(request)
    new = password_value(values, "new_password")
    errors: dict[str, str] = {}
    if new != password_value(values, "confirm_password"):
        errors["confirm_password"] = "does not match the new password"
    if not errors:
        try:
            version = await accounts.change_own_password(principal, password_value(values, "current_password"), new)
        except Invalid as exc:
            errors = exc.errors
    if errors:
        return render_page(request, "account/password.html", status_code=422, errors=errors, notice="",
                           policy_help=POLICY_HELP)
    # This session carries on under the new version; every other session of the user is over.
    session = dict(request.scope.get("session") or {})
    session[SESSION_VERSION_KEY] = version
    request.set_session(session)
    return render_page(request, "account/password.html", errors={}, notice="Your password was changed. "
                       "Your other sessions are signed out.", policy_help=POLICY_HELP)


@get("/invite/{token:str}", include_in_schema=False)
async def invite_form(request: Request, token: FromPath[str]) -> Response:
    try:
        invite = await invites.pending(token)
    except invites.InviteUnusable as exc:
        return render_page(request, "account/invite.html", status_code=410, unusable=exc.message, invite=None,
                           errors={}, token="", policy_help=POLICY_HELP)
    return render_page(request, "account/invite.html", invite=invite, errors={}, token=token, unusable="",
                       policy_help=POLICY_HELP)


@post("/invite/{token:str}", include_in_schema=False)
async def accept_invite(request: Request, token: FromPath[str]) -> Response:
    values = await forms.form_data(request)
    password = password_value(values, "password")
    try:
        invite = await invites.pending(token)
        if password != password_value(values, "confirm_password"):
            raise Invalid({"confirm_password": "does not match the password"})
        principal, version = await invites.accept(token, password)
    except invites.InviteUnusable as exc:
        return render_page(request, "account/invite.html", status_code=410, unusable=exc.message, invite=None,
                           errors={}, token="", policy_help=POLICY_HELP)
    except Invalid as exc:
        return render_page(request, "account/invite.html", status_code=422, invite=invite, errors=exc.errors,
                           token=token, unusable="", policy_help=POLICY_HELP)
    await sign_in(request, principal, version)
    return Redirect("/", status_code=303)


def account_handlers() -> list[Any]:
    return [password_form, change_password, invite_form, accept_invite]
