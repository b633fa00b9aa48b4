"""CSV exports: the no-show report and the clinical notes. Every cell goes through the core's
``csv_document`` (no cell runs as a formula); clinical content leaves only for holders of
``healthcare.clinical``, and each note that leaves with it is in the read audit."""

from __future__ import annotations

from typing import Any

from crm_hookspecs import Principal
from crm_platform.toolkit import csv_document, get_records
from litestar import Response

from crm_healthcare import appointments, audit, notes

EXPORT_LIMIT = 10_000
PAGE = 200


def _csv_response(text: str, filename: str) -> Response:
    return Response(text, media_type="text/csv",
                    headers={"Content-Disposition": f'attachment; filename="{filename}"'})


async def _all(fetch_page: Any) -> list[dict[str, Any]]:
    rows: list[dict[str, Any]] = []
    cursor = None
    while len(rows) < EXPORT_LIMIT:
        page, cursor = await fetch_page(cursor)
        rows += page
        if cursor is None:
            break
    return rows[:EXPORT_LIMIT]


async def no_shows_csv(principal: Principal) -> Response:
    rows = await _all(lambda cursor: appointments.list_appointments(
        principal, status="no_show", limit=PAGE, cursor=cursor))
    return _csv_response(csv_document(
        ["appointment_id", "starts_at", "patient_id", "patient", "provider", "location", "status"],
        ([row["id"], str(row["starts_at"]), row["patient_id"], row["patient_name"], row["provider"],
          row["location"], row["status"]] for row in rows),
    ), "no-shows.csv")


async def notes_csv(principal: Principal, patient_id: int | None, client: str) -> Response:
    content = await notes.may_read_content(principal)
    rows = await _all(lambda cursor: notes.list_notes(
        principal, patient_id=patient_id, limit=PAGE, cursor=cursor, with_body=content))
    patients = await get_records(principal, "contact", sorted({row["patient_id"] for row in rows if row["patient_id"]}))
    if content:
        await audit.log_reads(principal, [(row["patient_id"], "clinical note") for row in rows], "export", client,
                              record_type=notes.KIND_KEY, record_ids=[row["id"] for row in rows])
    return _csv_response(csv_document(
        ["note_id", "written_at", "category", "patient_id", "patient", "content"],
        ([row["id"], str(row["created_at"]), row["category"], row["patient_id"],
          (patients.get(row["patient_id"]) or {}).get("display_name", ""),
          row["body"] if content else "(hidden: needs healthcare.clinical)"] for row in rows),
    ), "clinical-notes.csv")
