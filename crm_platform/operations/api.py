"""``/ready`` and ``/metrics``.

``/ready``: may this process take traffic? Its database answers, its job queue answers, and
every migration of the core and the plugins has run. Open to everyone, like ``/health``; a
load balancer takes a 503 to mean "not yet" (or "no longer"), with what is wrong in the body."""

from __future__ import annotations

import asyncio
import functools
from typing import Any

import msgspec
from litestar import Response, get
from piccolo.apps.migrations.commands.base import BaseMigrationManager
from prometheus_client import CONTENT_TYPE_LATEST

from crm_platform.db.raw import fetch
from crm_platform.db.setup import app_configs
from crm_platform.operations.metrics import JOBS_WAITING, exposition
from crm_platform.users.accounts import require_admin
from crm_platform.users.auth import CurrentPrincipal


class Readiness(msgspec.Struct):
    status: str  # "ready" or "not ready"
    database: str
    queue: str
    migrations: str


@functools.cache
def _committed_migrations(folders: tuple[tuple[str, str], ...]) -> frozenset[tuple[str, str]]:
    manager = BaseMigrationManager()
    return frozenset(
        (app_name, migration_id)
        for app_name, folder in folders
        for migration_id in manager.get_migration_ids(manager.get_migration_modules(folder))
    )


async def _migrations() -> str:
    folders = tuple((config.app_name, config.resolved_migrations_folder_path) for config in app_configs())
    committed = await asyncio.to_thread(_committed_migrations, folders)
    try:
        rows = await fetch("SELECT app_name, name FROM migration")
    except Exception as exc:
        return f"not migrated: {type(exc).__name__}; run crm migrate"
    pending = sorted(committed - {(row["app_name"], row["name"]) for row in rows})
    if pending:
        names = ", ".join(f"{app} {migration}" for app, migration in pending[:5])
        return f"{len(pending)} pending ({names}); run crm migrate"
    return "ok"


async def _database() -> str:
    try:
        await fetch("SELECT 1 AS ok")
    except Exception as exc:
        return f"unreachable: {type(exc).__name__}"
    return "ok"


async def _queue() -> str:
    """``ok`` (and the jobs waiting counted for the metrics), or why the queue does not answer."""
    from crm_platform.jobs.runner import current_queue

    try:
        JOBS_WAITING.set(await asyncio.to_thread(current_queue().huey.pending_count))
    except Exception as exc:
        return f"unreachable: {type(exc).__name__}: {exc}"[:200]
    return "ok"


@get("/ready", tags=["instance"])
async def ready() -> Response[Readiness]:
    """Open to everyone: can this process serve (database, job queue, migrations)? 200 or 503."""
    database = await _database()
    migrations = await _migrations() if database == "ok" else "unknown: the database is unreachable"
    queue = await _queue()
    ok = database == queue == migrations == "ok"
    body = Readiness("ready" if ok else "not ready", database, queue, migrations)
    return Response(body, status_code=200 if ok else 503)


@get("/metrics", include_in_schema=False)
async def metrics(principal: CurrentPrincipal) -> Response[Any]:
    """The Prometheus text exposition, for admins only: a scrape job sends an admin's API
    token as its bearer token."""
    require_admin(principal, "read the metrics")
    await _queue()
    return Response(exposition(), media_type=CONTENT_TYPE_LATEST)
