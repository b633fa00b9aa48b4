"""Runs: each trigger occurrence becomes a run on the job queue, whose steps are marked done
in the ledger (``automation_step``) in the transaction that does them, so a worker killed
mid-run resumes where it stopped and never does a step twice. A run's actions may cause
events that start runs in turn; past ``MAX_DEPTH`` such a chain is stopped, and the stopped
run says so."""

from __future__ import annotations

import datetime as dt
import json
import logging
from contextvars import ContextVar
from dataclasses import dataclass
from typing import Any

from crm_hookspecs import ActionCall, Event, Principal

from crm_automation import actions, conditions, context, triggers
from crm_platform.toolkit import (
    CrmError,
    delivery_cache,
    enqueue,
    execute,
    fetch,
    now,
    principal_for,
    unit_of_work,
)

log = logging.getLogger("crm.automation")

MAX_DEPTH = 5
FINAL = ("done", "failed", "stopped", "skipped")
# The depth of the run whose step is being done, so the events that step causes start runs
# one level deeper; ``None`` outside a run.
_running_depth: ContextVar[int | None] = ContextVar("automation_running_depth", default=None)


def _json(value: Any) -> Any:
    return json.loads(value) if isinstance(value, str) else value


decoded = _json


@dataclass(frozen=True)
class NewRun:
    """A run to record: of which workflow version, on what, about which record."""

    workflow_id: int
    version_id: int
    event: str
    payload: dict[str, Any]
    record_kind: str
    record_id: int | None
    depth: int = 0
    state: str = "queued"
    error: str = ""


async def create_runs(new_runs: list[NewRun]) -> list[int]:
    """Record the runs in one statement (inside the caller's transaction); their ids, in order."""
    if not new_runs:
        return []
    moment = now()
    values = ", ".join("({}, {}, {}, {}, {}, {}, {}, {}, {}, {}, {})" for _ in new_runs)
    args = [arg for run in new_runs for arg in (
        run.workflow_id, run.version_id, run.event, json.dumps(run.payload), run.record_kind, run.record_id,
        run.depth, run.state, run.error, moment, moment if run.state in FINAL else None)]
    rows = await execute(
        "INSERT INTO automation_run (workflow, workflow_version, event, payload, record_kind, record_id, "
        f"depth, state, error, created_at, finished_at) VALUES {values} RETURNING id", *args,
    )
    return sorted(row["id"] for row in rows)


async def enabled_workflows() -> list[dict[str, Any]]:
    """The enabled workflows' current versions, read once per delivered transaction (a bulk
    write of 1,000 contacts reads them once, not 1,000 times)."""
    cache = delivery_cache()
    if cache is not None and "automation.workflows" in cache:
        return cache["automation.workflows"]
    rows = await fetch(
        "SELECT w.id, v.id AS version_id, v.trigger FROM automation_workflow w "
        "JOIN automation_version v ON v.workflow = w.id AND v.number = w.version WHERE w.enabled = {}", True,
    )
    for row in rows:
        row["trigger"] = _json(row["trigger"])
    if cache is not None:
        cache["automation.workflows"] = rows
    return rows


async def on_event(event: Event) -> list[int]:
    """Start a run of every enabled workflow the event triggers; returns the runs' ids."""
    name = type(event).__name__
    matching = [row for row in await enabled_workflows() if triggers.matches(row["trigger"], event)]
    if not matching:
        return []
    kind, record_id = triggers.subject(event)
    payload = triggers.payload(event)
    parent = _running_depth.get()
    depth = 0 if parent is None else parent + 1
    stopped = depth > MAX_DEPTH
    error = (f"stopped: runs started by runs reached the depth limit of {MAX_DEPTH} (the workflow triggers "
             "itself, or workflows trigger each other)") if stopped else ""
    async with unit_of_work():
        run_ids = await create_runs([
            NewRun(row["id"], row["version_id"], name, payload, kind, record_id, depth,
                   "stopped" if stopped else "queued", error)
            for row in matching
        ])
    if stopped:
        log.warning("workflow runs %s stopped at depth %d", run_ids, depth)
        return run_ids
    for run_id in run_ids:
        await enqueue("automation.run", run_id=run_id)
    return run_ids


async def _load(run_id: int) -> dict[str, Any] | None:
    rows = await fetch(
        "SELECT r.id, r.workflow, r.event, r.payload, r.record_kind, r.record_id, r.depth, r.state, r.resume_at, "
        "v.conditions, v.steps, w.owner FROM automation_run r "
        "JOIN automation_version v ON v.id = r.workflow_version JOIN automation_workflow w ON w.id = r.workflow "
        "WHERE r.id = {}", run_id,
    )
    if not rows:
        return None
    run = rows[0]
    for name in ("payload", "conditions", "steps"):
        run[name] = _json(run[name])
    return run


async def _finish(run_id: int, state: str, error: str = "") -> None:
    await execute("UPDATE automation_run SET state = {}, error = {}, finished_at = {}, resume_at = NULL "
                  "WHERE id = {}", state, error[:2000], now(), run_id)


async def _mark(run_id: int, position: int, action: str, state: str, outcome: dict[str, Any],
                started: dt.datetime) -> None:
    await execute(
        "INSERT INTO automation_step (run, position, action, state, outcome, started_at, finished_at) "
        "VALUES ({}, {}, {}, {}, {}, {}, {})",
        run_id, position, action, state, json.dumps(outcome, default=str), started, now(),
    )


def step_call(principal: Principal, run: dict[str, Any], record: dict[str, Any], position: int,
              step: dict[str, Any], *, dry_run: bool = False) -> ActionCall:
    params = {key: value for key, value in step.items() if key != "action"}
    if step["action"].startswith("automation."):
        # What the plugin's own actions need beyond their settings.
        params |= {"_event": run["payload"], "_event_name": run["event"], "_actor": run["payload"].get("actor_id"),
                   "_workflow_id": run["workflow"], "_position": position}
    return ActionCall(principal=principal, kind=run["record_kind"], record_id=run["record_id"], record=record,
                      params=params, run_id=run.get("id") or 0, position=position, dry_run=dry_run)


async def execute_run(run_id: int) -> None:
    """The job ``automation.run``: do the run's steps not yet done, in order."""
    run = await _load(run_id)
    if run is None or run["state"] in FINAL:
        return
    if run["state"] == "waiting" and run["resume_at"] is not None and run["resume_at"] > now():
        return
    principal = await principal_for(run["owner"]) if run["owner"] else None
    if principal is None:
        await _finish(run_id, "failed", "the workflow's owner is no longer an active user")
        return
    ledger = {row["position"]: row for row in await fetch(
        "SELECT position, state, outcome FROM automation_step WHERE run = {}", run_id)}
    await execute("UPDATE automation_run SET state = 'running' WHERE id = {}", run_id)
    record = await context.load_record(principal, run["record_kind"], run["record_id"])
    if not ledger and run["conditions"]:
        if not conditions.evaluate(run["conditions"], record, await context.facts(
                record, principal, run["record_kind"], conditions.segment_ids(run["conditions"]))):
            await _finish(run_id, "skipped", f"conditions not met: {conditions.explain(run['conditions'])}")
            return
    known = actions.available()
    position, end = 0, len(run["steps"])
    while position < end:
        step = run["steps"][position]
        entry = ledger.get(position)
        if entry is not None and entry["state"] in ("done", "skipped"):
            position, end = _next_position(step, position, entry, end)
            continue
        action = known.get(step["action"])
        if action is None:
            await _finish(run_id, "failed", f"step {position + 1}: no enabled plugin offers {step['action']!r}")
            return
        started = now()
        if action.key == actions.WAIT:
            if entry is not None:  # waiting: the resume job brought us back once it was due
                await execute("UPDATE automation_step SET state = 'done', finished_at = {} "
                              "WHERE run = {} AND position = {}", started, run_id, position)
                position += 1
                continue
            resume_at = actions.wait_until(started, step)
            async with unit_of_work():
                await _mark(run_id, position, action.key, "waiting", {"until": resume_at.isoformat()}, started)
                await execute("UPDATE automation_run SET state = 'waiting', resume_at = {} WHERE id = {}",
                              resume_at, run_id)
            return
        if action.key == actions.WAIT_UNTIL:
            outcome = await _wait_for_condition(principal, run, record, position, step, entry, started)
            if outcome is None:
                return
            ledger[position] = {"position": position, "state": "done", "outcome": outcome}
            if outcome.get("stopped"):
                await _finish(run_id, "done", f"step {position + 1}: waited {step.get('timeout_days')} days "
                              "and the condition did not hold")
                return
            position, end = _next_position(step, position, ledger[position], end)
            continue
        token = _running_depth.set(run["depth"])
        try:
            async with unit_of_work():
                outcome = await action.run(step_call(principal, run, record, position, step))
                await _mark(run_id, position, action.key, "done", dict(outcome or {}), started)
        except (ValueError, CrmError) as exc:
            async with unit_of_work():
                await _mark(run_id, position, action.key, "failed", {"error": str(exc)}, started)
                await _finish(run_id, "failed", f"step {position + 1} ({action.label}): {exc}")
            return
        finally:
            _running_depth.reset(token)
        if isinstance(outcome, dict) and outcome.get("delivery_id"):
            await enqueue("automation.deliver", delivery_id=outcome["delivery_id"])
        position += 1
        if position < len(run["steps"]):  # the next step sees what this one changed
            record = await context.load_record(principal, run["record_kind"], run["record_id"])
    await _finish(run_id, "done")


def _next_position(step: dict[str, Any], position: int, entry: dict[str, Any], end: int) -> tuple[int, int]:
    """Where a run goes on after a step it has done, and where it ends. A wait for a
    condition whose ``on_timeout`` names step N splits the steps after it in two branches:
    when the condition holds the run does the steps before N and ends; when the wait times out
    it goes on at N. ``stop`` ends a timed-out run. The ledger's outcome says which it was."""
    if step.get("action") != actions.WAIT_UNTIL:
        return position + 1, end
    outcome = _json(entry.get("outcome")) or {}
    target = actions.timeout_target(step)
    if outcome.get("timed_out"):
        if target == "stop":
            return end, end
        return (target - 1, end) if isinstance(target, int) else (position + 1, end)
    return position + 1, (target - 1 if isinstance(target, int) else end)


async def _wait_for_condition(principal: Principal, run: dict[str, Any], record: dict[str, Any], position: int,
                              step: dict[str, Any], entry: dict[str, Any] | None,
                              started: dt.datetime) -> dict[str, Any] | None:
    """A ``wait_until`` step: its outcome once the condition holds or the wait timed out, or
    ``None`` while the run waits on (and is looked at again by the minute job)."""
    condition = actions.until_condition(step)
    held = conditions.evaluate(condition, record, await context.facts(
        record, principal, run["record_kind"], conditions.segment_ids(condition)))
    if entry is None:
        deadline = started + dt.timedelta(days=int(step["timeout_days"]))
    else:
        deadline = dt.datetime.fromisoformat((_json(entry["outcome"]) or {})["deadline"])
    outcome: dict[str, Any] | None = None
    if held:
        outcome = {"met": conditions.explain(condition)}
    elif started >= deadline:
        target = actions.timeout_target(step)
        outcome = {"timed_out": True, "on_timeout": target} | ({"stopped": True} if target == "stop" else {})
    async with unit_of_work():
        if outcome is not None:
            if entry is None:
                await _mark(run["id"], position, actions.WAIT_UNTIL, "done", outcome, started)
            else:
                await execute("UPDATE automation_step SET state = 'done', outcome = {}, finished_at = {} "
                              "WHERE run = {} AND position = {}", json.dumps(outcome), started, run["id"], position)
            await execute("UPDATE automation_run SET state = 'running', resume_at = NULL WHERE id = {}", run["id"])
            return outcome
        if entry is None:
            await _mark(run["id"], position, actions.WAIT_UNTIL, "waiting",
                        {"deadline": deadline.isoformat(), "waiting_for": conditions.explain(condition)}, started)
        recheck = min(deadline, started + dt.timedelta(minutes=actions.RECHECK_MINUTES))
        await execute("UPDATE automation_run SET state = 'waiting', resume_at = {} WHERE id = {}", recheck, run["id"])
    return None


async def resume_due() -> None:
    """The minute job: runs whose wait is over, and webhook deliveries due for a retry."""
    from crm_automation import webhooks

    rows = await fetch("SELECT id, resume_at FROM automation_run WHERE state = 'waiting' AND resume_at <= {} "
                       "ORDER BY id LIMIT 500", now())
    for row in rows:
        stamp = row["resume_at"].isoformat() if hasattr(row["resume_at"], "isoformat") else str(row["resume_at"])
        await enqueue("automation.run", run_id=row["id"], key=f"automation.run:{row['id']}@{stamp}")
    # Runs recorded whose enqueue did not follow (the process stopped between the commit and
    # the enqueue); the enqueue key is the run's, so a run already queued is not queued twice.
    for row in await fetch("SELECT id FROM automation_run WHERE state = 'queued' AND created_at <= {} "
                           "ORDER BY id LIMIT 500", now() - dt.timedelta(minutes=2)):
        await enqueue("automation.run", run_id=row["id"])
    for delivery_id, attempts in await webhooks.due_retries():
        await enqueue("automation.deliver", delivery_id=delivery_id,
                      key=f"automation.deliver:{delivery_id}#{attempts}")


async def dry_run(principal: Principal, workflow: dict[str, Any], kind: str, record_id: int) -> dict[str, Any]:
    """What the workflow would do for one record, changing nothing."""
    from crm_platform.toolkit import get_record

    record = await get_record(principal, kind, record_id)
    run = {"id": 0, "workflow": workflow["id"], "event": workflow["trigger"].get("event", ""),
           "payload": {"actor_id": principal.id, "kind": kind, "record_id": record_id},
           "record_kind": kind, "record_id": record_id}
    met = conditions.evaluate(workflow["conditions"], record, await context.facts(
        record, principal, kind, conditions.segment_ids(workflow["conditions"])))
    result: dict[str, Any] = {"record": {"kind": kind, "id": record_id}, "conditions_met": met,
                              "conditions": conditions.explain(workflow["conditions"]), "steps": []}
    if not met:
        return result
    known = actions.available()
    for position, step in enumerate(workflow["steps"]):
        action = known.get(step["action"])
        entry: dict[str, Any] = {"position": position, "action": step["action"]}
        if action is None:
            entry |= {"state": "failed", "error": f"no enabled plugin offers {step['action']!r}"}
        else:
            try:
                entry |= {"state": "ok", "outcome": dict(await action.run(
                    step_call(principal, run, record, position, step, dry_run=True)) or {})}
            except (ValueError, CrmError) as exc:
                entry |= {"state": "failed", "error": str(exc)}
        result["steps"].append(entry)
    return result
