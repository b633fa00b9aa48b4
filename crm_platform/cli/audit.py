"""``crm audit verify``: check that the audit log is whole and unedited."""

from __future__ import annotations

import click

from crm_platform.audit.verify import verify
from crm_platform.cli._context import run


@click.group("audit")
def audit_group() -> None:
    """The audit log: who changed what, when, as a hash chain."""


@audit_group.command("verify")
def verify_command() -> None:
    """Recompute every entry's hash and link; name the first entry edited, inserted or deleted
    behind the application's back. Exits 1 when the chain is broken."""
    verdict = run(verify, load_plugins=False)
    if verdict.problem is not None:
        click.echo(f"audit log BROKEN at {verdict.problem} ({verdict.checked} entries before it verified)")
        raise SystemExit(1)
    # The head is what a truncation of the newest entries would change: keep it to compare.
    click.echo(f"audit log OK: {verdict.checked} entries, head #{verdict.head.seq} {verdict.head.entry_hash}")
