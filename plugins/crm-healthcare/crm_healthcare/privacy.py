"""A patient's notes, appointments and the log of who read their record. All of it is the
patient's: a subject access export hands it over, an erasure deletes it."""

from __future__ import annotations

from typing import Any

from crm_hookspecs import PersonalData
from crm_platform.toolkit import execute, fetch, search_remove


async def export_notes(contact_id: int) -> list[dict[str, Any]]:
    return await fetch("SELECT id, category, body, tags, custom, created_at FROM healthcare_note "
                       "WHERE patient_id = {} ORDER BY id", contact_id)


async def erase_notes(contact_id: int) -> int:
    rows = await fetch("SELECT id FROM healthcare_note WHERE patient_id = {}", contact_id)
    await execute("DELETE FROM healthcare_note WHERE patient_id = {}", contact_id)
    for row in rows:
        await search_remove("healthcare.note", row["id"])
    return len(rows)


async def export_appointments(contact_id: int) -> list[dict[str, Any]]:
    return await fetch("SELECT id, starts_at, provider, location, status FROM healthcare_appointment "
                       "WHERE patient_id = {} ORDER BY id", contact_id)


async def erase_appointments(contact_id: int) -> int:
    rows = await fetch("SELECT id FROM healthcare_appointment WHERE patient_id = {}", contact_id)
    await execute("DELETE FROM healthcare_appointment WHERE patient_id = {}", contact_id)
    return len(rows)


async def export_reads(contact_id: int) -> list[dict[str, Any]]:
    return await fetch("SELECT actor, what, record_type, record_id, surface, at FROM healthcare_read_log "
                       "WHERE patient_id = {} ORDER BY id", contact_id)


async def erase_reads(contact_id: int) -> int:
    rows = await fetch("SELECT id FROM healthcare_read_log WHERE patient_id = {}", contact_id)
    await execute("DELETE FROM healthcare_read_log WHERE patient_id = {}", contact_id)
    return len(rows)


DECLARATIONS = (
    PersonalData("healthcare.notes", "healthcare_note", "patient_id", ("patient_id", "body", "custom"),
                 export=export_notes, erase=erase_notes, label="Clinical notes", record_kind="healthcare.note"),
    PersonalData("healthcare.appointments", "healthcare_appointment", "patient_id",
                 ("patient_id", "starts_at", "provider"), export=export_appointments, erase=erase_appointments,
                 label="Appointments"),
    PersonalData("healthcare.reads", "healthcare_read_log", "patient_id", ("patient_id", "client"),
                 export=export_reads, erase=erase_reads, label="Who read the record"),
)
