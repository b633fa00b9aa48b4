"""``crm user create`` and ``crm token create|revoke``."""

from __future__ import annotations

import click
from crm_hookspecs import ALL_ROLES

from crm_platform.cli._context import run
from crm_platform.users import service


@click.group("user")
def user_group() -> None:
    """Manage users."""


@user_group.command("create")
@click.argument("email")
@click.option("--password", required=True, help="At least 8 characters.")
@click.option("--role", required=True, type=click.Choice(ALL_ROLES), help="What the user may do.")
@click.option("--team", default=None, help="Team name; created if new.")
@click.option("--name", "display_name", default="", help="Display name (default: from the email).")
def create_user(email: str, password: str, role: str, team: str | None, display_name: str) -> None:
    """Create a user who signs in with EMAIL and the password."""
    principal = run(lambda: service.create_user(email, password, role=role, display_name=display_name, team=team))
    click.echo(f"created {principal.role} {principal.email} (id {principal.id})")


@click.group("token")
def token_group() -> None:
    """Manage API tokens."""


@token_group.command("create")
@click.argument("email")
@click.option("--name", default="", help="What the token is for.")
def create_token(email: str, name: str) -> None:
    """Issue an API token for EMAIL; it is shown once, on the last line."""
    token = run(lambda: service.create_token(email, name=name))
    click.echo(f"API token for {email.strip().lower()} (shown once; use it as 'Authorization: Bearer ...'):")
    click.echo(token)


@token_group.command("revoke")
@click.argument("token_or_prefix")
def revoke_token(token_or_prefix: str) -> None:
    """Revoke a token, given whole or by its first 12 characters."""
    count = run(lambda: service.revoke_token(token_or_prefix))
    if count == 0:
        raise click.ClickException(f"no live token matches {token_or_prefix!r}")
    click.echo(f"revoked {count} token{'s' if count != 1 else ''}")
