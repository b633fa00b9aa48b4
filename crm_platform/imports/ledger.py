"""Reading a run's ledger: a page of rows, the row of a number or an external id (an email),
and the whole of it as CSV, streamed."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import AsyncIterator
from typing import Any

from crm_platform.db.raw import decode_json_columns, fetch
from crm_platform.web.csv_export import spreadsheet_safe

PAGE_SIZE = 100
CSV_COLUMNS = ("row", "external_id", "record_id", "outcome", "reason", "previous", "rollback")
_JSON = ("previous", "written")


async def page(run_id: int, phase: str, outcome: str = "", after: int = 0, limit: int = PAGE_SIZE
               ) -> tuple[list[dict[str, Any]], int | None]:
    """Rows after row ``after``, of one outcome if given, in row order (keyset)."""
    condition, args = ("AND outcome = {} ", [outcome]) if outcome else ("", [])
    rows = await fetch(
        "SELECT row_number, external_id, record_id, outcome, reason, previous, written, undo FROM crm_import_row "
        f"WHERE run = {{}} AND phase = {{}} AND row_number > {{}} {condition}ORDER BY row_number LIMIT {limit + 1}",
        run_id, phase, after, *args,
    )
    rows = [decode_json_columns(row, _JSON) for row in rows]
    if len(rows) > limit:
        return rows[:limit], rows[limit - 1]["row_number"]
    return rows, None


async def lookup(run_id: int, phase: str, query: str) -> list[dict[str, Any]]:
    """What happened to row N (a number) or to the rows with this external id or email."""
    query = query.strip()
    if query.isdecimal():
        condition, value = "row_number = {}", int(query)
    else:
        condition, value = "external_id = {}", query.lower() if "@" in query else query
    rows = await fetch(
        "SELECT row_number, external_id, record_id, outcome, reason, previous, written, undo FROM crm_import_row "
        f"WHERE run = {{}} AND phase = {{}} AND {condition} ORDER BY row_number LIMIT 20", run_id, phase, value,
    )
    return [decode_json_columns(row, _JSON) for row in rows]


async def as_csv(run_id: int, phase: str) -> AsyncIterator[str]:
    """The ledger as CSV text, a page of rows at a time."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(CSV_COLUMNS)
    after: int | None = 0
    while after is not None:
        rows, after = await page(run_id, phase, after=after, limit=1000)
        for row in rows:
            writer.writerow([spreadsheet_safe(cell) for cell in (
                row["row_number"], row["external_id"], row["record_id"], row["outcome"],
                row["reason"], json.dumps(row["previous"]) if row["previous"] else "", row["undo"],
            )])
        yield buffer.getvalue()
        buffer.seek(0)
        buffer.truncate()
