"""Settings: appearance for everyone; users, teams, plugins, their settings and permissions,
and custom fields for admins."""

from __future__ import annotations

from typing import Any

from crm_hookspecs import ALL_ROLES, FIELD_KINDS, Principal
from litestar import Request, Response, get, post
from litestar.params import FromPath
from litestar.response import Redirect

from crm_platform import runtime
from crm_platform.db.raw import fetch
from crm_platform.errors import Forbidden, Invalid
from crm_platform.instance import permissions
from crm_platform.instance import plugins as plugin_state
from crm_platform.mail.config import mail_status
from crm_platform.records import field_admin
from crm_platform.users import accounts, invites
from crm_platform.users.auth import CurrentPrincipal
from crm_platform.users.tables import Team, User
from crm_platform.web import forms, plugin_settings, themes
from crm_platform.web.account import POLICY_HELP
from crm_platform.web.auth import safe_next
from crm_platform.web.rendering import (
    SCHEMES,
    SESSION_SCHEME_KEY,
    SESSION_THEME_KEY,
    render_page,
    scheme_of,
    theme_of,
)


def _require_admin(principal: Principal) -> None:
    if principal.role != "admin":
        raise Forbidden("only admins can change this")


async def _admin_context(principal: Principal, typed: dict[str, dict[str, Any]] | None) -> dict[str, Any]:
    if principal.role != "admin":
        return {}
    return {
        "users": await accounts.all_users(),
        "open_invites": await invites.open_invites(),
        "teams": await fetch(
            "SELECT t.id, t.name, COUNT(u.id) AS members FROM crm_team t LEFT JOIN crm_user u ON u.team = t.id "
            "GROUP BY t.id, t.name ORDER BY t.name"
        ),
        "password_help": POLICY_HELP,
        "plugins": plugin_state.describe(runtime.current().host),
        "custom_fields": await field_admin.listed(),
        "plugin_fields": runtime.current().host.owned("crm_field_definitions", include_disabled=True),
        "plugin_sections": await plugin_settings.sections(typed),
        "permissions": await permissions.all_permissions(),
    }


async def _page(request: Request, principal: Principal, *, status_code: int = 200,
                errors: dict[str, dict[str, str]] | None = None, values: dict[str, Any] | None = None,
                notice: str = "", **extra: Any) -> Response:
    return render_page(
        request, "settings/page.html", status_code=status_code, **extra,
        themes=sorted(themes.available().values(), key=lambda theme: (theme.name != themes.DEFAULT_THEME, theme.label)),
        current_theme=theme_of(request), current_scheme=scheme_of(request), roles=ALL_ROLES,
        field_kinds=FIELD_KINDS, field_targets=list(field_admin.targets().items()), errors=errors or {}, values=values or {}, notice=notice, mail=mail_status(),
        **await _admin_context(principal, (values or {}).get("plugin_settings")),
    )


async def render_settings(request: Request, principal: Principal, **context: Any) -> Response:
    """The settings page, for a section's handler to answer with (errors, a notice, more context)."""
    return await _page(request, principal, **context)


# The session key of the notice the settings page shows once, after a change.
NOTICE_KEY = "settings_notice"


def back_with_notice(request: Request, notice: str, anchor: str = "") -> Response:
    """Back to the settings page, which says ``notice`` once. The notice travels in the
    session, never in the address, so no link can make the page announce text of its own."""
    request.set_session({**(request.scope.get("session") or {}), NOTICE_KEY: notice})
    return Redirect(f"/settings{anchor}", status_code=303)


@get("/settings", include_in_schema=False)
async def settings_page(request: Request, principal: CurrentPrincipal) -> Response:
    notice = (request.scope.get("session") or {}).pop(NOTICE_KEY, "")
    return await _page(request, principal, notice=notice if isinstance(notice, str) else "")


async def _store_appearance(request: Request, principal: Principal, theme: str, scheme: str) -> None:
    stored = theme if scheme == "auto" else f"{theme}:{scheme}"
    await User.update({User.theme: stored}).where(User.id == principal.id)
    session = dict(request.scope.get("session") or {})
    session[SESSION_THEME_KEY], session[SESSION_SCHEME_KEY] = theme, scheme
    request.set_session(session)


@post("/settings/theme", include_in_schema=False)
async def choose_theme(request: Request, principal: CurrentPrincipal) -> Response:
    values = await forms.form_data(request)
    theme = forms.text(values, "theme", 50)
    scheme = forms.text(values, "scheme", 10) or "auto"
    if theme not in themes.available() or scheme not in SCHEMES:
        return await _page(request, principal, status_code=422,
                           errors={"appearance": {"theme": "choose one of the installed themes"}})
    await _store_appearance(request, principal, theme, scheme)
    return back_with_notice(request, "Appearance saved")


@post("/settings/scheme", include_in_schema=False)
async def choose_scheme(request: Request, principal: CurrentPrincipal) -> Response:
    """The light/dark toggle in the top bar."""
    values = await forms.form_data(request)
    scheme = forms.text(values, "scheme", 10)
    if scheme not in SCHEMES:
        raise Invalid({"scheme": f"must be one of {', '.join(SCHEMES)}"})
    await _store_appearance(request, principal, theme_of(request), scheme)
    return Redirect(safe_next(forms.text(values, "next")), status_code=303)


@post("/settings/teams", include_in_schema=False)
async def add_team(request: Request, principal: CurrentPrincipal) -> Response:
    _require_admin(principal)
    values = await forms.form_data(request)
    name = forms.text(values, "name", 100)
    if not name:
        return await _page(request, principal, status_code=422, errors={"team": {"name": "give the team a name"}})
    if await Team.exists().where(Team.name == name):
        return await _page(request, principal, status_code=422,
                           errors={"team": {"name": f"a team named {name} already exists"}}, values={"team": values})
    await Team.insert(Team(name=name))
    return back_with_notice(request, "Team added", "#teams")


@post("/settings/plugins/{slug:str}", include_in_schema=False)
async def toggle_plugin(request: Request, principal: CurrentPrincipal, slug: FromPath[str]) -> Response:
    _require_admin(principal)
    values = await forms.form_data(request)
    enable = forms.text(values, "enabled") == "true"
    await plugin_state.set_enabled(runtime.current().host, slug, enable)
    return back_with_notice(request, f"Plugin {slug} {'enabled' if enable else 'disabled'}", "#plugins")


def _new_field(values: dict[str, Any]) -> field_admin.NewField:
    return field_admin.NewField(
        record_type=forms.text(values, "record_type", 40), key=forms.text(values, "key", 60),
        kind=forms.text(values, "kind", 20), label=forms.text(values, "label", 200),
        choices=tuple(forms.text(values, "choices", 20000).split(",")), reference=forms.text(values, "reference", 40),
        required=forms.text(values, "required") == "on", searchable=forms.text(values, "searchable") == "on",
    )


@post("/settings/fields", include_in_schema=False)
async def add_field(request: Request, principal: CurrentPrincipal) -> Response:
    values = await forms.form_data(request)
    try:
        await field_admin.add(principal, _new_field(values))
    except Invalid as exc:
        return await _page(request, principal, status_code=422, errors={"field": exc.errors}, values={"field": values})
    return back_with_notice(request, "Field added", "#fields")


@post("/settings/fields/{field_id:int}/delete", include_in_schema=False)
async def delete_field(request: Request, principal: CurrentPrincipal, field_id: FromPath[int]) -> Response:
    await field_admin.remove(principal, field_id)
    return back_with_notice(request, "Field removed", "#fields")


@post("/settings/plugin-settings/{slug:str}", include_in_schema=False)
async def save_plugin_settings(request: Request, principal: CurrentPrincipal, slug: FromPath[str]) -> Response:
    _require_admin(principal)
    values = await forms.form_data(request)
    errors = await plugin_settings.save_plugin(slug, values, principal.id)
    if errors:
        return await _page(request, principal, status_code=422, errors={f"settings-{slug}": errors},
                           values={"plugin_settings": {slug: values}})
    label = runtime.current().host.records[slug].label or slug
    return back_with_notice(request, f"Settings of {label} saved", f"#settings-{slug}")


@post("/settings/permissions", include_in_schema=False)
async def save_permissions(request: Request, principal: CurrentPrincipal) -> Response:
    _require_admin(principal)
    changed = await plugin_settings.save_permissions(await forms.form_data(request), principal.id)
    return back_with_notice(request, f"Permissions saved ({changed} changed)", "#permissions")


# The users card's handlers are in settings_users.
HANDLERS = [settings_page, choose_theme, choose_scheme, add_team, toggle_plugin, add_field,
            delete_field, save_plugin_settings, save_permissions]
