"""Undoing a committed run: the records it created are deleted through the pipeline, the
fields it updated get their previous values back, unless someone edited them since (those
are listed in the ledger, not overwritten). The companies it created for a company column go
too, unless a record the run did not update works at one of them since."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

from crm_hookspecs import Principal, RecordKind
from piccolo.columns import Date, Timestamp, Timestamptz

from crm_platform.db.raw import execute, fetch, placeholders
from crm_platform.db.unit import unit_of_work
from crm_platform.errors import Invalid
from crm_platform.imports import companies, runs
from crm_platform.imports.plan import jsonable
from crm_platform.records import kinds, pipeline

BATCH_ROWS = 500


def _restored(kind: RecordKind, name: str, value: Any) -> Any:
    """A previous value as the ledger kept it (JSON) in the column's own type again."""
    column = next((c for c in kind.table._meta.columns if c._meta.name == name), None)
    if isinstance(value, str) and isinstance(column, Date):
        return dt.date.fromisoformat(value)
    if isinstance(value, str) and isinstance(column, (Timestamptz, Timestamp)):
        return dt.datetime.fromisoformat(value)
    return value


def _current(record: dict[str, Any], name: str) -> Any:
    if name.startswith("custom."):
        return jsonable((record.get("custom") or {}).get(name.removeprefix("custom.")))
    return jsonable(record.get(name))


async def rollback(run_id: int, principal: Principal) -> dict[str, int]:
    run = await runs.load(run_id)
    if run["status"] not in ("committed", "rolling_back"):
        raise Invalid({"run": f"only a committed run can be rolled back; this one is {run['status']}"})
    kind = kinds.get(run["kind"], "kind")
    await runs.set_status(run_id, "rolling_back")
    after = 0
    while True:
        rows = await fetch(
            "SELECT id, row_number, record_id, outcome, previous, written FROM crm_import_row "
            "WHERE run = {} AND phase = 'commit' AND outcome IN ('create', 'update') AND undo = '' "
            f"AND row_number > {{}} ORDER BY row_number LIMIT {BATCH_ROWS}", run_id, after,
        )
        if not rows:
            break
        after = rows[-1]["row_number"]
        await _undo_batch(kind, principal, rows)
    counts = {"removed": 0, "restored": 0, "kept": 0, "gone": 0}
    for row in await fetch(
        "SELECT undo FROM crm_import_row WHERE run = {} AND phase = 'commit' AND undo <> ''", run_id
    ):
        counts[row["undo"].split(":", 1)[0]] = counts.get(row["undo"].split(":", 1)[0], 0) + 1
    if removed := await _remove_companies(run_id, principal):
        counts["companies_removed"] = removed
    await runs.set_status(run_id, "rolled_back", undone=counts)
    return counts


async def _undo_batch(kind: RecordKind, principal: Principal, rows: list[dict[str, Any]]) -> None:
    created = [row["record_id"] for row in rows if row["outcome"] == "create"]
    updated = [row["record_id"] for row in rows if row["outcome"] == "update"]
    deletable = await pipeline.read_many(principal, kind.key, created, "delete")
    writable = await pipeline.read_many(principal, kind.key, updated, "write")
    present = set(deletable) | set(writable)
    if missing := [i for i in created + updated if i not in present]:
        found = {r["id"] for r in await fetch(
            f"SELECT id FROM {kinds.table_name(kind)} WHERE id IN ({placeholders(missing)})", *missing
        )}
    else:
        found = set()
    async with unit_of_work():
        for row in rows:
            record_id = row["record_id"]
            if record_id in found:
                undo = "kept: you may not change this record"
            elif row["outcome"] == "create":
                if record_id in deletable:
                    await pipeline.delete(principal, kind.key, record_id, existing=deletable[record_id])
                    undo = "removed"
                else:
                    undo = "gone: deleted since"
            elif record_id not in writable:
                undo = "gone: deleted since"
            else:
                undo = await _restore(kind, principal, writable[record_id], row)
            await execute("UPDATE crm_import_row SET undo = {} WHERE id = {}", undo, row["id"])
        if created:
            await execute(
                f"DELETE FROM crm_import_key WHERE record_type = {{}} AND record_id IN ({placeholders(created)})",
                kind.key, *created,
            )


async def _restore(kind: RecordKind, principal: Principal, record: dict[str, Any], row: dict[str, Any]) -> str:
    previous = _json(row["previous"])
    written = _json(row["written"])
    if (company_id := written.pop(companies.LINK, None)) is not None:
        await companies.unlink(record["id"], company_id)
    changes: dict[str, Any] = {}
    edited = []
    for name, value in written.items():
        if _current(record, name) != value:
            edited.append(name)
        elif name.startswith("custom."):
            changes.setdefault("custom", {})[name.removeprefix("custom.")] = previous.get(name)
        else:
            changes[name] = _restored(kind, name, previous.get(name))
    if changes:
        await pipeline.update(principal, kind.key, record["id"], changes, existing=record)
    if edited:
        return f"kept: edited since ({', '.join(sorted(edited))})"
    return "restored"


def _json(value: Any) -> dict[str, Any]:
    return json.loads(value) if isinstance(value, str) else (value or {})


async def _remove_companies(run_id: int, principal: Principal) -> int:
    """Delete the companies the run created that nobody but the run's updated contacts works
    at now; how many."""
    source = companies.source_of(run_id)
    keys = await fetch("SELECT record_id FROM crm_import_key WHERE record_type = 'company' AND source = {}", source)
    if not keys:
        return 0
    ids = [row["record_id"] for row in keys]
    used = {row["target_id"] for row in await fetch(
        "SELECT DISTINCT target_id FROM crm_relationship WHERE target_type = 'company' "
        f"AND target_id IN ({placeholders(ids)}) AND NOT (type = 'works_at' AND source_type = 'contact' "
        "AND source_id IN (SELECT record_id FROM crm_import_row WHERE run = {} AND phase = 'commit' "
        "AND outcome = 'update'))", *ids, run_id,
    )}
    deletable = await pipeline.read_many(principal, "company", [i for i in ids if i not in used], "delete")
    async with unit_of_work():
        for company_id, record in deletable.items():
            await pipeline.delete(principal, "company", company_id, existing=record)
        await execute("DELETE FROM crm_import_key WHERE record_type = 'company' AND source = {}", source)
    return len(deletable)
