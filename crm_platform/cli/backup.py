"""``crm backup PATH`` and ``crm restore PATH``: the instance in one archive, and back."""

from __future__ import annotations

from pathlib import Path

import click

from crm_platform.backup import archive
from crm_platform.backup.check import database_is_empty
from crm_platform.cli._context import get_runtime, run
from crm_platform.errors import CrmError


def _megabytes(size: int) -> str:
    return f"{size / 1_000_000:.1f} MB"


@click.command("backup")
@click.argument("path", type=click.Path(dir_okay=False, path_type=Path))
def backup_command(path: Path) -> None:
    """Write the database (with every plugin's tables) and the uploaded files to the archive
    PATH, while the app goes on running. PATH ending in .gz or .tgz is compressed."""
    try:
        summary = archive.backup(get_runtime().settings, path)
    except CrmError as exc:
        raise click.ClickException(exc.message) from None
    click.echo(f"backed up the {summary.engine} database and {summary.files} files to {summary.path} "
               f"({_megabytes(summary.size)})")


@click.command("restore")
@click.argument("path", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--force", is_flag=True, help="Replace a database that already holds data.")
def restore_command(path: Path, force: bool) -> None:
    """Put the archive PATH back: the database, then the uploaded files. Stop the app and the
    worker first. A database that holds data is replaced only with --force."""
    empty = run(database_is_empty, load_plugins=False)
    try:
        summary = archive.restore(get_runtime().settings, path, empty, force)
    except CrmError as exc:
        raise click.ClickException(exc.message) from None
    click.echo(f"restored the {summary.engine} database and {summary.files} files from {summary.path}")
