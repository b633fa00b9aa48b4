"""``crm desk ...``: the desk's commands."""

from __future__ import annotations

import sys
from pathlib import Path

import click
from crm_platform.toolkit import command_user, run_command

from crm_desk.mail import inbound


@click.group("desk")
def desk_commands() -> None:
    """Commands of the ticket desk."""


@desk_commands.command("mail-in")
@click.argument("path", type=click.Path(dir_okay=False, allow_dash=True, path_type=Path))
@click.option("--user", "email", default=None, help="Receive as this user (default: the first admin).")
def mail_in(path: Path, email: str | None) -> None:
    """Take in one raw RFC 822 message (a file, or - for standard input): it opens a ticket or
    joins the ticket it answers. Hand a mail server's delivery to it, one message a call."""
    raw = sys.stdin.buffer.read() if str(path) == "-" else _read(path)

    async def work() -> inbound.Received:
        inbound.parse(raw)  # a file that is no message is refused before anything else
        return await inbound.receive(await command_user(email), raw)

    received = run_command(work)
    click.echo(f"{received.action} ticket #{received.ticket_id}: {received.reason}")


def _read(path: Path) -> bytes:
    if not path.is_file():
        raise click.ClickException(f"{path} is not a file")
    if path.stat().st_size > inbound.MAX_MESSAGE_BYTES:
        raise click.ClickException(f"{path} is larger than {inbound.MAX_MESSAGE_BYTES} bytes: not a message to read")
    return path.read_bytes()
