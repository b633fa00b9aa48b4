"""Tickets follow a contact or company merge: the merged-away contact's tickets name the
survivor as requester, the merged-away company's tickets and SLA policies belong to the
survivor, and an undo puts them back. (Merging two tickets is ``merges.py``.)"""

from __future__ import annotations

import json
from typing import Any

from crm_hookspecs import RecordMerge
from crm_platform.toolkit import execute, fetch, placeholders

from crm_desk.sla import policies as sla_policies
from crm_desk.sla import service as sla

OPEN = "status NOT IN ('solved', 'closed')"


async def move_links(merge: RecordMerge) -> dict[str, Any] | list[str] | None:
    if merge.kind == "contact":
        return await (_move(merge, "requester_id") if merge.undo is None else _restore(merge, "requester_id"))
    if merge.kind == "company":
        if merge.undo is None:
            moved = await _move(merge, "company_id") | await _move_policies(merge)
            await _refresh_open_of(merge.survivor_id)
            return moved
        lost = [*await _restore(merge, "company_id"), *await _restore_policies(merge)]
        await _refresh_open_of(merge.survivor_id, merge.merged_id)
        return lost
    return None


async def _move(merge: RecordMerge, column: str) -> dict[str, Any]:
    rows = await fetch(f"SELECT id FROM desk_ticket WHERE {column} = {{}}", merge.merged_id)
    await execute(f"UPDATE desk_ticket SET {column} = {{}} WHERE {column} = {{}}", merge.survivor_id, merge.merged_id)
    return {"tickets": [row["id"] for row in rows]}


async def _restore(merge: RecordMerge, column: str) -> list[str]:
    ids = [int(ticket) for ticket in (merge.undo or {}).get("tickets", [])]
    if ids:
        await execute(
            f"UPDATE desk_ticket SET {column} = {{}} WHERE {column} = {{}} AND id IN ({placeholders(ids)})",
            merge.merged_id, merge.survivor_id, *ids,
        )
    return []


async def _move_policies(merge: RecordMerge) -> dict[str, Any]:
    """The merged company's SLA policies move to the survivor, but for a category the
    survivor has a policy of its own: the survivor's wins, and the other is kept for the undo."""
    theirs = await fetch(f"SELECT {sla_policies.COLUMNS} FROM desk_sla_policy WHERE company_id = {{}}", merge.merged_id)
    ours = await fetch("SELECT category FROM desk_sla_policy WHERE company_id = {}", merge.survivor_id)
    taken = {row["category"].casefold() for row in ours}
    clashing = [row for row in theirs if row["category"].casefold() in taken]
    moved = [row["id"] for row in theirs if row["category"].casefold() not in taken]
    if clashing:
        await execute(f"DELETE FROM desk_sla_policy WHERE id IN ({placeholders(clashing)})",
                      *(row["id"] for row in clashing))
    if moved:
        await execute(f"UPDATE desk_sla_policy SET company_id = {{}} WHERE id IN ({placeholders(moved)})",
                      merge.survivor_id, *moved)
    kept = [_plain(row) for row in clashing]
    return {"policies": moved, "replaced_policies": kept}


def _plain(row: dict[str, Any]) -> dict[str, Any]:
    targets = row["targets"] if isinstance(row["targets"], dict) else json.loads(row["targets"] or "{}")
    return {"id": row["id"], "name": row["name"], "category": row["category"], "targets": targets,
            "created_at": _iso(row["created_at"]), "updated_at": _iso(row["updated_at"])}


def _iso(value: Any) -> str:
    moment = sla.as_utc(value)
    return moment.isoformat() if moment else ""


async def _restore_policies(merge: RecordMerge) -> list[str]:
    moved = [int(policy) for policy in (merge.undo or {}).get("policies", [])]
    if moved:
        await execute(
            f"UPDATE desk_sla_policy SET company_id = {{}} WHERE company_id = {{}} AND id IN ({placeholders(moved)})",
            merge.merged_id, merge.survivor_id, *moved,
        )
    lost = []
    names = {row["name"].casefold() for row in await fetch("SELECT name FROM desk_sla_policy")}
    for policy in (merge.undo or {}).get("replaced_policies", []):
        if policy["name"].casefold() in names:
            lost.append(f"SLA policy “{policy['name']}” was not restored: another policy has its name now")
            continue
        await execute(
            "INSERT INTO desk_sla_policy (id, name, company_id, category, targets, created_at, updated_at) "
            "VALUES ({}, {}, {}, {}, {}, {}, {})",
            policy["id"], policy["name"], merge.merged_id, policy["category"], json.dumps(policy["targets"]),
            sla.as_utc(policy["created_at"]), sla.as_utc(policy["updated_at"]),
        )
    return lost


async def _refresh_open_of(*company_ids: int) -> None:
    """The companies' open tickets run on the policies that match them now."""
    rows = await fetch(f"SELECT id FROM desk_ticket WHERE {OPEN} AND company_id IN ({placeholders(company_ids)})",
                       *company_ids)
    await sla.refresh([row["id"] for row in rows])
