"""Moving a deal between stages: history, status, the timeline activity and the events."""

from __future__ import annotations

import datetime as dt
from typing import Any

from crm_hookspecs import Event, Principal

from crm_platform.toolkit import (
    Invalid,
    audit_record,
    ensure,
    fetch,
    insert_rows,
    placeholders,
    reserve_ids,
    unit_of_work,
)
from crm_sales import cells
from crm_sales.clean import lost_reason_error, lost_reasons
from crm_sales.deals import RECORD_TYPE, get
from crm_sales.events import DealLost, DealStageChanged, DealWon
from crm_sales.pipelines import get_stage
from crm_sales.schemas import MoveIn
from crm_sales.tables import Deal, StageChange

ACTIVITY_TYPE = "deal_stage"
ACTIVITY_COLUMNS = (
    "id", "type", "subject", "body", "occurred_at", "direction", "channel", "owner", "done", "source",
    "created_at", "updated_at",
)
LINK_COLUMNS = ("activity", "record_type", "record_id", "role", "occurred_at")


async def _target_stage(deal: dict[str, Any], move: MoveIn) -> dict[str, Any]:
    stage = await get_stage(move.stage_id)
    if stage is None or stage["pipeline"] != deal["pipeline"]:
        raise Invalid({"stage_id": f"stage {move.stage_id} is not a stage of this deal's pipeline"})
    if stage["kind"] == "lost":
        allowed = await lost_reasons()
        if error := await lost_reason_error(move.lost_reason, allowed):
            raise Invalid({"lost_reason": error})
    return stage


async def _write_activity(principal: Principal, deal: dict[str, Any], subject: str, body: str, now: dt.datetime) -> None:
    """One activity on the deal's timeline and on those of its contacts and company."""
    activity_id = (await reserve_ids("crm_activity", 1))[0]
    await insert_rows(
        "crm_activity", ACTIVITY_COLUMNS,
        [(activity_id, ACTIVITY_TYPE, subject[:300], body, now, "", "", principal.id, False, "sales", now, now)],
    )
    links = [(activity_id, RECORD_TYPE, deal["id"], "about", now)]
    links += [(activity_id, "contact", contact["contact_id"], "about", now) for contact in deal["contacts"]]
    if deal["company"] is not None:
        links.append((activity_id, "company", deal["company"], "about", now))
    await insert_rows("crm_activity_link", LINK_COLUMNS, links)


async def move(principal: Principal, deal_id: int, move: MoveIn) -> dict[str, Any]:
    """Move the deal to ``move.stage_id``; won and lost stages close it, an open stage reopens it."""
    deal = await get(principal, deal_id)
    await ensure(principal, "write", RECORD_TYPE, deal)
    stage = await _target_stage(deal, move)
    if stage["id"] == deal["stage"]:
        return deal
    now = dt.datetime.now(dt.UTC)
    terminal = stage["kind"] != "open"
    reason = move.lost_reason.strip() if stage["kind"] == "lost" and move.lost_reason else None
    stored = {
        "stage": stage["id"], "status": stage["kind"], "stage_entered_at": now, "updated_at": now,
        "lost_reason": reason, "closed_at": now if terminal else None,
        "cycle_days": (now - deal["created_at"]).days if terminal else None,
        "furthest_position": deal["furthest_position"] if stage["kind"] == "lost"
        else max(deal["furthest_position"], stage["position"]),
    }
    if not deal["probability_set"]:
        stored["probability"] = stage["probability"]
    subject = f"{deal['title']}: {deal['stage_name']} → {stage['name']}"
    events: list[Event] = [
        DealStageChanged(
            actor_id=principal.id, deal_id=deal_id, pipeline_id=deal["pipeline"],
            stage_from_id=deal["stage"], stage_to_id=stage["id"],
        )
    ]
    if stage["kind"] == "won":
        events.append(DealWon(actor_id=principal.id, deal_id=deal_id, amount=deal["amount"], currency=deal["currency"]))
    elif stage["kind"] == "lost":
        events.append(DealLost(actor_id=principal.id, deal_id=deal_id, lost_reason=reason or ""))
    async with unit_of_work() as work:
        await Deal.update(stored).where(Deal.id == deal_id)
        await cells.apply(deal, deal | stored)
        await StageChange.insert(
            StageChange(deal=deal_id, stage_from=deal["stage"], stage_to=stage["id"], changed_by=principal.id, changed_at=now)
        )
        await _write_activity(principal, deal, subject, f"Lost: {reason}" if reason else "", now)
        changes = {"stage": {"from": deal["stage_name"], "to": stage["name"]}}
        if reason:
            changes["lost_reason"] = {"from": deal["lost_reason"], "to": reason}
        await audit_record(principal.id, RECORD_TYPE, deal_id, "move", changes)
        for event in events:
            work.emit(event)
    return await get(principal, deal_id)


async def last_activity(deal_ids: list[int]) -> dict[int, dt.datetime]:
    """When each deal last had an activity on its timeline, in one query."""
    if not deal_ids:
        return {}
    rows = await fetch(
        "SELECT record_id, max(occurred_at) AS at FROM crm_activity_link "
        f"WHERE record_type = {{}} AND record_id IN ({placeholders(deal_ids)}) GROUP BY record_id",
        RECORD_TYPE, *deal_ids,
    )
    return {row["record_id"]: _as_datetime(row["at"]) for row in rows}


def _as_datetime(value: Any) -> dt.datetime:
    # SQLite hands back an aggregate as the stored text, PostgreSQL as a datetime.
    if isinstance(value, str):
        return dt.datetime.fromisoformat(value).replace(tzinfo=dt.UTC)
    return value
