"""``/api/v1/merges`` (merge a pair or a group, dry run, undo, a record's merge history) and ``/api/v1/duplicates``."""

from __future__ import annotations

from typing import Annotated, Any

from crm_hookspecs import Principal
from litestar import get, post
from litestar.params import FromPath, FromQuery, JSONBody, Parameter

from crm_platform.db.raw import fetch
from crm_platform.errors import Forbidden, NotFound
from crm_platform.merges import finder, queue, scan, service, undo
from crm_platform.merges.schemas import (
    DismissedOut,
    DuplicatePairOut,
    MergeEntryOut,
    MergeGroupIn,
    MergeGroupOut,
    MergeIn,
    MergeOut,
    QueuedPairOut,
    QueuePageOut,
    ScanIn,
    ScanOut,
    UndoIn,
    UndoOut,
)
from crm_platform.records import kinds
from crm_platform.users.auth import CurrentPrincipal


@post("/api/v1/merges", status_code=200, tags=["merges"])
async def merge_records(principal: CurrentPrincipal, data: JSONBody[MergeIn]) -> MergeOut:
    """Merge two contacts or two companies you may change; with ``dry_run``, say what would
    change and move without writing anything."""
    result = await service.merge(
        principal, data.kind, data.survivor_id, data.other_id, data.choices, dry_run=data.dry_run
    )
    return _merge_out(result)


def _merge_out(result: service.MergeResult) -> MergeOut:
    return MergeOut(result.merge_id, result.kind, result.survivor_id, result.merged_id, result.dry_run,
                    result.choices, result.changes, result.moved)


@post("/api/v1/merges/group", status_code=200, tags=["merges"])
async def merge_group(principal: CurrentPrincipal, data: JSONBody[MergeGroupIn]) -> MergeGroupOut:
    """Merge up to 20 contacts or companies into one, in one transaction: a record that cannot
    be merged stops them all (422, 403 or 409 as for a pair). With ``dry_run``, nothing is written."""
    results = await service.merge_group(
        principal, data.kind, data.survivor_id, data.other_ids, data.choices, dry_run=data.dry_run
    )
    return MergeGroupOut([_merge_out(result) for result in results])


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


async def _scan_out(scan_id: int) -> ScanOut:
    rows = await fetch("SELECT id, kind, status, records, pairs, error FROM crm_duplicate_scan WHERE id = {}", scan_id)
    if not rows:
        raise NotFound("duplicate scan", scan_id)
    return ScanOut(**rows[0])


def ensure_may_scan(principal: Principal) -> None:
    """A scan reads every record: admins and managers start one, members review its pairs."""
    if not principal.sees_everything:
        raise Forbidden("only admins and managers start a duplicate scan")


@post("/api/v1/duplicates/scans", status_code=202, tags=["merges"])
async def start_scan(principal: CurrentPrincipal, data: JSONBody[ScanIn]) -> ScanOut:
    """Scan every contact (or company) for likely duplicates, as a background job; its pairs
    go to the review queue (``GET /api/v1/duplicates/queue``)."""
    ensure_may_scan(principal)
    return await _scan_out(await scan.start(data.kind, principal.id))


@get("/api/v1/duplicates/scans/{scan_id:int}", tags=["merges"])
async def get_scan(principal: CurrentPrincipal, scan_id: FromPath[int]) -> ScanOut:
    """A scan's state (``queued``, ``running``, ``done``, ``failed``) and what it found."""
    return await _scan_out(scan_id)


@get("/api/v1/duplicates/queue", tags=["merges"])
async def duplicate_queue(
    principal: CurrentPrincipal,
    kind: Annotated[str, Parameter(description="contact or company")] = "contact",
    cursor: Annotated[str, Parameter(description="next_cursor of the page before")] = "",
    limit: Annotated[int, Parameter(ge=1, le=200)] = queue.PAGE_SIZE,
) -> QueuePageOut:
    """The pending pairs of the last scans whose two records you may see, highest score first."""
    pairs, next_cursor = await queue.page(principal, kind, cursor, limit)
    return QueuePageOut([QueuedPairOut(p.id, p.kind, p.first_id, p.first_title, p.second_id, p.second_title,
                                       p.reasons, p.score) for p in pairs], next_cursor)


@post("/api/v1/duplicates/queue/{pair_id:int}/dismiss", status_code=200, tags=["merges"])
async def dismiss_pair(principal: CurrentPrincipal, pair_id: FromPath[int]) -> DismissedOut:
    """Not a duplicate: the pair leaves the queue and later scans keep it out."""
    pair = await queue.dismiss(principal, pair_id)
    return DismissedOut(pair["id"], pair["kind"], pair["first_id"], pair["second_id"], pair["status"])


HANDLERS = [merge_records, merge_group, undo_merge, get_merge, list_merges, list_duplicates, start_scan, get_scan,
            duplicate_queue, dismiss_pair]
