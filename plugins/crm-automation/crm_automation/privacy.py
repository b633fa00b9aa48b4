"""A contact's lead score, the workflow runs about them, whose payloads and webhook bodies
carry the contact's fields, and their sequence enrolments with the steps done. Erasure deletes
all of it, webhook deliveries and enrolment steps included."""

from __future__ import annotations

from typing import Any

from crm_hookspecs import PersonalData

from crm_platform.toolkit import execute, fetch, placeholders


async def export_score(contact_id: int) -> list[dict[str, Any]]:
    return await fetch("SELECT score, why, updated_at FROM automation_score WHERE contact = {}", contact_id)


async def erase_score(contact_id: int) -> int:
    rows = await fetch("SELECT id FROM automation_score WHERE contact = {}", contact_id)
    await execute("DELETE FROM automation_score WHERE contact = {}", contact_id)
    return len(rows)


async def export_runs(contact_id: int) -> list[dict[str, Any]]:
    return await fetch("SELECT id, workflow, event, payload, state, created_at FROM automation_run "
                       "WHERE record_kind = 'contact' AND record_id = {} ORDER BY id", contact_id)


async def erase_runs(contact_id: int) -> int:
    ids = [row["id"] for row in await fetch(
        "SELECT id FROM automation_run WHERE record_kind = 'contact' AND record_id = {}", contact_id)]
    if ids:
        # A delivery outlives its run (set null), so its body would keep the payload.
        await execute(f"DELETE FROM automation_delivery WHERE run IN ({placeholders(ids)})", *ids)
        await execute(f"DELETE FROM automation_run WHERE id IN ({placeholders(ids)})", *ids)
    return len(ids)


async def export_enrolments(contact_id: int) -> list[dict[str, Any]]:
    return await fetch(
        "SELECT e.id, s.name AS sequence, e.position, e.state, e.reason, e.enrolled_at, e.ended_at "
        "FROM automation_enrolment e JOIN automation_sequence s ON s.id = e.sequence "
        "WHERE e.contact = {} ORDER BY e.id", contact_id)


async def erase_enrolments(contact_id: int) -> int:
    ids = [row["id"] for row in await fetch("SELECT id FROM automation_enrolment WHERE contact = {}", contact_id)]
    if ids:
        # Deleted explicitly: SQLite only cascades with foreign keys switched on.
        await execute(f"DELETE FROM automation_enrolment_step WHERE enrolment IN ({placeholders(ids)})", *ids)
        await execute(f"DELETE FROM automation_enrolment WHERE id IN ({placeholders(ids)})", *ids)
    return len(ids)


DECLARATIONS = (
    PersonalData("automation.score", "automation_score", "contact", ("contact", "score", "why"),
                 export=export_score, erase=erase_score, label="Lead score"),
    PersonalData("automation.runs", "automation_run", "record_id", ("record_id", "payload"),
                 export=export_runs, erase=erase_runs, label="Workflow runs"),
    PersonalData("automation.enrolments", "automation_enrolment", "contact", ("contact", "state", "reason"),
                 export=export_enrolments, erase=erase_enrolments, label="Sequence enrolments"),
)
