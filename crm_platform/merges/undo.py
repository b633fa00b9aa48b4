"""Undoing a merge from its journal: the merged-away record comes back with its own fields and
links, and the survivor gets back the values it had, unless they were changed since."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

from crm_hookspecs import Principal, RecordMerge
from crm_hookspecs.events import MergeUndone

from crm_platform import clock, runtime
from crm_platform.audit import service as audit
from crm_platform.db.raw import decode_json_columns, fetch
from crm_platform.db.unit import unit_of_work
from crm_platform.errors import Conflict, CrmError, Forbidden, NotFound
from crm_platform.merges import links
from crm_platform.merges.rows import as_json, typed_values
from crm_platform.merges.service import mergeable
from crm_platform.merges.tables import Merge
from crm_platform.records import access, kinds, pipeline, tags

JSON_COLUMNS = ("merged_row", "survivor_before", "survivor_after", "links")


@dataclass
class UndoResult:
    merge_id: int
    kind: str
    survivor_id: int
    merged_id: int
    not_restored: list[str] = field(default_factory=list)


async def journal_entry(principal: Principal, merge_id: int) -> dict[str, Any]:
    """The merge, if ``principal`` may change its survivor (and could see the merged record)."""
    rows = await fetch("SELECT * FROM crm_merge WHERE id = {}", merge_id)
    if not rows:
        raise NotFound("merge", merge_id)
    entry = decode_json_columns(rows[0], JSON_COLUMNS)
    owners = await access.visible_owner_ids(principal)
    if owners is not None and entry["merged_row"].get("owner") not in owners:
        raise Forbidden(f"you do not have access to merge {merge_id}")
    return entry


async def blockers(principal: Principal, entry: dict[str, Any]) -> list[str]:
    """Why the merge cannot be undone now (empty when it can)."""
    key, survivor_id, merged_id = entry["kind"], entry["survivor_id"], entry["merged_id"]
    kind = mergeable(key)
    label = kind.label.lower() or key
    if entry["undone_at"] is not None:
        return ["this merge was already undone"]
    found: list[str] = []
    rows = await fetch(f"SELECT * FROM {kinds.table_name(kind)} WHERE id IN ({{}}, {{}})", survivor_id, merged_id)
    by_id = {row["id"]: kinds.decode(kind, row) for row in rows}
    if merged_id in by_id:
        found.append(f"another {label} has taken id {merged_id} since the merge")
    survivor = by_id.get(survivor_id)
    if survivor is None:
        found.append(f"{label} {survivor_id}, which the other was merged into, no longer exists (it may have been "
                     "merged or deleted since)")
        return found
    await access.ensure(principal, "write", key, survivor)
    current = as_json({name: survivor.get(name) for name in entry["survivor_after"]})
    edited = sorted(name for name, value in entry["survivor_after"].items() if current.get(name) != value)
    if edited:
        found.append(f"{label} {survivor_id} was changed since the merge ({', '.join(edited)}); "
                     "undoing would overwrite those changes")
    email = entry["merged_row"].get("primary_email")
    if key == "contact" and email:
        taken = await fetch(
            "SELECT id FROM crm_contact WHERE primary_email = {} AND id <> {}", email, survivor_id
        )
        if taken:
            found.append(f"the primary email {email} now belongs to another contact")
    return found


async def undo(principal: Principal, merge_id: int) -> UndoResult:
    """Undo the merge; :class:`Conflict` listing every reason when it cannot be undone."""
    entry = await journal_entry(principal, merge_id)
    reasons = await blockers(principal, entry)
    if reasons:
        raise Conflict("this merge cannot be undone: " + "; ".join(reasons), reasons=reasons)
    kind = mergeable(entry["kind"])
    key, survivor_id, merged_id = kind.key, entry["survivor_id"], entry["merged_id"]
    moved = entry["links"]
    not_restored: list[str] = []
    async with unit_of_work() as work:
        before = entry["survivor_before"]
        if before:
            values = typed_values(kind.table, before)
            if "updated_at" in kinds.columns(kind):
                values["updated_at"] = clock.now()
            await kind.table.update(values).where(kind.table.id == survivor_id)
        await kind.table.insert(kind.table(**typed_values(kind.table, entry["merged_row"])))
        not_restored += await links.restore_activity_links(key, survivor_id, merged_id, moved["activity_links"])
        not_restored += await links.restore_relationships(key, survivor_id, merged_id, moved["relationships"])
        await links.restore_column("crm_import_key", "record_id", survivor_id, merged_id, moved["import_keys"])
        if "lifecycle" in moved:
            await links.restore_column("crm_lifecycle_change", "contact", survivor_id, merged_id, moved["lifecycle"])
        if "identities" in moved:
            await links.restore_column("crm_contact_identity", "contact", survivor_id, merged_id, moved["identities"])
        if "subsidiaries" in moved:
            lost = await links.restore_column("crm_company", "parent", survivor_id, merged_id, moved["subsidiaries"])
            if lost:
                not_restored.append(f"{lost} subsidiary compan(y/ies) were moved since the merge")
        not_restored += await _plugins_restore(principal, key, survivor_id, merged_id, moved.get("plugins", {}))
        if kind.tags:
            restored = await fetch(
                f"SELECT id, tags FROM {kinds.table_name(kind)} WHERE id IN ({{}}, {{}})", survivor_id, merged_id
            )
            for row in restored:
                await tags.sync(key, row["id"], _decoded(row["tags"]))
        await pipeline.reindex(kind, survivor_id)
        await pipeline.reindex(kind, merged_id)
        restored_changes = audit.diff(entry["survivor_after"], before)
        await audit.record(principal.id, key, survivor_id, "unmerge", {
            **restored_changes, "merged": {"from": None, "to": f"{key} {merged_id} restored"},
        })
        await audit.record(principal.id, key, merged_id, "unmerge", {"merged_into": {"from": survivor_id, "to": None}})
        await Merge.update({
            Merge.undone_at: clock.now(), Merge.undone_by: principal.id, Merge.undo_note: "\n".join(not_restored),
        }).where(Merge.id == merge_id)
        work.emit(MergeUndone(principal.id, kind=key, survivor_id=survivor_id, merged_id=merged_id, merge_id=merge_id))
    return UndoResult(merge_id, key, survivor_id, merged_id, not_restored)


def _decoded(value: Any) -> Any:
    return json.loads(value) if isinstance(value, str) else value


async def _plugins_restore(
    principal: Principal, key: str, survivor_id: int, merged_id: int, saved: dict[str, Any]
) -> list[str]:
    host = runtime.current().host
    notes: list[str] = []
    for slug, data in saved.items():
        if not host.is_active(slug):
            notes.append(f"plugin {slug} is not enabled, so its links were not restored")
            continue
        found = await host.call_owned(
            "crm_merge_links", fail_closed=True, only=slug,
            merge=RecordMerge(principal, key, survivor_id, merged_id, undo=data or {}),
        )
        for owned in found:
            if owned.item is False:
                raise CrmError(f"plugin {slug} could not restore its links; the merge was not undone")
            if isinstance(owned.item, str):
                notes.append(owned.item)
    return notes


async def history(principal: Principal, key: str, record_id: int, limit: int = 20) -> list[dict[str, Any]]:
    """The merges the record took part in (either side), newest first, with whether each can
    still be undone; only for a record ``principal`` may see."""
    await pipeline.read_one(principal, key, record_id)
    rows = await fetch(
        "SELECT * FROM crm_merge WHERE kind = {} AND (survivor_id = {} OR merged_id = {}) ORDER BY id DESC LIMIT {}",
        key, record_id, record_id, limit,
    )
    return [decode_json_columns(row, JSON_COLUMNS) for row in rows]
