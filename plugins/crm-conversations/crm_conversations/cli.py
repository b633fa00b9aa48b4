"""``crm conversations import PATH``: a mail archive (or a Maildir folder) through an import run."""

from __future__ import annotations

import tempfile
import zipfile
from pathlib import Path

import click

from crm_platform.toolkit import (
    command_user,
    commit_import,
    dry_run_import,
    get_import,
    run_command,
    start_import,
)

KIND = "conversations.message"


def zip_folder(folder: Path, into: Path) -> Path:
    """A Maildir (or any folder of mail files) as one zip, stored without compression; links
    are left out, as a zip of them would be refused."""
    target = into / f"{folder.resolve().name or 'maildir'}.zip"
    with zipfile.ZipFile(target, "w", zipfile.ZIP_STORED) as archive:
        for path in sorted(folder.rglob("*")):
            if path.is_file() and not path.is_symlink():
                archive.write(path, path.relative_to(folder).as_posix())
    return target


def _print_counts(what: str, counts: dict[str, int]) -> None:
    click.echo(f"{what}: {counts.get('create', 0)} linked or kept, {counts.get('skip', 0)} skipped, "
               f"{counts.get('error', 0)} failed")


@click.group("conversations")
def group() -> None:
    """Email and social conversations."""


@group.command("import")
@click.argument("path", type=click.Path(exists=True, path_type=Path), required=False)
@click.option("--dry-run", is_flag=True, help="Count what would be kept, skipped or fail; write nothing.")
@click.option("--user", "user_email", default=None, help="The user the import acts as; the first admin by default.")
@click.option("--resume", "run_id", type=int, default=None, help="Carry on with this run after a crash.")
def import_command(path: Path | None, dry_run: bool, user_email: str | None, run_id: int | None) -> None:
    """Import an .eml, an mbox, a zip of them, or a Maildir folder. Each message is in the
    run's ledger: kept (and linked to its contacts), skipped with the reason, or failed."""
    if path is None and run_id is None:
        raise click.UsageError("name a PATH to import, or --resume RUN")

    async def work() -> None:
        principal = await command_user(user_email)
        assert principal is not None
        nonlocal run_id
        if run_id is None:
            assert path is not None
            # A folder is zipped where a resumed run can read it again.
            source = zip_folder(path, Path(tempfile.mkdtemp(prefix="crm-maildir-"))) if path.is_dir() else path
            run = await start_import(principal, source, KIND, filename=path.name)
            run_id = run["id"]
            if dry_run:
                _print_counts(f"Dry run of run {run_id}", await dry_run_import(principal, run_id))
                return
            click.echo(f"Run {run_id}: {run['rows_total']} messages")
            _print_counts(f"Imported (run {run_id})", await commit_import(principal, run_id))
            return
        run = await get_import(principal, run_id)
        _print_counts(f"Imported (run {run_id}, {run['filename']})", await commit_import(principal, run_id))

    run_command(work)


@group.command("sync")
@click.argument("mailbox", required=False)
@click.option("--user", "user_email", default=None, help="The user whose mailboxes are synced; the first admin by default.")
def sync_command(mailbox: str | None, user_email: str | None) -> None:
    """Sync the IMAP mailbox named MAILBOX now (every mailbox the user may see without it)
    and print what each sync read, imported, skipped and why, or the error that stopped it."""
    from crm_conversations import mailbox_sync, mailboxes

    async def work() -> int:
        principal = await command_user(user_email)
        assert principal is not None
        chosen = [await mailboxes.by_name(principal, mailbox)] if mailbox else await mailboxes.visible(principal)
        if not chosen:
            click.echo("No mailboxes: add one on /conversations/mailboxes or with the API.")
        failures = 0
        for box in chosen:
            outcome = await mailbox_sync.sync(box["id"])
            if outcome["status"] != "ok":
                failures += 1
                click.echo(f"{box['name']}: {outcome['status']}: {outcome['error']}", err=True)
                continue
            click.echo(f"{box['name']}: read {outcome['seen']}, imported {outcome['imported']}, "
                       f"skipped {outcome['skipped']}, failed {outcome['failed']}"
                       + (f" (run {outcome['run']})" if outcome["run"] else ""))
            for label, count in outcome["reasons"].items():
                click.echo(f"  {count} {label}")
        return failures

    if run_command(work):
        raise SystemExit(1)
