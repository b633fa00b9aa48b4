"""Deals of the sales plugin linked to a property. The plugin needs nothing of sales but the
record kind ``sales.deal``, read through the toolkit with the visibility rule; without sales
enabled, linking is a 422 that says so."""

from __future__ import annotations

from typing import Any

from crm_hookspecs import Principal
from crm_platform.toolkit import (
    Invalid,
    audit_record,
    execute,
    fetch,
    get_record,
    get_records,
    placeholders,
    unit_of_work,
)

from crm_realestate.properties import KIND_KEY

DEAL_KIND = "sales.deal"
PER_PROPERTY = 100


async def _deals(principal: Principal, ids: list[int], action: str = "read") -> dict[int, dict[str, Any]]:
    try:
        return await get_records(principal, DEAL_KIND, ids, action)
    except Invalid:
        raise Invalid({"deal_id": "deals need the sales plugin, which is not enabled"}) from None


async def linked(principal: Principal, property_id: int) -> list[dict[str, Any]]:
    """The deals about the property that the user may see; none without sales."""
    rows = await fetch(f"SELECT deal_id FROM realestate_deal_link WHERE property_id = {{}} ORDER BY id "
                       f"LIMIT {PER_PROPERTY}", property_id)
    ids = [row["deal_id"] for row in rows]
    if not ids:
        return []
    try:
        found = await _deals(principal, ids)
    except Invalid:
        return []
    return [found[deal_id] for deal_id in ids if deal_id in found]


async def properties_of_deal(principal: Principal, deal_id: int) -> list[dict[str, Any]]:
    """The properties a deal is about that the user may see, for the deal's page."""
    rows = await fetch(f"SELECT property_id FROM realestate_deal_link WHERE deal_id = {{}} ORDER BY id "
                       f"LIMIT {PER_PROPERTY}", deal_id)
    ids = [row["property_id"] for row in rows]
    found = await get_records(principal, KIND_KEY, ids) if ids else {}
    return [found[property_id] for property_id in ids if property_id in found]


async def link(principal: Principal, property_id: int, deal_id: int) -> None:
    """Link a deal the user may change to a property the user may change; linking twice is one link."""
    await get_record(principal, KIND_KEY, property_id, "write")
    if not await _deals(principal, [deal_id], "write"):
        raise Invalid({"deal_id": f"deal {deal_id} does not exist or you may not change it"})
    async with unit_of_work():
        if await fetch("SELECT id FROM realestate_deal_link WHERE property_id = {} AND deal_id = {}",
                       property_id, deal_id):
            return
        await execute("INSERT INTO realestate_deal_link (property_id, deal_id) VALUES ({}, {})", property_id, deal_id)
        await audit_record(principal.id, KIND_KEY, property_id, "update", {"deals": {"from": None, "to": deal_id}})


async def unlink(principal: Principal, property_id: int, deal_id: int) -> None:
    await get_record(principal, KIND_KEY, property_id, "write")
    async with unit_of_work():
        gone = await execute("DELETE FROM realestate_deal_link WHERE property_id = {} AND deal_id = {} RETURNING id",
                             property_id, deal_id)
        if gone:
            await audit_record(principal.id, KIND_KEY, property_id, "update", {"deals": {"from": deal_id, "to": None}})


async def forget_property_links(property_ids: list[int]) -> None:
    if property_ids:
        await execute(f"DELETE FROM realestate_deal_link WHERE property_id IN ({placeholders(property_ids)})",
                      *property_ids)
