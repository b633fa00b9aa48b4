"""Listings a person owns, offers they made and what they are looking for. Erasure keeps the
listings and offers (the market's history) without the person, and forgets their wishes."""

from __future__ import annotations

from typing import Any

from crm_hookspecs import PersonalData
from crm_platform.toolkit import execute, fetch


async def export_properties(contact_id: int) -> list[dict[str, Any]]:
    return await fetch("SELECT id, address, area, type, price, currency, status FROM realestate_property "
                       "WHERE owner_contact_id = {} ORDER BY id", contact_id)


async def erase_properties(contact_id: int) -> int:
    rows = await fetch("SELECT id FROM realestate_property WHERE owner_contact_id = {}", contact_id)
    await execute("UPDATE realestate_property SET owner_contact_id = NULL WHERE owner_contact_id = {}", contact_id)
    return len(rows)


async def export_offers(contact_id: int) -> list[dict[str, Any]]:
    return await fetch("SELECT id, property_id, amount, currency, conditions, status FROM realestate_offer "
                       "WHERE buyer_contact_id = {} ORDER BY id", contact_id)


async def erase_offers(contact_id: int) -> int:
    rows = await fetch("SELECT id FROM realestate_offer WHERE buyer_contact_id = {}", contact_id)
    await execute("UPDATE realestate_offer SET buyer_contact_id = NULL, conditions = '' "
                  "WHERE buyer_contact_id = {}", contact_id)
    return len(rows)


async def export_wishes(contact_id: int) -> list[dict[str, Any]]:
    return await fetch("SELECT id, seeks, area_key, type, budget_min, budget_max FROM realestate_wish "
                       "WHERE contact_id = {} ORDER BY id", contact_id)


async def erase_wishes(contact_id: int) -> int:
    rows = await fetch("SELECT id FROM realestate_wish WHERE contact_id = {}", contact_id)
    await execute("DELETE FROM realestate_wish WHERE contact_id = {}", contact_id)
    return len(rows)


DECLARATIONS = (
    PersonalData("realestate.properties", "realestate_property", "owner_contact_id", ("owner_contact_id",),
                 export=export_properties, erase=erase_properties, label="Listings owned", record_kind="realestate.property"),
    PersonalData("realestate.offers", "realestate_offer", "buyer_contact_id", ("buyer_contact_id", "conditions"),
                 export=export_offers, erase=erase_offers, label="Offers made", record_kind="realestate.offer"),
    PersonalData("realestate.wishes", "realestate_wish", "contact_id", ("contact_id", "budget_min", "budget_max"),
                 export=export_wishes, erase=erase_wishes, label="What they are looking for"),
)
