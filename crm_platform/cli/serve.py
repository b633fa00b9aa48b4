"""``crm run``, ``crm worker`` and ``crm migrate``."""

from __future__ import annotations

import atexit
import importlib
import os
import shutil
import tempfile
from pathlib import Path

import click

from crm_platform.cli._context import get_runtime, run
from crm_platform.config import load_settings


def _importable(name: str) -> bool:
    try:
        importlib.import_module(name)
    except ImportError:
        return False
    return True


def server_parts() -> tuple[str, str]:
    """uvicorn's event loop and HTTP parser: uvloop and httptools (C, dependencies of the
    platform) where they import, else asyncio and h11 (pure Python, always there)."""
    return ("uvloop" if _importable("uvloop") else "asyncio", "httptools" if _importable("httptools") else "h11")


def _share_metrics() -> None:
    """Have every web process write its metrics where any of them can add them up for a scrape
    (prometheus_client's multiprocess mode): the folder ``PROMETHEUS_MULTIPROC_DIR`` names,
    emptied of a previous run's files, or a new temporary one removed at exit."""
    from crm_platform.operations.metrics import MULTIPROCESS_DIR_VARIABLE

    given = os.environ.get(MULTIPROCESS_DIR_VARIABLE)
    if given:
        folder = Path(given)
        folder.mkdir(parents=True, exist_ok=True)
        for stale in folder.glob("*.db"):
            stale.unlink()
    else:
        folder = Path(tempfile.mkdtemp(prefix="crm-metrics-"))
        atexit.register(shutil.rmtree, folder, ignore_errors=True)
    # Set before the processes start, so prometheus_client reads it when they import it.
    os.environ[MULTIPROCESS_DIR_VARIABLE] = str(folder)


@click.command("run")
@click.option("--host", default=None, help="Interface to listen on (default: CRM_HOST, 127.0.0.1).")
@click.option("--port", default=None, type=int, help="Port to listen on (default: CRM_PORT, 8000).")
@click.option("--reload", is_flag=True, help="Restart when the code changes (development).")
@click.option("--workers", default=None, type=click.IntRange(min=1),
              help="Web processes (default: CRM_WORKERS, 1); more than one needs CRM_REDIS_URL.")
def run_command(host: str | None, port: int | None, reload: bool, workers: int | None) -> None:
    """Serve the web app and the API."""
    import uvicorn

    from crm_platform.operations import logs

    try:
        settings = load_settings()
        logs.configure(settings.log_format)
    except ValueError as exc:
        raise click.ClickException(str(exc)) from None
    workers = workers or settings.workers
    if workers > 1 and not settings.redis_url:
        # Each process would keep its own login limits, so a limit or a lock would not hold.
        raise click.ClickException(
            f"--workers {workers} needs CRM_REDIS_URL: every process must share the sessions and login limits")
    if workers > 1 and reload:
        raise click.ClickException("--reload serves with one process; leave out --workers")
    if workers > 1:
        _share_metrics()
    loop, http = server_parts()
    click.echo(f"serving with {workers} process(es), the {loop} event loop and the {http} HTTP parser")
    uvicorn.run(
        "crm_platform.app:create_app",
        factory=True,
        host=host or settings.host,
        port=port or settings.port,
        reload=reload,
        workers=workers,
        loop=loop,
        http=http,
        # SIGTERM: stop taking connections, let the requests in flight finish, then exit.
        timeout_graceful_shutdown=settings.shutdown_seconds,
        # A process still importing every plugin on a busy machine may miss uvicorn's default
        # 5 s to answer its first health check, and would be killed and started again forever.
        timeout_worker_healthcheck=60,
        # The app reads the forwarded headers itself, from CRM_TRUSTED_PROXIES only.
        proxy_headers=False,
        log_config=None,  # uvicorn's lines go through the handler configured above
    )


@click.command("worker")
@click.option("--workers", default=2, show_default=True, help="Jobs run at the same time.")
def worker_command(workers: int) -> None:
    """Run background jobs (reminders and every plugin's jobs) until interrupted."""
    from crm_platform.jobs.worker import run_worker
    from crm_platform.operations import logs

    rt = get_runtime()
    try:
        logs.configure(rt.settings.log_format)
    except ValueError as exc:
        raise click.ClickException(str(exc)) from None
    click.echo(f"worker: jobs from {rt.settings.jobs_url}, database {rt.settings.database_url}")
    try:
        run_worker(workers=workers)
    except ValueError as exc:
        raise click.ClickException(str(exc)) from None


@click.command("migrate")
def migrate_command() -> None:
    """Bring the database schema up to date (the core's and every installed plugin's)."""
    from crm_platform.db.setup import migrate

    run(migrate, load_plugins=False)
    click.echo(f"database {get_runtime().settings.database_url} is up to date")
