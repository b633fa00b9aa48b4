"""Import runs as records: who may see one, its state, its list."""

from __future__ import annotations

import json
from typing import Any

from crm_hookspecs import Principal

from crm_platform import clock
from crm_platform.db.raw import decode_json_columns, execute, fetch
from crm_platform.errors import NotFound

JSON_COLUMNS = ("columns", "mapping", "planned", "committed", "undone")
PAGE_SIZE = 50


async def load(run_id: int) -> dict[str, Any]:
    rows = await fetch("SELECT * FROM crm_import_run WHERE id = {}", run_id)
    if not rows:
        raise NotFound("import run", run_id)
    return decode_json_columns(rows[0], JSON_COLUMNS)


async def get(principal: Principal, run_id: int) -> dict[str, Any]:
    """The run, if ``principal`` started it or sees everything; otherwise :class:`NotFound`
    (someone else's import says nothing of itself)."""
    run = await load(run_id)
    if run["owner"] != principal.id and not principal.sees_everything:
        raise NotFound("import run", run_id)
    return run


async def commit_started(run_id: int) -> bool:
    """Whether the commit has written rows (a failed run with some is resumed, not re-planned)."""
    return bool(await fetch("SELECT id FROM crm_import_row WHERE run = {} AND phase = 'commit' LIMIT 1", run_id))


async def set_status(run_id: int, status: str, **values: Any) -> None:
    values = {name: json.dumps(value) if name in JSON_COLUMNS else value for name, value in values.items()}
    assignments = ", ".join(f"{name} = {{}}" for name in values)
    await execute(
        f"UPDATE crm_import_run SET status = {{}}, updated_at = {{}}{', ' if values else ''}{assignments} WHERE id = {{}}",
        status, clock.now(), *values.values(), run_id,
    )


# How many of a person's latest runs are looked through for a mapping to reuse.
_RECENT = 50


async def saved_mapping(principal: Principal, kind: str, format: str, columns: list[str]) -> dict[str, Any] | None:
    """The ``mapping``, ``match_key``, ``source`` and modes of ``principal``'s latest run of the same
    kind and format whose file had exactly these columns and that went past choosing its
    mapping: the next export from the same system maps itself as the last one was mapped."""
    rows = await fetch(
        "SELECT columns, mapping, match_key, source, mode, update_mode FROM crm_import_run WHERE owner = {} AND kind = {} "
        "AND format = {} AND status <> 'mapping' ORDER BY id DESC LIMIT {}", principal.id, kind, format, _RECENT,
    )
    for row in rows:
        decode_json_columns(row, ("columns", "mapping"))
        if row["columns"] == columns and row["mapping"]:
            return row
    return None


async def create(principal: Principal, **values: Any) -> int:
    values = {name: json.dumps(value) if name in JSON_COLUMNS else value for name, value in values.items()}
    now = clock.now()
    names = ["owner", "created_at", "updated_at", *values]
    rows = await execute(
        f"INSERT INTO crm_import_run ({', '.join(names)}) VALUES ({', '.join('{}' for _ in names)}) RETURNING id",
        principal.id, now, now, *values.values(),
    )
    return rows[0]["id"]


async def list_for(principal: Principal, before: int | None = None) -> tuple[list[dict[str, Any]], int | None]:
    """The runs ``principal`` may see, newest first, a page at a time (keyset on the id)."""
    conditions, args = [], []
    if not principal.sees_everything:
        conditions.append("owner = {}")
        args.append(principal.id)
    if before is not None:
        conditions.append("id < {}")
        args.append(before)
    where = f"WHERE {' AND '.join(conditions)}" if conditions else ""
    rows = await fetch(
        "SELECT id, kind, format, filename, status, rows_total, rows_done, planned, committed, created_at "
        f"FROM crm_import_run {where} ORDER BY id DESC LIMIT {PAGE_SIZE + 1}", *args,
    )
    rows = [decode_json_columns(row, JSON_COLUMNS) for row in rows]
    if len(rows) > PAGE_SIZE:
        return rows[:PAGE_SIZE], rows[PAGE_SIZE - 1]["id"]
    return rows, None
