"""Appointments: an activity of type ``healthcare_appointment`` on the patient's timeline, and a
row of the plugin's own with the provider, the location and the status, which the no-show
report and the reminders read. Who sees an appointment is who sees its activity: its owner
(who booked it), their team, and those who see everything."""

from __future__ import annotations

import datetime as dt
from typing import Any

from crm_hookspecs import ActivityType, NotificationKind, Principal
from crm_platform.toolkit import (
    ActivityIn,
    Invalid,
    NotFound,
    Sort,
    audit_record,
    check_limit,
    execute,
    fetch,
    get_record,
    get_records,
    keyset_page,
    log_activity,
    notify,
    now,
    placeholders,
    principal_for,
    setting,
    unit_of_work,
    visible_owner_ids,
)

ACTIVITY_TYPE = ActivityType("healthcare_appointment", "Appointment", icon="calendar")
REMINDER = NotificationKind("healthcare.appointment_reminder", "Appointment reminder",
                            help="An appointment you booked starts soon")
STATUSES = ("booked", "attended", "no_show", "cancelled")
TEXT_LIMIT = 200
COLUMNS = "id, activity_id, patient_id, owner, starts_at, provider, location, status"
LATEST_FIRST = Sort("starts_at", descending=True)


def _text(values: dict[str, Any], field: str, errors: dict[str, str], required: bool) -> str:
    text = " ".join(str(values.get(field) or "").split())
    if required and not text:
        errors[field] = "must not be empty"
    elif len(text) > TEXT_LIMIT:
        errors[field] = f"must be at most {TEXT_LIMIT} characters"
    return text


def _moment(value: Any, errors: dict[str, str]) -> dt.datetime | None:
    if isinstance(value, dt.datetime):
        moment = value
    else:
        try:
            moment = dt.datetime.fromisoformat(str(value or ""))
        except ValueError:
            errors["starts_at"] = "must be a date and time, like 2030-05-01T09:30:00Z"
            return None
    return moment if moment.tzinfo else moment.replace(tzinfo=dt.UTC)


async def book(principal: Principal, values: dict[str, Any]) -> dict[str, Any]:
    """Book an appointment for a patient the user may see; 422 naming each wrong field."""
    errors: dict[str, str] = {}
    provider = _text(values, "provider", errors, required=True)
    location = _text(values, "location", errors, required=False)
    starts_at = _moment(values.get("starts_at"), errors)
    patient_id = values.get("patient_id")
    if not isinstance(patient_id, int) or not await get_records(principal, "contact", [patient_id]):
        errors["patient_id"] = f"contact {patient_id} does not exist or is not visible to you"
    if errors:
        raise Invalid(errors)
    subject = f"Appointment with {provider}" + (f" at {location}" if location else "")
    async with unit_of_work():
        activity, _ = await log_activity(principal, ActivityIn(
            type=ACTIVITY_TYPE.key, subject=subject, occurred_at=starts_at,
            links=[{"record_type": "contact", "record_id": patient_id}],
        ))
        [row] = await execute(
            "INSERT INTO healthcare_appointment (activity_id, patient_id, owner, starts_at, provider, location, status) "
            "VALUES ({}, {}, {}, {}, {}, {}, 'booked') RETURNING id",
            activity["id"], patient_id, activity["owner"], starts_at, provider, location,
        )
        await audit_record(principal.id, "healthcare.appointment", row["id"], "create",
                           {"status": {"from": None, "to": "booked"}})
    return await get(principal, row["id"])


async def get(principal: Principal, appointment_id: int, action: str = "read") -> dict[str, Any]:
    """The appointment, as its activity's visibility allows (404 / 403 as for the activity)."""
    rows = await fetch(f"SELECT {COLUMNS} FROM healthcare_appointment WHERE id = {{}} AND trashed_at IS NULL",
                       appointment_id)
    if not rows:
        raise NotFound("healthcare.appointment", appointment_id)
    await get_record(principal, "activity", rows[0]["activity_id"], action)
    return rows[0]


async def set_status(principal: Principal, appointment_id: int, status: str) -> dict[str, Any]:
    """Mark how the appointment went, as someone who may change its activity."""
    if status not in STATUSES:
        raise Invalid({"status": f"must be one of {', '.join(STATUSES)}"})
    row = await get(principal, appointment_id, "write")
    if row["status"] != status:
        async with unit_of_work():
            await execute("UPDATE healthcare_appointment SET status = {} WHERE id = {}", status, appointment_id)
            await audit_record(principal.id, "healthcare.appointment", appointment_id, "update",
                               {"status": {"from": row["status"], "to": status}})
    return {**row, "status": status}


async def list_appointments(
    principal: Principal, *, status: str | None = None, patient_id: int | None = None, limit: int = 50,
    cursor: str | None = None,
) -> tuple[list[dict[str, Any]], str | None]:
    """One page of the appointments the user may see, latest first."""
    limit = check_limit(limit)
    if status is not None and status not in STATUSES:
        raise Invalid({"status": f"must be one of {', '.join(STATUSES)}"})
    conditions: list[str] = ["trashed_at IS NULL"]
    args: list[Any] = []
    owners = await visible_owner_ids(principal)
    if owners is not None:
        conditions.append(f"owner IN ({placeholders(owners)})" if owners else "1 = 0")
        args += owners
    for column, value in (("status", status), ("patient_id", patient_id)):
        if value is not None:
            conditions.append(f"{column} = {{}}")
            args.append(value)
    select = f"SELECT {COLUMNS} FROM healthcare_appointment"
    rows, next_cursor = await keyset_page(select, conditions, args, LATEST_FIRST, cursor=cursor, limit=limit)
    patients = await get_records(principal, "contact", sorted({row["patient_id"] for row in rows}))
    for row in rows:
        patient = patients.get(row["patient_id"])
        row["patient_name"] = patient["display_name"] if patient else ""
    return rows, next_cursor


async def send_reminders() -> None:
    """Remind each booker of their booked appointments starting within the hours the setting
    says. Idempotent: an appointment is marked reminded in the unit of work that notifies."""
    hours = float(await setting("healthcare", "reminder_hours"))
    moment = now()
    rows = await fetch(
        "SELECT id, patient_id, owner, starts_at, provider, location FROM healthcare_appointment "
        "WHERE status = 'booked' AND reminded_at IS NULL AND trashed_at IS NULL AND owner IS NOT NULL AND starts_at > {} AND starts_at <= {} "
        "ORDER BY starts_at, id LIMIT 500",
        moment, moment + dt.timedelta(hours=hours),
    )
    for row in rows:
        booker = await principal_for(row["owner"])
        if booker is None:
            continue
        patient = (await get_records(booker, "contact", [row["patient_id"]])).get(row["patient_id"])
        name = patient["display_name"] if patient else "a patient"
        starts = row["starts_at"]
        when = starts.strftime("%Y-%m-%d %H:%M UTC") if isinstance(starts, dt.datetime) else str(starts)
        async with unit_of_work():
            await notify([row["owner"]], f"Appointment: {name}, {when}", body=f"With {row['provider']}",
                         href=f"/contacts/{row['patient_id']}", kind=REMINDER.key,
                         record_type="contact", record_id=row["patient_id"])
            await execute("UPDATE healthcare_appointment SET reminded_at = {} WHERE id = {}", moment, row["id"])


async def trash_with_activity(activity_id: int) -> None:
    """The appointment's activity went to the trash: the appointment is hidden with it."""
    await execute("UPDATE healthcare_appointment SET trashed_at = {} WHERE activity_id = {}", now(), activity_id)


async def restore_with_activity(activity_id: int) -> None:
    """The activity came back from the trash: so does its appointment, as it was."""
    await execute("UPDATE healthcare_appointment SET trashed_at = NULL WHERE activity_id = {}", activity_id)


async def purge_trashed() -> None:
    """Remove the appointments whose activity the trash has let go (after ``core.trash_keep_days``)."""
    days = float(await setting("core", "trash_keep_days"))
    await execute("DELETE FROM healthcare_appointment WHERE trashed_at < {}", now() - dt.timedelta(days=days))
