"""``crm fields list|add|remove``: the custom fields admins define, from the command line.
Changes are audited, with no actor."""

from __future__ import annotations

import click
from rich.console import Console
from rich.table import Table

from crm_platform.cli._context import run
from crm_platform.records import field_admin


@click.group("fields")
def fields_group() -> None:
    """See, add and remove the custom fields admins define (plugins' are in their code)."""


@fields_group.command("list")
@click.argument("record_type", required=False)
def list_fields(record_type: str | None) -> None:
    """Every admin-defined field, or those of RECORD_TYPE (contact, company ...)."""
    rows = run(lambda: field_admin.listed(record_type))
    if not rows:
        click.echo("no custom fields defined in settings")
        return
    table = Table("id", "on", "key", "label", "kind", "", box=None, pad_edge=False)
    for item in rows:
        detail = ", ".join(item.choices) or item.reference
        flags = " ".join(flag for flag, on in (("required", item.required), ("searchable", item.searchable)) if on)
        table.add_row(str(item.id), item.record_type, item.key, item.label,
                      f"{item.kind} ({detail})" if detail else item.kind, flags)
    Console(width=200, soft_wrap=True).print(table)


@fields_group.command("add")
@click.argument("record_type")
@click.argument("key")
@click.option("--kind", default="text", show_default=True, help="text, number, date, choice, multi_choice, record ...")
@click.option("--label", default="", help="shown on forms; the key, capitalised, if left out")
@click.option("--choice", "choices", multiple=True, help="a choice of a choice field; repeat for each")
@click.option("--points-to", "reference", default="", help="for a record field: contact or company")
@click.option("--required", is_flag=True)
@click.option("--searchable", is_flag=True, help="the search finds records by this field")
def add_field(record_type: str, key: str, kind: str, label: str, choices: tuple[str, ...], reference: str,
              required: bool, searchable: bool) -> None:
    """Define field KEY on records of RECORD_TYPE."""
    new = field_admin.NewField(record_type=record_type, key=key, kind=kind, label=label, choices=choices,
                               reference=reference, required=required, searchable=searchable)
    added = run(lambda: field_admin.add(None, new))
    click.echo(f"added field {added.key} ({added.kind}) to {added.record_type}, id {added.id}")


@fields_group.command("remove")
@click.argument("field_id", type=int)
def remove_field(field_id: int) -> None:
    """Remove field FIELD_ID (see ``crm fields list``); the values records hold stay."""
    removed = run(lambda: field_admin.remove(None, field_id))
    click.echo(f"removed field {removed.key} from {removed.record_type}")
