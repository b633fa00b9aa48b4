"""Which plugins are enabled: chosen by ``CRM_PLUGINS`` and ``crm plugins enable|disable``,
stored in the database so every process (web, worker, CLI) agrees."""

from __future__ import annotations

import datetime as dt
import time

from litestar.connection import ASGIConnection
from litestar.exceptions import NotFoundException
from litestar.handlers.base import BaseRouteHandler
from litestar.types import Guard

from crm_platform import runtime
from crm_platform._plugins import PluginHost
from crm_platform.errors import Invalid
from crm_platform.instance.tables import PluginState

REFRESH_SECONDS = 2.0


async def load(host: PluginHost, to_enable: set[str] | None) -> None:
    """Read the stored choices. A plugin seen for the first time is enabled when
    ``CRM_PLUGINS`` names it (``None`` stands for ``all``); after that the stored choice wins."""
    rows = {row["slug"]: row["enabled"] for row in await PluginState.select(PluginState.slug, PluginState.enabled)}
    new = [slug for slug in host.loaded if slug not in rows and (to_enable is None or slug in to_enable)]
    if new:
        await PluginState.insert(*(PluginState(slug=slug, enabled=True) for slug in new))
        rows.update(dict.fromkeys(new, True))
    host.enabled = {slug for slug, enabled in rows.items() if enabled}
    host.enabled_read_at = time.monotonic()


async def refresh(host: PluginHost) -> None:
    """Pick up a change made by another process, at most every couple of seconds."""
    if time.monotonic() - host.enabled_read_at > REFRESH_SECONDS:
        rows = await PluginState.select(PluginState.slug).where(PluginState.enabled == True)  # noqa: E712
        host.enabled = {row["slug"] for row in rows}
        host.enabled_read_at = time.monotonic()


async def set_enabled(host: PluginHost, slug: str, enabled: bool) -> None:
    record = host.records.get(slug)
    if record is None or slug == "core":
        installed = ", ".join(host.loaded) or "none"
        raise Invalid({"slug": f"no plugin named {slug!r} is installed (installed: {installed})"})
    if enabled and record.failed:
        raise Invalid({"slug": f"plugin {slug!r} failed to load: {record.error}"})
    now = dt.datetime.now(dt.UTC)
    updated = await PluginState.update({PluginState.enabled: enabled, PluginState.changed_at: now}).where(
        PluginState.slug == slug
    ).returning(PluginState.id)
    if not updated:
        await PluginState.insert(PluginState(slug=slug, enabled=enabled, changed_at=now))
    if enabled:
        host.enabled.add(slug)
    else:
        host.enabled.discard(slug)


def describe(host: PluginHost) -> list[dict[str, object]]:
    """Every installed plugin with its state, for ``crm plugins list`` and the API."""
    rows = []
    for slug, record in sorted(host.records.items()):
        if slug == "core":
            continue
        state = "failed" if record.failed else ("enabled" if host.is_active(slug) else "disabled")
        rows.append(
            {
                "slug": slug,
                "label": record.label or slug,
                "distribution": record.distribution,
                "version": record.version,
                "state": state,
                "error": record.error,
                "depends_on": list(record.depends_on),
            }
        )
    return rows


def enabled_guard(slug: str) -> Guard:
    """A route guard answering 404 while plugin ``slug`` is disabled: its pages, API and
    static files vanish, and come back when it is enabled again."""

    def guard(connection: ASGIConnection, _: BaseRouteHandler) -> None:
        if not runtime.current().host.is_active(slug):
            raise NotFoundException(f"{connection.url.path} was not found")

    return guard
