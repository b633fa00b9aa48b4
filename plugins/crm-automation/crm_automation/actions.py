"""The actions workflows take: the plugin's own (``automation.*``) and every enabled plugin's
(``crm_workflow_actions``), registered the same way and run the same way."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

from crm_hookspecs import ActionCall, WorkflowAction

from crm_automation import conditions, context, segments, sequences, templating, webhooks
from crm_platform.toolkit import (
    CrmError,
    Invalid,
    create_task,
    execute,
    fetch,
    get_users,
    list_teams,
    notify,
    now,
    open_task_counts,
    send_email,
    update_record,
    workflow_actions,
)

WAIT = "automation.wait"
WAIT_UNTIL = "automation.wait_until"
MAX_WAIT_DAYS = 365
# How often a run waiting for a condition looks at its record again.
RECHECK_MINUTES = 15


def business_days_after(start: dt.datetime, days: int) -> dt.datetime:
    """``days`` working days (Monday to Friday) after ``start``, at the same time of day."""
    moment = start
    while days > 0:
        moment += dt.timedelta(days=1)
        if moment.weekday() < 5:
            days -= 1
    return moment


def _int(params: Mapping[str, Any], name: str, low: int, high: int, default: int | None = None) -> int:
    raw = params.get(name, default)
    try:
        value = int(raw)
    except (TypeError, ValueError):
        raise ValueError(f"{name} must be a whole number, not {raw!r}") from None
    if not low <= value <= high:
        raise ValueError(f"{name} must be between {low} and {high}")
    return value


def _check_int(params: Mapping[str, Any], name: str, low: int, high: int, required: bool = False) -> dict[str, str]:
    if params.get(name) in (None, ""):
        return {name: "is required"} if required else {}
    try:
        _int(params, name, low, high)
    except ValueError as exc:
        return {name: str(exc).removeprefix(f"{name} ")}
    return {}


def _check_templates(params: Mapping[str, Any], *names: str, required: tuple[str, ...] = ()) -> dict[str, str]:
    errors: dict[str, str] = {}
    for name in names:
        value = params.get(name)
        if value in (None, ""):
            if name in required:
                errors[name] = "is required"
            continue
        errors |= templating.check(value, name)
    return errors


def _user_choice(params: Mapping[str, Any], name: str) -> dict[str, str]:
    value = params.get(name, "owner")
    if value in ("owner", "actor", "", None):
        return {}
    try:
        int(value)
    except (TypeError, ValueError):
        return {name: "is 'owner' (the record's owner), 'actor' (who caused the event) or a user id"}
    return {}


async def _resolve_user(value: Any, record: Mapping[str, Any], call: ActionCall, payload_actor: Any) -> int | None:
    if value in ("owner", "", None):
        return record.get("owner") or call.principal.id
    if value == "actor":
        return payload_actor or call.principal.id
    return int(value)


async def _render(call: ActionCall, text: str) -> str:
    ctx = await context.template_context(call.principal, call.kind, call.record_id, dict(call.record),
                                         dict(call.params.get("_event", {})))
    return templating.render(text, ctx)


def _links(call: ActionCall) -> list[dict[str, Any]]:
    return [{"record_type": call.kind, "record_id": call.record_id}] if call.kind and call.record_id else []


async def _create_task(call: ActionCall) -> dict[str, Any]:
    subject = (await _render(call, call.params.get("subject") or "Follow up")).strip()[:200] or "Follow up"
    days = _int(call.params, "due_in_business_days", 0, 365, default=1)
    assignee = await _resolve_user(call.params.get("assignee"), call.record, call, call.params.get("_actor"))
    due = business_days_after(now(), days)
    kind = call.params.get("type") or "task"
    if call.dry_run:
        return {"would": f"create {kind} {subject!r} for user {assignee}, due {due:%Y-%m-%d}"}
    task = await create_task(call.principal, subject, due, assignee_id=assignee, type=kind, links=_links(call))
    return {"task_id": task["id"], "subject": subject, "assignee_id": assignee, "due_at": due.isoformat()}


async def _assign_owner(call: ActionCall) -> dict[str, Any]:
    mode = call.params.get("mode") or "fixed"
    if mode == "fixed":
        user_id = _int(call.params, "user_id", 1, 2**31)
    else:
        team_id = _int(call.params, "team_id", 1, 2**31)
        team = next((team for team in await list_teams() if team["id"] == team_id), None)
        members = sorted(team["member_ids"]) if team else []
        active = [uid for uid, user in (await get_users(members)).items() if user["is_active"]]
        if not active:
            raise ValueError(f"team {team_id} has no active member to assign")
        if mode == "least_loaded":
            # Fewest open tasks and follow-ups; the lowest id breaks a tie, so it is the same
            # answer for everyone who asks at once.
            load = await open_task_counts(sorted(active))
            user_id = min(active, key=lambda uid: (load[uid], uid))
            if call.dry_run:
                return {"would": f"make user {user_id} the owner ({load[user_id]} open tasks)"}
            await update_record(call.principal, call.kind, call.record_id, {"owner": user_id})
            return {"owner": user_id, "open_tasks": load[user_id]}
        key = f"assign:{call.params.get('_workflow_id')}:{call.params.get('_position')}"
        if call.dry_run:
            rows = await fetch("SELECT position FROM automation_cursor WHERE key = {}", key)
            turn = rows[0]["position"] if rows else 0
        else:
            rows = await execute(
                "INSERT INTO automation_cursor (key, position) VALUES ({}, 1) "
                "ON CONFLICT (key) DO UPDATE SET position = automation_cursor.position + 1 RETURNING position", key
            )
            turn = rows[0]["position"] - 1
        user_id = sorted(active)[turn % len(active)]
    if call.dry_run:
        return {"would": f"make user {user_id} the owner"}
    await update_record(call.principal, call.kind, call.record_id, {"owner": user_id})
    return {"owner": user_id}


async def _set_field(call: ActionCall) -> dict[str, Any]:
    field = call.params.get("field")
    if not field:
        raise ValueError("name the field to set")
    value: Any = await _render(call, str(call.params.get("value", "")))
    changes = {"custom": {field.removeprefix("custom."): value or None}} if field.startswith("custom.") else {
        field: value}
    if call.dry_run:
        return {"would": f"set {field} to {value!r}"}
    try:
        changed = await update_record(call.principal, call.kind, call.record_id, changes)
    except Invalid as exc:
        raise ValueError("; ".join(f"{k}: {v}" for k, v in exc.errors.items())) from None
    return {"field": field, "value": value, "changed": changed}


async def _add_tag(call: ActionCall) -> dict[str, Any]:
    tag = str(call.params.get("tag") or "").strip()
    if not tag:
        raise ValueError("name the tag to add")
    tags = list(call.record.get("tags") or [])
    if call.params.get("remove"):
        tags = [t for t in tags if t != tag]
    elif tag not in tags:
        tags.append(tag)
    if call.dry_run:
        return {"would": f"set tags to {tags}"}
    try:
        await update_record(call.principal, call.kind, call.record_id, {"tags": tags})
    except Invalid as exc:
        raise ValueError("; ".join(f"{k}: {v}" for k, v in exc.errors.items())) from None
    return {"tags": tags}


async def _notify(call: ActionCall) -> dict[str, Any]:
    user = await _resolve_user(call.params.get("user"), call.record, call, call.params.get("_actor"))
    subject = (await _render(call, call.params.get("subject") or "A workflow needs you")).strip()[:200]
    body = (await _render(call, call.params.get("body") or ""))[:2000]
    if call.dry_run:
        return {"would": f"notify user {user}: {subject!r}"}
    href = call.params.get("_href") or ""
    ids = await notify([user], subject, body=body, href=href, kind="automation.workflow",
                       **({"record_type": call.kind, "record_id": call.record_id} if call.record_id else {}))
    return {"user_id": user, "notification_ids": ids, "subject": subject}


async def _send_email(call: ActionCall) -> dict[str, Any]:
    to = (await _render(call, call.params.get("to") or "{{ contact.primary_email }}")).strip()
    subject = (await _render(call, call.params.get("subject") or "")).strip()
    text = await _render(call, call.params.get("body") or "")
    if not to:
        raise ValueError("the email has no recipient: the record has no contact with an email address")
    if call.dry_run:
        return {"would": f"email {to}: {subject!r}"}
    try:
        email_id = await send_email(to, subject, text)
    except CrmError as exc:
        raise ValueError(str(getattr(exc, "errors", None) or exc)) from None
    return {"email_id": email_id, "to": to, "subject": subject}


async def _webhook(call: ActionCall) -> dict[str, Any]:
    endpoint_id = _int(call.params, "endpoint_id", 1, 2**31)
    body = {"type": f"workflow.{call.params.get('_event_name', 'run')}", "run_id": call.run_id,
            "record": {"kind": call.kind, "id": call.record_id, "fields": dict(call.record)},
            "event": call.params.get("_event", {})}
    if call.dry_run:
        return {"would": f"post the record to endpoint {endpoint_id}"}
    delivery = await webhooks.queue_delivery(endpoint_id, body, run_id=call.run_id or None)
    return {"delivery_id": delivery["id"], "message_id": delivery["message_id"]}


async def _segment(call: ActionCall) -> dict[str, Any]:
    segment_id = _int(call.params, "segment_id", 1, 2**31)
    remove = bool(call.params.get("remove"))
    if not call.record_id:
        raise ValueError("the run has no record to add to a segment")
    try:
        segment = await segments.load(segment_id)
    except CrmError:
        raise ValueError(f"segment {segment_id} does not exist") from None
    if segment["dynamic"]:
        raise ValueError(f"segment {segment['name']!r} is a saved filter: only static lists take members")
    if segment["kind"] != call.kind:
        raise ValueError(f"segment {segment['name']!r} holds {segment['kind']} records, not {call.kind}")
    verb = "remove from" if remove else "add to"
    if call.dry_run:
        return {"would": f"{verb} segment {segment['name']!r}"}
    try:
        changed = await (segments.remove if remove else segments.add)(call.principal, segment_id, [call.record_id])
    except Invalid as exc:
        raise ValueError("; ".join(f"{k}: {v}" for k, v in exc.errors.items())) from None
    return {"segment_id": segment_id, "removed" if remove else "added": changed}


async def _sequence(call: ActionCall) -> dict[str, Any]:
    sequence_id = _int(call.params, "sequence_id", 1, 2**31)
    remove = bool(call.params.get("remove"))
    if call.kind == "contact":
        contact_ids = [call.record_id] if call.record_id else []
    else:
        contact_ids = [c["id"] for c in await context.linked_contacts(call.principal, call.kind, dict(call.record))][:1]
    if not contact_ids:
        raise ValueError("the run's record has no contact to enrol")
    try:
        sequence = await sequences.get(sequence_id)
    except CrmError:
        raise ValueError(f"sequence {sequence_id} does not exist") from None
    if call.dry_run:
        return {"would": f"{'take contact out of' if remove else 'enrol contact in'} {sequence['name']!r}"}
    if remove:
        return {"sequence_id": sequence_id, "removed": await sequences.unenrol(
            sequence_id, contact_ids, f"taken out by workflow {call.params.get('_workflow_id')}")}
    try:
        return {"sequence_id": sequence_id, "enrolled": await sequences.enrol(call.principal, sequence_id, contact_ids)}
    except Invalid as exc:
        raise ValueError("; ".join(f"{k}: {v}" for k, v in exc.errors.items())) from None


async def _wait(call: ActionCall) -> dict[str, Any]:
    # The engine turns a wait into the run's resume time; the step itself does nothing.
    return {"would": f"wait until {wait_until(now(), call.params):%Y-%m-%d %H:%M}"} if call.dry_run else {}


def wait_until(start: dt.datetime, params: Mapping[str, Any]) -> dt.datetime:
    """When a wait that begins at ``start`` is over: minutes, hours and days, then
    ``business_days`` working days (Monday to Friday) on top."""
    total = sum(int(params.get(unit) or 0) * size for unit, size in (("minutes", 1), ("hours", 60), ("days", 1440)))
    business = int(params.get("business_days") or 0)
    if total < 0 or business < 0 or (total <= 0 and business <= 0) or total + business * 1440 > MAX_WAIT_DAYS * 1440:
        raise ValueError(f"a wait lasts from one minute to {MAX_WAIT_DAYS} days")
    return business_days_after(start + dt.timedelta(minutes=total), business)


def wait_minutes(params: Mapping[str, Any]) -> int:
    moment = now()
    return int((wait_until(moment, params) - moment).total_seconds() // 60)


def _check_wait(params: Mapping[str, Any]) -> dict[str, str]:
    errors: dict[str, str] = {}
    for unit in ("minutes", "hours", "days", "business_days"):
        errors |= _check_int(params, unit, 0, MAX_WAIT_DAYS * 1440)
    if not errors:
        try:
            wait_until(now(), params)
        except ValueError as exc:
            errors["days"] = str(exc)
    return errors


def until_condition(params: Mapping[str, Any]) -> dict[str, Any]:
    """The condition a ``wait_until`` step waits for, as a condition tree."""
    op = params.get("op") or "eq"
    condition: dict[str, Any] = {"field": params.get("field"), "op": op}
    value = params.get("value")
    if op in ("in", "between"):
        condition["value"] = [part.strip() for part in str(value or "").split(",") if part.strip()]
    elif op not in conditions.NO_VALUE:
        condition["value"] = int(value) if params.get("field") == "segment" and str(value).isdecimal() else value
    return {"all": [condition]}


def timeout_target(params: Mapping[str, Any]) -> str | int:
    """``"continue"``, ``"stop"`` or the (1-based) step a timed-out wait goes on at."""
    raw = params.get("on_timeout") or "continue"
    return int(raw) if isinstance(raw, int) or str(raw).isdecimal() else str(raw)


def _check_wait_until(params: Mapping[str, Any]) -> dict[str, str]:
    errors = {key.removeprefix("conditions.all[0]."): message
              for key, message in conditions.check(until_condition(params)).items()}
    errors |= _check_int(params, "timeout_days", 1, MAX_WAIT_DAYS, required=True)
    target = timeout_target(params)
    if target not in ("continue", "stop") and not isinstance(target, int):
        errors["on_timeout"] = "is continue, stop or the number of the step to go on at"
    return errors


async def _wait_for(call: ActionCall) -> dict[str, Any]:
    # The engine checks the condition and keeps the run waiting; a dry run says what it waits for.
    return {"would": f"wait until {conditions.explain(until_condition(call.params))}, "
                     f"at most {call.params.get('timeout_days')} days"} if call.dry_run else {}


def _check_assign(params: Mapping[str, Any]) -> dict[str, str]:
    mode = params.get("mode") or "fixed"
    if mode not in ("fixed", "round_robin", "least_loaded"):
        return {"mode": "is fixed, round_robin or least_loaded"}
    return _check_int(params, "user_id" if mode == "fixed" else "team_id", 1, 2**31, required=True)


BUILT_IN = (
    WorkflowAction("automation.create_task", "Create a task or follow-up", run=_create_task,
                   params=("subject", "assignee", "due_in_business_days", "type"),
                   check=lambda p: _check_templates(p, "subject", required=("subject",)) | _user_choice(p, "assignee")
                   | _check_int(p, "due_in_business_days", 0, 365)
                   | ({} if p.get("type") in (None, "", "task", "follow_up") else {"type": "is task or follow_up"}),
                   help="Due in N working days; assignee is owner, actor or a user id."),
    WorkflowAction("automation.assign_owner", "Assign an owner", run=_assign_owner,
                   params=("mode", "user_id", "team_id"), check=_check_assign,
                   help="fixed: user_id; round_robin: team_id, taking the team's members in turn; "
                   "least_loaded: team_id, the member with the fewest open tasks."),
    WorkflowAction("automation.set_field", "Set a field or stage", run=_set_field, params=("field", "value"),
                   check=lambda p: ({} if p.get("field") else {"field": "is required"})
                   | _check_templates(p, "value"),
                   help="A column (lifecycle_stage, title ...) or custom.<key>; the value may use {{ record.x }}."),
    WorkflowAction("automation.add_tag", "Add or remove a tag", run=_add_tag, params=("tag", "remove"),
                   check=lambda p: {} if p.get("tag") else {"tag": "is required"}),
    WorkflowAction("automation.notify", "Notify a user", run=_notify, params=("user", "subject", "body"),
                   check=lambda p: _user_choice(p, "user") | _check_templates(p, "subject", "body",
                                                                              required=("subject",))),
    WorkflowAction("automation.send_email", "Send an email", run=_send_email, params=("to", "subject", "body"),
                   check=lambda p: _check_templates(p, "to", "subject", "body", required=("subject", "body")),
                   help="To defaults to the record's contact ({{ contact.primary_email }})."),
    WorkflowAction("automation.webhook", "Call a webhook", run=_webhook, params=("endpoint_id",),
                   check=lambda p: _check_int(p, "endpoint_id", 1, 2**31, required=True)),
    WorkflowAction("automation.segment", "Add to or remove from a segment", run=_segment,
                   params=("segment_id", "remove"),
                   check=lambda params: _check_int(params, "segment_id", 1, 2**31, required=True),
                   help="segment_id: a static list; remove: true takes the record out"),
    WorkflowAction("automation.sequence", "Enrol in or take out of a sequence", run=_sequence,
                   params=("sequence_id", "remove"),
                   check=lambda params: _check_int(params, "sequence_id", 1, 2**31, required=True),
                   help="The record's contact (a deal's first contact); remove: true takes it out."),
    WorkflowAction(WAIT, "Wait", run=_wait, params=("minutes", "hours", "days", "business_days"), check=_check_wait,
                   help="Minutes, hours and days, then business_days working days (Monday to Friday)."),
    WorkflowAction(WAIT_UNTIL, "Wait until a condition holds", run=_wait_for,
                   params=("field", "op", "value", "timeout_days", "on_timeout"), check=_check_wait_until,
                   help="Checked now and every 15 minutes; after timeout_days the run goes on (continue), "
                   "ends (stop) or goes on at the step numbered on_timeout."),
)


def available() -> dict[str, WorkflowAction]:
    return {action.key: action for action in (*BUILT_IN, *workflow_actions())}


def check_steps(steps: Any) -> dict[str, str]:
    """What is wrong with a workflow's steps, by path (``steps[1].subject``)."""
    if not isinstance(steps, list) or not steps:
        return {"steps": "a workflow needs at least one step"}
    if len(steps) > 50:
        return {"steps": "a workflow has at most 50 steps"}
    known = available()
    errors: dict[str, str] = {}
    for index, step in enumerate(steps):
        path = f"steps[{index}]"
        if not isinstance(step, dict):
            errors[path] = "must be an object with an action"
            continue
        action = known.get(step.get("action"))
        if action is None:
            errors[f"{path}.action"] = f"unknown action {step.get('action')!r}; choose one of {', '.join(known)}"
            continue
        unknown = sorted(k for k in step if k != "action" and k not in action.params)
        if unknown:
            errors[f"{path}.{unknown[0]}"] = f"{action.key} takes {', '.join(action.params) or 'no settings'}"
            continue
        for key, value in step.items():
            if key != "action" and not isinstance(value, (str, int, float, bool, type(None))):
                errors[f"{path}.{key}"] = "must be text, a number or true/false"
        if action.check is not None:
            errors |= {f"{path}.{key}": message for key, message in dict(action.check(step)).items()}
        target = timeout_target(step) if action.key == WAIT_UNTIL else None
        if isinstance(target, int) and not index + 1 < target <= len(steps):
            errors[f"{path}.on_timeout"] = f"names a later step: from {index + 2} to {len(steps)}"
    return errors
