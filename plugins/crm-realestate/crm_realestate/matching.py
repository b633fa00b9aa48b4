"""Matching listings with buyers and tenants, both ways, each match with its reasons.

A buyer's wishes live in the contact's custom fields, in the core's table, which a plugin does
not query; the plugin keeps them in its own table ``realestate_wish`` (one row per wanted area
and type, ``*`` for any), refreshed after every write of a contact, so that "buyers for this
listing" is one range of one index, and "listings for this buyer" one of the property table's.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from crm_hookspecs import Principal
from crm_platform.toolkit import (
    Sort,
    check_limit,
    decode_cursor,
    encode_cursor,
    execute,
    fetch,
    get_record,
    get_records,
    insert_rows,
    placeholders,
    setting,
    unit_of_work,
    visibility_sql,
    visible_owner_ids,
)

from crm_realestate import fields, values
from crm_realestate.properties import KIND_KEY as PROPERTY_KIND
from crm_realestate.properties import LIST_COLUMNS, STATUS_LABELS

ANY = "*"
NO_LIMIT = values.MAX_AMOUNT
SEEKS = {"buyer": "for_sale", "tenant": "for_rent"}
WISH_COLUMNS = ("contact_id", "owner", "seeks", "area_key", "type", "budget_min", "budget_max")
BY_PRICE = Sort("price", descending=False)


def wishes(contact: dict[str, Any]) -> dict[str, Any] | None:
    """What a contact looks for, read from its custom fields, or ``None`` when it is neither a
    buyer nor a tenant."""
    custom = contact.get("custom") or {}
    seeks = [SEEKS[role] for role in custom.get(fields.ROLE) or () if role in SEEKS]
    if not seeks:
        return None
    areas = sorted({values.fold(area) for area in str(custom.get(fields.WANTED_AREAS) or "").split(",")} - {""})
    low, high = custom.get(fields.BUDGET_MIN), custom.get(fields.BUDGET_MAX)
    return {
        "seeks": seeks, "areas": areas, "types": list(custom.get(fields.WANTED_TYPES) or ()),
        "budget_min": Decimal(str(low)) if low is not None else None,
        "budget_max": Decimal(str(high)) if high is not None else None,
    }


def _wish_rows(contact: dict[str, Any]) -> list[tuple[Any, ...]]:
    wanted = wishes(contact)
    if wanted is None:
        return []
    low = wanted["budget_min"] if wanted["budget_min"] is not None else Decimal(0)
    high = wanted["budget_max"] if wanted["budget_max"] is not None else NO_LIMIT
    return [
        (contact["id"], contact.get("owner"), seeks, area, kind, low, high)
        for seeks in wanted["seeks"] for area in wanted["areas"] or [ANY] for kind in wanted["types"] or [ANY]
    ]


async def refresh(principal: Principal, contact_ids: list[int]) -> None:
    """Rewrite the wishes of the contacts named, read as ``principal`` (who just wrote them);
    a contact that is gone loses its wishes."""
    if not contact_ids:
        return
    found = await get_records(principal, "contact", contact_ids)
    rows = [row for contact in found.values() for row in _wish_rows(contact)]
    async with unit_of_work():
        await execute(f"DELETE FROM realestate_wish WHERE contact_id IN ({placeholders(contact_ids)})", *contact_ids)
        if rows:
            await insert_rows("realestate_wish", WISH_COLUMNS, rows)


async def forget(contact_ids: list[int]) -> None:
    if contact_ids:
        await execute(f"DELETE FROM realestate_wish WHERE contact_id IN ({placeholders(contact_ids)})", *contact_ids)


def _money(value: Any, currency: str) -> str:
    return f"{Decimal(str(value)):,.0f} {currency}"


def _budget(wanted: dict[str, Any], currency: str) -> str:
    low, high = wanted["budget_min"], wanted["budget_max"]
    if low is not None and high is not None:
        return f"within the budget of {_money(low, currency)} to {_money(high, currency)}"
    if high is not None:
        return f"within the budget of up to {_money(high, currency)}"
    if low is not None:
        return f"within the budget of {_money(low, currency)} or more"
    return "no budget was given"


def fits(listing: dict[str, Any], wanted: dict[str, Any]) -> bool:
    """Whether the listing fits what the contact wants now (the wish table may lag behind a
    contact changed while the plugin was disabled)."""
    price = Decimal(str(listing["price"]))
    return (listing["status"] in wanted["seeks"]
            and (wanted["budget_min"] is None or price >= wanted["budget_min"])
            and (wanted["budget_max"] is None or price <= wanted["budget_max"])
            and (not wanted["areas"] or listing["area_key"] in wanted["areas"])
            and (not wanted["types"] or listing["type"] in wanted["types"]))


def reasons(listing: dict[str, Any], wanted: dict[str, Any]) -> list[str]:
    """Why a listing fits what a buyer or tenant wants, in words a user reads."""
    currency = listing["currency"]
    return [
        f"{STATUS_LABELS[listing['status']]} at {_money(listing['price'], currency)}: {_budget(wanted, currency)}",
        f"In {listing.get('area') or 'no area'}: a wanted area" if wanted["areas"] else "Any area is wanted",
        f"{listing['type'].capitalize()}: a wanted type" if wanted["types"] else "Any type is wanted",
    ]


async def listings_for(
    principal: Principal, contact_id: int, *, limit: int = 20, cursor: str | None = None
) -> tuple[dict[str, Any] | None, list[dict[str, Any]], str | None]:
    """The listings that fit a buyer's (or tenant's) budget, areas and types, cheapest first,
    that the user may see: ``(wishes, page, next cursor)``; no wishes, no matches."""
    limit = check_limit(limit)
    contact = await get_record(principal, "contact", contact_id)
    wanted = wishes(contact)
    if wanted is None:
        return None, [], None
    conditions, args = await visibility_sql(principal, PROPERTY_KIND)
    conditions += [f"status IN ({placeholders(wanted['seeks'])})", "currency = {}", "price IS NOT NULL"]
    args += [*wanted["seeks"], await setting("realestate", "currency")]
    if wanted["budget_min"] is not None:
        conditions.append("price >= {}")
        args.append(wanted["budget_min"])
    if wanted["budget_max"] is not None:
        conditions.append("price <= {}")
        args.append(wanted["budget_max"])
    if wanted["areas"]:
        conditions.append(f"area_key IN ({placeholders(wanted['areas'])})")
        args += wanted["areas"]
    if wanted["types"]:
        conditions.append(f"type IN ({placeholders(wanted['types'])})")
        args += wanted["types"]
    if cursor:
        price, after_id = decode_cursor(cursor)
        conditions.append("(price > {} OR (price = {} AND id > {}))")
        args += [Decimal(str(price)), Decimal(str(price)), after_id]
    rows = await fetch(
        f"SELECT {LIST_COLUMNS} FROM realestate_property WHERE {' AND '.join(conditions)} "
        f"ORDER BY price, id LIMIT {limit + 1}", *args
    )
    next_cursor = None
    if len(rows) > limit:
        rows = rows[:limit]
        next_cursor = encode_cursor(float(rows[-1]["price"]), rows[-1]["id"])
    return wanted, [row | {"reasons": reasons(row, wanted)} for row in rows], next_cursor


async def buyers_for(
    principal: Principal, property_id: int, *, limit: int = 20, cursor: str | None = None
) -> tuple[list[dict[str, Any]], str | None]:
    """The buyers (or tenants, for a rental) whose budget, areas and types the listing fits,
    those the user may see, by contact id: each ``{"contact": ..., "reasons": [...]}``."""
    limit = check_limit(limit)
    listing = await get_record(principal, PROPERTY_KIND, property_id)
    if (listing["status"] not in ("for_sale", "for_rent") or listing["price"] is None
            or listing["currency"] != await setting("realestate", "currency")):
        return [], None
    conditions = ["seeks = {}", "area_key IN ({}, {})", "type IN ({}, {})", "budget_min <= {}", "budget_max >= {}"]
    args: list[Any] = [listing["status"], listing["area_key"], ANY, listing["type"], ANY,
                       listing["price"], listing["price"]]
    owners = await visible_owner_ids(principal)
    if owners is not None:
        if not owners:
            return [], None
        conditions.append(f"owner IN ({placeholders(list(owners))})")
        args += list(owners)
    if cursor:
        _, after_id = decode_cursor(cursor)
        conditions.append("contact_id > {}")
        args.append(after_id)
    # A buyer has one row per wanted area and type, so at most one row fits. ``+ 0`` keeps the
    # order from being read off the contact_id index: PostgreSQL's generic plan of this prepared
    # statement would otherwise walk that whole index for a listing that few buyers fit.
    rows = await fetch(
        f"SELECT contact_id FROM realestate_wish WHERE {' AND '.join(conditions)} "
        f"ORDER BY contact_id + 0 LIMIT {limit + 1}", *args
    )
    ids = list(dict.fromkeys(row["contact_id"] for row in rows[:limit]))
    next_cursor = encode_cursor(ids[-1], ids[-1]) if len(rows) > limit else None
    contacts = await get_records(principal, "contact", ids)
    matches = []
    for contact_id in ids:
        contact = contacts.get(contact_id)
        wanted = wishes(contact) if contact else None
        if wanted is not None and fits(listing, wanted):
            matches.append({"contact": contact, "reasons": reasons(listing, wanted)})
    return matches, next_cursor
