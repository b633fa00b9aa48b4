"""Sequences (cadences): ordered steps, each some days after the one before, that contacts are
enrolled in by hand, through the API or by a workflow's step. The minute job
``automation.sequences`` does the steps that fell due, a bounded batch at a time; each step is
written to the enrolment's ledger (unique by enrolment and position) in the transaction that
does it, so a rerun or a second worker never does it twice. A contact leaves when it replies
(an inbound email is logged on it) or on an event the sequence names."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

from crm_hookspecs import Event, Principal

from crm_automation import context, templating, triggers
from crm_automation.bodies import unknown_fields
from crm_platform.toolkit import (
    CrmError,
    Invalid,
    NotFound,
    create_task,
    delivery_cache,
    execute,
    fetch,
    get_activities,
    get_records,
    now,
    placeholders,
    principal_for,
    send_email,
    unit_of_work,
)

FIELDS = ("name", "description", "steps", "stop_on_reply", "stop_on")
STEP_TYPES = {"email": "Email from a template", "call": "Call task", "linkedin": "LinkedIn task",
              "task": "Task"}
STEP_FIELDS = ("type", "delay_days", "subject", "body")
MAX_STEPS = 30
BATCH = 200
COLUMNS = "id, name, description, steps, stop_on_reply, stop_on, owner, deleted_at, created_at, updated_at"


def _decoded(row: dict[str, Any]) -> dict[str, Any]:
    for name in ("steps", "stop_on"):
        if isinstance(row.get(name), str):
            row[name] = json.loads(row[name])
    row["stop_on_reply"] = bool(row["stop_on_reply"])
    return row


def check(data: Any) -> dict[str, Any]:
    """The sequence, cleaned; raises :class:`Invalid` naming every wrong part."""
    if not isinstance(data, dict):
        raise Invalid({"body": f"must be an object with {', '.join(FIELDS)}"})
    errors = unknown_fields(data, FIELDS)
    name = data.get("name")
    if not isinstance(name, str) or not name.strip() or len(name) > 200:
        errors["name"] = "is required, at most 200 characters"
    description = data.get("description", "")
    if not isinstance(description, str) or len(description) > 2000:
        errors["description"] = "must be text of at most 2000 characters"
    steps = data.get("steps")
    if not isinstance(steps, list) or not steps or len(steps) > MAX_STEPS:
        errors["steps"] = f"a sequence has from 1 to {MAX_STEPS} steps"
        steps = []
    for index, step in enumerate(steps):
        path = f"steps[{index}]"
        if not isinstance(step, dict):
            errors[path] = "must be an object with type, delay_days, subject and body"
            continue
        errors |= {f"{path}.{key}": message for key, message in unknown_fields(step, STEP_FIELDS).items()}
        if step.get("type") not in STEP_TYPES:
            errors[f"{path}.type"] = f"is one of {', '.join(STEP_TYPES)}"
        delay = step.get("delay_days", 0)
        if isinstance(delay, bool) or not isinstance(delay, int) or not 0 <= delay <= 365:
            errors[f"{path}.delay_days"] = "must be a whole number of days from 0 to 365"
        for key in ("subject", "body"):
            value = step.get(key)
            if value in (None, ""):
                if key == "subject" or step.get("type") == "email":
                    errors[f"{path}.{key}"] = "is required"
            elif not isinstance(value, str) or len(value) > 20000:
                errors[f"{path}.{key}"] = "must be text of at most 20000 characters"
            else:
                errors |= {f"{path}.{k}": m for k, m in templating.check(value, key).items()}
    if not isinstance(data.get("stop_on_reply", True), bool):
        errors["stop_on_reply"] = "must be true or false"
    stop_on = data.get("stop_on") or []
    known = {item["event"] for item in triggers.catalogue() if not item.get("time")}
    if not isinstance(stop_on, list) or any(name not in known for name in stop_on):
        errors["stop_on"] = "must be a list of events, like [\"DealWon\"] (GET /api/v1/automation/triggers)"
    if errors:
        raise Invalid(errors)
    return {"name": name.strip(), "description": description,
            "steps": [{key: step[key] for key in STEP_FIELDS if key in step} | {"delay_days": step.get("delay_days", 0)}
                      for step in steps],
            "stop_on_reply": data.get("stop_on_reply", True), "stop_on": stop_on}


async def create(principal: Principal, data: Any) -> dict[str, Any]:
    sequence = check(data)
    moment = now()
    rows = await execute(
        "INSERT INTO automation_sequence (name, description, steps, stop_on_reply, stop_on, owner, deleted_at, "
        "created_at, updated_at) VALUES ({}, {}, {}, {}, {}, {}, NULL, {}, {}) RETURNING id",
        sequence["name"], sequence["description"], json.dumps(sequence["steps"]), sequence["stop_on_reply"],
        json.dumps(sequence["stop_on"]), principal.id, moment, moment,
    )
    return await get(rows[0]["id"])


async def get(sequence_id: int, *, deleted: bool = False) -> dict[str, Any]:
    """The sequence (``deleted``: also from the trash) with how many contacts are in it."""
    rows = await fetch(f"SELECT {COLUMNS} FROM automation_sequence WHERE id = {{}}", sequence_id)
    if not rows or (rows[0]["deleted_at"] is not None and not deleted):
        raise NotFound("automation.sequence", sequence_id)
    sequence = _decoded(rows[0])
    counts = await fetch("SELECT state, COUNT(*) AS n FROM automation_enrolment WHERE sequence = {} GROUP BY state",
                         sequence_id)
    sequence["enrolled"] = {row["state"]: int(row["n"]) for row in counts}
    return sequence


async def update(sequence_id: int, data: Any) -> dict[str, Any]:
    """The whole sequence with the changes; enrolled contacts go on at the step they are at."""
    current = await get(sequence_id)
    merged = {key: current[key] for key in FIELDS} | (data if isinstance(data, dict) else {"": data})
    sequence = check(merged)
    await execute(
        "UPDATE automation_sequence SET name = {}, description = {}, steps = {}, stop_on_reply = {}, stop_on = {}, "
        "updated_at = {} WHERE id = {}",
        sequence["name"], sequence["description"], json.dumps(sequence["steps"]), sequence["stop_on_reply"],
        json.dumps(sequence["stop_on"]), now(), sequence_id,
    )
    return await get(sequence_id)


async def trash(sequence_id: int) -> None:
    """Into the trash: nothing is sent while it is there; restoring it goes on where it stood."""
    await get(sequence_id)
    await execute("UPDATE automation_sequence SET deleted_at = {} WHERE id = {}", now(), sequence_id)


async def restore(sequence_id: int) -> dict[str, Any]:
    sequence = await get(sequence_id, deleted=True)
    if sequence["deleted_at"] is None:
        return sequence
    await execute("UPDATE automation_sequence SET deleted_at = NULL WHERE id = {}", sequence_id)
    return await get(sequence_id)


async def all_sequences(*, deleted: bool = False) -> list[dict[str, Any]]:
    """Every sequence by name (``deleted``: those in the trash instead)."""
    condition = "IS NOT NULL" if deleted else "IS NULL"
    rows = [_decoded(row) for row in await fetch(
        f"SELECT {COLUMNS} FROM automation_sequence WHERE deleted_at {condition} ORDER BY name, id LIMIT 500")]
    if not rows:
        return []
    ids = [row["id"] for row in rows]
    counts = await fetch(f"SELECT sequence, state, COUNT(*) AS n FROM automation_enrolment "
                         f"WHERE sequence IN ({placeholders(ids)}) GROUP BY sequence, state", *ids)
    for row in rows:
        row["enrolled"] = {count["state"]: int(count["n"]) for count in counts if count["sequence"] == row["id"]}
    return rows


def _ids(raw: Any) -> list[int]:
    if not isinstance(raw, list) or not raw or len(raw) > 500 or not all(
            isinstance(value, int) and not isinstance(value, bool) for value in raw):
        raise Invalid({"contact_ids": "must be a list of 1 to 500 contact ids"})
    return sorted(set(raw))


async def enrol(principal: Principal, sequence_id: int, contact_ids: Any) -> list[int]:
    """Enrol the contacts (those ``principal`` may see; others are a 422 naming them) that are
    not in the sequence already; returns the contacts newly enrolled."""
    sequence = await get(sequence_id)
    ids = _ids(contact_ids)
    seen = await get_records(principal, "contact", ids)
    missing = [contact_id for contact_id in ids if contact_id not in seen]
    if missing:
        raise Invalid({"contact_ids": f"no contact you may see has the id {', '.join(map(str, missing))}"})
    async with unit_of_work():
        already = {row["contact"] for row in await fetch(
            f"SELECT contact FROM automation_enrolment WHERE sequence = {{}} AND state = 'active' "
            f"AND contact IN ({placeholders(ids)})", sequence_id, *ids)}
        fresh = [contact_id for contact_id in ids if contact_id not in already]
        if fresh:
            moment = now()
            due = moment + dt.timedelta(days=sequence["steps"][0]["delay_days"])
            await execute(
                "INSERT INTO automation_enrolment (sequence, contact, position, state, due_at, reason, enrolled_by, "
                "enrolled_at, ended_at) VALUES " + ", ".join("({}, {}, 0, 'active', {}, '', {}, {}, NULL)" for _ in fresh),
                *[arg for contact_id in fresh for arg in (sequence_id, contact_id, due, principal.id, moment)],
            )
    return fresh


async def unenrol(sequence_id: int | None, contact_ids: list[int], reason: str) -> int:
    """Take the contacts out of the sequence (``None``: of every sequence that stops for
    ``reason``'s cause; the caller narrows it); returns how many enrolments ended."""
    if not contact_ids:
        return 0
    where = "" if sequence_id is None else " AND sequence = {}"
    args: list[Any] = [] if sequence_id is None else [sequence_id]
    rows = await execute(
        f"UPDATE automation_enrolment SET state = 'stopped', reason = {{}}, ended_at = {{}}, due_at = NULL "
        f"WHERE state = 'active' AND contact IN ({placeholders(contact_ids)}){where} RETURNING id",
        reason[:300], now(), *contact_ids, *args,
    )
    return len(rows or [])


async def enrolments(principal: Principal, sequence_id: int, limit: int = 50, cursor: int | None = None
                     ) -> tuple[list[dict[str, Any]], int | None]:
    """One keyset page (by id) of the sequence's enrolments on contacts ``principal`` may see,
    each with the contact's name and the step it is at."""
    sequence = await get(sequence_id)
    rows = await fetch(
        "SELECT id, contact, position, state, due_at, reason, enrolled_at, ended_at FROM automation_enrolment "
        "WHERE sequence = {} AND id > {} ORDER BY id LIMIT {}", sequence_id, cursor or 0, limit + 1,
    )
    more = len(rows) > limit
    rows = rows[:limit]
    seen = await get_records(principal, "contact", sorted({row["contact"] for row in rows}))
    shown = []
    for row in rows:
        contact = seen.get(row["contact"])
        if contact is None:
            continue
        step = sequence["steps"][row["position"]] if row["position"] < len(sequence["steps"]) else None
        shown.append(row | {"contact_name": contact.get("display_name") or "",
                            "step": row["position"] + 1 if step else None,
                            "step_label": f"{STEP_TYPES[step['type']]}: {step['subject']}" if step else "finished"})
    return shown, rows[-1]["id"] if more else None


async def _do_step(principal: Principal, step: dict[str, Any], contact: dict[str, Any]) -> dict[str, Any]:
    ctx = await context.template_context(principal, "contact", contact["id"], contact, {})
    subject = templating.render(step["subject"], ctx).strip()[:200]
    if step["type"] == "email":
        to = contact.get("primary_email")
        if not to:
            raise ValueError("the contact has no email address")
        return {"email_id": await send_email(to, subject, templating.render(step.get("body") or "", ctx)),
                "to": to, "subject": subject}
    task = await create_task(principal, subject, now(), assignee_id=contact.get("owner") or principal.id,
                             body=templating.render(step.get("body") or "", ctx)[:2000],
                             links=[{"record_type": "contact", "record_id": contact["id"]}])
    return {"task_id": task["id"], "subject": subject}


async def advance() -> int:
    """The job ``automation.sequences``: the steps that fell due, at most ``BATCH``; returns
    how many enrolments moved on."""
    moment = now()
    due = await fetch(
        "SELECT e.id, e.sequence, e.contact, e.position, s.steps, s.owner FROM automation_enrolment e "
        "JOIN automation_sequence s ON s.id = e.sequence WHERE e.state = 'active' AND e.due_at <= {} "
        "AND s.deleted_at IS NULL ORDER BY e.due_at, e.id LIMIT {}", moment, BATCH,
    )
    moved = 0
    for owner, group in _by_owner(due).items():
        principal = await principal_for(owner) if owner else None
        contacts = await get_records(principal, "contact", sorted({row["contact"] for row in group})) if principal else {}
        for row in group:
            moved += await _advance_one(principal, row, contacts.get(row["contact"]), moment)
    return moved


def _by_owner(rows: list[dict[str, Any]]) -> dict[int | None, list[dict[str, Any]]]:
    grouped: dict[int | None, list[dict[str, Any]]] = {}
    for row in rows:
        grouped.setdefault(row["owner"], []).append(row)
    return grouped


async def _advance_one(principal: Principal | None, row: dict[str, Any], contact: dict[str, Any] | None,
                       moment: dt.datetime) -> int:
    steps = json.loads(row["steps"]) if isinstance(row["steps"], str) else row["steps"]
    if principal is None or contact is None or row["position"] >= len(steps):
        reason = ("the sequence's owner is no longer an active user" if principal is None else
                  "the contact is gone or hidden from the sequence's owner" if contact is None else "")
        await execute("UPDATE automation_enrolment SET state = {}, reason = {}, due_at = NULL, ended_at = {} "
                      "WHERE id = {} AND state = 'active'", "stopped" if reason else "finished", reason, moment,
                      row["id"])
        return 1
    step = steps[row["position"]]
    following = row["position"] + 1
    async with unit_of_work():
        claimed = await execute(
            "INSERT INTO automation_enrolment_step (enrolment, position, outcome, done_at) VALUES ({}, {}, {}, {}) "
            "ON CONFLICT (enrolment, position) DO NOTHING RETURNING id", row["id"], row["position"], "{}", moment,
        )
        if not claimed:
            return 0  # another worker did this step
        try:
            outcome = await _do_step(principal, step, contact)
        except (ValueError, CrmError) as exc:
            outcome = {"error": str(getattr(exc, "errors", None) or exc)}
        await execute("UPDATE automation_enrolment_step SET outcome = {} WHERE id = {}",
                      json.dumps(outcome, default=str), claimed[0]["id"])
        if following < len(steps):
            await execute("UPDATE automation_enrolment SET position = {}, due_at = {} WHERE id = {}",
                          following, moment + dt.timedelta(days=steps[following]["delay_days"]), row["id"])
        else:
            await execute("UPDATE automation_enrolment SET position = {}, state = 'finished', due_at = NULL, "
                          "ended_at = {} WHERE id = {}", following, moment, row["id"])
    return 1


async def on_event(event: Event) -> None:
    """Take contacts out of sequences: on a reply (an inbound email logged on them) and on the
    events a sequence names."""
    name = type(event).__name__
    if name == "ActivityLogged" and getattr(event, "type", "") == "email":
        principal = await principal_for(event.actor_id) if event.actor_id else None
        if principal is None:
            return
        activity = (await get_activities(principal, [event.activity_id])).get(event.activity_id)
        if activity and activity.get("direction") == "inbound":
            contacts = [link["record_id"] for link in activity["links"] if link["record_type"] == "contact"]
            for row in await fetch("SELECT id FROM automation_sequence WHERE stop_on_reply = {}", True):
                await unenrol(row["id"], contacts, "replied")
        return
    listening = [row for row in await _stopping() if name in row["stop_on"]]
    if not listening:
        return
    kind, record_id = triggers.subject(event)
    if record_id is None:
        return
    for row in listening:
        principal = await principal_for(row["owner"]) if row["owner"] else None
        if principal is None:
            continue
        record = await context.load_record(principal, kind, record_id)
        contacts = [record_id] if kind == "contact" else [
            contact["id"] for contact in await context.linked_contacts(principal, kind, record)]
        await unenrol(row["id"], contacts, f"{name} on {kind} {record_id}")


async def _stopping() -> list[dict[str, Any]]:
    """The sequences and the events that end their enrolments, once per delivered transaction."""
    cache = delivery_cache()
    if cache is not None and "automation.sequences" in cache:
        return cache["automation.sequences"]
    rows = await fetch("SELECT id, stop_on, owner FROM automation_sequence WHERE deleted_at IS NULL")
    for row in rows:
        row["stop_on"] = json.loads(row["stop_on"]) if isinstance(row["stop_on"], str) else list(row["stop_on"] or [])
    if cache is not None:
        cache["automation.sequences"] = rows
    return rows
