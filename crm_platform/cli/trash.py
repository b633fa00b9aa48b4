"""``crm trash list|restore|purge``: the trash from the command line."""

from __future__ import annotations

from typing import Any

import click
from crm_hookspecs import Principal
from rich.console import Console
from rich.table import Table

from crm_platform.cli._context import run
from crm_platform.errors import CrmError
from crm_platform.trash import service
from crm_platform.users import service as users

# Whoever runs ``crm`` on the server sees the whole trash, as an admin does.
OPERATOR = Principal(id=0, email="", display_name="the crm command", role="admin")


@click.group("trash")
def trash_group() -> None:
    """Deleted records, kept for restoring until they expire (setting core.trash_keep_days)."""


@trash_group.command("list")
@click.option("--kind", default=None, help="Only this kind: contact, company, activity, relationship, sales.deal ...")
@click.option("--limit", default=50, show_default=True, type=click.IntRange(1, 200))
def list_trash(kind: str | None, limit: int) -> None:
    """The newest deleted records, with the ids to restore them by."""
    rows, _ = run(lambda: service.list_entries(OPERATOR, kind, limit))
    if not rows:
        click.echo("the trash is empty")
        return
    table = Table("id", "kind", "record", "title", "deleted", "expires", box=None, pad_edge=False)
    for row in rows:
        table.add_row(str(row["id"]), row["kind"], str(row["record_id"]), row["title"],
                      f"{row['deleted_at']:%Y-%m-%d %H:%M}", f"{row['expires']:%Y-%m-%d %H:%M}")
    Console(width=200, soft_wrap=True).print(table)


async def _restore(trash_id: int, email: str | None) -> dict[str, Any]:
    if email:
        found = await users.user_by_email(email)
        principal = await users.principal_for_user_id(found["id"])
    else:
        entry = await service.get_entry(OPERATOR, trash_id)
        principal = await users.principal_for_user_id(entry["deleted_by"]) if entry["deleted_by"] else None
    if principal is None:
        raise CrmError("say who restores it: --as EMAIL of an active user who may delete the record")
    return await service.restore(principal, trash_id)


@trash_group.command("restore")
@click.argument("trash_id", type=int)
@click.option("--as", "email", default=None, help="The user who restores it (default: who deleted it).")
def restore(trash_id: int, email: str | None) -> None:
    """Put entry TRASH_ID back, with what pointed at it."""
    restored = run(lambda: _restore(trash_id, email))
    click.echo(f"restored {restored['kind']} {restored['record_id']} ({restored['title']})")


@trash_group.command("purge")
def purge() -> None:
    """Delete for good every entry past its keeping time now (the hourly job does it too)."""
    count = run(service.purge_expired)
    click.echo(f"purged {count} expired {'entry' if count == 1 else 'entries'}")
