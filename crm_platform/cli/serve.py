"""``crm run``, ``crm worker`` and ``crm migrate``."""

from __future__ import annotations

import click

from crm_platform.cli._context import get_runtime, run
from crm_platform.config import load_settings


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
    uvicorn.run(
        "crm_platform.app:create_app",
        factory=True,
        host=host or settings.host,
        port=port or settings.port,
        reload=reload,
        workers=workers,
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
