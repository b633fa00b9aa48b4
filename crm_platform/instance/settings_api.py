"""``/api/v1/settings`` and ``/api/v1/permissions``: plugin settings and who holds each
permission, read and changed by admins."""

from __future__ import annotations

from typing import Any

import msgspec
from crm_hookspecs import Principal
from litestar import get, put
from litestar.params import FromPath, JSONBody

from crm_platform.errors import Forbidden
from crm_platform.instance import permissions, settings
from crm_platform.users.auth import CurrentPrincipal


class SettingOut(msgspec.Struct):
    plugin: str
    key: str
    label: str
    kind: str
    help: str
    choices: list[str]
    default: Any
    value: Any
    # False while nobody chose a value: ``value`` is then the default.
    stored: bool


class SettingIn(msgspec.Struct, forbid_unknown_fields=True):
    """The new value; ``null`` goes back to the declared default."""

    value: Any


class PermissionOut(msgspec.Struct):
    plugin: str
    key: str
    label: str
    default_roles: list[str]
    roles: list[str]
    # False while nobody chose the roles: ``roles`` are then the defaults.
    chosen: bool


class PermissionIn(msgspec.Struct, forbid_unknown_fields=True):
    """Every role that holds the permission; the others lose it."""

    roles: list[str]


def _admin_only(principal: Principal, what: str) -> None:
    if principal.role != "admin":
        raise Forbidden(f"only admins can {what}")


def _setting_out(state: settings.SettingState) -> SettingOut:
    item = state.setting
    return SettingOut(plugin=state.slug, key=item.key, label=item.label, kind=item.kind, help=item.help,
                      choices=list(item.choices), default=item.default, value=state.value, stored=state.stored)


def _permission_out(state: permissions.PermissionState) -> PermissionOut:
    item = state.permission
    return PermissionOut(plugin=state.slug, key=item.key, label=item.label,
                         default_roles=list(permissions.default_roles(item)), roles=list(state.roles),
                         chosen=state.chosen)


@get("/api/v1/settings", tags=["instance"])
async def list_settings(principal: CurrentPrincipal) -> list[SettingOut]:
    """Every enabled plugin's settings with their values. Admins only: a setting may hold an
    address or a name that is nobody else's business."""
    _admin_only(principal, "see the settings")
    return [_setting_out(state) for state in await settings.all_settings()]


@get("/api/v1/settings/{slug:str}", tags=["instance"])
async def plugin_settings(principal: CurrentPrincipal, slug: FromPath[str]) -> list[SettingOut]:
    """The settings of one enabled plugin (404 for a plugin that is not enabled)."""
    _admin_only(principal, "see the settings")
    return [_setting_out(state) for state in await settings.plugin_settings(slug)]


@put("/api/v1/settings/{slug:str}/{key:str}", tags=["instance"])
async def change_setting(principal: CurrentPrincipal, slug: FromPath[str], key: FromPath[str],
                         data: JSONBody[SettingIn]) -> SettingOut:
    """Store a value for the instance, checked against the setting's kind (422 naming
    ``value`` otherwise), and recorded in the audit log."""
    _admin_only(principal, "change settings")
    await settings.set_setting(slug, key, data.value, actor_id=principal.id)
    [state] = [state for state in await settings.plugin_settings(slug) if state.setting.key == key]
    return _setting_out(state)


@get("/api/v1/permissions", tags=["instance"])
async def list_permissions(principal: CurrentPrincipal) -> list[PermissionOut]:
    """Every enabled plugin's permissions and the roles holding each. Open to every signed-in
    user, so a client can tell what its user may do."""
    return [_permission_out(state) for state in await permissions.all_permissions()]


@put("/api/v1/permissions/{key:str}", tags=["instance"])
async def change_permission(principal: CurrentPrincipal, key: FromPath[str], data: JSONBody[PermissionIn]) -> PermissionOut:
    """Grant the permission to exactly ``roles``, revoking it from the other roles."""
    _admin_only(principal, "change permissions")
    return _permission_out(await permissions.set_roles(key, data.roles, actor_id=principal.id))


HANDLERS = [list_settings, plugin_settings, change_setting, list_permissions, change_permission]
