"""``crm user create|set-password|disable|enable|invite|hand-over`` and ``crm token create|revoke``."""

from __future__ import annotations

import sys

import click
from crm_hookspecs import ALL_ROLES

from crm_platform.cli._context import get_runtime, run
from crm_platform.users import accounts, handover, invites, passwords, service

POLICY = (f"{passwords.MIN_PASSWORD_LENGTH} to {passwords.MAX_PASSWORD_LENGTH} characters, not the email, "
          "not a common password.")


@click.group("user")
def user_group() -> None:
    """Manage users."""


@user_group.command("create")
@click.argument("email")
@click.option("--password", prompt=True, hide_input=True, confirmation_prompt=True,
              help=f"{POLICY} Asked for (twice) when not given.")
@click.option("--role", required=True, type=click.Choice(ALL_ROLES), help="What the user may do.")
@click.option("--team", default=None, help="Team name; created if new.")
@click.option("--name", "display_name", default="", help="Display name (default: from the email).")
def create_user(email: str, password: str, role: str, team: str | None, display_name: str) -> None:
    """Create a user who signs in with EMAIL and the password."""
    principal = run(lambda: service.create_user(email, password, role=role, display_name=display_name, team=team))
    click.echo(f"created {principal.role} {principal.email} (id {principal.id})")


def _read_password(from_stdin: bool) -> str:
    if from_stdin:
        # One line, as typed: only the line break is dropped, never spaces or the tail.
        return sys.stdin.readline().rstrip("\r\n")
    return click.prompt("New password", hide_input=True, confirmation_prompt=True)


@user_group.command("set-password", help=(
    "Set the password of EMAIL, asked for twice (or read from standard input); the user's sessions end. "
    + POLICY))
@click.argument("email")
@click.option("--stdin", "from_stdin", is_flag=True, help="Read the password from the first line of standard input.")
def set_password(email: str, from_stdin: bool) -> None:
    password = _read_password(from_stdin)

    async def work() -> None:
        await accounts.set_password(None, await accounts.user_id_for(email), password)

    run(work)
    click.echo(f"password set for {email.strip().lower()}; their sessions are signed out")


def _set_active(email: str, active: bool) -> None:
    async def work() -> bool:
        return await accounts.set_active(None, await accounts.user_id_for(email), active)

    changed = run(work)
    state = "enabled" if active else "disabled"
    click.echo(f"{email.strip().lower()} {state}" if changed else f"{email.strip().lower()} was {state} already")


@user_group.command("disable")
@click.argument("email")
def disable_user(email: str) -> None:
    """Disable EMAIL: no more sign-ins; their sessions end and their API tokens are revoked for good."""
    _set_active(email, False)


@user_group.command("enable")
@click.argument("email")
def enable_user(email: str) -> None:
    """Enable EMAIL again. They sign in anew: old sessions and API tokens stay revoked."""
    _set_active(email, True)


@user_group.command("invite")
@click.argument("email")
@click.option("--role", default="member", show_default=True, type=click.Choice(ALL_ROLES), help="What the user may do.")
@click.option("--team", default=None, help="Team name; created if new.")
@click.option("--name", "display_name", default="", help="Display name (default: from the email).")
def invite_user(email: str, role: str, team: str | None, display_name: str) -> None:
    """Invite EMAIL: prints the one-time link through which they choose their password."""
    settings = get_runtime().settings
    base_url = settings.base_url or f"http://127.0.0.1:{settings.port}"

    async def invite_and_send() -> tuple[invites.Invite, bool]:
        invite = await invites.invite(None, email, base_url=base_url, role=role, team=team, display_name=display_name)
        return invite, await invites.send_invite(invite, "An administrator")

    invite, emailed = run(invite_and_send)
    if emailed:
        click.echo(f"emailed the link to {invite.email}")
    click.echo(f"invited {invite.email} as {role}; send them this link (it works once, until "
               f"{invite.expires_at:%Y-%m-%d %H:%M} UTC):")
    click.echo(invite.url)


@user_group.command("hand-over")
@click.argument("from_email", metavar="FROM")
@click.option("--to", "to_email", default=None, help="The user who takes everything over.")
@click.option("--team", default=None, help="A team whose active members share it, round-robin.")
def hand_over(from_email: str, to_email: str | None, team: str | None) -> None:
    """Hand over FROM's open records of every kind (contacts, companies, open tasks, open
    deals ...) to one user or across a team, in one step."""
    if (to_email is None) == (team is None):
        raise click.UsageError("give one of --to EMAIL or --team TEAM")

    async def work() -> tuple[handover.HandOver, dict[int, str]]:
        from_id = await accounts.user_id_for(from_email)
        to_id = await accounts.user_id_for(to_email) if to_email else None
        team_id = (await accounts.team_named(team))["id"] if team else None
        done = await handover.hand_over(None, from_id, to_user_id=to_id, team_id=team_id)
        emails = {user["id"]: user["email"] for user in await accounts.all_users()}
        return done, emails

    done, emails = run(work)
    targets = ", ".join(emails[user_id] for user_id in done.to_user_ids)
    click.echo(f"handed over {done.total} record{'s' if done.total != 1 else ''} of {from_email.strip().lower()} "
               f"to {targets}")
    for key, count in sorted(done.moved.items()):
        click.echo(f"  {key}: {count}")


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
