"""Time-based triggers: no activity with a record for N days, N days before or after a date
field, a task overdue by N hours. No event announces these, so the job
``automation.time_triggers`` looks for them: for each enabled workflow with such a trigger it
pages through the matching records with the toolkit's set-based reads (as the workflow's owner
sees them), a bounded number per firing, and starts a run for each record once per occurrence.

Two ledgers make that exactly once and keep the pages short: ``automation_time_fired`` holds
each (workflow, record, occurrence) that started a run, unique, so a rerun or a second worker
inserting the same row starts nothing; ``automation_time_check`` says when a record was last
looked at, so a record already handled is left out of the next firings' pages until it could
qualify again."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

from crm_platform.toolkit import (
    CrmError,
    RecordFilter,
    enqueue,
    execute,
    fetch,
    last_activity_at,
    list_records,
    now,
    principal_for,
    record_kinds,
    unit_of_work,
)

NO_ACTIVITY = "time.no_activity"
DATE = "time.date"
TASK_OVERDUE = "time.task_overdue"
PARAMS = {NO_ACTIVITY: ("kind", "days"), DATE: ("kind", "field", "days", "when"), TASK_OVERDUE: ("hours",)}
LABELS = {NO_ACTIVITY: "No activity with a record for N days",
          DATE: "N days before or after a date field",
          TASK_OVERDUE: "A task overdue by N hours"}
SCHEDULE = "*/15 * * * *"
PAGE = 200
# At most this many pages per workflow per firing; the rest wait for the next firing.
PAGES = 5
# A date reached while no worker ran still fires, up to this many days late.
DATE_WINDOW_DAYS = 3
MAX_DAYS = 3650


def is_timed(trigger: Any) -> bool:
    return isinstance(trigger, dict) and trigger.get("event") in PARAMS


def catalogue() -> list[dict[str, Any]]:
    return [{"event": name, "label": LABELS[name], "module": __name__, "fields": [], "filters": list(params),
             "time": True} for name, params in PARAMS.items()]


def _columns(kind_key: str) -> set[str]:
    kind = next((kind for kind in record_kinds() if kind.key == kind_key), None)
    return {column._meta.db_column_name for column in kind.table._meta.columns} if kind else set()


def _whole(value: Any, low: int, high: int) -> str | None:
    if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
        return f"must be a whole number from {low} to {high}"
    return None


def check(trigger: dict[str, Any]) -> dict[str, str]:
    """What is wrong with a time-based trigger, by path (``trigger.days``)."""
    name = trigger["event"]
    errors: dict[str, str] = {}
    unknown = sorted(set(trigger) - {"event", *PARAMS[name]})
    if unknown:
        errors[f"trigger.{unknown[0]}"] = f"{name} takes {', '.join(PARAMS[name])}"
    if name == TASK_OVERDUE:
        problem = _whole(trigger.get("hours"), 1, 24 * MAX_DAYS)
        return errors | ({"trigger.hours": problem} if problem else {})
    kind = trigger.get("kind") or "contact"
    if kind not in {k.key for k in record_kinds()}:
        errors["trigger.kind"] = f"unknown record kind {kind!r}"
    problem = _whole(trigger.get("days"), 0 if name == DATE else 1, MAX_DAYS)
    if problem:
        errors["trigger.days"] = problem
    if name == DATE:
        if trigger.get("when", "before") not in ("before", "after"):
            errors["trigger.when"] = "is before or after"
        field = trigger.get("field")
        if not isinstance(field, str) or not field:
            errors["trigger.field"] = "name the date field: custom.<key> or a date column"
        elif not field.startswith("custom.") and "trigger.kind" not in errors and field not in _columns(kind):
            errors["trigger.field"] = f"{kind} has no field {field!r}; a custom field is custom.<key>"
    return errors


def _day_bounds(trigger: dict[str, Any], moment: dt.datetime) -> tuple[dt.date, dt.date]:
    """The dates whose occurrence falls due now: N days ahead (before) or behind (after),
    back to ``DATE_WINDOW_DAYS`` late, and never a date already past for "before"."""
    today = moment.date()
    days = trigger["days"]
    target = today + dt.timedelta(days=days) if trigger.get("when", "before") == "before" else (
        today - dt.timedelta(days=days))
    low = target - dt.timedelta(days=DATE_WINDOW_DAYS - 1)
    if trigger.get("when", "before") == "before":
        low = max(low, today)
    return low, target


def _iso(value: Any) -> str:
    return value.isoformat() if hasattr(value, "isoformat") else str(value)


class Plan:
    """What one time-based trigger looks for now, and what counts as one occurrence."""

    def __init__(self, trigger: dict[str, Any], moment: dt.datetime) -> None:
        self.name = trigger["event"]
        self.kind = "activity" if self.name == TASK_OVERDUE else trigger.get("kind") or "contact"
        self.occurrence: Callable[[dict[str, Any]], Any]
        if self.name == TASK_OVERDUE:
            cutoff = moment - dt.timedelta(hours=trigger["hours"])
            self.filters = {"equals": {"done": False}, "between": {"due_at": (None, cutoff)}}
            self.recheck_since = cutoff
            self.occurrence = lambda row: _iso(row["due_at"])
        elif self.name == NO_ACTIVITY:
            cutoff = moment - dt.timedelta(days=trigger["days"])
            self.filters = {"inactive_since": cutoff, "between": {"created_at": (None, cutoff)}}
            self.recheck_since = cutoff
            self.occurrence = lambda row: None  # the record's last activity, read per page
        else:
            low, high = _day_bounds(trigger, moment)
            field = trigger["field"]
            if field.startswith("custom."):
                key = field.removeprefix("custom.")
                self.filters = {"custom": (f"{key}:between:{low.isoformat()},{high.isoformat()}",)}
                self.occurrence = lambda row: str((row.get("custom") or {}).get(key))[:10]
            else:
                start = dt.datetime.combine(low, dt.time(), tzinfo=dt.UTC)
                end = dt.datetime.combine(high, dt.time.max, tzinfo=dt.UTC)
                self.filters = {"between": {field: (start, end)}}
                self.occurrence = lambda row: _iso(row[field])[:10]
            self.recheck_since = moment - dt.timedelta(days=DATE_WINDOW_DAYS)

    def record_filter(self, workflow_id: int) -> RecordFilter:
        return RecordFilter(
            **self.filters,
            id_not_in="SELECT record_id FROM automation_time_check WHERE workflow = {} AND record_kind = {} "
                      "AND checked_at >= {}",
            id_not_in_args=(workflow_id, self.kind, self.recheck_since),
        )


async def _occurrences(plan: Plan, rows: list[dict[str, Any]]) -> dict[int, str]:
    if plan.name != NO_ACTIVITY:
        return {row["id"]: str(plan.occurrence(row))[:64] for row in rows}
    # The silence began at the last activity, or when the record was made if it never had one.
    last = await last_activity_at(plan.kind, [row["id"] for row in rows])
    return {row["id"]: _iso(max(_moment(value) for value in (last.get(row["id"]), row.get("created_at")) if value))
            for row in rows}


def _moment(value: Any) -> dt.datetime:
    moment = value if isinstance(value, dt.datetime) else dt.datetime.fromisoformat(str(value))
    return (moment if moment.tzinfo else moment.replace(tzinfo=dt.UTC)).astimezone(dt.UTC).replace(microsecond=0)


async def _fire(workflow: dict[str, Any], plan: Plan, rows: list[dict[str, Any]], moment: dt.datetime) -> list[int]:
    from crm_automation import engine  # engine reads triggers, which read this module

    occurrences = await _occurrences(plan, rows)
    ids = list(occurrences)
    fired_values = ", ".join("({}, {}, {}, {}, {})" for _ in ids)
    fired_args = [arg for record_id in ids for arg in (workflow["id"], plan.kind, record_id,
                                                     occurrences[record_id], moment)]
    check_values = ", ".join("({}, {}, {}, {})" for _ in ids)
    check_args = [arg for record_id in ids for arg in (workflow["id"], plan.kind, record_id, moment)]
    async with unit_of_work():
        fresh = await execute(
            f"INSERT INTO automation_time_fired (workflow, record_kind, record_id, occurrence, fired_at) "
            f"VALUES {fired_values} ON CONFLICT (workflow, record_kind, record_id, occurrence) DO NOTHING "
            f"RETURNING record_id", *fired_args,
        )
        await execute(
            f"INSERT INTO automation_time_check (workflow, record_kind, record_id, checked_at) VALUES {check_values} "
            f"ON CONFLICT (workflow, record_kind, record_id) DO UPDATE SET checked_at = excluded.checked_at",
            *check_args,
        )
        started = sorted(row["record_id"] for row in fresh or [])
        run_ids = await engine.create_runs([
            engine.NewRun(workflow["id"], workflow["version_id"], plan.name,
                          {"trigger": plan.name, "kind": plan.kind, "record_id": record_id,
                           "occurrence": occurrences[record_id]}, plan.kind, record_id)
            for record_id in started
        ])
    return run_ids


async def scan_workflow(workflow: dict[str, Any]) -> list[int]:
    """Start the runs one time-based workflow is due for now; returns their ids."""
    principal = await principal_for(workflow["owner"]) if workflow["owner"] else None
    if principal is None:
        return []
    moment = now()
    plan = Plan(workflow["trigger"], moment)
    filters = plan.record_filter(workflow["id"])
    run_ids: list[int] = []
    cursor = None
    for _ in range(PAGES):
        rows, cursor = await list_records(principal, plan.kind, filters, limit=PAGE, cursor=cursor)
        if rows:
            run_ids += await _fire(workflow, plan, rows, moment)
        if cursor is None:
            break
    return run_ids


async def scan() -> None:
    """The job ``automation.time_triggers``: every enabled time-based workflow, in turn."""
    from crm_automation import engine

    rows = await fetch(
        "SELECT w.id, w.owner, v.id AS version_id, v.trigger FROM automation_workflow w "
        "JOIN automation_version v ON v.workflow = w.id AND v.number = w.version WHERE w.enabled = {} ORDER BY w.id",
        True,
    )
    for row in rows:
        row["trigger"] = engine.decoded(row["trigger"])
        if not is_timed(row["trigger"]):
            continue
        try:
            run_ids = await scan_workflow(row)
        except CrmError as exc:  # a field or kind gone since the workflow was saved
            engine.log.warning("time-based workflow %s skipped: %s", row["id"], exc)
            continue
        for run_id in run_ids:
            await enqueue("automation.run", run_id=run_id)
