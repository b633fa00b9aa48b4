"""Lead scoring: rules add or take away points while a contact meets their conditions (the
conditions of workflows); each contact's score is kept with the rules that made it, so the
contact page says why. A changed score is an event, so a workflow can act on a threshold."""

from __future__ import annotations

import json
from typing import Any

from crm_hookspecs import Event, Principal
from crm_hookspecs.events import RecordCreated, RecordUpdated

from crm_automation import conditions, context
from crm_automation.events import LeadScoreChanged
from crm_platform.toolkit import (
    CrmError,
    Invalid,
    NotFound,
    execute,
    fetch,
    get_record,
    now,
    principal_for,
    unit_of_work,
)


def _json(value: Any) -> Any:
    return json.loads(value) if isinstance(value, str) else value


async def create_rule(data: Any) -> dict[str, Any]:
    if not isinstance(data, dict):
        raise Invalid({"body": "must be an object with name, conditions and points"})
    errors: dict[str, str] = {}
    name, points = data.get("name"), data.get("points")
    if not isinstance(name, str) or not name.strip() or len(name) > 200:
        errors["name"] = "is required, at most 200 characters"
    if not isinstance(points, int) or isinstance(points, bool) or not -1000 <= points <= 1000:
        errors["points"] = "must be a whole number from -1000 to 1000"
    if not data.get("conditions"):
        errors["conditions"] = "say which contacts earn the points"
    else:
        errors |= conditions.check(data["conditions"])
    if errors:
        raise Invalid(errors)
    rows = await execute(
        "INSERT INTO automation_score_rule (name, conditions, points, created_at) VALUES ({}, {}, {}, {}) RETURNING id",
        name.strip(), json.dumps(data["conditions"]), points, now(),
    )
    return {"id": rows[0]["id"], "name": name.strip(), "conditions": data["conditions"], "points": points}


async def rules() -> list[dict[str, Any]]:
    rows = await fetch("SELECT id, name, conditions, points FROM automation_score_rule ORDER BY id LIMIT 500")
    return [row | {"conditions": _json(row["conditions"])} for row in rows]


async def delete_rule(rule_id: int) -> None:
    if not await execute("DELETE FROM automation_score_rule WHERE id = {} RETURNING id", rule_id):
        raise NotFound("automation.score_rule", rule_id)


def score_of(record: dict[str, Any], found_rules: list[dict[str, Any]], facts: dict[str, Any]
             ) -> tuple[int, list[dict[str, Any]]]:
    why = [{"rule": rule["name"], "points": rule["points"]} for rule in found_rules
           if conditions.evaluate(rule["conditions"], record, facts)]
    return sum(item["points"] for item in why), why


async def rescore(principal: Principal, contact_id: int) -> dict[str, Any] | None:
    """Score one contact again; emits ``LeadScoreChanged`` when the score moved."""
    try:
        record = await get_record(principal, "contact", contact_id)
    except CrmError:
        return None
    score, why = score_of(record, await rules(), await context.facts(record))
    previous_rows = await fetch("SELECT score FROM automation_score WHERE contact = {}", contact_id)
    previous = previous_rows[0]["score"] if previous_rows else 0
    async with unit_of_work() as work:
        await execute(
            "INSERT INTO automation_score (contact, score, why, updated_at) VALUES ({}, {}, {}, {}) "
            "ON CONFLICT (contact) DO UPDATE SET score = excluded.score, why = excluded.why, "
            "updated_at = excluded.updated_at", contact_id, score, json.dumps(why), now(),
        )
        if score != previous:
            work.emit(LeadScoreChanged(actor_id=principal.id, contact_id=contact_id, score=score, previous=previous))
    return {"contact_id": contact_id, "score": score, "why": why}


async def on_event(event: Event) -> None:
    if not isinstance(event, (RecordCreated, RecordUpdated)) or event.kind != "contact" or event.actor_id is None:
        return
    if not await fetch("SELECT id FROM automation_score_rule LIMIT 1"):
        return
    principal = await principal_for(event.actor_id)
    if principal is not None:
        await rescore(principal, event.record_id)


async def score(principal: Principal, contact_id: int) -> dict[str, Any]:
    await get_record(principal, "contact", contact_id)  # 404 or 403 as for the contact itself
    rows = await fetch("SELECT score, why, updated_at FROM automation_score WHERE contact = {}", contact_id)
    if not rows:
        return {"contact_id": contact_id, "score": 0, "why": [], "updated_at": None}
    return {"contact_id": contact_id, "score": rows[0]["score"], "why": _json(rows[0]["why"]),
            "updated_at": rows[0]["updated_at"]}
