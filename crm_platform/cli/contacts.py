"""``crm contacts merge SURVIVOR OTHER...``: the merge of the web UI and the API, from a terminal."""

from __future__ import annotations

import click

from crm_platform.cli._context import acting_user, run


@click.group("contacts")
def contacts_group() -> None:
    """Work with contacts."""


@contacts_group.command("merge")
@click.argument("survivor", type=int)
@click.argument("others", type=int, nargs=-1, required=True)
@click.option("--dry-run", is_flag=True, help="Say what would change and move; write nothing.")
@click.option("--user", "user_email", default=None, help="Merge as this user (default: the first admin).")
def merge_command(survivor: int, others: tuple[int, ...], dry_run: bool, user_email: str | None) -> None:
    """Merge each contact OTHER into contact SURVIVOR, in order and all or none: lists (emails,
    phones, tags) keep every item, other fields the survivor's value unless it is empty. Undo
    each from the contact's page or the API."""
    from crm_platform.merges import service

    async def work() -> None:
        principal = await acting_user(user_email)
        results = await service.merge_group(principal, "contact", survivor, list(others), dry_run=dry_run)
        verb = "would change" if dry_run else "changed"
        for result in results:
            changed = ", ".join(sorted(result.changes)) or "nothing"
            moved = ", ".join(f"{count} {what.replace('_', ' ')}" for what, count in result.moved.items())
            click.echo(f"contact {result.merged_id}: {verb} on contact {survivor}: {changed}; moved: {moved}")
            if not dry_run:
                click.echo(f"contact {result.merged_id} merged into {survivor} (merge {result.merge_id}; "
                           f"undo: POST /api/v1/merges/{result.merge_id}/undo)")

    run(work)
