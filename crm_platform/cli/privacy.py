"""``crm privacy export|erase``: a person's data from the command line."""

from __future__ import annotations

from pathlib import Path

import click

from crm_platform.cli._context import run
from crm_platform.cli.trash import OPERATOR
from crm_platform.privacy import erase as erasure
from crm_platform.privacy import export as exports


@click.group("privacy")
def privacy_group() -> None:
    """Hand over or erase everything held about a person (GDPR articles 15, 17 and 20)."""


@privacy_group.command("export")
@click.argument("contact_id", type=int)
@click.option("--output", "-o", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="Write to this file (a .zip is written as an archive); default: standard output.")
def export_command(contact_id: int, output: Path | None) -> None:
    """Everything the core and every plugin hold about contact CONTACT_ID, as JSON."""
    document = run(lambda: exports.export_contact(OPERATOR, contact_id))
    body = exports.dumps(document)
    if output is None:
        click.echo(body.decode())
        return
    if output.suffix == ".zip" or len(body) > exports.ZIP_ABOVE_BYTES:
        output = output.with_suffix(".zip")
        output.write_bytes(exports.as_zip(document))
    else:
        output.write_bytes(body)
    click.echo(f"wrote {output}")


@privacy_group.command("erase")
@click.argument("contact_id", type=int)
@click.option("--confirm", default=None, help="The contact's name, to confirm without being asked.")
def erase_command(contact_id: int, confirm: str | None) -> None:
    """Erase contact CONTACT_ID from the core and every plugin, for good (no restore)."""
    if confirm is None:
        confirm = click.prompt("This cannot be undone. Type the contact's name to confirm")
    counts = run(lambda: erasure.erase_contact(OPERATOR, contact_id, confirm))
    parts = ", ".join(f"{key} {count}" for key, count in counts.items() if count)
    click.echo(f"erased contact {contact_id}" + (f" ({parts})" if parts else ""))
