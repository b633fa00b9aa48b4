"""Activities: one timeline model for what happened and what must happen."""

from __future__ import annotations

import datetime as dt
from typing import Any

import msgspec
from crm_hookspecs import ActivityType, Event, Principal, RecordKind, RecordWrite
from crm_hookspecs.events import ActivityDeleted, ActivityLogged, ActivityUpdated

from crm_platform import clock, runtime
from crm_platform.activities import links
from crm_platform.activities.sanitise import sanitise
from crm_platform.activities.schemas import ActivityIn, ActivityPatch
from crm_platform.activities.tables import Activity
from crm_platform.clock import as_utc
from crm_platform.db.raw import execute, fetch, placeholders
from crm_platform.errors import Conflict, Forbidden, Invalid, NotFound, invalid
from crm_platform.records import access, pipeline

RECORD_TYPE = "activity"
DIRECTIONS = ("", "inbound", "outbound")
EDITABLE = (
    "subject", "body", "occurred_at", "direction", "channel", "owner", "due_at", "assignee", "done", "ends_at",
)
AUDITED = ("type", *EDITABLE, "source", "external_id", "links")
# The longest an activity may last: a conference, not a typing slip of a year.
MAX_LENGTH = dt.timedelta(days=31)


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
    problem = await pipeline.owner_error(principal, assignee_id)
    return problem.replace("records", "tasks") if problem else None


async def _clean(
    principal: Principal, values: dict[str, Any], existing: dict[str, Any] | None
) -> dict[str, Any]:
    """Validate and normalise the activity's own fields (the pipeline checks the owner),
    naming every wrong field at once."""
    errors: dict[str, str] = {}
    if values["direction"] not in DIRECTIONS:
        errors["direction"] = "must be inbound, outbound or empty"
    values["subject"] = values["subject"].strip()
    values["channel"] = values["channel"].strip()
    values["body"] = sanitise(values["body"])
    values["occurred_at"] = as_utc(values["occurred_at"] or clock.now())
    if values["due_at"] is not None:
        values["due_at"] = as_utc(values["due_at"])
    _clean_end(values, existing, errors)
    assignee = values["assignee"]
    # Owners may always take their own tasks.
    new_assignee = assignee not in (None, values["owner"])
    new_assignee = new_assignee and (existing is None or assignee != existing["assignee"])
    if new_assignee and (problem := await _assignee_error(principal, assignee)):
        errors["assignee_id"] = problem
    if errors:
        raise Invalid(errors)
    if existing is None or values["done"] != existing["done"]:
        values["done_at"] = clock.now() if values["done"] else None
    if existing is not None and values["due_at"] != existing["due_at"]:
        # A rescheduled task is reminded again when it falls due, and when it is overdue.
        values["reminded_at"] = values["overdue_reminded_at"] = None
    return values


def _clean_end(values: dict[str, Any], existing: dict[str, Any] | None, errors: dict[str, str]) -> None:
    """An end is at or after the start. Moving the start of an activity that has an end
    (a meeting dragged on the calendar) moves the end with it: it keeps its length."""
    ends_at = values.get("ends_at")
    if ends_at is None:
        values["ends_at"] = None
        return
    ends_at = as_utc(ends_at)
    if existing is not None and existing.get("ends_at") is not None and as_utc(existing["ends_at"]) == ends_at:
        ends_at += values["occurred_at"] - as_utc(existing["occurred_at"])
    if ends_at < values["occurred_at"]:
        errors["ends_at"] = "must not be before the start (occurred_at)"
    elif ends_at - values["occurred_at"] > MAX_LENGTH:
        errors["ends_at"] = f"must be at most {MAX_LENGTH.days} days after the start"
    values["ends_at"] = ends_at


def _check_retype(current: str, wanted: str) -> None:
    kind = _check_type(wanted)
    was = registered_types().get(current)
    if was is not None and was.is_task != kind.is_task:
        sort = "a task" if was.is_task else "an activity"
        raise invalid("type", f"{sort} stays {sort}: choose another type of {sort.split()[1]}")


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
    if kind.is_task or not contact_ids or values["occurred_at"] > clock.now():
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


def _link_tuples(link_list: list[dict[str, Any]]) -> list[tuple[str, int, str]]:
    return [(link["record_type"], link["record_id"], link["role"]) for link in link_list]


async def _after_write(write: RecordWrite) -> list[Event]:
    """The activity's links (its place on each linked record's timeline) and the contacts'
    last contact."""
    actor_id, activity_id = write.principal.id, write.record_id
    if write.action == "delete":
        await execute("DELETE FROM crm_activity_link WHERE activity = {}", activity_id)
        return [ActivityDeleted(actor_id=actor_id, activity_id=activity_id)]
    values = write.values or {}
    if write.existing is None or "links" in write.changes:
        await links.replace(activity_id, values["occurred_at"], _link_tuples(values["links"]))
    elif "occurred_at" in write.changes:
        await execute(
            "UPDATE crm_activity_link SET occurred_at = {} WHERE activity = {}", values["occurred_at"], activity_id
        )
    kind = registered_types().get(values["type"])
    if kind is not None:
        await _touch_contacts(kind, values, _link_tuples(values["links"]))
    if write.existing is None:
        return [ActivityLogged(actor_id=actor_id, activity_id=activity_id, type=values["type"])]
    return [ActivityUpdated(actor_id=actor_id, activity_id=activity_id, changes=write.changes)] if write.changes else []


async def _after_write_many(writes: list[RecordWrite]) -> list[Event]:
    """:func:`_after_write` for a batch of new activities, in a constant number of statements:
    every link in one insert, every contact's last contact in one update."""
    types = registered_types()
    await links.insert_many([(write.record_id, (write.values or {})["occurred_at"],
                              _link_tuples((write.values or {})["links"])) for write in writes])
    now = clock.now()
    touching = [write for write in writes if (kind := types.get((write.values or {})["type"])) is not None
                and not kind.is_task and (write.values or {})["occurred_at"] <= now]
    contact_ids = sorted({link["record_id"] for write in touching for link in (write.values or {})["links"]
                          if link["record_type"] == "contact"})
    if contact_ids:
        activity_ids = [write.record_id for write in touching]
        latest = ("(SELECT max(l.occurred_at) FROM crm_activity_link l WHERE l.record_type = 'contact' "
                  f"AND l.record_id = crm_contact.id AND l.activity IN ({placeholders(activity_ids)}))")
        await execute(
            f"UPDATE crm_contact SET last_contacted_at = {latest} WHERE id IN ({placeholders(contact_ids)}) "
            f"AND (last_contacted_at IS NULL OR last_contacted_at < {latest})",
            *activity_ids, *contact_ids, *activity_ids,
        )
    return [ActivityLogged(actor_id=write.principal.id, activity_id=write.record_id,
                           type=(write.values or {})["type"]) for write in writes]


KIND = RecordKind(
    key=RECORD_TYPE, label="Activity", plural="Activities", table=Activity, title_column="subject",
    audited=AUDITED, searched=False, clean=_clean, after_write=_after_write, after_write_many=_after_write_many,
    # A hand-over moves the tasks and follow-ups still to do; what was done stays with who did it.
    open_condition="NOT done AND due_at IS NOT NULL", handover_columns=("assignee",),
)


async def get_activities(principal: Principal, activity_ids: list[int]) -> dict[int, dict[str, Any]]:
    """The activities among ``activity_ids`` that ``principal`` may see (owned by them or their
    team, or assigned to them), each with ``links`` and ``participant_ids``, in two queries."""
    ids = sorted(set(activity_ids))
    if not ids:
        return {}
    where, args = await access.assigned_or_visible_sql(principal, "read", RECORD_TYPE, "crm_activity")
    condition = "".join(f" AND {part}" for part in where)
    rows = await fetch(f"SELECT * FROM crm_activity WHERE id IN ({placeholders(ids)}){condition}", *ids, *args)
    linked = await links.of([row["id"] for row in rows])
    found = {}
    for row in rows:
        row["done"] = bool(row["done"])
        row["links"] = linked[row["id"]]
        row["participant_ids"] = [link["record_id"] for link in row["links"] if link["role"] == links.PARTICIPANT]
        found[row["id"]] = row
    return found


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
    values, participant_ids, link_values = _new_values(principal, data, kind)
    lookups = pipeline.Lookups()
    values = await pipeline.validate(principal, KIND, values, None, lookups=lookups)
    values["links"] = _link_list(await links.check(principal, participant_ids, link_values))
    activity_id = await pipeline.create(principal, RECORD_TYPE, values, validated=lookups)
    return await get(principal, activity_id), True


def _new_values(principal: Principal, data: ActivityIn, kind: ActivityType) -> tuple[dict[str, Any], list, list]:
    """The activity's fields as the pipeline validates them, its participants and its links."""
    values = msgspec.to_builtins(data, builtin_types=(dt.datetime,))
    values["owner"] = values.pop("owner_id", principal.id)
    values["assignee"] = values.pop("assignee_id", values["owner"] if kind.is_task else None)
    return values, values.pop("participant_ids"), values.pop("links")


async def create_many(principal: Principal, items: list[ActivityIn]) -> list[tuple[dict[str, Any], bool]]:
    """:func:`create` for many activities, all or none, in a constant number of statements
    whatever their number (errors named ``items[3].subject``). An item whose ``source`` +
    ``external_id`` is already imported, or repeats an earlier item's, gives that activity and
    ``False``."""
    errors: dict[str, str] = {}
    keys = {(item.source, item.external_id) for item in items if item.external_id is not None}
    imported: dict[tuple[str, str], int] = {}
    if keys:
        external_ids = sorted({external_id for _, external_id in keys})
        rows = await fetch(f"SELECT id, source, external_id FROM crm_activity WHERE external_id IN "
                           f"({placeholders(external_ids)})", *external_ids)
        imported = {key: row["id"] for row in rows if (key := (row["source"], row["external_id"])) in keys}
    lookups = pipeline.Lookups()
    new: list[tuple[int, dict[str, Any], list, list]] = []
    repeats: dict[int, tuple[str, str]] = {}
    coming: set[tuple[str, str]] = set()
    for index, item in enumerate(items):
        key = (item.source, item.external_id) if item.external_id is not None else None
        if key is not None and (key in imported or key in coming):
            repeats[index] = key
            continue
        try:
            kind = _check_type(item.type)
            values, participant_ids, link_values = _new_values(principal, item, kind)
            values = await pipeline.validate(principal, KIND, values, None, lookups=lookups)
        except Invalid as exc:
            errors.update({f"items[{index}].{name}": message for name, message in exc.errors.items()})
            continue
        if key is not None:
            repeats[index] = key  # a later item with the same key is this one again
            coming.add(key)
        new.append((index, values, participant_ids, link_values))
    found = await get_activities(principal, list(imported.values()))
    for key, activity_id in imported.items():
        if activity_id not in found:
            raise Conflict(f"an activity from {key[0] or 'no source'} with external_id {key[1]} exists and is not yours")
    try:
        linked = await links.check_many(principal, [(participants, about) for _, _, participants, about in new])
    except Invalid as exc:
        errors.update(exc.errors)
    if errors:
        raise Invalid(errors)
    for (_, values, _, _), chosen in zip(new, linked, strict=True):
        values["links"] = _link_list(chosen)
    ids = await pipeline.create_many(principal, RECORD_TYPE, [values for _, values, _, _ in new], validated=lookups)
    created = {index: activity_id for (index, *_), activity_id in zip(new, ids, strict=True)}
    for (index, *_), activity_id in zip(new, ids, strict=True):
        if index in repeats:
            imported.setdefault(repeats[index], activity_id)
    found |= await get_activities(principal, ids)
    return [(found[created[index]], True) if index in created else (found[imported[repeats[index]]], False)
            for index in range(len(items))]


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
    return await links.check(principal, participant_ids, about, kept=current)


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
    if "type" in changes:
        _check_retype(existing["type"], changes["type"])
    participant_ids, about = changes.pop("participant_ids", None), changes.pop("links", None)
    linked = await _relinked(principal, existing, participant_ids, about)
    if linked is not None:
        changes["links"] = _link_list(linked)
    existing["done"] = bool(existing["done"])  # SQLite answers 0 or 1
    if not await pipeline.update(principal, RECORD_TYPE, activity_id, changes, existing=existing):
        return existing
    return await get(principal, activity_id)


async def delete(principal: Principal, activity_id: int) -> int:
    """Move the activity to the trash; returns the trash entry's id."""
    existing = await get(principal, activity_id, "delete")
    return await pipeline.delete(principal, RECORD_TYPE, activity_id, existing=existing)
