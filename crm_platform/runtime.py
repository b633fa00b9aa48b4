"""The process-wide pieces a request or a job needs: the engine, the plugin host, settings.

The composition root (:func:`crm_platform.app.create_app`, the worker, the CLI) fills them in
once; services read them instead of threading them through every call.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from crm_platform._plugins import PluginHost
    from crm_platform.config import Settings
    from crm_platform.db.engine import Engine


@dataclass
class Runtime:
    settings: Settings
    engine: Engine
    host: PluginHost


_current: Runtime | None = None


def install(runtime: Runtime) -> Runtime:
    global _current
    _current = runtime
    return runtime


def current() -> Runtime:
    if _current is None:
        raise RuntimeError("the CRM runtime is not set up: build the app with create_app() or run `crm`")
    return _current
