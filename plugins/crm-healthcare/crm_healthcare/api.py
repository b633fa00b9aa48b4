"""``/api/v1/healthcare/``: clinical notes, appointments, the no-show report and the read audit.
Notes are written through the core's pipeline; every read of a note is in the read audit."""

from __future__ import annotations

import datetime as dt
from typing import Any

import msgspec
from crm_platform.toolkit import (
    CurrentPrincipal,
    create_record,
    delete_record,
    get_record,
    update_record,
)
from litestar import Controller, Request, Response, delete, get, patch, post
from litestar.params import FromPath, FromQuery, JSONBody
from msgspec import UNSET, UnsetType

from crm_healthcare import appointments, audit, notes, reports


def client_of(request: Request) -> str:
    return request.client.host if request.client else ""


class NoteIn(msgspec.Struct, forbid_unknown_fields=True):
    patient_id: int
    body: str
    category: str = "consultation"
    owner_id: int | UnsetType = UNSET
    tags: list[str] = []


class NotePatch(msgspec.Struct, forbid_unknown_fields=True):
    body: str | UnsetType = UNSET
    category: str | UnsetType = UNSET
    owner_id: int | UnsetType = UNSET
    tags: list[str] | UnsetType = UNSET


class AppointmentIn(msgspec.Struct, forbid_unknown_fields=True):
    patient_id: int
    starts_at: str
    provider: str
    location: str = ""


class StatusIn(msgspec.Struct, forbid_unknown_fields=True):
    status: str


def _values(data: msgspec.Struct) -> dict[str, Any]:
    fields = {name: value for name, value in msgspec.structs.asdict(data).items() if value is not UNSET}
    if "owner_id" in fields:
        fields["owner"] = fields.pop("owner_id")
    return fields


async def read_note(request: Request, principal: Any, note_id: int, surface: str) -> dict[str, Any]:
    """The note as the user may see it, its read logged."""
    row = await get_record(principal, notes.KIND_KEY, note_id)
    content = await notes.may_read_content(principal)
    what = "clinical note" if content else "clinical note, content hidden"
    await audit.log_reads(principal, [(row["patient_id"], what)], surface, client_of(request),
                          record_type=notes.KIND_KEY, record_ids=[note_id])
    return notes.note_out(row, content)


class NoteController(Controller):
    path = "/notes"

    @get("/")
    async def list_notes(
        self, principal: CurrentPrincipal, patient_id: FromQuery[int | None] = None, limit: FromQuery[int] = 50,
        cursor: FromQuery[str | None] = None,
    ) -> dict[str, Any]:
        """The notes you may see, newest first, without their content (read one for it)."""
        rows, next_cursor = await notes.list_notes(principal, patient_id=patient_id, limit=limit, cursor=cursor)
        return {"items": [notes.note_out(row, False) for row in rows], "next_cursor": next_cursor}

    @post("/")
    async def add_note(self, request: Request, principal: CurrentPrincipal, data: JSONBody[NoteIn]) -> dict[str, Any]:
        """Write a note; needs ``healthcare.clinical``."""
        note_id = await create_record(principal, notes.KIND_KEY, _values(data))
        return await read_note(request, principal, note_id, "api")

    @get("/{note_id:int}")
    async def get_note(self, request: Request, principal: CurrentPrincipal, note_id: FromPath[int]) -> dict[str, Any]:
        """The note; ``body`` is null and ``content_hidden`` true without ``healthcare.clinical``."""
        return await read_note(request, principal, note_id, "api")

    @patch("/{note_id:int}")
    async def change_note(
        self, request: Request, principal: CurrentPrincipal, note_id: FromPath[int], data: JSONBody[NotePatch]
    ) -> dict[str, Any]:
        await update_record(principal, notes.KIND_KEY, note_id, _values(data))
        return await read_note(request, principal, note_id, "api")

    @delete("/{note_id:int}")
    async def remove_note(self, principal: CurrentPrincipal, note_id: FromPath[int]) -> None:
        await delete_record(principal, notes.KIND_KEY, note_id)

    @get("/export", media_type="text/csv")
    async def export_notes(
        self, request: Request, principal: CurrentPrincipal, patient_id: FromQuery[int | None] = None
    ) -> Response:
        """The notes you may see as CSV; the content only for holders of ``healthcare.clinical``,
        each note exported with content logged in the read audit."""
        return await reports.notes_csv(principal, patient_id, client_of(request))


class AppointmentController(Controller):
    path = "/appointments"

    @get("/")
    async def list_appointments(
        self, principal: CurrentPrincipal, status: FromQuery[str | None] = None,
        patient_id: FromQuery[int | None] = None, limit: FromQuery[int] = 50, cursor: FromQuery[str | None] = None,
    ) -> dict[str, Any]:
        rows, next_cursor = await appointments.list_appointments(
            principal, status=status, patient_id=patient_id, limit=limit, cursor=cursor)
        return {"items": rows, "next_cursor": next_cursor}

    @post("/")
    async def book(self, principal: CurrentPrincipal, data: JSONBody[AppointmentIn]) -> dict[str, Any]:
        return await appointments.book(principal, _values(data))

    @get("/{appointment_id:int}")
    async def get_appointment(self, principal: CurrentPrincipal, appointment_id: FromPath[int]) -> dict[str, Any]:
        return await appointments.get(principal, appointment_id)

    @patch("/{appointment_id:int}")
    async def set_status(
        self, principal: CurrentPrincipal, appointment_id: FromPath[int], data: JSONBody[StatusIn]
    ) -> dict[str, Any]:
        return await appointments.set_status(principal, appointment_id, data.status)


@get("/no-shows")
async def no_shows(principal: CurrentPrincipal, cursor: FromQuery[str | None] = None) -> dict[str, Any]:
    """The no-show report: appointments marked no-show that you may see, latest first."""
    rows, next_cursor = await appointments.list_appointments(principal, status="no_show", cursor=cursor)
    return {"items": rows, "next_cursor": next_cursor}


@get("/patients/{patient_id:int}/reads")
async def patient_reads(
    principal: CurrentPrincipal, patient_id: FromPath[int], cursor: FromQuery[str | None] = None
) -> dict[str, Any]:
    """Who read what of the patient, when and from where; needs ``healthcare.audit``."""
    rows, next_cursor = await audit.reads_of(principal, patient_id, cursor=cursor)
    return {"items": [row | {"at": _iso(row["at"])} for row in rows], "next_cursor": next_cursor}


def _iso(value: Any) -> str:
    return value.isoformat() if isinstance(value, dt.datetime) else str(value)


HANDLERS = [NoteController, AppointmentController, no_shows, patient_reads]
