"""Deals follow a merge: a merged-away contact's deals name the survivor, a merged-away
company's deals belong to the survivor, and an undo puts them back."""

from __future__ import annotations

from typing import Any

from crm_hookspecs import RecordMerge

from crm_platform.toolkit import execute, fetch, placeholders


async def move_links(merge: RecordMerge) -> dict[str, Any] | list[str] | None:
    if merge.kind == "contact":
        return await (_move_contacts(merge) if merge.undo is None else _restore_contacts(merge))
    if merge.kind == "company":
        return await (_move_companies(merge) if merge.undo is None else _restore_companies(merge))
    return None


async def _move_contacts(merge: RecordMerge) -> dict[str, Any]:
    """A deal naming both contacts keeps the survivor's row (the other's role is kept for the
    undo); the others are re-pointed."""
    shared = await fetch(
        "SELECT deal, role FROM sales_deal_contact WHERE contact = {} "
        "AND deal IN (SELECT deal FROM sales_deal_contact WHERE contact = {})",
        merge.merged_id, merge.survivor_id,
    )
    moved = await fetch(
        "SELECT deal FROM sales_deal_contact WHERE contact = {} "
        "AND deal NOT IN (SELECT deal FROM sales_deal_contact WHERE contact = {})",
        merge.merged_id, merge.survivor_id,
    )
    await execute("DELETE FROM sales_deal_contact WHERE contact = {} AND deal IN "
                  "(SELECT deal FROM sales_deal_contact WHERE contact = {})", merge.merged_id, merge.survivor_id)
    await execute("UPDATE sales_deal_contact SET contact = {} WHERE contact = {}", merge.survivor_id, merge.merged_id)
    return {"moved": [row["deal"] for row in moved], "shared": [[row["deal"], row["role"]] for row in shared]}


async def _restore_contacts(merge: RecordMerge) -> list[str]:
    moved, shared = merge.undo.get("moved", []), merge.undo.get("shared", [])
    if moved:
        await execute(
            f"UPDATE sales_deal_contact SET contact = {{}} WHERE contact = {{}} AND deal IN ({placeholders(moved)})",
            merge.merged_id, merge.survivor_id, *moved,
        )
    existing = {row["id"] for row in await fetch(
        f"SELECT id FROM sales_deal WHERE id IN ({placeholders(shared)})", *(deal for deal, _ in shared)
    )} if shared else set()
    for deal, role in shared:
        if deal in existing:
            await execute("INSERT INTO sales_deal_contact (deal, contact, role) VALUES ({}, {}, {})",
                          deal, merge.merged_id, role)
    lost = len(shared) - len(existing)
    return [f"{lost} deal(s) the contact was on were deleted since the merge"] if lost else []


async def _move_companies(merge: RecordMerge) -> dict[str, Any]:
    rows = await fetch("SELECT id FROM sales_deal WHERE company = {}", merge.merged_id)
    await execute("UPDATE sales_deal SET company = {} WHERE company = {}", merge.survivor_id, merge.merged_id)
    return {"deals": [row["id"] for row in rows]}


async def _restore_companies(merge: RecordMerge) -> None:
    deals = merge.undo.get("deals", [])
    if deals:
        await execute(
            f"UPDATE sales_deal SET company = {{}} WHERE company = {{}} AND id IN ({placeholders(deals)})",
            merge.merged_id, merge.survivor_id, *deals,
        )
