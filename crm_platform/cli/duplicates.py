"""``crm duplicates scan``: the duplicate scan of the review queue, run in this process."""

from __future__ import annotations

import time

import click

from crm_platform.cli._context import acting_user, run


@click.group("duplicates")
def duplicates_group() -> None:
    """Find likely duplicates for the review queue (/duplicates)."""


@duplicates_group.command("scan")
@click.option("--kind", type=click.Choice(["contact", "company"]), default="contact", show_default=True)
@click.option("--user", "user_email", default=None, help="Start it as this user (default: the first admin).")
def scan_command(kind: str, user_email: str | None) -> None:
    """Scan every record of KIND for likely duplicates (same email, same phone, similar name;
    for companies the same domain or name) and put the pairs in the review queue. Pairs
    dismissed before stay dismissed."""
    from crm_platform.db.raw import execute, fetch
    from crm_platform.merges import scan

    async def work() -> None:
        principal = await acting_user(user_email)
        rows = await execute(
            "INSERT INTO crm_duplicate_scan (kind, status, started_by) VALUES ({}, 'queued', {}) RETURNING id",
            kind, principal.id,
        )
        started = time.perf_counter()
        await scan.run_scan(rows[0]["id"])
        seconds = time.perf_counter() - started
        done = (await fetch("SELECT records, pairs FROM crm_duplicate_scan WHERE id = {}", rows[0]["id"]))[0]
        pending = (await fetch("SELECT count(*) AS n FROM crm_duplicate_pair WHERE kind = {} AND status = 'pending'",
                               kind))[0]["n"]
        click.echo(f"scanned {done['records']} {kind} records in {seconds:.1f} s: {done['pairs']} likely pairs, "
                   f"{pending} to review at /duplicates?kind={kind}")

    run(work)
