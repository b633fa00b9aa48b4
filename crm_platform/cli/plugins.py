"""``crm plugins list|enable|disable|remove|new``."""

from __future__ import annotations

from pathlib import Path

import click
from rich.console import Console
from rich.markup import escape
from rich.table import Table

from crm_platform.cli import scaffold
from crm_platform.cli._context import get_runtime, message_for, run
from crm_platform.errors import Invalid
from crm_platform.instance import plugins as plugin_state
from crm_platform.instance import purge as purge_data


@click.group("plugins")
def plugins_group() -> None:
    """See, choose, remove and write plugins. Disabling one keeps its data."""


@plugins_group.command("list")
def list_plugins() -> None:
    """Installed plugins: enabled, disabled, or failed with the reason."""

    async def describe() -> list[dict[str, object]]:
        return plugin_state.describe(get_runtime().host)

    rows = run(describe)
    if not rows:
        click.echo("no plugins installed")
        return
    table = Table("plugin", "version", "state", "reason", box=None, pad_edge=False)
    for row in rows:
        # escape: a reason may hold [brackets] (a key pattern, say), which rich reads as markup.
        table.add_row(str(row["slug"]), str(row["version"] or "-"), str(row["state"]), escape(str(row["error"] or "")))
    Console(width=200, soft_wrap=True).print(table)


def _switch(slug: str, enabled: bool) -> None:
    run(lambda: plugin_state.set_enabled(get_runtime().host, slug, enabled))
    click.echo(f"plugin {slug} {'enabled' if enabled else 'disabled'}")


@plugins_group.command("enable")
@click.argument("slug")
def enable(slug: str) -> None:
    """Enable the plugin SLUG."""
    _switch(slug, True)


@plugins_group.command("disable")
@click.argument("slug")
def disable(slug: str) -> None:
    """Disable the plugin SLUG; its data stays."""
    _switch(slug, False)


@plugins_group.command("remove")
@click.argument("slug")
@click.option("--purge", is_flag=True, help="Also delete the plugin's tables and its rows in the core's tables.")
@click.option("--yes", is_flag=True, help="Purge without asking for confirmation.")
def remove(slug: str, purge: bool, yes: bool) -> None:
    """Remove the plugin SLUG: disable it, keeping its data; with --purge, delete its data."""
    if not purge:
        _switch(slug, False)
        click.echo(
            f"its data stays, and comes back when it is enabled again (`crm plugins enable {slug}`) "
            f"or reinstalled; `crm plugins remove {slug} --purge` deletes it"
        )
        return
    host = get_runtime().host
    try:
        found = purge_data.plan(host, slug)
    except Invalid as exc:
        raise click.ClickException(message_for(exc)) from None
    distribution = host.records[slug].distribution
    click.echo(_describe(found))
    if not yes:
        click.confirm(f"Delete the data of plugin {slug} for good?", abort=True)
    purged = run(lambda: purge_data.purge(get_runtime().host, slug))
    removed = ", ".join(f"{table} {count}" for table, count in purged.rows.items() if count) or "none"
    click.echo(f"plugin {slug} purged: migrations of {', '.join(purged.database_apps) or 'no app'} reversed")
    click.echo(f"rows removed from the core's tables: {removed}")
    if distribution:
        click.echo(
            f"uninstall its code with `pip uninstall {distribution}`; while it is installed, "
            "`crm migrate` creates its tables again, empty"
        )


def _describe(found: purge_data.Plan) -> str:
    fields = ", ".join(f"{record_type}.{key}" for record_type, key in found.custom_fields) or "none"
    return "\n".join(
        [
            f"Purging plugin {found.slug} deletes:",
            f"  - its tables: the migrations of {', '.join(found.database_apps) or 'no app'}, reversed",
            f"  - its settings, and the links, tags, search entries and saved views "
            f"of its records ({found.slug}.*)",
            f"  - the values of its custom fields: {fields}",
            "The audit log keeps its entries: it records who changed what, and is never rewritten.",
            "The plugin stays installed and disabled until you uninstall it.",
        ]
    )


@plugins_group.command("new")
@click.argument("name")
@click.option(
    "--path", "parent", type=click.Path(file_okay=False, path_type=Path), default=Path("."),
    show_default=True, help="The folder to write the plugin's folder (crm-NAME) in.",
)
def new(name: str, parent: Path) -> None:
    """Write a new plugin NAME (its slug): a table and its migration, an API, a page, a contact
    panel, a setting, a permission, a README and tests, ready to install."""
    try:
        folder = scaffold.create(name, parent)
    except scaffold.ScaffoldError as exc:
        raise click.ClickException(str(exc)) from None
    click.echo(f"wrote plugin {name} in {folder}")
    click.echo("next:")
    click.echo(f"  pip install -e '{folder}[test]'")
    click.echo(f"  python -m pytest {folder}/tests")
    click.echo(f"  crm migrate && crm plugins enable {name}")
