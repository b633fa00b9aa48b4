"""A contact's lead score and the workflow runs about them, whose payloads and webhook bodies
carry the contact's fields. Erasure deletes all of it, webhook deliveries included."""

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


DECLARATIONS = (
    PersonalData("automation.score", "automation_score", "contact", ("contact", "score", "why"),
                 export=export_score, erase=erase_score, label="Lead score"),
    PersonalData("automation.runs", "automation_run", "record_id", ("record_id", "payload"),
                 export=export_runs, erase=erase_runs, label="Workflow runs"),
)
