"""Settings, engine and plugins bound into one runtime: what the app, the worker and the CLI share.

Kept apart from :mod:`crm_platform.app` so the CLI and the worker set up a runtime without
loading the web layer, and so nothing below the app needs to import it.
"""

from __future__ import annotations

from collections.abc import Iterable

from crm_platform import runtime
from crm_platform._plugins.loading import PluginSpec, build_host, database_app_modules
from crm_platform.config import Settings, load_settings
from crm_platform.db.engine import Engine, make_engine
from crm_platform.db.setup import configure

__all__ = ["PluginSpec", "build_host", "setup_runtime"]


def setup_runtime(
    settings: Settings | None = None,
    plugins: Iterable[PluginSpec] | None = None,
    engine: Engine | None = None,
) -> runtime.Runtime:
    """Settings, engine and plugins, bound together and installed as the current runtime."""
    settings = settings or load_settings()
    engine = engine or make_engine(settings.database_url)
    host = build_host(plugins)
    configure(engine, database_app_modules(host))
    return runtime.install(runtime.Runtime(settings=settings, engine=engine, host=host))
