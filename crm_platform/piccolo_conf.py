"""Piccolo's configuration module, for ``piccolo migrations`` and the migration runner.

At run time :func:`crm_platform.db.setup.configure` replaces ``DB`` and ``APP_REGISTRY`` so
one process can point at SQLite or PostgreSQL. Read on its own (by the ``piccolo`` command),
the engine comes from ``CRM_DATABASE_URL`` and the registry holds the core and every
installed plugin's apps, so ``piccolo migrations new <app> --auto`` works for plugins too.
"""

from typing import Any

from crm_platform.config import load_settings
from crm_platform.db.engine import make_engine

DB = make_engine(load_settings().database_url)


def __getattr__(name: str) -> Any:
    if name != "APP_REGISTRY":
        raise AttributeError(name)
    from piccolo.conf.apps import AppRegistry

    from crm_platform.app import build_host

    plugin_apps = [app.module for app in build_host().items("crm_database_apps", include_disabled=True)]
    return AppRegistry(apps=["crm_platform.piccolo_app", *plugin_apps])
