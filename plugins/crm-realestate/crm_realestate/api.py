"""``/api/v1/realestate/``: properties (list, filter, add, read, change, delete, history,
timeline, CSV export), their offers, and matches both ways. Every write goes through the core's
pipeline, which checks, audits and indexes it."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import msgspec
from crm_platform.toolkit import (
    CurrentPrincipal,
    audit_history,
    create_record,
    delete_record,
    get_record,
    record_timeline,
    require_permission,
    update_record,
)
from litestar import Controller, Response, delete, get, patch, post
from litestar.params import FromPath, FromQuery, JSONBody
from msgspec import UNSET, UnsetType

from crm_realestate import deals, export, matching, offers, properties
from crm_realestate.properties import KIND_KEY


class PropertyIn(msgspec.Struct, forbid_unknown_fields=True):
    # Numbers are taken as sent and checked by the kind's ``clean``, so a wrong one is a 422
    # naming its field like every other mistake.
    address: str
    area: str = ""
    type: str = "house"
    bedrooms: Any = None
    bathrooms: Any = None
    area_m2: Any = None
    price: Any = None
    currency: str = "EUR"
    status: str = "for_sale"
    agent_id: int | UnsetType = UNSET
    owner_contact_id: int | None = None
    photos: list[Any] = []
    description: str = ""
    tags: list[str] = []
    custom: dict[str, Any] = {}


class PropertyPatch(msgspec.Struct, forbid_unknown_fields=True):
    address: str | UnsetType = UNSET
    area: str | UnsetType = UNSET
    type: str | UnsetType = UNSET
    bedrooms: Any = UNSET
    bathrooms: Any = UNSET
    area_m2: Any = UNSET
    price: Any = UNSET
    currency: str | UnsetType = UNSET
    status: str | UnsetType = UNSET
    agent_id: int | UnsetType = UNSET
    owner_contact_id: int | None | UnsetType = UNSET
    photos: list[Any] | UnsetType = UNSET
    description: str | UnsetType = UNSET
    tags: list[str] | UnsetType = UNSET
    custom: dict[str, Any] | UnsetType = UNSET


class OfferIn(msgspec.Struct, forbid_unknown_fields=True):
    amount: Any
    buyer_contact_id: int | None = None
    currency: str = "EUR"
    conditions: str = ""
    status: str = "made"
    custom: dict[str, Any] = {}


class OfferPatch(msgspec.Struct, forbid_unknown_fields=True):
    amount: Any = UNSET
    buyer_contact_id: int | None | UnsetType = UNSET
    currency: str | UnsetType = UNSET
    conditions: str | UnsetType = UNSET
    status: str | UnsetType = UNSET
    custom: dict[str, Any] | UnsetType = UNSET


def stored(data: msgspec.Struct) -> dict[str, Any]:
    """The fields sent, under the names of the table's columns."""
    fields = {name: value for name, value in msgspec.structs.asdict(data).items() if value is not UNSET}
    if "agent_id" in fields:
        fields["agent"] = fields.pop("agent_id")
    return fields


def _plain(value: Any) -> Any:
    return float(value) if isinstance(value, Decimal) else value


def property_out(row: dict[str, Any]) -> dict[str, Any]:
    shown = {key: _plain(value) for key, value in row.items() if key not in ("agent", "area_key")}
    return shown | {"agent_id": row.get("agent")}


def offer_out(row: dict[str, Any]) -> dict[str, Any]:
    return {key: _plain(value) for key, value in row.items() if key != "owner"} | {"owner_id": row.get("owner")}


def filters(status: str | None, type: str | None, area: str | None, min_price: str | None,
            max_price: str | None, min_bedrooms: str | None, agent_id: int | None,
            owner_contact_id: int | None) -> properties.Filters:
    return properties.Filters(status=status, type=type, area=area, min_price=min_price, max_price=max_price,
                              min_bedrooms=min_bedrooms, agent_id=agent_id, owner_contact_id=owner_contact_id)


class PropertyController(Controller):
    path = "/properties"

    @get("/")
    async def list_properties(
        self, principal: CurrentPrincipal, status: FromQuery[str | None] = None, type: FromQuery[str | None] = None,
        area: FromQuery[str | None] = None, min_price: FromQuery[str | None] = None,
        max_price: FromQuery[str | None] = None, min_bedrooms: FromQuery[str | None] = None,
        agent_id: FromQuery[int | None] = None, owner_contact_id: FromQuery[int | None] = None,
        sort: FromQuery[str] = "-created_at", limit: FromQuery[int] = 50, cursor: FromQuery[str | None] = None,
    ) -> dict[str, Any]:
        """The properties you may see, filtered; ``sort`` is ``price``, ``created_at`` or
        ``address`` (``-`` for descending). Pass ``next_cursor`` back as ``cursor``."""
        chosen = filters(status, type, area, min_price, max_price, min_bedrooms, agent_id, owner_contact_id)
        rows, next_cursor = await properties.list_properties(principal, chosen, sort=sort, limit=limit, cursor=cursor)
        return {"items": [property_out(row) for row in rows], "next_cursor": next_cursor}

    @post("/")
    async def create_property(self, principal: CurrentPrincipal, data: JSONBody[PropertyIn]) -> dict[str, Any]:
        """List a property; you are its agent unless ``agent_id`` names someone else."""
        property_id = await create_record(principal, KIND_KEY, stored(data))
        return property_out(await get_record(principal, KIND_KEY, property_id))

    @get("/export.csv", media_type="text/csv")
    async def export_properties(
        self, principal: CurrentPrincipal, status: FromQuery[str | None] = None, type: FromQuery[str | None] = None,
        area: FromQuery[str | None] = None, min_price: FromQuery[str | None] = None,
        max_price: FromQuery[str | None] = None, min_bedrooms: FromQuery[str | None] = None,
        agent_id: FromQuery[int | None] = None, owner_contact_id: FromQuery[int | None] = None,
    ) -> Response:
        """The properties you may see, filtered like the list, as CSV (permission ``realestate.export``)."""
        await require_permission(principal, properties.EXPORT.key)
        chosen = filters(status, type, area, min_price, max_price, min_bedrooms, agent_id, owner_contact_id)
        return Response(await export.properties_csv(principal, chosen), media_type="text/csv",
                        headers={"Content-Disposition": 'attachment; filename="properties.csv"'})

    @get("/{property_id:int}")
    async def get_property(self, principal: CurrentPrincipal, property_id: FromPath[int]) -> dict[str, Any]:
        return property_out(await get_record(principal, KIND_KEY, property_id))

    @patch("/{property_id:int}")
    async def change_property(
        self, principal: CurrentPrincipal, property_id: FromPath[int], data: JSONBody[PropertyPatch]
    ) -> dict[str, Any]:
        """Change the fields sent; a ``custom`` object merges into the stored one."""
        await update_record(principal, KIND_KEY, property_id, stored(data))
        return property_out(await get_record(principal, KIND_KEY, property_id))

    @delete("/{property_id:int}")
    async def delete_property(self, principal: CurrentPrincipal, property_id: FromPath[int]) -> None:
        """Move the property to the trash, with its offers; ``POST /api/v1/trash/{id}/restore`` brings it back."""
        await delete_record(principal, KIND_KEY, property_id)

    @get("/{property_id:int}/history")
    async def property_history(self, principal: CurrentPrincipal, property_id: FromPath[int]) -> list[dict[str, Any]]:
        await get_record(principal, KIND_KEY, property_id)
        return [{"action": entry["action"], "actor_id": entry["actor_id"], "at": entry["at"],
                 "changes": entry["changes"]} for entry in await audit_history(KIND_KEY, property_id)]

    @get("/{property_id:int}/timeline")
    async def property_timeline(
        self, principal: CurrentPrincipal, property_id: FromPath[int], cursor: FromQuery[str | None] = None
    ) -> dict[str, Any]:
        """The activities linked to the property (showings among them), newest first."""
        await get_record(principal, KIND_KEY, property_id)
        rows, next_cursor = await record_timeline(principal, KIND_KEY, property_id, cursor=cursor)
        return {"items": [{"id": row["id"], "type": row["type"], "subject": row["subject"],
                           "occurred_at": row.get("occurred_at")} for row in rows], "next_cursor": next_cursor}

    @get("/{property_id:int}/buyers")
    async def matching_buyers(
        self, principal: CurrentPrincipal, property_id: FromPath[int], limit: FromQuery[int] = 20,
        cursor: FromQuery[str | None] = None,
    ) -> dict[str, Any]:
        """The buyers (tenants, for a rental) the listing fits, with the reasons for each."""
        found, next_cursor = await matching.buyers_for(principal, property_id, limit=limit, cursor=cursor)
        return {"items": [{"contact_id": match["contact"]["id"], "name": match["contact"]["display_name"],
                           "reasons": match["reasons"]} for match in found], "next_cursor": next_cursor}

    @get("/{property_id:int}/offers")
    async def list_offers(self, principal: CurrentPrincipal, property_id: FromPath[int]) -> list[dict[str, Any]]:
        await get_record(principal, KIND_KEY, property_id)
        return [offer_out(row) for row in await offers.for_property(principal, property_id)]

    @post("/{property_id:int}/offers")
    async def make_offer(
        self, principal: CurrentPrincipal, property_id: FromPath[int], data: JSONBody[OfferIn]
    ) -> dict[str, Any]:
        await get_record(principal, KIND_KEY, property_id)
        offer_id = await create_record(principal, offers.KIND_KEY, stored(data) | {"property_id": property_id})
        return offer_out(await get_record(principal, offers.KIND_KEY, offer_id))


class DealLinkIn(msgspec.Struct, forbid_unknown_fields=True):
    deal_id: int


def deal_out(deal: dict[str, Any]) -> dict[str, Any]:
    return {"id": deal["id"], "title": deal["title"], "status": deal.get("status"), "amount": _plain(deal.get("amount")),
            "currency": deal.get("currency")}


class DealLinkController(Controller):
    """With the sales plugin: the deals about a property."""

    path = "/properties/{property_id:int}/deals"

    @get("/")
    async def list_deals(self, principal: CurrentPrincipal, property_id: FromPath[int]) -> list[dict[str, Any]]:
        await get_record(principal, KIND_KEY, property_id)
        return [deal_out(deal) for deal in await deals.linked(principal, property_id)]

    @post("/", status_code=200)
    async def link_deal(
        self, principal: CurrentPrincipal, property_id: FromPath[int], data: JSONBody[DealLinkIn]
    ) -> list[dict[str, Any]]:
        await deals.link(principal, property_id, data.deal_id)
        return [deal_out(deal) for deal in await deals.linked(principal, property_id)]

    @delete("/{deal_id:int}")
    async def unlink_deal(self, principal: CurrentPrincipal, property_id: FromPath[int], deal_id: FromPath[int]) -> None:
        await deals.unlink(principal, property_id, deal_id)


class OfferController(Controller):
    path = "/offers"

    @get("/{offer_id:int}")
    async def get_offer(self, principal: CurrentPrincipal, offer_id: FromPath[int]) -> dict[str, Any]:
        return offer_out(await get_record(principal, offers.KIND_KEY, offer_id))

    @patch("/{offer_id:int}")
    async def change_offer(
        self, principal: CurrentPrincipal, offer_id: FromPath[int], data: JSONBody[OfferPatch]
    ) -> dict[str, Any]:
        await update_record(principal, offers.KIND_KEY, offer_id, stored(data))
        return offer_out(await get_record(principal, offers.KIND_KEY, offer_id))

    @delete("/{offer_id:int}")
    async def delete_offer(self, principal: CurrentPrincipal, offer_id: FromPath[int]) -> None:
        await delete_record(principal, offers.KIND_KEY, offer_id)


@get("/contacts/{contact_id:int}/listings")
async def matching_listings(
    principal: CurrentPrincipal, contact_id: FromPath[int], limit: FromQuery[int] = 20,
    cursor: FromQuery[str | None] = None,
) -> dict[str, Any]:
    """The listings that fit a buyer's (or tenant's) budget, areas and types, cheapest first,
    with the reasons for each."""
    wanted, rows, next_cursor = await matching.listings_for(principal, contact_id, limit=limit, cursor=cursor)
    return {"is_seeking": wanted is not None, "items": [property_out(row) for row in rows],
            "next_cursor": next_cursor}


HANDLERS = [PropertyController, DealLinkController, OfferController, matching_listings]
