"""``crm report list|run|rebuild-aggregates``: the reports, one report's result as CSV or JSON,
and the daily counts they read, recomputed."""

from __future__ import annotations

import json

import click

from crm_platform.cli._context import acting_user, run
from crm_platform.reports import aggregates, contact_aggregates, registry, running


@click.group("report")
def report_group() -> None:
    """Reports of the core and the enabled plugins."""


@report_group.command("list")
def list_reports() -> None:
    """The reports there are: key, then title."""
    reports = run(_definitions)
    for report in reports:
        click.echo(f"{report['key']:<28} {report['title']}")


async def _definitions() -> list[dict]:
    return [registry.describe(report) for report in registry.definitions()]


@report_group.command("run")
@click.argument("key")
@click.option("--format", "output", type=click.Choice(["csv", "json"]), default="csv", show_default=True)
@click.option("--from", "date_from", default=None, help="First day, YYYY-MM-DD (default: 90 days ago).")
@click.option("--to", "date_to", default=None, help="Last day, YYYY-MM-DD (default: today).")
@click.option("--team", default=None, help="A team id, or 'me'.")
@click.option("--param", "params", multiple=True, metavar="NAME=VALUE", help="A parameter of the report.")
@click.option("--user", "user_email", default=None,
              help="Count what this user may see (default: the first admin, who sees everything).")
def run_report(key: str, output: str, date_from: str | None, date_to: str | None, team: str | None,
               params: tuple[str, ...], user_email: str | None) -> None:
    """Run report KEY and write its result to stdout."""
    values: dict[str, str] = {}
    for param in params:
        name, equals, value = param.partition("=")
        if not equals or not name:
            raise click.BadParameter(f"{param!r} is not NAME=VALUE", param_hint="--param")
        values[name] = value
    values |= {name: value for name, value in (("from", date_from), ("to", date_to), ("team", team)) if value}

    async def work() -> str:
        principal = await acting_user(user_email)
        report, query, result = await running.run_key(principal, key, values)
        if output == "csv":
            return running.as_csv(result)
        return json.dumps(running.as_json(report, query, result, values.get("team", "")), indent=2, default=str)

    click.echo(run(work), nl=False)


@report_group.command("rebuild-aggregates")
def rebuild_aggregates() -> None:
    """Recompute the daily activity and contact counts the reports read, from every activity
    and contact: once after upgrading an existing database, or after either was changed
    outside the application."""
    counted = run(aggregates.rebuild)
    contacts = run(contact_aggregates.rebuild)
    click.echo(f"counted {counted} activities and {contacts} contacts")
