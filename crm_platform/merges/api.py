"""``/api/v1/merges`` (merge, dry run, undo, a record's merge history) and ``/api/v1/duplicates``."""

from __future__ import annotations

from typing import Annotated, Any

from crm_hookspecs import Principal
from litestar import get, post
from litestar.params import FromPath, FromQuery, JSONBody, Parameter

from crm_platform.merges import finder, service, undo
from crm_platform.merges.schemas import DuplicatePairOut, MergeEntryOut, MergeIn, MergeOut, UndoIn, UndoOut
from crm_platform.records import kinds
from crm_platform.users.auth import CurrentPrincipal


@post("/api/v1/merges", status_code=200, tags=["merges"])
async def merge_records(principal: CurrentPrincipal, data: JSONBody[MergeIn]) -> MergeOut:
    """Merge two contacts or two companies you may change; with ``dry_run``, say what would
    change and move without writing anything."""
    result = await service.merge(
        principal, data.kind, data.survivor_id, data.other_id, data.choices, dry_run=data.dry_run
    )
    return MergeOut(result.merge_id, result.kind, result.survivor_id, result.merged_id, result.dry_run,
                    result.choices, result.changes, result.moved)


@post("/api/v1/merges/{merge_id:int}/undo", status_code=200, tags=["merges"])
async def undo_merge(
    principal: CurrentPrincipal, merge_id: FromPath[int], data: JSONBody[UndoIn | None] = None
) -> UndoOut:
    """Bring the merged-away record back with its own fields and links; 409 naming each reason
    when it cannot be (the survivor was edited or removed since)."""
    result = await undo.undo(principal, merge_id)
    return UndoOut(result.merge_id, result.kind, result.survivor_id, result.merged_id, result.not_restored)


async def entry_out(principal: Principal, entry: dict[str, Any]) -> MergeEntryOut:
    kind = kinds.get(entry["kind"])
    return MergeEntryOut(
        entry["id"], entry["kind"], entry["survivor_id"], entry["merged_id"],
        str(entry["merged_row"].get(kind.title_column) or entry["merged_id"]), entry["actor_id"],
        entry["merged_at"], entry["undone_at"], await undo.blockers(principal, entry),
    )


@get("/api/v1/merges/{merge_id:int}", tags=["merges"])
async def get_merge(principal: CurrentPrincipal, merge_id: FromPath[int]) -> MergeEntryOut:
    return await entry_out(principal, await undo.journal_entry(principal, merge_id))


@get("/api/v1/merges", tags=["merges"])
async def list_merges(principal: CurrentPrincipal, kind: FromQuery[str], record_id: FromQuery[int]) -> list[MergeEntryOut]:
    """The merges a record took part in, newest first, each saying whether it can be undone."""
    return [await entry_out(principal, entry) for entry in await undo.history(principal, kind, record_id)]


@get("/api/v1/duplicates", tags=["merges"])
async def list_duplicates(
    principal: CurrentPrincipal,
    kind: Annotated[str, Parameter(description="contact or company")] = "contact",
    limit: Annotated[int, Parameter(ge=1, le=200)] = 50,
) -> list[DuplicatePairOut]:
    """Pairs of records you may see that are likely the same, each with its reasons."""
    return [
        DuplicatePairOut(pair.kind, pair.first_id, pair.first_title, pair.second_id, pair.second_title, pair.reasons)
        for pair in await finder.pairs(principal, kind, limit)
    ]


HANDLERS = [merge_records, undo_merge, get_merge, list_merges, list_duplicates]
