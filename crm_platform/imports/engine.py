"""Running a run: the dry run, the commit (resumable) and their progress.

The file is read in batches in a worker thread, never whole. The commit writes each batch's
records, its external ids, its ledger rows and the run's progress in one transaction: a
process killed half-way leaves whole batches behind, and the next commit starts after the
last row in the ledger, so nothing is written twice or lost.
"""

from __future__ import annotations

import asyncio
import itertools
import json
from collections.abc import AsyncIterator, Callable
from pathlib import Path
from typing import Any

from crm_hookspecs import Principal
from crm_hookspecs.events import ContactCreated, RecordCreated

from crm_platform import clock, runtime
from crm_platform.contacts.bulk import write_contacts
from crm_platform.db.bulk import insert_rows
from crm_platform.db.raw import execute, fetch
from crm_platform.db.unit import unit_of_work
from crm_platform.errors import Invalid
from crm_platform.imports import companies, formats, runs
from crm_platform.imports.fields import importable
from crm_platform.imports.plan import Context, Planned, plan_batch
from crm_platform.imports.sniff import FileProblem
from crm_platform.records import customfields, kinds, pipeline

BATCH_ROWS = 500
LEDGER_COLUMNS = ("row_number", "external_id", "record_id", "outcome", "reason", "previous", "written")
Progress = Callable[[int, int], None]


async def context_for(run: dict[str, Any], principal: Principal) -> Context:
    kind = kinds.get(run["kind"], "kind")
    definitions = await customfields.definitions(kind.key) if kind.custom_fields else {}
    users = {user["email"].lower(): user["id"] for user in await _all_users()}
    return Context(
        principal, kind, importable(kind, definitions), run["mapping"], run["match_key"], run["source"], users,
        definitions, mode=run.get("mode") or "create_and_update", update_mode=run.get("update_mode") or "overwrite",
        run_id=run["id"],
    )


async def _all_users() -> list[dict[str, Any]]:
    return await fetch("SELECT id, email FROM crm_user")


async def batches(run: dict[str, Any], skip: int) -> AsyncIterator[list[tuple[int, dict[str, str]]]]:
    """The run's rows after the first ``skip``, numbered from 1, a batch at a time."""
    importer = formats.get(run["format"])
    iterator = iter(importer.rows(run["path"]))
    number = itertools.count(1)

    def next_batch(size: int) -> list[tuple[int, dict[str, str]]]:
        return [(next(number), row) for row in itertools.islice(iterator, size)]

    try:
        while skip > 0:  # read past what the ledger already holds, without keeping it
            skipped = await asyncio.to_thread(next_batch, min(skip, 10_000))
            if not skipped:
                return
            skip -= len(skipped)
        while batch := await asyncio.to_thread(next_batch, BATCH_ROWS):
            yield batch
    except (FileProblem, ValueError, OSError) as exc:
        raise Invalid({"file": str(exc)}) from None


def _ledger_row(planned: Planned) -> tuple[Any, ...]:
    return (
        planned.row_number, planned.external_id, planned.record_id, planned.outcome, planned.reason,
        _json(planned.previous), _json(planned.written),
    )


def _json(values: dict[str, Any]) -> str:
    # Most rows (every create, skip and error) have nothing here.
    return json.dumps(values, default=str) if values else "{}"


async def _write_ledger(run_id: int, phase: str, planned: list[Planned], rows_done: int) -> None:
    await insert_rows("crm_import_row", LEDGER_COLUMNS, [_ledger_row(item) for item in planned],
                      {"run": run_id, "phase": phase, "undo": ""})
    await execute("UPDATE crm_import_run SET rows_done = {}, updated_at = {} WHERE id = {}",
                  rows_done, clock.now(), run_id)


async def totals(run_id: int, phase: str) -> dict[str, int]:
    rows = await fetch(
        "SELECT outcome, count(*) AS n FROM crm_import_row WHERE run = {} AND phase = {} GROUP BY outcome",
        run_id, phase,
    )
    counts = dict.fromkeys(("create", "update", "skip", "error"), 0)
    counts.update({row["outcome"]: row["n"] for row in rows})
    return counts


async def dry_run(run_id: int, principal: Principal, progress: Progress | None = None) -> dict[str, int]:
    """Plan every row and keep the outcomes in the ledger's ``dry`` phase; writes no record."""
    run = await runs.load(run_id)
    await execute("DELETE FROM crm_import_row WHERE run = {} AND phase = 'dry'", run_id)
    await runs.set_status(run_id, "planning", rows_done=0)
    context = await context_for(run, principal)
    done = 0
    try:
        async for batch in batches(run, 0):
            planned = await plan_batch(context, batch)
            done = batch[-1][0]
            async with unit_of_work():
                await _write_ledger(run_id, "dry", planned, done)
            if progress:
                progress(done, run["rows_total"])
    except Invalid as exc:
        await runs.set_status(run_id, "failed", error=exc.errors.get("file") or str(exc))
        raise
    counts = await totals(run_id, "dry")
    if context.companies.linked_new:
        counts["new_companies"] = len(context.companies.linked_new)
    await runs.set_status(run_id, "planned", planned=counts, rows_done=done)
    return counts


async def _resume_point(run_id: int, context: Context) -> int:
    """The last row the ledger holds, with the match values of the rows before it."""
    rows = await fetch(
        "SELECT row_number, external_id FROM crm_import_row WHERE run = {} AND phase = 'commit' ORDER BY row_number",
        run_id,
    )
    if context.match_key:
        for row in rows:
            if row["external_id"]:
                context.seen.setdefault(row["external_id"], row["row_number"])
    return rows[-1]["row_number"] if rows else 0


async def commit(run_id: int, principal: Principal, progress: Progress | None = None) -> dict[str, int]:
    """Write the run's rows, batch by batch; run again after a crash, it carries on where the
    ledger ends."""
    run = await runs.load(run_id)
    if run["status"] in ("committed", "rolling_back", "rolled_back"):
        return await totals(run_id, "commit")
    context = await context_for(run, principal)
    done = await _resume_point(run_id, context)
    await runs.set_status(run_id, "committing", rows_done=done)
    if progress:
        progress(done, run["rows_total"])
    try:
        async for batch in batches(run, done):
            planned = await plan_batch(context, batch)
            done = batch[-1][0]
            async with unit_of_work() as work:
                await _write_batch(context, planned, work)
                await _write_ledger(run_id, "commit", planned, done)
            if progress:
                progress(done, run["rows_total"])
    except Invalid as exc:
        await runs.set_status(run_id, "failed", error=exc.errors.get("file") or str(exc))
        raise
    except Exception as exc:
        # The batch's transaction is rolled back whole; a later commit resumes at this batch.
        await runs.set_status(run_id, "failed", error=f"rows after {done} could not be written: "
                                                     f"{type(exc).__name__}: {exc}; commit again to resume")
        raise
    counts = await totals(run_id, "commit")
    created = await fetch("SELECT count(*) AS n FROM crm_import_key WHERE record_type = 'company' AND source = {}",
                          companies.source_of(run_id))
    if created[0]["n"]:
        counts["new_companies"] = created[0]["n"]
    await runs.set_status(run_id, "committed", committed=counts, rows_done=done)
    _forget_upload(Path(run["path"]))
    return counts


def _forget_upload(path: Path) -> None:
    """An uploaded file is kept until its run is committed (a resume reads it again), then
    removed; a file imported from the command line is the user's own and stays."""
    uploads = Path(runtime.current().settings.imports_dir).resolve()
    if path.resolve().parent == uploads:
        path.unlink(missing_ok=True)


async def _write_batch(context: Context, planned: list[Planned], work: Any) -> None:
    creates = [item for item in planned if item.outcome == "create" and item.values is not None]
    principal, key = context.principal, context.kind.key
    if creates:
        values = [item.values for item in creates]
        if key == "contact":
            # The contacts' bulk loader: one statement per table for the whole batch.
            ids = await write_contacts(principal.id, values)  # type: ignore[arg-type]
            for contact_id in ids:
                work.emit(ContactCreated(actor_id=principal.id, contact_id=contact_id))
                work.emit(RecordCreated(actor_id=principal.id, kind=key, record_id=contact_id))
        else:
            # The plan has just validated these rows: they are written as the dry run showed them.
            ids = await pipeline.create_many(principal, key, values, validated=context.lookups)  # type: ignore[arg-type]
        for item, record_id in zip(creates, ids, strict=True):
            item.record_id = record_id
    for item in planned:
        if item.outcome == "update" and item.record_id is not None and item.values:
            await pipeline.update(principal, key, item.record_id, item.values, existing=item.existing)
    linking = [item for item in planned if item.new_link and item.record_id is not None
               and item.outcome in ("create", "update")]
    if linking:
        known = context.companies
        await companies.create_missing(principal, known, [item.company_key for item in linking], context.run_id)
        await companies.link(principal, [(item.record_id, known.ids[item.company_key], item.role)
                                         for item in linking])  # type: ignore[misc]
        for item in linking:
            if item.outcome == "update":  # for a rollback: the link is the run's to take away
                item.written = {**item.written, companies.LINK: known.ids[item.company_key]}
    keyed = [item for item in planned if item.own_external_id and item.record_id is not None
             and item.outcome in ("create", "update")]
    if keyed:
        await _remember_keys(context, keyed)


async def _remember_keys(context: Context, keyed: list[Planned]) -> None:
    args: list[Any] = []
    for item in keyed:
        args += [context.kind.key, context.source, item.own_external_id, item.record_id]
    values = ", ".join("({}, {}, {}, {})" for _ in keyed)
    await execute(
        f"INSERT INTO crm_import_key (record_type, source, external_id, record_id) VALUES {values} "
        "ON CONFLICT (record_type, source, external_id) DO UPDATE SET record_id = excluded.record_id",
        *args,
    )


async def count_rows(importer_key: str, path: str) -> int:
    """How many rows the file has, read once in a thread (for the progress bar)."""
    importer = formats.get(importer_key)

    def count() -> int:
        return sum(1 for _ in importer.rows(path))

    try:
        return await asyncio.to_thread(count)
    except (FileProblem, ValueError, OSError) as exc:
        raise Invalid({"file": str(exc)}) from None
