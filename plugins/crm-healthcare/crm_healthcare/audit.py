"""The read audit: every read of a patient's record, a clinical note or a masked field, with who,
when and from where (the client's address). Entries are only ever added."""

from __future__ import annotations

from typing import Any

from crm_hookspecs import Permission, Principal
from crm_platform.toolkit import (
    Sort,
    check_limit,
    encode_cursor,
    execute,
    fetch,
    insert_rows,
    keyset_condition,
    now,
    order_by,
    require_permission,
    unit_of_work,
)

VIEW = Permission("healthcare.audit", "See who read a patient's records", roles=("admin", "manager"))
NEWEST_FIRST = Sort("id", descending=True)
COLUMNS = ("patient_id", "actor", "what", "record_type", "record_id", "surface", "client", "at")
ONE_STATEMENT = 20


async def log_reads(
    principal: Principal, entries: list[tuple[int, str]], surface: str, client: str,
    record_type: str = "contact", record_ids: list[int | None] | None = None,
) -> None:
    """One entry per ``(patient_id, what)``, in one statement. ``record_ids`` name the record
    read when it is not the patient's contact (a note)."""
    if not entries:
        return
    ids = record_ids or [patient for patient, _ in entries]
    moment, client = now(), client[:64]
    rows = [(patient, principal.id, what, record_type, record_id, surface, client, moment)
            for (patient, what), record_id in zip(entries, ids, strict=True)]
    if len(rows) <= ONE_STATEMENT:
        # A page's one or two entries in one autocommitted statement: one trip to the writer,
        # which is most of what the audit costs a page.
        values = ", ".join(["(" + ", ".join(["{}"] * len(COLUMNS)) + ")"] * len(rows))
        await execute(f"INSERT INTO healthcare_read_log ({', '.join(COLUMNS)}) VALUES {values}",
                      *[value for row in rows for value in row])
        return
    async with unit_of_work():
        await insert_rows("healthcare_read_log", COLUMNS, rows)


async def reads_of(
    principal: Principal, patient_id: int, *, limit: int = 50, cursor: str | None = None
) -> tuple[list[dict[str, Any]], str | None]:
    """One page of who read what of a patient, newest first; for holders of ``healthcare.audit``."""
    await require_permission(principal, VIEW.key)
    limit = check_limit(limit)
    conditions, args = ["patient_id = {}"], [patient_id]
    after, after_args = keyset_condition(NEWEST_FIRST, cursor)
    if after:
        conditions.append(after)
        args += after_args
    rows = await fetch(
        f"SELECT id, {', '.join(COLUMNS)} FROM healthcare_read_log WHERE {' AND '.join(conditions)} "
        f"ORDER BY {order_by(NEWEST_FIRST)} LIMIT {limit + 1}", *args,
    )
    if len(rows) <= limit:
        return rows, None
    rows = rows[:limit]
    return rows, encode_cursor(rows[-1]["id"], rows[-1]["id"])
