"""Lead scoring: rules add or take away points while a contact meets their conditions (the
conditions of workflows); each contact's score is kept with the rules that made it, so the
contact page says why. A changed score is an event, so a workflow can act on a threshold.

A rule may fade: with ``half_life_days`` its points halve every so many days from the moment
the contact began to meet it (``since`` in the score's ``why``, kept while the contact goes on
meeting the rule and dropped when it stops). The job ``automation.rescore`` (``rescoring``)
brings fading scores up to date every night."""

from __future__ import annotations

import datetime as dt
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

MAX_HALF_LIFE_DAYS = 3650


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
    half_life = data.get("half_life_days")
    if half_life is not None and (not isinstance(half_life, int) or isinstance(half_life, bool)
                                  or not 1 <= half_life <= MAX_HALF_LIFE_DAYS):
        errors["half_life_days"] = (f"must be a whole number of days from 1 to {MAX_HALF_LIFE_DAYS}, "
                                    "or null for points that never fade")
    if not data.get("conditions"):
        errors["conditions"] = "say which contacts earn the points"
    else:
        errors |= conditions.check(data["conditions"])
    if errors:
        raise Invalid(errors)
    rows = await execute(
        "INSERT INTO automation_score_rule (name, conditions, points, half_life_days, created_at) "
        "VALUES ({}, {}, {}, {}, {}) RETURNING id",
        name.strip(), json.dumps(data["conditions"]), points, half_life, now(),
    )
    return {"id": rows[0]["id"], "name": name.strip(), "conditions": data["conditions"], "points": points,
            "half_life_days": half_life}


async def rules() -> list[dict[str, Any]]:
    rows = await fetch("SELECT id, name, conditions, points, half_life_days FROM automation_score_rule "
                       "ORDER BY id LIMIT 500")
    return [row | {"conditions": _json(row["conditions"])} for row in rows]


async def delete_rule(rule_id: int) -> None:
    if not await execute("DELETE FROM automation_score_rule WHERE id = {} RETURNING id", rule_id):
        raise NotFound("automation.score_rule", rule_id)


def faded(points: int, half_life_days: int | None, since: dt.datetime, moment: dt.datetime) -> int:
    """The points a rule counts ``moment - since`` after the contact began to meet it."""
    if not half_life_days:
        return points
    age_days = max((moment - since).total_seconds(), 0.0) / 86400
    return round(points * 0.5 ** (age_days / half_life_days))


def _moment(value: Any) -> dt.datetime | None:
    try:
        moment = dt.datetime.fromisoformat(str(value))
    except ValueError:
        return None
    return moment if moment.tzinfo else moment.replace(tzinfo=dt.UTC)


def anchors(why: Any) -> dict[int, dt.datetime]:
    """When the contact began to meet each rule, by rule id, from its stored ``why`` (entries
    written before rules faded name no rule id and start afresh)."""
    found = {}
    for item in _json(why) or []:
        since = _moment(item.get("since")) if isinstance(item, dict) and item.get("rule_id") else None
        if since is not None:
            found[item["rule_id"]] = since
    return found


def score_of(record: dict[str, Any], found_rules: list[dict[str, Any]], facts: dict[str, Any],
             since: dict[int, dt.datetime] | None = None, moment: dt.datetime | None = None
             ) -> tuple[int, list[dict[str, Any]]]:
    """The score and why: each rule the contact meets, its full and current points, and since
    when it has met it (``since``: the anchors kept from the last scoring)."""
    moment = moment or now()
    since = since or {}
    why = []
    for rule in found_rules:
        if not conditions.evaluate(rule["conditions"], record, facts):
            continue
        began = since.get(rule["id"], moment)
        why.append({"rule_id": rule["id"], "rule": rule["name"],
                    "points": faded(rule["points"], rule.get("half_life_days"), began, moment),
                    "full_points": rule["points"], "half_life_days": rule.get("half_life_days"),
                    "since": began.isoformat()})
    return sum(item["points"] for item in why), why


def refaded(why: Any, found_rules: list[dict[str, Any]], moment: dt.datetime) -> list[dict[str, Any]]:
    """``why`` brought to ``moment`` without reading the contact: the rules it met, their points
    faded from their anchors. A contact's conditions change only with the contact (which
    scores it again), so time alone moves these points; a rule deleted since is left out."""
    by_id = {rule["id"]: rule for rule in found_rules}
    why = _json(why) or []
    kept = anchors(why)
    fresh = []
    for item in why:
        rule = by_id.get(item.get("rule_id")) if isinstance(item, dict) else None
        if rule is None or item["rule_id"] not in kept:
            continue
        half_life = rule.get("half_life_days")
        fresh.append(item | {"rule": rule["name"], "full_points": rule["points"], "half_life_days": half_life,
                             "points": faded(rule["points"], half_life, kept[item["rule_id"]], moment)})
    return fresh


def reason(item: dict[str, Any]) -> str:
    """One rule's part of a score, as the contact page says it: ``Visited pricing (+20)``,
    or for fading points ``Visited pricing (+10 of +20, since 2030-03-04, half-life 30 days)``."""
    if not item.get("half_life_days"):
        return f"{item['rule']} ({item['points']:+d})"
    return (f"{item['rule']} ({item['points']:+d} of {item['full_points']:+d}, since {str(item['since'])[:10]}, "
            f"half-life {item['half_life_days']} days)")


def is_decaying(why: list[dict[str, Any]]) -> bool:
    """Whether some points are still fading (the nightly rescoring visits only those scores)."""
    return any(item.get("half_life_days") and item["points"] != 0 for item in why)


async def rescore(principal: Principal, contact_id: int) -> dict[str, Any] | None:
    """Score one contact again; emits ``LeadScoreChanged`` when the score moved."""
    try:
        record = await get_record(principal, "contact", contact_id)
    except CrmError:
        return None
    previous_rows = await fetch("SELECT score, why FROM automation_score WHERE contact = {}", contact_id)
    previous = previous_rows[0]["score"] if previous_rows else 0
    kept = anchors(previous_rows[0]["why"]) if previous_rows else {}
    score, why = score_of(record, await rules(), await context.facts(record), kept)
    async with unit_of_work() as work:
        await execute(
            "INSERT INTO automation_score (contact, score, why, decaying, updated_at) VALUES ({}, {}, {}, {}, {}) "
            "ON CONFLICT (contact) DO UPDATE SET score = excluded.score, why = excluded.why, "
            "decaying = excluded.decaying, updated_at = excluded.updated_at",
            contact_id, score, json.dumps(why), is_decaying(why), now(),
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
