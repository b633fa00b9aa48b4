"""The pages under ``/healthcare/`` and the "Patient care" panel on contact pages: appointments
(book, mark how they went), clinical notes (write, open), the no-show report and the read audit."""

from __future__ import annotations

from urllib.parse import urlencode

from crm_hookspecs import Panel, Principal
from crm_platform.toolkit import (
    CurrentPrincipal,
    Forbidden,
    Invalid,
    create_record,
    get_record,
    get_records,
    get_users,
    has_permission,
    render_page,
)
from litestar import Request, Response, get, post
from litestar.params import FromPath, FromQuery
from litestar.response import Redirect

from crm_healthcare import appointments, audit, notes, patients, reports
from crm_healthcare.api import read_note

PANEL_LIMIT = 20


async def contact_panel(request: Request, contact_id: int, principal: Principal) -> Panel:
    booked, _ = await appointments.list_appointments(principal, patient_id=contact_id, limit=PANEL_LIMIT)
    written, _ = await notes.list_notes(principal, patient_id=contact_id, limit=PANEL_LIMIT)
    authors = await get_users(sorted({row["owner"] for row in written if row["owner"]}))
    return Panel("healthcare-care", "Patient care", template="healthcare/panel.html", context={
        "contact_id": contact_id, "appointments": booked, "notes": written, "statuses": appointments.STATUSES,
        "categories": notes.CATEGORIES, "authors": {key: user["display_name"] for key, user in authors.items()},
        "clinical": await notes.may_read_content(principal),
        "auditor": await has_permission(principal, audit.VIEW.key),
        "revealer": await has_permission(principal, patients.REVEAL.key),
        "error": request.query_params.get("healthcare_error", ""),
    })


def _back(contact_id: int, error: str = "") -> Redirect:
    """Back to the contact's page; a form's error is shown in the panel."""
    query = "?" + urlencode({"healthcare_error": error}) if error else ""
    return Redirect(f"/contacts/{contact_id}{query}#healthcare-care", status_code=303)


def _errors(exc: Invalid) -> str:
    return "; ".join(f"{field}: {message}" for field, message in exc.errors.items())


@post("/patients/{patient_id:int}/appointments", include_in_schema=False)
async def book_appointment(request: Request, principal: CurrentPrincipal, patient_id: FromPath[int]) -> Response:
    form = await request.form()
    values = {"patient_id": patient_id, "starts_at": form.get("starts_at", ""),
              "provider": form.get("provider", ""), "location": form.get("location", "")}
    try:
        await appointments.book(principal, values)
    except Invalid as exc:
        return _back(patient_id, _errors(exc))
    return _back(patient_id)


@post("/appointments/{appointment_id:int}/status", include_in_schema=False)
async def appointment_status(request: Request, principal: CurrentPrincipal, appointment_id: FromPath[int]) -> Response:
    form = await request.form()
    row = await appointments.get(principal, appointment_id)
    try:
        await appointments.set_status(principal, appointment_id, str(form.get("status", "")))
    except Invalid as exc:
        return _back(row["patient_id"], _errors(exc))
    return _back(row["patient_id"])


@post("/patients/{patient_id:int}/notes", include_in_schema=False)
async def write_note(request: Request, principal: CurrentPrincipal, patient_id: FromPath[int]) -> Response:
    form = await request.form()
    values = {"patient_id": patient_id, "body": form.get("body", ""), "category": form.get("category", "")}
    try:
        await create_record(principal, notes.KIND_KEY, values)
    except Invalid as exc:
        return _back(patient_id, _errors(exc))
    return _back(patient_id)


@get("/notes/{note_id:int}", include_in_schema=False)
async def note_page(request: Request, principal: CurrentPrincipal, note_id: FromPath[int]) -> Response:
    """One note, the page search hits link to; opening it is in the read audit."""
    note = await read_note(request, principal, note_id, "page")
    patient = (await get_records(principal, "contact", [note["patient_id"]])).get(note["patient_id"])
    author = (await get_users([note["owner_id"]])).get(note["owner_id"]) if note["owner_id"] else None
    return render_page(request, "healthcare/note.html", note=note, patient=patient, author=author)


@get("/no-shows", include_in_schema=False)
async def no_show_page(request: Request, principal: CurrentPrincipal, cursor: FromQuery[str | None] = None,
                       format: FromQuery[str] = "html") -> Response:
    """The no-show report; ``?format=csv`` downloads it."""
    if format == "csv":
        return await reports.no_shows_csv(principal)
    rows, next_cursor = await appointments.list_appointments(principal, status="no_show", cursor=cursor)
    return render_page(request, "healthcare/no_shows.html", rows=rows, next_cursor=next_cursor)


@get("/patients/{patient_id:int}/reads", include_in_schema=False)
async def reads_page(request: Request, principal: CurrentPrincipal, patient_id: FromPath[int],
                     cursor: FromQuery[str | None] = None) -> Response:
    """Who read what of the patient, when and from where (``healthcare.audit``)."""
    if not await has_permission(principal, audit.VIEW.key):
        raise Forbidden("the read audit needs the permission healthcare.audit")
    patient = await get_record(principal, "contact", patient_id)
    rows, next_cursor = await audit.reads_of(principal, patient_id, cursor=cursor)
    users = await get_users(sorted({row["actor"] for row in rows if row["actor"]}))
    return render_page(request, "healthcare/reads.html", patient=patient, rows=rows, next_cursor=next_cursor,
                       users={key: user["display_name"] for key, user in users.items()})



HANDLERS = [book_appointment, appointment_status, write_note, note_page, no_show_page, reads_page]
