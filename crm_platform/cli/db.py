"""``crm db check``: is the schema up to date and the database sound?"""

from __future__ import annotations

import sqlite3

import click
from piccolo.apps.migrations.commands.check import CheckMigrationManager

from crm_platform.cli._context import get_runtime, run
from crm_platform.db.engine import SQLiteEngine
from crm_platform.db.raw import execute, fetch


@click.group("db")
def db_group() -> None:
    """Database maintenance."""


async def _problems() -> list[str]:
    problems = []
    statuses = await CheckMigrationManager(app_name="all").get_migration_statuses()
    pending = [f"{status.app_name}:{status.migration_id}" for status in statuses if not status.has_ran]
    if pending:
        problems.append(f"{len(pending)} migration(s) not applied ({', '.join(pending)}); run `crm migrate`")
    engine = get_runtime().engine
    if isinstance(engine, SQLiteEngine):
        result = [row["integrity_check"] for row in engine.read("PRAGMA integrity_check")]
        if result != ["ok"]:
            problems.append("SQLite integrity check failed: " + "; ".join(result[:5]))
        if not pending:
            try:
                # With rank 1, FTS5 also compares the index with the rows it indexes.
                await execute("INSERT INTO crm_search_fts(crm_search_fts, rank) VALUES ('integrity-check', 1)")
            except sqlite3.DatabaseError as exc:
                problems.append(f"search index out of step with its entries ({exc}); rebuild it")
    else:
        await fetch("SELECT 1 AS ok")
    return problems


@db_group.command("check")
def check() -> None:
    """Exit non-zero when migrations are pending or the database is damaged."""
    problems = run(_problems, load_plugins=False)
    url = get_runtime().settings.database_url
    if problems:
        raise click.ClickException(f"{url}:\n  " + "\n  ".join(problems))
    click.echo(f"{url}: schema up to date, database sound")
