"""What a run knows of its record: the record as its workflow's owner may see it, the owner,
and the contacts linked to it, for conditions and templates."""

from __future__ import annotations

from typing import Any

from crm_hookspecs import Principal

from crm_automation import segments
from crm_platform.toolkit import (
    CrmError,
    fetch,
    get_record,
    get_records,
    get_users,
    placeholders,
    record_kinds,
)


async def load_record(principal: Principal, kind: str, record_id: int | None) -> dict[str, Any]:
    """The record, or ``{}`` when it is gone or the workflow's owner may not see it."""
    if not kind or record_id is None:
        return {}
    try:
        return await get_record(principal, kind, record_id)
    except CrmError:
        return {}


def _tables_by_kind() -> dict[str, Any]:
    return {kind.key: kind.table for kind in record_kinds()}


async def linked_contacts(principal: Principal, kind: str, record: dict[str, Any]) -> list[dict[str, Any]]:
    """The contacts a record names: the contact itself, a column that points at a contact, or
    the rows of a table that joins the record's kind to contacts (a deal's contacts)."""
    if not record:
        return []
    if kind == "contact":
        return [record]
    tables = _tables_by_kind()
    contact_table, table = tables.get("contact"), tables.get(kind)
    if contact_table is None or table is None:
        return []
    ids: list[int] = []
    for column in table._meta.foreign_key_columns:
        if column._foreign_key_meta.resolved_references is contact_table and record.get(column._meta.name):
            ids.append(record[column._meta.name])
    for pointer in table._meta.foreign_key_references:
        joining = pointer._meta.table
        if joining._meta.tablename.startswith("crm_"):
            continue  # the core's own links are read through the toolkit, never by SQL
        to_contact = [
            column for column in joining._meta.foreign_key_columns
            if column._foreign_key_meta.resolved_references is contact_table
        ]
        if not to_contact:
            continue
        rows = await fetch(
            f"SELECT {to_contact[0]._meta.db_column_name} AS contact FROM {joining._meta.tablename} "
            f"WHERE {pointer._meta.db_column_name} = {{}} ORDER BY id LIMIT 20", record["id"]
        )
        ids += [row["contact"] for row in rows if row["contact"] is not None]
    if not ids:
        return []
    found = await get_records(principal, "contact", list(dict.fromkeys(ids)))
    return [found[i] for i in dict.fromkeys(ids) if i in found]


async def facts(record: dict[str, Any], principal: Principal | None = None, kind: str = "",
                segment_ids: list[int] | None = None) -> dict[str, Any]:
    """What conditions know beside the record: its owner and team, and which of
    ``segment_ids`` hold it (as ``principal`` sees them)."""
    owner_id = record.get("owner")
    users = await get_users([owner_id]) if owner_id else {}
    owner = users.get(owner_id)
    held = []
    if segment_ids and principal is not None and record.get("id") is not None:
        held = await segments.containing(principal, segment_ids, kind, record["id"])
    return {"owner": owner, "owner_team_id": owner["team_id"] if owner else None, "segments": held}


async def template_context(
    principal: Principal, kind: str, record_id: int | None, record: dict[str, Any], payload: dict[str, Any]
) -> dict[str, Any]:
    known = await facts(record)
    contacts = await linked_contacts(principal, kind, record)
    return {
        "record": record, "kind": kind, "record_id": record_id, "owner": known["owner"] or {},
        "contacts": contacts, "contact": contacts[0] if contacts else {}, "event": payload,
    }


__all__ = ["facts", "linked_contacts", "load_record", "placeholders", "template_context"]
