"""The daily job: a follow-up for every pet whose vaccination is a year old."""

from __future__ import annotations

import datetime as dt

from crm_platform.toolkit import create_task, execute, fetch, now, principal_for, unit_of_work


async def vaccination_reminders() -> None:
    """Idempotent: a pet is reminded once per vaccination date (its ``vaccinated_on`` moves on
    when the vet records the next one)."""
    due = (now() - dt.timedelta(days=365)).date()
    rows = await fetch(
        "SELECT id, name, keeper, owner, vaccinated_on FROM vet_pet WHERE vaccinated_on <= {} "
        "AND keeper IS NOT NULL AND owner IS NOT NULL AND (reminded_for IS NULL OR reminded_for <> vaccinated_on)",
        due,
    )
    for row in rows:
        owner = await principal_for(row["owner"])
        if owner is None:
            continue
        async with unit_of_work():  # the task and the mark that it was made, or neither
            await create_task(
                owner, f"Vaccination due for {row['name']}", now(), type="follow_up",
                participant_ids=[row["keeper"]], links=[{"record_type": "vet.pet", "record_id": row["id"]}],
            )
            await execute("UPDATE vet_pet SET reminded_for = {} WHERE id = {}", row["vaccinated_on"], row["id"])
