"""Workflows and their versions: a definition (trigger, conditions, steps) is checked as a
whole, and every edit writes a new version, so runs in flight finish on the one they began."""

from __future__ import annotations

import json
from typing import Any

from crm_hookspecs import Principal

from crm_automation import actions, conditions, triggers
from crm_automation.bodies import unknown_fields
from crm_platform.toolkit import (
    Invalid,
    NotFound,
    decode_cursor,
    encode_cursor,
    execute,
    fetch,
    now,
    unit_of_work,
)

FIELDS = ("name", "description", "trigger", "conditions", "steps")


def check(data: Any) -> dict[str, Any]:
    """The definition, cleaned; raises :class:`Invalid` naming every wrong part."""
    if not isinstance(data, dict):
        raise Invalid({"body": "must be an object with name, trigger and steps"})
    errors = unknown_fields(data, (*FIELDS, "enabled"))
    name = data.get("name")
    if not isinstance(name, str) or not name.strip() or len(name) > 200:
        errors["name"] = "is required, at most 200 characters"
    description = data.get("description", "")
    if not isinstance(description, str) or len(description) > 2000:
        errors["description"] = "must be text of at most 2000 characters"
    errors |= triggers.check(data.get("trigger"))
    errors |= conditions.check(data.get("conditions") or {})
    errors |= actions.check_steps(data.get("steps"))
    if errors:
        raise Invalid(errors)
    return {"name": name.strip(), "description": description, "trigger": data["trigger"],
            "conditions": data.get("conditions") or {}, "steps": data["steps"]}


def _decoded(row: dict[str, Any]) -> dict[str, Any]:
    for name in ("trigger", "conditions", "steps"):
        if isinstance(row.get(name), str):
            row[name] = json.loads(row[name])
    return row


async def _write_version(workflow_id: int, number: int, definition: dict[str, Any], actor_id: int) -> None:
    await execute(
        "INSERT INTO automation_version (workflow, number, trigger, conditions, steps, created_by, created_at) "
        "VALUES ({}, {}, {}, {}, {}, {}, {})",
        workflow_id, number, json.dumps(definition["trigger"]), json.dumps(definition["conditions"]),
        json.dumps(definition["steps"]), actor_id, now(),
    )


async def create(principal: Principal, data: Any) -> int:
    definition = check(data)
    moment = now()
    async with unit_of_work():
        rows = await execute(
            "INSERT INTO automation_workflow (name, description, enabled, version, owner, created_at, updated_at) "
            "VALUES ({}, {}, {}, 1, {}, {}, {}) RETURNING id",
            definition["name"], definition["description"], bool(data.get("enabled", False)), principal.id,
            moment, moment,
        )
        workflow_id = rows[0]["id"]
        await _write_version(workflow_id, 1, definition, principal.id)
    return workflow_id


async def get(workflow_id: int) -> dict[str, Any]:
    rows = await fetch(
        "SELECT w.id, w.name, w.description, w.enabled, w.version, w.owner, w.created_at, w.updated_at, "
        "v.id AS version_id, v.trigger, v.conditions, v.steps FROM automation_workflow w "
        "JOIN automation_version v ON v.workflow = w.id AND v.number = w.version WHERE w.id = {}", workflow_id,
    )
    if not rows:
        raise NotFound("automation.workflow", workflow_id)
    workflow = _decoded(rows[0])
    workflow["enabled"] = bool(workflow["enabled"])
    return workflow


async def update(principal: Principal, workflow_id: int, data: Any) -> dict[str, Any]:
    """A new version with the whole definition; the old version stays for its runs."""
    current = await get(workflow_id)
    merged = {key: current[key] for key in FIELDS} | (data if isinstance(data, dict) else {})
    merged.pop("enabled", None)
    definition = check(merged)
    same = all(definition[key] == current[key] for key in ("trigger", "conditions", "steps"))
    async with unit_of_work():
        number = current["version"] if same else current["version"] + 1
        if not same:
            await _write_version(workflow_id, number, definition, principal.id)
        await execute(
            "UPDATE automation_workflow SET name = {}, description = {}, version = {}, updated_at = {} WHERE id = {}",
            definition["name"], definition["description"], number, now(), workflow_id,
        )
    return await get(workflow_id)


async def set_enabled(workflow_id: int, enabled: bool) -> dict[str, Any]:
    await get(workflow_id)
    await execute("UPDATE automation_workflow SET enabled = {}, updated_at = {} WHERE id = {}",
                  enabled, now(), workflow_id)
    return await get(workflow_id)


async def delete(workflow_id: int) -> None:
    await get(workflow_id)
    async with unit_of_work():
        await execute("DELETE FROM automation_step WHERE run IN (SELECT id FROM automation_run WHERE workflow = {})",
                      workflow_id)
        await execute("DELETE FROM automation_run WHERE workflow = {}", workflow_id)
        await execute("DELETE FROM automation_time_fired WHERE workflow = {}", workflow_id)
        await execute("DELETE FROM automation_time_check WHERE workflow = {}", workflow_id)
        await execute("DELETE FROM automation_version WHERE workflow = {}", workflow_id)
        await execute("DELETE FROM automation_workflow WHERE id = {}", workflow_id)


async def page(limit: int = 50, cursor: str | None = None) -> tuple[list[dict[str, Any]], str | None]:
    """Workflows by name, a keyset page at a time."""
    where, args = "", []
    if cursor:
        name, last_id = decode_cursor(cursor)
        where, args = "WHERE (name > {} OR (name = {} AND id > {}))", [name, name, last_id]
    rows = await fetch(
        f"SELECT id, name, description, enabled, version, owner, updated_at FROM automation_workflow {where} "
        f"ORDER BY name, id LIMIT {{}}", *args, limit + 1,
    )
    for row in rows:
        row["enabled"] = bool(row["enabled"])
    more = len(rows) > limit
    rows = rows[:limit]
    return rows, encode_cursor(rows[-1]["name"], rows[-1]["id"]) if more else None


async def versions(workflow_id: int) -> list[dict[str, Any]]:
    await get(workflow_id)
    rows = await fetch(
        "SELECT id, number, trigger, conditions, steps, created_by, created_at FROM automation_version "
        "WHERE workflow = {} ORDER BY number DESC LIMIT 100", workflow_id,
    )
    return [_decoded(row) for row in rows]
