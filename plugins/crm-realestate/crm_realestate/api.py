"""``/api/v1/realestate/items``: list, add, read, change and delete items, and read an item's history.
Every write goes through the core's pipeline, which checks, audits and indexes it."""

from __future__ import annotations

import datetime as dt
from typing import Any

import msgspec
from crm_platform.toolkit import (
    CurrentPrincipal,
    audit_history,
    create_record,
    delete_record,
    get_record,
    require_permission,
    update_record,
)
from litestar import Controller, delete, get, patch, post
from litestar.params import FromPath, FromQuery, JSONBody
from msgspec import UNSET, UnsetType

from crm_realestate import items


class ItemIn(msgspec.Struct, forbid_unknown_fields=True):
    title: str
    contact_id: int | None = None
    owner_id: int | UnsetType = UNSET
    tags: list[str] = []
    custom: dict[str, Any] = {}


class ItemPatch(msgspec.Struct, forbid_unknown_fields=True):
    title: str | UnsetType = UNSET
    contact_id: int | None | UnsetType = UNSET
    owner_id: int | UnsetType = UNSET
    tags: list[str] | UnsetType = UNSET
    custom: dict[str, Any] | UnsetType = UNSET


class ItemSummary(msgspec.Struct):
    id: int
    title: str
    contact_id: int | None
    owner_id: int | None
    created_at: dt.datetime


class ItemOut(ItemSummary):
    tags: list[str]
    custom: dict[str, Any]
    updated_at: dt.datetime


class ItemPage(msgspec.Struct):
    items: list[ItemSummary]
    next_cursor: str | None


class HistoryEntry(msgspec.Struct):
    action: str
    actor_id: int | None
    at: dt.datetime
    changes: dict[str, Any]


def _values(data: ItemIn | ItemPatch) -> dict[str, Any]:
    """The fields sent, under the names of the table's columns."""
    fields = msgspec.structs.asdict(data)
    if "owner_id" in fields:
        fields["owner"] = fields.pop("owner_id")
    return {name: value for name, value in fields.items() if value is not UNSET}


def _out(row: dict[str, Any], struct: type[ItemSummary] = ItemOut) -> Any:
    return msgspec.convert(row | {"owner_id": row["owner"]}, struct)


class ItemController(Controller):
    path = "/items"

    @get("/")
    async def list_items(
        self,
        principal: CurrentPrincipal,
        contact_id: FromQuery[int | None] = None,
        limit: FromQuery[int] = 50,
        cursor: FromQuery[str | None] = None,
    ) -> ItemPage:
        """The items you may see, newest first; ``contact_id`` keeps those about one contact.
        Pass ``next_cursor`` back as ``cursor`` for the next page."""
        rows, next_cursor = await items.list_items(principal, contact_id=contact_id, limit=limit, cursor=cursor)
        return ItemPage([_out(row, ItemSummary) for row in rows], next_cursor)

    @post("/")
    async def create_item(self, principal: CurrentPrincipal, data: JSONBody[ItemIn]) -> ItemOut:
        """Add an item, owned by you unless ``owner_id`` names someone else."""
        await require_permission(principal, items.CREATE.key)
        item_id = await create_record(principal, items.KIND_KEY, _values(data))
        return _out(await get_record(principal, items.KIND_KEY, item_id))

    @get("/{item_id:int}")
    async def get_item(self, principal: CurrentPrincipal, item_id: FromPath[int]) -> ItemOut:
        return _out(await get_record(principal, items.KIND_KEY, item_id))

    @patch("/{item_id:int}")
    async def change_item(
        self, principal: CurrentPrincipal, item_id: FromPath[int], data: JSONBody[ItemPatch]
    ) -> ItemOut:
        """Change the fields sent; a ``custom`` object merges into the stored one."""
        await update_record(principal, items.KIND_KEY, item_id, _values(data))
        return _out(await get_record(principal, items.KIND_KEY, item_id))

    @delete("/{item_id:int}")
    async def delete_item(self, principal: CurrentPrincipal, item_id: FromPath[int]) -> None:
        await delete_record(principal, items.KIND_KEY, item_id)

    @get("/{item_id:int}/history")
    async def item_history(self, principal: CurrentPrincipal, item_id: FromPath[int]) -> list[HistoryEntry]:
        """The item's audit log, newest first."""
        await get_record(principal, items.KIND_KEY, item_id)
        return [msgspec.convert(entry, HistoryEntry) for entry in await audit_history(items.KIND_KEY, item_id)]


HANDLERS = [ItemController]
