"""Point every table at one engine, and bring the schema up to date."""

from __future__ import annotations

import contextlib
import io
import os
from collections.abc import Iterable

from piccolo.apps.migrations.commands.forwards import run_forwards
from piccolo.apps.migrations.tables import Migration
from piccolo.conf.apps import AppConfig, AppRegistry

from crm_platform import piccolo_conf
from crm_platform.db.engine import Engine

CORE_APP_MODULE = "crm_platform.piccolo_app"


def configure(engine: Engine, app_modules: Iterable[str] = ()) -> AppRegistry:
    """Bind the core's and the given plugin apps' tables to ``engine``.

    Piccolo looks its engine up through ``PICCOLO_CONF`` and caches it on each table, so
    both the configuration module and every table class are updated here.
    """
    os.environ["PICCOLO_CONF"] = "crm_platform.piccolo_conf"
    registry = AppRegistry(apps=[CORE_APP_MODULE, *app_modules])
    piccolo_conf.DB = engine
    piccolo_conf.APP_REGISTRY = registry
    for app_config in registry.app_configs.values():
        for table in app_config.table_classes:
            table._meta.db = engine
    Migration._meta.db = engine
    return registry


def app_configs() -> list[AppConfig]:
    return list(piccolo_conf.APP_REGISTRY.app_configs.values())


async def migrate(*, quiet: bool = True) -> None:
    """Run every pending migration of the configured apps, core first."""
    output = io.StringIO()
    with contextlib.redirect_stdout(output) if quiet else contextlib.nullcontext():
        result = await run_forwards(app_name="all")
    if not result.success:
        raise RuntimeError(f"migrations failed: {result.message}\n{output.getvalue()}")
