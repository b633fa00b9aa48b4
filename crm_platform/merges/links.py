"""Moving what links to a merged-away record onto the survivor, and back on undo.

Every step is a few set-based statements whatever the number of links, and returns what it
moved (row ids) and what it dropped (whole rows: a link the survivor already had), which the
merge journal keeps for the undo. Call inside the merge's transaction.
"""

from __future__ import annotations

from typing import Any

from crm_platform.db.raw import execute, fetch, placeholders


async def _ids(template: str, *args: object) -> list[int]:
    return [row["id"] for row in await fetch(template, *args)]


async def _update_ids(table: str, assignment: str, ids: list[int], *args: object) -> None:
    # Chunked so an IN list stays far below either engine's limit on parameters.
    for start in range(0, len(ids), 500):
        chunk = ids[start : start + 500]
        await execute(f"UPDATE {table} SET {assignment} WHERE id IN ({placeholders(chunk)})", *args, *chunk)


async def _delete_ids(table: str, ids: list[int]) -> None:
    for start in range(0, len(ids), 500):
        chunk = ids[start : start + 500]
        await execute(f"DELETE FROM {table} WHERE id IN ({placeholders(chunk)})", *chunk)


# --- timeline links ----------------------------------------------------------------------------


async def move_activity_links(kind: str, survivor_id: int, merged_id: int) -> dict[str, Any]:
    """The merged record's timeline links go to the survivor; a link to an activity already on
    the survivor's timeline is dropped (kept in the journal)."""
    dropped = await fetch(
        "SELECT id, activity, role, occurred_at FROM crm_activity_link WHERE record_type = {} AND record_id = {} "
        "AND activity IN (SELECT activity FROM crm_activity_link WHERE record_type = {} AND record_id = {})",
        kind, merged_id, kind, survivor_id,
    )
    await _delete_ids("crm_activity_link", [row["id"] for row in dropped])
    moved = await _ids("SELECT id FROM crm_activity_link WHERE record_type = {} AND record_id = {}", kind, merged_id)
    await execute(
        "UPDATE crm_activity_link SET record_id = {} WHERE record_type = {} AND record_id = {}",
        survivor_id, kind, merged_id,
    )
    return {"moved": moved, "dropped": [
        {"activity": row["activity"], "role": row["role"], "occurred_at": str(row["occurred_at"])} for row in dropped
    ]}


async def restore_activity_links(kind: str, survivor_id: int, merged_id: int, saved: dict[str, Any]) -> list[str]:
    """Put the moved links back on the merged record and re-add the dropped ones whose
    activity still exists; returns what could not be restored."""
    moved = saved.get("moved", [])
    still = await _linked_ids("crm_activity_link", moved, "record_type = {} AND record_id = {}", kind, survivor_id)
    await _update_ids("crm_activity_link", "record_id = {}", still, merged_id)
    dropped = saved.get("dropped", [])
    activity_ids = [row["activity"] for row in dropped]
    existing = set(await _linked_ids("crm_activity", activity_ids, "1 = 1"))
    for row in dropped:
        if row["activity"] in existing:
            await execute(
                "INSERT INTO crm_activity_link (activity, record_type, record_id, role, occurred_at) "
                "SELECT id, {}, {}, {}, occurred_at FROM crm_activity WHERE id = {}",
                kind, merged_id, row["role"], row["activity"],
            )
    lost = len(moved) - len(still) + len(activity_ids) - len(existing)
    return [f"{lost} timeline link(s) were removed since the merge"] if lost else []


async def _linked_ids(table: str, ids: list[int], condition: str, *args: object) -> list[int]:
    found: list[int] = []
    for start in range(0, len(ids), 500):
        chunk = ids[start : start + 500]
        found += await _ids(f"SELECT id FROM {table} WHERE id IN ({placeholders(chunk)}) AND {condition}", *chunk, *args)
    return found


# --- relationships -----------------------------------------------------------------------------

_RELATIONSHIP_COLUMNS = ("type", "source_type", "source_id", "target_type", "target_id", "role", "since", "until",
                         "created_at", "created_by")


async def move_relationships(kind: str, survivor_id: int, merged_id: int) -> dict[str, Any]:
    """Both ends of the merged record's relationships go to the survivor. One between the two
    records, or one the survivor already has (same type, same other end), is dropped."""
    columns = ", ".join(_RELATIONSHIP_COLUMNS)
    same_link = (
        "EXISTS (SELECT 1 FROM crm_relationship o WHERE o.type = r.type AND o.{end}_type = r.{end}_type "
        "AND o.{end}_id = r.{end}_id AND o.{this}_type = {{}} AND o.{this}_id = {{}})"
    )
    dropped = await fetch(
        f"SELECT id, {columns} FROM crm_relationship r WHERE "
        # between the two records
        "(r.source_type = {} AND r.target_type = {} AND ((r.source_id = {} AND r.target_id = {}) "
        "OR (r.source_id = {} AND r.target_id = {}))) "
        # the survivor already has the same link, from this end or to it
        "OR (r.source_type = {} AND r.source_id = {} AND " + same_link.format(end="target", this="source") + ") "
        "OR (r.target_type = {} AND r.target_id = {} AND " + same_link.format(end="source", this="target") + ")",
        kind, kind, merged_id, survivor_id, survivor_id, merged_id,
        kind, merged_id, kind, survivor_id,
        kind, merged_id, kind, survivor_id,
    )
    await _delete_ids("crm_relationship", [row["id"] for row in dropped])
    as_source = await _ids("SELECT id FROM crm_relationship WHERE source_type = {} AND source_id = {}", kind, merged_id)
    as_target = await _ids("SELECT id FROM crm_relationship WHERE target_type = {} AND target_id = {}", kind, merged_id)
    await execute("UPDATE crm_relationship SET source_id = {} WHERE source_type = {} AND source_id = {}",
                  survivor_id, kind, merged_id)
    await execute("UPDATE crm_relationship SET target_id = {} WHERE target_type = {} AND target_id = {}",
                  survivor_id, kind, merged_id)
    for row in dropped:
        row.pop("id")
        for name in ("since", "until", "created_at"):
            row[name] = None if row[name] is None else str(row[name])
    return {"as_source": as_source, "as_target": as_target, "dropped": dropped}


async def restore_relationships(kind: str, survivor_id: int, merged_id: int, saved: dict[str, Any]) -> list[str]:
    from crm_platform.merges.rows import typed_values
    from crm_platform.relationships.tables import Relationship

    lost = 0
    for end in ("source", "target"):
        ids = saved.get(f"as_{end}", [])
        still = await _linked_ids(
            "crm_relationship", ids, f"{end}_type = {{}} AND {end}_id = {{}}", kind, survivor_id
        )
        await _update_ids("crm_relationship", f"{end}_id = {{}}", still, merged_id)
        lost += len(ids) - len(still)
    for row in saved.get("dropped", []):
        values = typed_values(Relationship, row)
        other_type, other_id = (
            (row["target_type"], row["target_id"]) if row["source_id"] == merged_id and row["source_type"] == kind
            else (row["source_type"], row["source_id"])
        )
        if other_type in ("contact", "company") and not await fetch(
            f"SELECT id FROM crm_{other_type} WHERE id = {{}}", other_id
        ):
            lost += 1
            continue
        await Relationship.insert(Relationship(**values))
    return [f"{lost} relationship(s) were removed since the merge"] if lost else []


# --- rows that name the record in a column of their own --------------------------------------


async def move_column(
    table: str, column: str, survivor_id: int, merged_id: int, record_type: str | None = None
) -> list[int]:
    """Rows of ``table`` whose ``column`` names the merged record now name the survivor; with
    ``record_type``, only rows whose ``record_type`` column says so."""
    condition, args = f"{column} = {{}}", [merged_id]
    if record_type is not None:
        condition, args = condition + " AND record_type = {}", [merged_id, record_type]
    moved = await _ids(f"SELECT id FROM {table} WHERE {condition}", *args)
    await _update_ids(table, f"{column} = {{}}", moved, survivor_id)
    return moved


async def restore_column(table: str, column: str, survivor_id: int, merged_id: int, ids: list[int]) -> int:
    """Point the rows ``ids`` back at the merged record where they still name the survivor;
    returns how many could not be."""
    still = await _linked_ids(table, ids, f"{column} = {{}}", survivor_id)
    await _update_ids(table, f"{column} = {{}}", still, merged_id)
    return len(ids) - len(still)
