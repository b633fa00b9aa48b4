"""Delete everything a plugin stored: its tables (its migrations, reversed) and its rows in the
core's tables. What ``crm plugins remove SLUG --purge`` does once the user has confirmed.

The audit log is kept: it is the instance's account of who changed what and when, which an
administrator may have to show later, and it must not change because a plugin was removed.
Its entries of the plugin's records stay readable by record type and id.

Every step can run again: a purge that stopped half-way is finished by purging again.
"""

from __future__ import annotations

import contextlib
import importlib
import io
from dataclasses import dataclass

from piccolo.apps.migrations.commands.backwards import BackwardsMigrationManager
from piccolo.apps.migrations.commands.base import BaseMigrationManager

from crm_platform._plugins import PluginHost
from crm_platform.db.engine import is_sqlite
from crm_platform.db.raw import execute
from crm_platform.db.unit import unit_of_work
from crm_platform.errors import Invalid
from crm_platform.instance import plugins as plugin_state

# Record kinds of a plugin are named ``<slug>.<kind>`` (``sales.deal``); rows of these core
# tables name a record kind in the column given.
KIND_COLUMNS = {
    "crm_activity_link": "record_type",
    "crm_tagging": "record_type",
    "crm_search_entry": "kind",
    "crm_saved_view": "record_type",
    "crm_trash": "kind",
}
# Custom field values live in the ``custom`` JSON of these records' tables.
CUSTOM_FIELD_TABLES = {"contact": "crm_contact", "company": "crm_company"}


@dataclass(frozen=True)
class Plan:
    """What a purge of ``slug`` will delete, for the confirmation prompt."""

    slug: str
    database_apps: tuple[str, ...]
    custom_fields: tuple[tuple[str, str], ...]  # (record type, key)


@dataclass(frozen=True)
class Purged:
    """What a purge deleted: the Piccolo apps whose migrations were reversed, and the rows
    removed from each core table (custom field values are counted by record changed)."""

    slug: str
    database_apps: tuple[str, ...]
    rows: dict[str, int]


def plan(host: PluginHost, slug: str) -> Plan:
    """What purging ``slug`` deletes; refuses a plugin that is not loaded or that another
    plugin depends on, saying why."""
    record = host.records.get(slug)
    if record is None or slug == "core":
        installed = ", ".join(host.loaded) or "none"
        raise Invalid({"slug": f"no plugin named {slug!r} is installed (installed: {installed})"})
    if record.failed:
        raise Invalid(
            {
                "slug": f"plugin {slug!r} failed to load ({record.error}); its migrations can only be "
                "reversed by its own code: install a release that loads, then purge"
            }
        )
    dependents = sorted(other for other, info in host.records.items() if slug in info.depends_on)
    if dependents:
        raise Invalid({"slug": f"plugin {slug!r} is needed by {', '.join(dependents)}; remove those first"})
    apps = tuple(
        _app_name(owned.item.module)
        for owned in host.owned("crm_database_apps", include_disabled=True)
        if owned.slug == slug
    )
    fields = tuple(
        (owned.item.record_type, owned.item.key)
        for owned in host.owned("crm_field_definitions", include_disabled=True)
        if owned.slug == slug
    )
    return Plan(slug, apps, fields)


def _app_name(module: str) -> str:
    return importlib.import_module(module).APP_CONFIG.app_name


async def purge(host: PluginHost, slug: str) -> Purged:
    """Reverse the plugin's migrations, then delete its rows from the core's tables. Its plugin
    state stays, disabled: were the package left installed, a start with ``CRM_PLUGINS=all``
    would otherwise switch it on again before ``crm migrate`` has made its tables."""
    found = plan(host, slug)
    # Disabled first, and committed: other processes stop serving the plugin before its
    # tables go, and a purge that fails half-way leaves it disabled, with what is left.
    await plugin_state.set_enabled(host, slug, False)
    await _reverse_migrations(found.database_apps)
    rows: dict[str, int] = {}
    async with unit_of_work():
        pattern = _like_prefix(f"{slug}.")
        for table, column in KIND_COLUMNS.items():
            rows[table] = await _count(
                f"DELETE FROM {table} WHERE {column} LIKE {{}} ESCAPE '\\' RETURNING id", pattern
            )
        rows["crm_setting"] = await _count("DELETE FROM crm_setting WHERE namespace = {} RETURNING id", slug)
        for record_type, key in found.custom_fields:
            table = CUSTOM_FIELD_TABLES[record_type]
            rows[f"{table}.custom"] = rows.get(f"{table}.custom", 0) + await _remove_custom_key(table, key)
    return Purged(slug, found.database_apps, rows)


async def _reverse_migrations(apps: tuple[str, ...]) -> None:
    # Apps that depend on others are reversed first.
    order = [name for name in reversed(BaseMigrationManager().get_sorted_app_names()) if name in apps]
    for app_name in order:
        manager = BackwardsMigrationManager(app_name=app_name, migration_id="all", auto_agree=True)
        output = io.StringIO()
        with contextlib.redirect_stdout(output):
            result = await manager.run()
        if not result.success:
            raise RuntimeError(f"reversing the migrations of {app_name!r} failed: {result.message}\n{output.getvalue()}")


async def _remove_custom_key(table: str, key: str) -> int:
    if is_sqlite(_engine()):
        path = f'$."{key}"'
        sql = f"UPDATE {table} SET custom = json_remove(custom, {{}}) WHERE json_type(custom, {{}}) IS NOT NULL"
        return await _count(f"{sql} RETURNING id", path, path)
    # ``custom`` is json; its keys are removed as jsonb.
    sql = f"UPDATE {table} SET custom = (custom::jsonb - {{}})::json WHERE custom::jsonb ? {{}}"
    return await _count(f"{sql} RETURNING id", key, key)


def _like_prefix(prefix: str) -> str:
    """A LIKE pattern for values starting with ``prefix``, whose ``_`` is a plain character."""
    return prefix.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"


async def _count(template: str, *args: object) -> int:
    return len(await execute(template, *args))


def _engine() -> object:
    from crm_platform import runtime

    return runtime.current().engine
