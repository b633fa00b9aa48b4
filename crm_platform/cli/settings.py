"""``crm settings list|get|set|reset`` and ``crm permissions list|set``: what admins choose for
the plugins of an instance, from the command line."""

from __future__ import annotations

import json
from typing import Any

import click
from rich.console import Console
from rich.table import Table

from crm_platform.cli._context import run
from crm_platform.errors import Invalid
from crm_platform.instance import permissions
from crm_platform.instance import settings as service


@click.group("settings")
def settings_group() -> None:
    """See and change the settings of enabled plugins. Changes are audited, with no actor."""


def _shown(value: Any) -> str:
    # Text as it is, so it can be piped; anything else as JSON (true, 14, null, a list).
    return value if isinstance(value, str) else json.dumps(value)


@settings_group.command("list")
@click.argument("slug", required=False)
def list_settings(slug: str | None) -> None:
    """Every enabled plugin's settings, or plugin SLUG's, with their values."""

    async def states() -> list[service.SettingState]:
        return await (service.plugin_settings(slug) if slug else service.all_settings())

    rows = run(states)
    if not rows:
        click.echo("no enabled plugin declares settings")
        return
    table = Table("setting", "kind", "value", "", box=None, pad_edge=False)
    for state in rows:
        table.add_row(f"{state.slug}.{state.setting.key}", state.setting.kind, _shown(state.value),
                      "" if state.stored else "(default)")
    Console(width=200, soft_wrap=True).print(table)


@settings_group.command("get")
@click.argument("slug")
@click.argument("key")
def get_setting(slug: str, key: str) -> None:
    """The value of setting KEY of plugin SLUG."""
    click.echo(_shown(run(lambda: service.get_setting(slug, key))))


@settings_group.command("set")
@click.argument("slug")
@click.argument("key")
@click.argument("value")
def set_setting(slug: str, key: str, value: str) -> None:
    """Set KEY of plugin SLUG to VALUE, read as the setting's kind: 14 or 2.5 for a number,
    true or false for a boolean, 2026-03-01 for a date."""

    async def store() -> Any:
        setting = service.declared(slug, key)
        try:
            parsed = service.parse_text(setting, value)
        except ValueError as exc:
            raise Invalid({"value": f"setting {slug}.{key} {exc}"}) from None
        return await service.set_setting(slug, key, parsed)

    click.echo(f"{slug}.{key} = {_shown(run(store))}")


@settings_group.command("reset")
@click.argument("slug")
@click.argument("key")
def reset_setting(slug: str, key: str) -> None:
    """Put KEY of plugin SLUG back to its declared default."""
    click.echo(f"{slug}.{key} = {_shown(run(lambda: service.set_setting(slug, key, None)))} (default)")


@click.group("permissions")
def permissions_group() -> None:
    """See and grant the permissions of enabled plugins, per role. Changes are audited."""


@permissions_group.command("list")
def list_permissions() -> None:
    """Every enabled plugin's permissions and the roles holding each."""
    rows = run(permissions.all_permissions)
    if not rows:
        click.echo("no enabled plugin declares permissions")
        return
    table = Table("permission", "roles", "", box=None, pad_edge=False)
    for state in rows:
        table.add_row(state.permission.key, ",".join(state.roles) or "-", "" if state.chosen else "(default)")
    Console(width=200, soft_wrap=True).print(table)


@permissions_group.command("set")
@click.argument("key")
@click.argument("roles", nargs=-1)
def set_permission(key: str, roles: tuple[str, ...]) -> None:
    """Grant permission KEY to exactly ROLES (admin, manager, member; none to revoke it from all)."""
    state = run(lambda: permissions.set_roles(key, list(roles)))
    click.echo(f"{key}: {', '.join(state.roles) or 'no role'}")
