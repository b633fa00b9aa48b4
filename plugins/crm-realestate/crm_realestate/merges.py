"""Listings and offers follow a merge of contacts: the merged-away contact's listings and offers
name the survivor, and an undo puts them back."""

from __future__ import annotations

from typing import Any

from crm_hookspecs import RecordMerge
from crm_platform.toolkit import execute, fetch, placeholders

# (table, column) pairs that hold a contact's id.
HOLDERS = (("realestate_property", "owner_contact_id"), ("realestate_offer", "buyer_contact_id"))


async def move_links(merge: RecordMerge) -> dict[str, Any] | None:
    if merge.kind != "contact":
        return None
    if merge.undo is None:
        moved: dict[str, Any] = {}
        for table, column in HOLDERS:
            rows = await fetch(f"SELECT id FROM {table} WHERE {column} = {{}}", merge.merged_id)
            await execute(f"UPDATE {table} SET {column} = {{}} WHERE {column} = {{}}", merge.survivor_id,
                          merge.merged_id)
            moved[table] = [row["id"] for row in rows]
        return moved
    for table, column in HOLDERS:
        ids = merge.undo.get(table, [])
        if ids:
            await execute(f"UPDATE {table} SET {column} = {{}} WHERE {column} = {{}} AND id IN ({placeholders(ids)})",
                          merge.merged_id, merge.survivor_id, *ids)
    return None
