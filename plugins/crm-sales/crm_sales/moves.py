"""Moving a deal between stages: history, status, the timeline activity and the events."""

from __future__ import annotations

import datetime as dt
from typing import Any

from crm_hookspecs import Event, Principal
from crm_hookspecs.events import RecordUpdated

from crm_platform.toolkit import (
    ActivityIn,
    Invalid,
    audit_record,
    ensure,
    get_records,
    last_activity_at,
    log_activity,
    notify,
    now,
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
DEAL_MOVED = "sales.deal_moved"


async def _target_stage(deal: dict[str, Any], move: MoveIn) -> dict[str, Any]:
    stage = await get_stage(move.stage_id)
    pipeline_id = move.pipeline_id or deal["pipeline"]
    if stage is None or stage["pipeline"] != pipeline_id:
        which = "this deal's pipeline" if move.pipeline_id is None else f"pipeline {pipeline_id}"
        raise Invalid({"stage_id": f"stage {move.stage_id} is not a stage of {which}"})
    if stage["kind"] == "lost":
        allowed = await lost_reasons()
        if error := await lost_reason_error(move.lost_reason, allowed):
            raise Invalid({"lost_reason": error})
    return stage


async def _log_stage_activity(
    principal: Principal, deal: dict[str, Any], subject: str, body: str, at: dt.datetime
) -> None:
    """One activity on the deal's timeline and on those of its company and of the contacts the
    mover can see, through the core's pipeline (sanitised, audited, announced)."""
    contact_ids = [contact["contact_id"] for contact in deal["contacts"]]
    visible = await get_records(principal, "contact", contact_ids)
    links = [{"record_type": RECORD_TYPE, "record_id": deal["id"]}]
    links += [{"record_type": "contact", "record_id": contact_id} for contact_id in contact_ids if contact_id in visible]
    if deal["company"] is not None and await get_records(principal, "company", [deal["company"]]):
        links.append({"record_type": "company", "record_id": deal["company"]})
    await log_activity(
        principal,
        ActivityIn(type=ACTIVITY_TYPE, subject=subject[:300], body=body, occurred_at=at, source="sales", links=links),
    )


async def move(principal: Principal, deal_id: int, move: MoveIn) -> dict[str, Any]:
    """Move the deal to ``move.stage_id``; won and lost stages close it, an open stage reopens it."""
    deal = await get(principal, deal_id)
    await ensure(principal, "write", RECORD_TYPE, deal)
    stage = await _target_stage(deal, move)
    if stage["id"] == deal["stage"]:
        return deal
    moment = now()
    terminal = stage["kind"] != "open"
    # In another pipeline the furthest stage reached starts again from this one.
    furthest = deal["furthest_position"] if stage["pipeline"] == deal["pipeline"] else 0
    reason = move.lost_reason.strip() if stage["kind"] == "lost" and move.lost_reason else None
    stored = {
        "pipeline": stage["pipeline"], "stage": stage["id"], "status": stage["kind"], "stage_entered_at": moment, "updated_at": moment,
        "lost_reason": reason, "closed_at": moment if terminal else None,
        "cycle_days": (moment - deal["created_at"]).days if terminal else None,
        "furthest_position": furthest if stage["kind"] == "lost" else max(furthest, stage["position"]),
    }
    if not deal["probability_set"]:
        stored["probability"] = stage["probability"]
    subject = f"{deal['title']}: {deal['stage_name']} → {stage['name']}"
    events: list[Event] = [
        DealStageChanged(
            actor_id=principal.id, deal_id=deal_id, pipeline_id=stage["pipeline"],
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
            StageChange(deal=deal_id, stage_from=deal["stage"], stage_to=stage["id"], changed_by=principal.id, changed_at=moment)
        )
        await _log_stage_activity(principal, deal, subject, f"Lost: {reason}" if reason else "", moment)
        changes = {"stage": {"from": deal["stage_name"], "to": stage["name"]}}
        if stage["pipeline"] != deal["pipeline"]:
            changes["pipeline"] = {"from": deal["pipeline"], "to": stage["pipeline"]}
        if reason:
            changes["lost_reason"] = {"from": deal["lost_reason"], "to": reason}
        if deal["owner"] is not None and deal["owner"] != principal.id:  # the owner hears of what others do
            await notify([deal["owner"]], f"Deal moved: {subject}"[:200], body=f"Moved by {principal.display_name}.",
                         href=f"/sales/deals/{deal_id}", kind=DEAL_MOVED, record_type=RECORD_TYPE, record_id=deal_id)
        await audit_record(principal.id, RECORD_TYPE, deal_id, "move", changes)
        events.append(RecordUpdated(actor_id=principal.id, kind=RECORD_TYPE, record_id=deal_id, changes=changes))
        for event in events:
            work.emit(event)
    return await get(principal, deal_id)


async def last_activity(deal_ids: list[int]) -> dict[int, dt.datetime]:
    """When each deal last had an activity on its timeline, in one query."""
    return await last_activity_at(RECORD_TYPE, deal_ids)
