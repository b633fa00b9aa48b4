"""The plugin's REST API under ``/api/v1/retail/``: orders (each write through the core's
pipeline), a contact's points and value, and the RFM segments."""

from __future__ import annotations

import dataclasses
import datetime as dt
from typing import Annotated, Any

import msgspec
from crm_platform.toolkit import (
    CurrentPrincipal,
    audit_history,
    create_record,
    csv_document,
    delete_record,
    get_record,
    require_permission,
    update_record,
)
from litestar import Controller, Response, delete, get, patch, post
from litestar.params import FromPath, FromQuery, JSONBody, Parameter
from msgspec import UNSET, UnsetType

from crm_retail import lines, loyalty, orders, rfm, value


class OrderIn(msgspec.Struct, forbid_unknown_fields=True):
    number: str
    currency: str
    lines: list[Any]
    contact_id: int | None = None
    customer_email: str | None = None
    ordered_at: dt.datetime | None = None
    status: str = "paid"
    owner_id: int | UnsetType = UNSET
    tags: list[str] = []
    custom: dict[str, Any] = {}


class OrderPatch(msgspec.Struct, forbid_unknown_fields=True):
    number: str | UnsetType = UNSET
    currency: str | UnsetType = UNSET
    lines: list[Any] | UnsetType = UNSET
    contact_id: int | UnsetType = UNSET
    ordered_at: dt.datetime | UnsetType = UNSET
    status: str | UnsetType = UNSET
    owner_id: int | UnsetType = UNSET
    tags: list[str] | UnsetType = UNSET
    custom: dict[str, Any] | UnsetType = UNSET


class RedeemIn(msgspec.Struct, forbid_unknown_fields=True):
    points: Any
    reason: str = ""


RENAMED = {"contact_id": "contact", "owner_id": "owner"}


def _values(data: msgspec.Struct) -> dict[str, Any]:
    fields = msgspec.to_builtins(data, builtin_types=(dt.datetime,))
    return {RENAMED.get(name, name): value for name, value in fields.items()}


def order_out(row: dict[str, Any]) -> dict[str, Any]:
    out = {name: row[name] for name in ("id", "number", "ordered_at", "status", "currency", "customer_email")}
    out |= {"contact_id": row["contact"], "owner_id": row["owner"], "total": lines.money(row["total"])}
    if "lines" in row:
        out |= {"lines": lines.load(row["lines"]), "tags": row["tags"], "custom": row["custom"]}
    return out


class OrderController(Controller):
    path = "/orders"

    @get("/")
    async def list_orders(
        self,
        principal: CurrentPrincipal,
        contact_id: FromQuery[int | None] = None,
        status: FromQuery[str | None] = None,
        currency: FromQuery[str | None] = None,
        since: FromQuery[dt.datetime | None] = None,
        until: FromQuery[dt.datetime | None] = None,
        sort: Annotated[str, Parameter(description="ordered_at or number; - for descending")] = "-ordered_at",
        limit: FromQuery[int] = 50,
        cursor: FromQuery[str | None] = None,
    ) -> dict[str, Any]:
        """Orders you may see, one keyset page at a time; follow ``next_cursor``."""
        rows, next_cursor = await orders.list_orders(
            principal, contact_id=contact_id, status=status, currency=currency, since=since, until=until,
            sort=sort, limit=limit, cursor=cursor,
        )
        return {"items": [order_out(row) for row in rows], "next_cursor": next_cursor}

    @get("/export.csv", media_type="text/csv")
    async def export_orders(
        self,
        principal: CurrentPrincipal,
        contact_id: FromQuery[int | None] = None,
        status: FromQuery[str | None] = None,
        currency: FromQuery[str | None] = None,
        since: FromQuery[dt.datetime | None] = None,
        until: FromQuery[dt.datetime | None] = None,
    ) -> Response[str]:
        """The orders you may see, filtered like the list, as CSV (permission ``retail.export``)."""
        await require_permission(principal, orders.EXPORT.key)
        rows = await orders.all_orders(principal, contact_id=contact_id, status=status, currency=currency,
                                       since=since, until=until)
        names = await orders.contact_names(principal, rows)
        header = ["number", "ordered_at", "status", "contact_id", "contact", "customer_email", "currency", "total"]
        body = csv_document(header, ([row["number"], row["ordered_at"], row["status"], row["contact"],
                                      names.get(row["contact"], ""), row["customer_email"], row["currency"],
                                      lines.money(row["total"])] for row in rows))
        return Response(body, media_type="text/csv; charset=utf-8",
                        headers={"Content-Disposition": 'attachment; filename="orders.csv"'})

    @post("/")
    async def add_order(self, principal: CurrentPrincipal, data: JSONBody[OrderIn]) -> dict[str, Any]:
        """Add an order; its total is the sum of its line items, its points follow the rules."""
        await require_permission(principal, orders.CREATE.key)
        order_id = await create_record(principal, orders.KIND_KEY, _values(data))
        return order_out(await get_record(principal, orders.KIND_KEY, order_id))

    @get("/{order_id:int}")
    async def get_order(self, principal: CurrentPrincipal, order_id: FromPath[int]) -> dict[str, Any]:
        return order_out(await get_record(principal, orders.KIND_KEY, order_id))

    @patch("/{order_id:int}")
    async def change_order(
        self, principal: CurrentPrincipal, order_id: FromPath[int], data: JSONBody[OrderPatch]
    ) -> dict[str, Any]:
        """Change the fields given; new line items replace the old ones."""
        await update_record(principal, orders.KIND_KEY, order_id, _values(data))
        return order_out(await get_record(principal, orders.KIND_KEY, order_id))

    @delete("/{order_id:int}", status_code=200)
    async def remove_order(self, principal: CurrentPrincipal, order_id: FromPath[int]) -> dict[str, int]:
        """Move the order to the trash, with its points; ``POST /api/v1/trash/{id}/restore`` brings both back."""
        return {"trash_id": await delete_record(principal, orders.KIND_KEY, order_id)}

    @get("/{order_id:int}/history")
    async def order_history(self, principal: CurrentPrincipal, order_id: FromPath[int]) -> list[dict[str, Any]]:
        await get_record(principal, orders.KIND_KEY, order_id)
        entries = await audit_history(orders.KIND_KEY, order_id)
        return [{"action": entry["action"], "changes": entry["changes"]} for entry in entries]


def standing_out(standing: loyalty.Standing) -> dict[str, Any]:
    return dataclasses.asdict(standing)


@get("/contacts/{contact_id:int}/loyalty")
async def contact_loyalty(principal: CurrentPrincipal, contact_id: FromPath[int]) -> dict[str, Any]:
    """The contact's points balance, tier and newest movements."""
    await get_record(principal, "contact", contact_id)
    history = await loyalty.history(contact_id)
    return standing_out(await loyalty.standing(contact_id)) | {"history": [
        {"points": row["points"], "reason": row["reason"], "order_id": row["order_id"], "at": row["created_at"]}
        for row in history]}


@post("/contacts/{contact_id:int}/redeem", status_code=200)
async def redeem_points(principal: CurrentPrincipal, contact_id: FromPath[int], data: JSONBody[RedeemIn]) -> dict[str, Any]:
    """Take points off the balance (permission ``retail.redeem``); never below zero."""
    return standing_out(await loyalty.redeem(principal, contact_id, data.points, data.reason))


@get("/contacts/{contact_id:int}/value")
async def contact_value(principal: CurrentPrincipal, contact_id: FromPath[int]) -> dict[str, Any]:
    """Lifetime value and average order value per currency, and the contact's RFM scores."""
    await get_record(principal, "contact", contact_id)
    return await value.of_contact(principal, contact_id)


@get("/segments")
async def list_segments(principal: CurrentPrincipal) -> list[dict[str, Any]]:
    """Every RFM segment with what it means and how many contacts it held at the last run."""
    return await rfm.segment_counts(principal)


@get("/segments/{segment:str}")
async def segment_members(
    principal: CurrentPrincipal,
    segment: FromPath[str],
    r: FromQuery[int | None] = None,
    f: FromQuery[int | None] = None,
    m: FromQuery[int | None] = None,
    limit: FromQuery[int] = 50,
    cursor: FromQuery[str | None] = None,
) -> dict[str, Any]:
    """The contacts you may see in a segment (``all`` for every scored contact), with their scores."""
    rows, next_cursor = await rfm.members(principal, segment, r=r, f=f, m=m, limit=limit, cursor=cursor)
    return {"items": rows, "next_cursor": next_cursor}


@post("/rfm/run", status_code=200)
async def run_rfm(principal: CurrentPrincipal) -> dict[str, Any]:
    """Compute the RFM scores now, as the nightly job does (permission ``retail.rfm``)."""
    await require_permission(principal, rfm.RUN.key)
    return {"scored": await rfm.compute()}


HANDLERS = (OrderController, contact_loyalty, redeem_points, contact_value, list_segments, segment_members, run_rfm)
