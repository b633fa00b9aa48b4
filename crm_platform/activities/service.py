"""Activities: one timeline model for what happened and what must happen."""

from __future__ import annotations

import datetime as dt
from typing import Any

import msgspec
from crm_hookspecs import ActivityType, Principal
from crm_hookspecs.events import ActivityLogged

from crm_platform import runtime
from crm_platform.activities import links
from crm_platform.activities.sanitise import sanitise
from crm_platform.activities.schemas import ActivityIn, ActivityPatch
from crm_platform.activities.tables import Activity
from crm_platform.audit import service as audit
from crm_platform.clock import as_utc
from crm_platform.companies.service import owner_error
from crm_platform.db.raw import execute, fetch, placeholders
from crm_platform.db.unit import unit_of_work
from crm_platform.errors import Conflict, Forbidden, Invalid, NotFound, invalid
from crm_platform.records import access

RECORD_TYPE = "activity"
DIRECTIONS = ("", "inbound", "outbound")
EDITABLE = (
    "subject", "body", "occurred_at", "direction", "channel", "owner", "due_at", "assignee", "done",
)
AUDITED = ("type", *EDITABLE, "source", "external_id", "links")
STORED = ("type", *EDITABLE, "done_at", "source", "external_id")


def registered_types() -> dict[str, ActivityType]:
    """The activity types of the core and the active plugins."""
    return {item.key: item for item in runtime.current().host.items("crm_activity_types")}


async def ensure_access(principal: Principal, action: str, row: dict[str, Any]) -> None:
    """Who sees the owner sees the activity; its assignee may read it and mark it done."""
    if row["assignee"] == principal.id and action != "delete":
        return
    await access.ensure(principal, action, RECORD_TYPE, row)


async def get(principal: Principal, activity_id: int, action: str = "read") -> dict[str, Any]:
    """The activity with its links, if ``principal`` may ``action`` it."""
    rows = await fetch("SELECT * FROM crm_activity WHERE id = {}", activity_id)
    if not rows:
        raise NotFound(RECORD_TYPE, activity_id)
    row = rows[0]
    await ensure_access(principal, action, row)
    row["links"] = (await links.of([activity_id]))[activity_id]
    return row


async def _assignee_error(principal: Principal, assignee_id: int) -> str | None:
    problem = await owner_error(principal, assignee_id)
    return problem.replace("records", "tasks") if problem else None


async def _clean(
    principal: Principal, values: dict[str, Any], existing: dict[str, Any] | None
) -> dict[str, Any]:
    """Validate and normalise a full set of activity fields, naming every wrong field at once."""
    errors: dict[str, str] = {}
    if values["direction"] not in DIRECTIONS:
        errors["direction"] = "must be inbound, outbound or empty"
    values["subject"] = values["subject"].strip()
    values["channel"] = values["channel"].strip()
    values["body"] = sanitise(values["body"])
    values["occurred_at"] = as_utc(values["occurred_at"] or dt.datetime.now(dt.UTC))
    if values["due_at"] is not None:
        values["due_at"] = as_utc(values["due_at"])
    owner_changed = existing is None or values["owner"] != existing["owner"]
    if owner_changed and (problem := await owner_error(principal, values["owner"])):
        errors["owner_id"] = problem
    assignee = values["assignee"]
    # Owners may always take their own tasks.
    new_assignee = assignee not in (None, values["owner"])
    new_assignee = new_assignee and (existing is None or assignee != existing["assignee"])
    if new_assignee and (problem := await _assignee_error(principal, assignee)):
        errors["assignee_id"] = problem
    if errors:
        raise Invalid(errors)
    if existing is None or values["done"] != existing["done"]:
        values["done_at"] = dt.datetime.now(dt.UTC) if values["done"] else None
    return values


def _check_type(type_key: str) -> ActivityType:
    types = registered_types()
    if type_key not in types:
        raise invalid("type", f"unknown activity type {type_key!r}; known: {', '.join(sorted(types))}")
    return types[type_key]


async def _touch_contacts(
    kind: ActivityType, values: dict[str, Any], linked: list[tuple[str, int, str]]
) -> None:
    """A past call, meeting or message is contact: keep each contact's latest, in one statement."""
    contact_ids = [record_id for record_type, record_id, _ in linked if record_type == "contact"]
    if kind.is_task or not contact_ids or values["occurred_at"] > dt.datetime.now(dt.UTC):
        return
    await execute(
        f"UPDATE crm_contact SET last_contacted_at = {{}} WHERE id IN ({placeholders(contact_ids)}) "
        "AND (last_contacted_at IS NULL OR last_contacted_at < {})",
        values["occurred_at"],
        *contact_ids,
        values["occurred_at"],
    )


def _link_list(linked: list[tuple[str, int, str]]) -> list[dict[str, Any]]:
    return [{"record_type": kind, "record_id": record_id, "role": role} for kind, record_id, role in linked]


async def _existing_import(principal: Principal, source: str, external_id: str) -> dict[str, Any] | None:
    rows = await fetch(
        "SELECT id FROM crm_activity WHERE source = {} AND external_id = {}", source, external_id
    )
    if not rows:
        return None
    try:
        return await get(principal, rows[0]["id"])
    except Forbidden:
        origin = source or "no source"
        raise Conflict(
            f"an activity from {origin} with external_id {external_id} exists and is not yours"
        ) from None


async def create(principal: Principal, data: ActivityIn) -> tuple[dict[str, Any], bool]:
    """The new activity and ``True``; or, for a ``source`` + ``external_id`` already
    imported, the existing activity and ``False``."""
    kind = _check_type(data.type)
    if data.external_id is not None:
        found = await _existing_import(principal, data.source, data.external_id)
        if found is not None:
            return found, False
    values = msgspec.to_builtins(data, builtin_types=(dt.datetime,))
    values["owner"] = values.pop("owner_id", principal.id)
    values["assignee"] = values.pop("assignee_id", values["owner"] if kind.is_task else None)
    participant_ids, link_values = values.pop("participant_ids"), values.pop("links")
    values = await _clean(principal, values, None)
    linked = await links.check(principal, participant_ids, link_values)
    async with unit_of_work() as work:
        inserted = await Activity.insert(Activity(**{name: values[name] for name in STORED}))
        activity_id = inserted[0]["id"]
        await links.replace(activity_id, values["occurred_at"], linked)
        await _touch_contacts(kind, values, linked)
        created = {name: values.get(name) for name in AUDITED} | {"links": _link_list(linked)}
        await audit.record(principal.id, RECORD_TYPE, activity_id, "create", audit.diff({}, created))
        work.emit(ActivityLogged(actor_id=principal.id, activity_id=activity_id, type=data.type))
    return await get(principal, activity_id), True


async def _relinked(
    principal: Principal, existing: dict[str, Any], participant_ids: list[int] | None, about: list | None
) -> list[tuple[str, int, str]] | None:
    """The activity's new links when the patch changes either list, else ``None``."""
    if participant_ids is None and about is None:
        return None
    current = existing["links"]
    if participant_ids is None:
        participant_ids = [link["record_id"] for link in current if link["role"] == links.PARTICIPANT]
    if about is None:
        about = [link for link in current if link["role"] == links.ABOUT]
    return await links.check(principal, participant_ids, about)


async def _ensure_patch_allowed(
    principal: Principal, existing: dict[str, Any], changes: dict[str, Any]
) -> None:
    # An assignee from another team may tick a task off, and nothing more.
    if existing["assignee"] == principal.id and set(changes) - {"done"}:
        await access.ensure(principal, "write", RECORD_TYPE, existing)


async def update(principal: Principal, activity_id: int, patch: ActivityPatch) -> dict[str, Any]:
    existing = await get(principal, activity_id, "write")
    changes = msgspec.to_builtins(patch, builtin_types=(dt.datetime,))
    await _ensure_patch_allowed(principal, existing, changes)
    renamed = {"owner_id": "owner", "assignee_id": "assignee"}
    changes = {renamed.get(name, name): value for name, value in changes.items()}
    participant_ids, about = changes.pop("participant_ids", None), changes.pop("links", None)
    linked = await _relinked(principal, existing, participant_ids, about)
    existing["done"] = bool(existing["done"])  # SQLite answers 0 or 1
    values = await _clean(principal, {name: existing[name] for name in EDITABLE} | changes, existing)
    changed = audit.diff(
        {name: existing[name] for name in EDITABLE}, {name: values[name] for name in EDITABLE}
    )
    if linked is not None and _link_list(linked) != existing["links"]:
        changed["links"] = {"from": existing["links"], "to": _link_list(linked)}
    if not changed:
        return existing
    stored = {name: values[name] for name in changed if name in EDITABLE}
    stored["updated_at"] = dt.datetime.now(dt.UTC)
    if "done" in changed:
        stored["done_at"] = values["done_at"]
    if "due_at" in changed:
        stored["reminded_at"] = None  # a rescheduled task is reminded again when it falls due
    async with unit_of_work():
        await Activity.update(stored).where(Activity.id == activity_id)
        if linked is not None:
            await links.replace(activity_id, values["occurred_at"], linked)
        elif "occurred_at" in changed:
            await execute(
                "UPDATE crm_activity_link SET occurred_at = {} WHERE activity = {}",
                values["occurred_at"],
                activity_id,
            )
        kind = registered_types().get(existing["type"])
        if kind is not None:
            kept = [(link["record_type"], link["record_id"], link["role"]) for link in existing["links"]]
            await _touch_contacts(kind, values, linked if linked is not None else kept)
        await audit.record(principal.id, RECORD_TYPE, activity_id, "update", changed)
    return await get(principal, activity_id)


async def delete(principal: Principal, activity_id: int) -> None:
    existing = await get(principal, activity_id, "delete")
    async with unit_of_work():
        await execute("DELETE FROM crm_activity_link WHERE activity = {}", activity_id)
        await execute("DELETE FROM crm_activity WHERE id = {}", activity_id)
        before = {name: existing[name] for name in AUDITED}
        await audit.record(principal.id, RECORD_TYPE, activity_id, "delete", audit.diff(before, {}))
