"""Merging two records of one kind into one, in one unit of work, journaled for the undo.

The survivor takes the chosen value of each field; everything that linked to the merged-away
record (timeline links, relationships, tags, import keys, the contact's lifecycle history,
the company's subsidiaries, and the plugins' rows through ``crm_merge_links``) moves to the
survivor; the merged record is removed; both are audited.

Three or more records merge as one group (:func:`merge_group`): each of the others in turn
into the survivor, all in one transaction, each with its own journal entry and undo.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from crm_hookspecs import Principal, RecordKind, RecordMerge, RecordWrite
from crm_hookspecs.events import RecordsMerged, RecordUpdated

from crm_platform import clock, runtime
from crm_platform.audit import service as audit
from crm_platform.db.raw import fetch
from crm_platform.db.unit import unit_of_work
from crm_platform.errors import Conflict, CrmError, Invalid
from crm_platform.merges import fields, links, queue
from crm_platform.merges.rows import as_json
from crm_platform.merges.tables import Merge
from crm_platform.records import kinds, pipeline, tags
from crm_platform.search import index as search_index


@dataclass
class MergeResult:
    merge_id: int | None
    kind: str
    survivor_id: int
    merged_id: int
    choices: dict[str, str]
    changes: dict[str, Any]
    moved: dict[str, int] = field(default_factory=dict)
    dry_run: bool = False


class _DryRun(Exception):
    """Raised inside the transaction of a dry run so that nothing it wrote is kept."""

    def __init__(self, result: MergeResult) -> None:
        super().__init__("dry run")
        self.result = result


def mergeable(key: str) -> RecordKind:
    kind = kinds.get(key, "kind")
    if key not in fields.FIELDS:
        raise Invalid({"kind": f"{kind.plural.lower() or key} cannot be merged; merge contacts or companies"})
    return kind


async def merge(
    principal: Principal,
    key: str,
    survivor_id: int,
    other_id: int,
    choices: dict[str, str] | None = None,
    *,
    dry_run: bool = False,
) -> MergeResult:
    """Merge ``other_id`` into ``survivor_id`` (both of kind ``key``, both writable by
    ``principal``), each field taking the value ``choices`` names (``survivor``, ``other``
    or, for lists, ``both``). A dry run does all of it in a transaction it rolls back."""
    kind = mergeable(key)
    if survivor_id == other_id:
        raise Invalid({"other_id": "a record cannot be merged into itself"})
    survivor = await pipeline.read_one(principal, key, survivor_id, "write")
    other = await pipeline.read_one(principal, key, other_id, "write")
    changes, made = fields.merged_values(key, survivor, other, choices or {})
    custom_changes = changes.pop("custom", {})
    values = await pipeline.validate(
        principal, kind, {**survivor, **changes}, survivor, custom_changes=custom_changes
    )
    if key == "contact":
        await _ensure_email_free(values["primary_email"], survivor_id, other_id)
    try:
        return await _write(principal, kind, survivor, other, values, made, dry_run=dry_run)
    except _DryRun as done:
        return done.result


MAX_GROUP = 20  # records merged into one survivor at once


class _GroupDryRun(Exception):
    def __init__(self, results: list[MergeResult]) -> None:
        super().__init__("dry run")
        self.results = results


def _pair_choices(choices: dict[str, str], other_id: int) -> dict[str, str]:
    """A group's choices as seen by one pair: a field naming this record takes its value
    (``other``), one naming the survivor or another record keeps the survivor's, and ``both``
    stays ``both``. A field left out takes the pair's default (a value fills an empty one)."""
    return {name: "other" if choice == str(other_id) else "both" if choice == "both" else "survivor"
            for name, choice in choices.items()}


async def merge_group(
    principal: Principal,
    key: str,
    survivor_id: int,
    other_ids: list[int],
    choices: dict[str, str] | None = None,
    *,
    dry_run: bool = False,
) -> list[MergeResult]:
    """Merge every record of ``other_ids`` into ``survivor_id``, in that order and in one
    transaction: all or none. ``choices`` names per field the record whose value survives
    (its id, or ``survivor``), or ``both`` for a list."""
    mergeable(key)
    errors: dict[str, str] = {}
    if not 1 <= len(other_ids) <= MAX_GROUP:
        errors["other_ids"] = f"name 1 to {MAX_GROUP} records to merge into the survivor"
    elif len(set(other_ids)) != len(other_ids) or survivor_id in other_ids:
        errors["other_ids"] = "name each record once, and not the survivor"
    allowed = {"survivor", "both", *(str(other) for other in other_ids)}
    for name, choice in (choices or {}).items():
        if choice not in allowed:
            errors[f"choices.{name}"] = f"must be survivor, both or the id of a record merged: {', '.join(sorted(allowed))}"
    if errors:
        raise Invalid(errors)
    try:
        async with unit_of_work():
            results = [await merge(principal, key, survivor_id, other, _pair_choices(choices or {}, other))
                       for other in other_ids]
            if dry_run:
                raise _GroupDryRun(results)
    except _GroupDryRun as done:
        return [MergeResult(None, result.kind, result.survivor_id, result.merged_id, result.choices,
                            result.changes, result.moved, dry_run=True) for result in done.results]
    return results


async def _ensure_email_free(primary_email: str | None, survivor_id: int, other_id: int) -> None:
    if primary_email is None:
        return
    rows = await fetch(
        "SELECT id, display_name FROM crm_contact WHERE primary_email = {} AND id NOT IN ({}, {})",
        primary_email, survivor_id, other_id,
    )
    if rows:
        raise Conflict(f"contact {rows[0]['id']} ({rows[0]['display_name']}) already has the primary email "
                       f"{primary_email}; choose another first email")


async def _write(
    principal: Principal,
    kind: RecordKind,
    survivor: dict[str, Any],
    other: dict[str, Any],
    values: dict[str, Any],
    made: dict[str, str],
    *,
    dry_run: bool,
) -> MergeResult:
    key, survivor_id, other_id = kind.key, survivor["id"], other["id"]
    stored = pipeline.changed_columns(kind, values, survivor)
    changed = audit.diff(pipeline.audited(kind, survivor), pipeline.audited(kind, values))
    async with unit_of_work() as work:
        moved_links = {
            "activity_links": await links.move_activity_links(key, survivor_id, other_id),
            "relationships": await links.move_relationships(key, survivor_id, other_id),
            "import_keys": await links.move_column("crm_import_key", "record_id", survivor_id, other_id, key),
        }
        if key == "contact":
            moved_links["lifecycle"] = await links.move_column("crm_lifecycle_change", "contact", survivor_id, other_id)
            moved_links["identities"] = await links.move_column("crm_contact_identity", "contact", survivor_id, other_id)
        if key == "company":
            moved_links["subsidiaries"] = await links.move_column("crm_company", "parent", survivor_id, other_id)
        moved_links["plugins"] = await _plugins_move(principal, key, survivor_id, other_id)
        await tags.remove(key, other_id)
        await search_index.remove(key, other_id)
        # The merged record goes first: the survivor may take its unique values (an email).
        await kind.table.delete().where(kind.table.id == other_id)
        if stored:
            if "updated_at" in kinds.columns(kind):
                stored["updated_at"] = clock.now()
            await kind.table.update(stored).where(kind.table.id == survivor_id)
        if kind.tags and "tags" in changed:
            await tags.sync(key, survivor_id, values["tags"])
        events = await pipeline.after_write(
            kind, RecordWrite(principal, key, survivor_id, "update", values, survivor, changed)
        )
        await pipeline.reindex(kind, survivor_id)
        title = str(other.get(kind.title_column) or other_id)
        await audit.record(principal.id, key, survivor_id, "merge", {
            **changed, "merged": {"from": f"{key} {other_id} ({title})", "to": None},
        })
        await audit.record(principal.id, key, other_id, "merge", {"merged_into": {"from": None, "to": survivor_id}})
        columns = [name for name in stored if name in kind.audited]
        inserted = await Merge.insert(Merge(
            kind=key, survivor_id=survivor_id, merged_id=other_id, actor_id=principal.id,
            merged_row=as_json(other),
            survivor_before=as_json({name: survivor.get(name) for name in columns}),
            survivor_after=as_json({name: values.get(name) for name in columns}),
            links=moved_links,
        ))
        merge_id = inserted[0]["id"]
        await queue.record_merge(key, survivor_id, other_id, merge_id, principal.id)
        result = MergeResult(
            merge_id, key, survivor_id, other_id, made, changed, _counts(moved_links), dry_run=dry_run
        )
        if dry_run:
            raise _DryRun(MergeResult(None, key, survivor_id, other_id, made, changed, result.moved, dry_run=True))
        if changed:
            events.append(RecordUpdated(actor_id=principal.id, kind=key, record_id=survivor_id, changes=changed))
        events.append(RecordsMerged(principal.id, kind=key, survivor_id=survivor_id, merged_id=other_id,
                                    merge_id=merge_id))
        for event in events:
            work.emit(event)
    return result


def _counts(moved: dict[str, Any]) -> dict[str, int]:
    counts = {
        "activity_links": len(moved["activity_links"]["moved"]),
        "relationships": len(moved["relationships"]["as_source"]) + len(moved["relationships"]["as_target"]),
        "import_keys": len(moved["import_keys"]),
    }
    if "subsidiaries" in moved:
        counts["subsidiaries"] = len(moved["subsidiaries"])
    return counts


async def _plugins_move(principal: Principal, key: str, survivor_id: int, other_id: int) -> dict[str, Any]:
    """Each plugin's undo data, by slug; a plugin that fails stops the merge."""
    found = await runtime.current().host.call_owned(
        "crm_merge_links", fail_closed=True,
        merge=RecordMerge(principal, key, survivor_id, other_id),
    )
    saved: dict[str, Any] = {}
    for owned in found:
        if owned.item is False:
            raise CrmError(f"plugin {owned.slug} could not move its links to {key} {other_id}; nothing was merged")
        saved[owned.slug] = owned.item
    return as_json(saved)
