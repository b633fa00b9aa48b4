"""Reading runs: a workflow's, a record's (for its timeline), and one run with its steps."""

from __future__ import annotations

import json
from typing import Any

from crm_platform.toolkit import NotFound, decode_cursor, encode_cursor, fetch, placeholders

COLUMNS = ("r.id, r.workflow, w.name AS workflow_name, v.number AS version, r.event, r.record_kind, r.record_id, "
           "r.depth, r.state, r.error, r.created_at, r.finished_at, r.resume_at")
FROM = ("FROM automation_run r JOIN automation_workflow w ON w.id = r.workflow "
        "JOIN automation_version v ON v.id = r.workflow_version")


async def of_workflow(workflow_id: int, limit: int = 50, cursor: str | None = None
                      ) -> tuple[list[dict[str, Any]], str | None]:
    """The workflow's runs, newest first, a keyset page at a time."""
    where, args = "WHERE r.workflow = {}", [workflow_id]
    if cursor:
        _, last_id = decode_cursor(cursor)
        where += " AND r.id < {}"
        args.append(last_id)
    rows = await fetch(f"SELECT {COLUMNS} {FROM} {where} ORDER BY r.id DESC LIMIT {{}}", *args, limit + 1)
    more = len(rows) > limit
    rows = rows[:limit]
    return rows, encode_cursor(0, rows[-1]["id"]) if more else None


async def of_record(kind: str, record_id: int, limit: int) -> list[dict[str, Any]]:
    return await fetch(
        f"SELECT {COLUMNS} {FROM} WHERE r.record_kind = {{}} AND r.record_id = {{}} ORDER BY r.id DESC LIMIT {{}}",
        kind, record_id, limit,
    )


async def steps_of(run_ids: list[int]) -> dict[int, list[dict[str, Any]]]:
    if not run_ids:
        return {}
    rows = await fetch(
        f"SELECT run, position, action, state, outcome, started_at, finished_at FROM automation_step "
        f"WHERE run IN ({placeholders(run_ids)}) ORDER BY run, position", *run_ids,
    )
    found: dict[int, list[dict[str, Any]]] = {run_id: [] for run_id in run_ids}
    for row in rows:
        if isinstance(row["outcome"], str):
            row["outcome"] = json.loads(row["outcome"])
        found[row.pop("run")].append(row)
    return found


async def get(run_id: int) -> dict[str, Any]:
    rows = await fetch(f"SELECT {COLUMNS}, r.payload {FROM} WHERE r.id = {{}}", run_id)
    if not rows:
        raise NotFound("automation.run", run_id)
    run = rows[0]
    if isinstance(run["payload"], str):
        run["payload"] = json.loads(run["payload"])
    run["steps"] = (await steps_of([run_id]))[run_id]
    return run
