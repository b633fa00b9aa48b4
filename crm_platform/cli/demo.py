"""``crm demo``: realistic sample data."""

from __future__ import annotations

import click

from crm_platform.cli._context import run


@click.command("demo")
@click.option("--contacts", default=2000, show_default=True, type=click.IntRange(min=1), help="How many contacts.")
@click.option("--seed", default=7, show_default=True, help="The same seed gives the same data.")
@click.option("--if-empty", is_flag=True, help="Do nothing when there are contacts already.")
def demo_command(contacts: int, seed: int, if_empty: bool) -> None:
    """Load demo users, companies, contacts, relationships, activities and tasks, and what the
    enabled plugins add (crm_demo_data: deals, with the sales plugin)."""
    from crm_platform.demo.loader import load_demo

    run(lambda: load_demo(contacts=contacts, seed=seed, if_empty=if_empty))
