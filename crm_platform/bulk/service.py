"""Applying one bulk action to many records of a kind through the write pipeline, so each
change is validated, audited, indexed and announced as a single edit would be."""

from __future__ import annotations

import json
import logging
from dataclasses import dataclass, field
from typing import Any

from crm_hookspecs import Principal

from crm_platform import clock
from crm_platform.bulk.tables import BulkRun
from crm_platform.errors import Conflict, Forbidden, Invalid, NotFound
from crm_platform.jobs.runner import enqueue
from crm_platform.records import pipeline
from crm_platform.users.service import principal_for_user_id

log = logging.getLogger("crm.bulk")

JOB = "core.bulk_action"
ACTIONS = ("owner", "stage", "tag", "delete")
# Up to this many records a bulk action runs in the request; more run as a job with progress.
INLINE_LIMIT = 200
# The most records one bulk action takes (a selection is frozen as a list of ids).
MAX_RECORDS = 200_000
# Records per step of a job: its progress is saved after each step, and a run that stopped
# resumes from the last saved step.
STEP = 250


@dataclass
class Outcome:
    changed: int = 0
    skipped: int = 0
    trash_ids: list[int] = field(default_factory=list)


def check(key: str, action: str, params: dict[str, Any]) -> None:
    """Refuse an unknown action or a missing value before anything is written."""
    if action not in ACTIONS or (action == "stage" and key != "contact"):
        choices = ACTIONS if key == "contact" else tuple(name for name in ACTIONS if name != "stage")
        raise Invalid({"action": f"choose one of {', '.join(choices)}"})
    if action == "owner" and not isinstance(params.get("owner_id"), int):
        raise Invalid({"owner_id": "choose whom to assign them to"})
    if action == "stage" and not params.get("stage"):
        raise Invalid({"stage": "choose the stage to move them to"})
    if action == "tag" and not str(params.get("tag") or "").strip():
        raise Invalid({"tag": "enter a tag to add"})


async def _apply_one(principal: Principal, key: str, record_id: int, action: str, params: dict[str, Any],
                     outcome: Outcome) -> None:
    try:
        if action == "delete":
            existing = await pipeline.read_one(principal, key, record_id, "delete")
            outcome.trash_ids.append(await pipeline.delete(principal, key, record_id, existing=existing))
            outcome.changed += 1
            return
        existing = await pipeline.read_one(principal, key, record_id, "write")
        if action == "owner":
            changes: dict[str, Any] = {"owner": params["owner_id"]}
        elif action == "stage":
            changes = {"lifecycle_stage": params["stage"]}
        else:
            changes = {"tags": [*existing.get("tags", []), str(params["tag"]).strip()]}
        if await pipeline.update(principal, key, record_id, changes, existing=existing):
            outcome.changed += 1
    except (NotFound, Forbidden, Conflict):
        outcome.skipped += 1  # gone since it was selected, or not the user's to change


async def apply(principal: Principal, key: str, ids: list[int], action: str, params: dict[str, Any]) -> Outcome:
    """Apply ``action`` to each of ``ids`` ``principal`` may change; the rest are skipped.

    A value the records refuse (an inactive owner, an unknown stage) raises :class:`Invalid`
    on the first record, before any is changed, since every record would refuse it alike.
    """
    check(key, action, params)
    outcome = Outcome()
    for record_id in ids:
        await _apply_one(principal, key, record_id, action, params, outcome)
    return outcome


async def start(principal: Principal, key: str, ids: list[int], action: str, params: dict[str, Any]) -> int:
    """Record the selection and queue the job that works through it; returns the run's id."""
    check(key, action, params)
    if len(ids) > MAX_RECORDS:
        raise Invalid({"ids": f"choose at most {MAX_RECORDS:,} records for one bulk action"})
    inserted = await BulkRun.insert(BulkRun(
        user_id=principal.id, record_type=key, action=action, params=json.dumps(params), record_ids=json.dumps(ids), total=len(ids),
    ))
    run_id = inserted[0]["id"]
    await enqueue(JOB, run_id=run_id)
    return run_id


async def load(run_id: int) -> dict[str, Any] | None:
    rows = await BulkRun.select().where(BulkRun.id == run_id).output(load_json=True)
    return rows[0] if rows else None


async def run_bulk_action(run_id: int) -> None:
    """The job: idempotent, it resumes after the last step it saved (a step done twice
    changes nothing more: the same owner, stage or tag again, a deleted record is gone)."""
    run = await load(run_id)
    if run is None or run["state"] == "done":
        return
    principal = await principal_for_user_id(run["user_id"])
    if principal is None:
        await BulkRun.update({BulkRun.state: "failed", BulkRun.error: "the user who started it no longer exists",
                              BulkRun.finished_at: clock.now()}).where(BulkRun.id == run_id)
        return
    ids, done = run["record_ids"], run["done"]
    changed, trash_ids = run["changed"], list(run["trash_ids"])
    await BulkRun.update({BulkRun.state: "running"}).where(BulkRun.id == run_id)
    try:
        while done < len(ids):
            outcome = await apply(principal, run["record_type"], ids[done : done + STEP], run["action"], run["params"])
            done = min(done + STEP, len(ids))
            changed += outcome.changed
            trash_ids += outcome.trash_ids
            await BulkRun.update({BulkRun.done: done, BulkRun.changed: changed, BulkRun.trash_ids: json.dumps(trash_ids)}).where(
                BulkRun.id == run_id)
    except Invalid as exc:
        log.warning("bulk run %s failed: %s", run_id, exc.errors)
        await BulkRun.update({BulkRun.state: "failed", BulkRun.error: "; ".join(exc.errors.values()),
                              BulkRun.finished_at: clock.now()}).where(BulkRun.id == run_id)
        return
    await BulkRun.update({BulkRun.state: "done", BulkRun.finished_at: clock.now()}).where(BulkRun.id == run_id)
