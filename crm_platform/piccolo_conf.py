"""Piccolo's configuration module, for ``piccolo migrations`` and the migration runner.

Importing it does nothing: no engine is made and no plugin is loaded until Piccolo first
reads ``DB`` or ``APP_REGISTRY`` (module ``__getattr__``), so a process that only imports the
package opens no database.

At run time :func:`crm_platform.db.setup.configure` sets ``DB`` and ``APP_REGISTRY`` so
one process can point at SQLite or PostgreSQL. Read on its own (by the ``piccolo`` command),
the engine comes from ``CRM_DATABASE_URL`` and the registry holds the core and every
installed plugin's apps, so ``piccolo migrations new <app> --auto`` works for plugins too.
Either value is built once, on first access, and kept as a module attribute.
"""

from __future__ import annotations

from typing import Any


def _default_engine() -> Any:
    from crm_platform.config import load_settings
    from crm_platform.db.engine import make_engine

    return make_engine(load_settings().database_url)


def _default_registry() -> Any:
    from piccolo.conf.apps import AppRegistry

    from crm_platform._plugins.loading import build_host, database_app_modules

    return AppRegistry(apps=["crm_platform.piccolo_app", *database_app_modules(build_host())])


_DEFAULTS = {"DB": _default_engine, "APP_REGISTRY": _default_registry}


def __getattr__(name: str) -> Any:
    if name not in _DEFAULTS:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = _DEFAULTS[name]()
    globals()[name] = value
    return value
