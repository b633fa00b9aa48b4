"""The Kanban board: per stage, the count and totals of open deals and the biggest cards.

A fixed number of queries whatever the number of deals: one aggregate, one ``UNION ALL`` of
a ``LIMIT`` per stage (each an index range scan), one each for the cards' owners, companies
and last activity.
"""

from __future__ import annotations

from typing import Any

from crm_hookspecs import Principal

from crm_platform.toolkit import fetch, get_records, get_users, now, setting
from crm_sales.clean import money
from crm_sales.listing import visibility
from crm_sales.moves import last_activity
from crm_sales.pipelines import get_pipeline

CARDS_PER_STAGE = 30
CARD_COLUMNS = (
    "d.id, d.title, d.amount, d.currency, d.stage, d.owner, d.company, d.probability, "
    "d.expected_close_date, d.next_step, d.next_step_date, d.stage_entered_at"
)


async def board(
    principal: Principal, pipeline_id: int | None = None, owner_id: int | None = None,
    per_stage: int = CARDS_PER_STAGE,
) -> dict[str, Any]:
    pipeline = await get_pipeline(pipeline_id)
    open_stages = [stage for stage in pipeline["stages"] if stage["kind"] == "open"]
    conditions, args = await visibility(principal)
    if owner_id is not None:
        conditions.append("d.owner = {}")
        args.append(owner_id)
    scope = "".join(f" AND {condition}" for condition in conditions)
    totals = await fetch(
        "SELECT d.stage, d.currency, count(*) AS n, sum(d.amount) AS total FROM sales_deal d "
        f"WHERE d.pipeline = {{}} AND d.status = 'open'{scope} GROUP BY d.stage, d.currency",
        pipeline["id"], *args,
    )
    cards = await _cards(principal, pipeline["id"], [stage["id"] for stage in open_stages], scope, args, per_stage)
    touched = await last_activity([card["id"] for card in cards])
    default_stale = int(await setting("sales", "stale_after_days"))
    moment = now()
    columns = []
    for stage in open_stages:
        stage_totals = [row for row in totals if row["stage"] == stage["id"]]
        stale_days = stage["stale_after_days"] or default_stale
        stage_cards = [card for card in cards if card["stage"] == stage["id"]]
        for card in stage_cards:
            card["amount"] = money(card["amount"])
            last = max(touched.get(card["id"], card["stage_entered_at"]), card["stage_entered_at"])
            card["idle_days"] = (moment - last).days
            card["stale"] = card["idle_days"] >= stale_days
        columns.append(
            {
                "stage": stage,
                "count": sum(row["n"] for row in stage_totals),
                "totals": sorted((row["currency"], money(row["total"])) for row in stage_totals),
                "cards": stage_cards,
                "stale_after_days": stale_days,
            }
        )
    return {"pipeline": pipeline, "columns": columns, "closing_stages": [s for s in pipeline["stages"] if s["kind"] != "open"]}


async def _cards(principal: Principal, pipeline_id: int, stage_ids: list[int], scope: str, args: list[Any], per_stage: int) -> list[dict[str, Any]]:
    if not stage_ids:
        return []
    parts, part_args = [], []
    for stage_id in stage_ids:
        parts.append(
            f"SELECT * FROM (SELECT {CARD_COLUMNS} FROM sales_deal d WHERE d.pipeline = {{}} AND d.status = 'open' "
            f"AND d.stage = {{}}{scope} ORDER BY d.amount DESC, d.id DESC LIMIT {int(per_stage)}) AS s{stage_id}"
        )
        part_args += [pipeline_id, stage_id, *args]
    cards = await fetch(
        f"SELECT c.* FROM ({' UNION ALL '.join(parts)}) AS c ORDER BY c.amount DESC, c.id DESC", *part_args
    )
    owners = await get_users([card["owner"] for card in cards])
    companies = await get_records(principal, "company", [card["company"] for card in cards if card["company"]])
    for card in cards:
        card["owner_name"] = owners[card["owner"]]["display_name"] if card["owner"] in owners else None
        card["company_name"] = companies[card["company"]]["name"] if card["company"] in companies else None
    return cards
