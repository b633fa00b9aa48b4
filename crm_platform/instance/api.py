"""``/health`` and ``/api/v1/plugins``."""

from __future__ import annotations

import msgspec
from litestar import get

from crm_platform import runtime
from crm_platform.db.raw import fetch
from crm_platform.instance.plugins import describe


class PluginOut(msgspec.Struct):
    slug: str
    label: str
    distribution: str | None
    version: str | None
    state: str
    error: str | None
    depends_on: list[str]


class Health(msgspec.Struct):
    status: str
    database: str


@get("/health", tags=["instance"])
async def health() -> Health:
    """Open to everyone: is the service up and its database reachable?"""
    try:
        await fetch("SELECT 1 AS ok")
        database = "ok"
    except Exception as exc:  # report it, do not crash the probe
        database = f"unreachable: {type(exc).__name__}"
    return Health(status="ok" if database == "ok" else "degraded", database=database)


@get("/api/v1/plugins", tags=["instance"])
async def list_plugins() -> list[PluginOut]:
    """Installed plugins: enabled, disabled, or failed with the reason."""
    return [msgspec.convert(row, PluginOut) for row in describe(runtime.current().host)]
