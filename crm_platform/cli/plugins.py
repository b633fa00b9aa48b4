"""``crm plugins list|enable|disable``."""

from __future__ import annotations

import click
from rich.console import Console
from rich.markup import escape
from rich.table import Table

from crm_platform.cli._context import get_runtime, run
from crm_platform.instance import plugins as plugin_state


@click.group("plugins")
def plugins_group() -> None:
    """See and choose plugins. Disabling one keeps its data."""


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
