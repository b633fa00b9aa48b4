"""Named permissions: what plugins declared with ``crm_permissions``, and which roles hold each
on this instance.

A permission's roles are its declaration's ``roles`` plus ``admin``, until an admin chooses
them; the choice is then stored whole (``admin`` may be left out like any role) as one row
of ``crm_setting`` under the ``core.permissions`` namespace: the permission key and the list
of roles. One row per permission matches what is set (a permission's roles, at once), the
table's unique index already guards it, and an absent row keeps following the declaration
when a plugin upgrade changes its defaults. Every check reads its row, so a grant made by
another process counts at once.
"""

from __future__ import annotations

import json
from dataclasses import dataclass

from crm_hookspecs import ALL_ROLES, Permission, Principal
from crm_hookspecs.types import Role

from crm_platform import runtime
from crm_platform.audit import service as audit
from crm_platform.db.raw import execute, fetch
from crm_platform.db.unit import unit_of_work
from crm_platform.errors import CrmError, Forbidden, Invalid, NotFound
from crm_platform.instance.settings import decoded

NAMESPACE = "core.permissions"


class UnknownPermission(LookupError):
    """Code asked about a permission that no installed plugin declares: a typo, or a
    plugin that is not installed. Raised, never answered ``False``, so it cannot go unseen."""


class PermissionNotFound(NotFound):
    """What the API answers (404) for a permission key no enabled plugin declares."""

    def __init__(self, message: str) -> None:
        CrmError.__init__(self, message)


@dataclass(frozen=True)
class PermissionState:
    """A declared permission and the roles holding it on this instance."""

    slug: str
    permission: Permission
    roles: tuple[Role, ...]
    chosen: bool  # False: ``roles`` are the declaration's defaults


def default_roles(permission: Permission) -> tuple[Role, ...]:
    return tuple(role for role in ALL_ROLES if role == "admin" or role in permission.roles)


def _owner(key: str) -> tuple[str, Permission] | None:
    for owned in runtime.current().host.owned("crm_permissions", include_disabled=True):
        if owned.item.key == key:
            return owned.slug, owned.item
    return None


def _keys(*, include_disabled: bool) -> str:
    owned = runtime.current().host.owned("crm_permissions", include_disabled=include_disabled)
    return ", ".join(sorted(item.item.key for item in owned)) or "none"


async def _chosen_roles(key: str | None = None) -> dict[str, tuple[Role, ...]]:
    if key is None:
        rows = await fetch("SELECT key, value FROM crm_setting WHERE namespace = {}", NAMESPACE)
    else:
        rows = await fetch("SELECT key, value FROM crm_setting WHERE namespace = {} AND key = {}", NAMESPACE, key)
    chosen = {}
    for row in rows:
        chosen[row["key"]] = tuple(role for role in ALL_ROLES if role in (decoded(row["value"]) or ()))
    return chosen


async def has_permission(principal: Principal, key: str) -> bool:
    """Whether ``principal``'s role holds permission ``key`` on this instance. ``False`` while
    the plugin declaring it is disabled; :class:`UnknownPermission` when nothing declares it."""
    owner = _owner(key)
    if owner is None:
        raise UnknownPermission(f"no installed plugin declares permission {key!r} (declared: {_keys(include_disabled=True)})")
    slug, permission = owner
    if not runtime.current().host.is_active(slug):
        return False
    chosen = await _chosen_roles(key)
    return principal.role in chosen.get(key, default_roles(permission))


async def require_permission(principal: Principal, key: str) -> None:
    """Raise :class:`Forbidden` (403) naming ``key`` unless ``principal`` holds it."""
    if not await has_permission(principal, key):
        raise Forbidden(f"you need the permission {key!r}; an admin can grant it to the {principal.role} role")


async def all_permissions() -> list[PermissionState]:
    """The permissions of every enabled plugin, with the roles holding each."""
    chosen = await _chosen_roles()
    return [
        PermissionState(owned.slug, owned.item, chosen.get(owned.item.key, default_roles(owned.item)),
                        owned.item.key in chosen)
        for owned in runtime.current().host.owned("crm_permissions")
    ]


async def set_roles(key: str, roles: list[str], actor_id: int | None = None) -> PermissionState:
    """Grant permission ``key`` to exactly ``roles`` (revoking it from the others), audited.

    Raises :class:`NotFound` when no enabled plugin declares ``key``, and :class:`Invalid`
    naming ``roles`` for a role that does not exist.
    """
    owner = _owner(key)
    if owner is None or not runtime.current().host.is_active(owner[0]):
        raise PermissionNotFound(f"no enabled plugin declares permission {key!r} (declared: {_keys(include_disabled=False)})")
    unknown = [role for role in roles if role not in ALL_ROLES]
    if unknown:
        raise Invalid({"roles": f"{unknown[0]!r} is not a role; roles are {', '.join(ALL_ROLES)}"})
    slug, permission = owner
    granted = tuple(role for role in ALL_ROLES if role in roles)
    async with unit_of_work():
        before = (await _chosen_roles(key)).get(key, default_roles(permission))
        await execute(
            "INSERT INTO crm_setting (namespace, key, value) VALUES ({}, {}, {}) "
            "ON CONFLICT (namespace, key) DO UPDATE SET value = excluded.value",
            NAMESPACE, key, json.dumps(list(granted)),
        )
        if before != granted:
            await audit.record(actor_id, "permission", 0, "update",
                               {"permission": key, "roles": {"from": list(before), "to": list(granted)}})
    return PermissionState(slug, permission, granted, True)
