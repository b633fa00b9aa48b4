"""Notes on contacts, written with nothing but the toolkit."""

from __future__ import annotations

from typing import Any

from crm_hookspecs import Principal

from crm_platform import toolkit
from crm_testplugin.events import ProbeNoteAdded
from crm_testplugin.tables import ProbeNote

RECORD_TYPE = "probe_note"
# A note with this text is written and then refused, so tests can watch a rollback.
ROLLBACK_TEXT = "roll back after writing"


async def _contact(principal: Principal, contact_id: int, action: str) -> dict[str, Any]:
    try:
        return await toolkit.get_record(principal, "contact", contact_id, action)
    except toolkit.NotFound:
        raise toolkit.invalid("contact_id", f"contact {contact_id} does not exist") from None


async def add(principal: Principal, contact_id: int, text: str) -> dict[str, Any]:
    text = text.strip()
    if not text:
        raise toolkit.invalid("text", "must not be empty")
    await _contact(principal, contact_id, "write")
    async with toolkit.unit_of_work() as work:
        inserted = await ProbeNote.insert(ProbeNote(contact=contact_id, text=text, author_id=principal.id))
        note_id = inserted[0]["id"]
        await toolkit.audit_record(principal.id, RECORD_TYPE, note_id, "create", {"text": [None, text]})
        work.emit(ProbeNoteAdded(actor_id=principal.id, note_id=note_id, contact_id=contact_id))
        if text == ROLLBACK_TEXT:
            raise toolkit.Conflict("this note is refused after it was written, and rolled back")
    return {"id": note_id, "contact_id": contact_id, "text": text}


async def for_contact(principal: Principal, contact_id: int, limit: int = 50) -> list[dict[str, Any]]:
    await _contact(principal, contact_id, "read")
    return await toolkit.fetch(
        "SELECT id, contact AS contact_id, text, created_at FROM probe_note WHERE contact = {} "
        "ORDER BY id DESC LIMIT {}",
        contact_id,
        limit,
    )


async def search(principal: Principal, query: str, limit: int) -> list[dict[str, Any]]:
    rows = await toolkit.fetch(
        "SELECT id, text, contact AS contact_id FROM probe_note WHERE lower(text) LIKE {} ORDER BY id LIMIT {}",
        f"%{query.lower()}%",
        limit,
    )
    # A note is found by whoever may see its contact.
    visible = await toolkit.get_records(principal, "contact", [row["contact_id"] for row in rows])
    return [row for row in rows if row["contact_id"] in visible]


async def delete(principal: Principal, note_id: int) -> None:
    rows = await toolkit.fetch("SELECT contact FROM probe_note WHERE id = {}", note_id)
    if not rows:
        raise toolkit.NotFound(RECORD_TYPE, note_id)
    await _contact(principal, rows[0]["contact"], "write")
    async with toolkit.unit_of_work():
        await ProbeNote.delete().where(ProbeNote.id == note_id)
        await toolkit.audit_record(principal.id, RECORD_TYPE, note_id, "delete", {})
