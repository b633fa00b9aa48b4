"""The plugin's REST API under ``/api/v1/vet/``: pets, each write through the core's pipeline."""

from __future__ import annotations

import datetime as dt
from typing import Any

import msgspec
from litestar import Controller, delete, get, patch, post
from litestar.params import FromPath, FromQuery, JSONBody
from msgspec import UNSET, UnsetType

from crm_platform.toolkit import (
    CurrentPrincipal,
    audit_history,
    create_record,
    create_records,
    delete_record,
    get_record,
    record_timeline,
    require_permission,
    update_record,
)
from crm_vet.pets import KIND_KEY, list_pets


class PetIn(msgspec.Struct, forbid_unknown_fields=True):
    name: str
    species: str = "dog"
    born_on: dt.date | None = None
    keeper_id: int | None = None
    owner_id: int | UnsetType = UNSET
    sensitive: bool = False
    tags: list[str] = []
    custom: dict[str, Any] = {}


class PetsIn(msgspec.Struct, forbid_unknown_fields=True):
    pets: list[PetIn]


class PetPatch(msgspec.Struct, forbid_unknown_fields=True):
    name: str | UnsetType = UNSET
    species: str | UnsetType = UNSET
    born_on: dt.date | None | UnsetType = UNSET
    keeper_id: int | None | UnsetType = UNSET
    owner_id: int | UnsetType = UNSET
    sensitive: bool | UnsetType = UNSET
    vaccinated_on: dt.date | None | UnsetType = UNSET
    tags: list[str] | UnsetType = UNSET
    custom: dict[str, Any] | UnsetType = UNSET


def _stored(fields: dict[str, Any]) -> dict[str, Any]:
    renamed = {"keeper_id": "keeper", "owner_id": "owner"}
    return {renamed.get(name, name): value for name, value in fields.items()}


def pet_out(row: dict[str, Any]) -> dict[str, Any]:
    names = ("id", "name", "species", "born_on", "sensitive", "vaccinated_on", "tags", "custom")
    return {name: row[name] for name in names} | {
        "keeper_id": row["keeper"], "owner_id": row["owner"], "sensitive": bool(row["sensitive"])
    }


def _values(data: msgspec.Struct) -> dict[str, Any]:
    return _stored(msgspec.to_builtins(data, builtin_types=(dt.date,)))


class PetController(Controller):
    path = "/pets"

    @get("/")
    async def list_pets(
        self, principal: CurrentPrincipal, keeper_id: FromQuery[int | None] = None, cursor: FromQuery[str | None] = None
    ) -> dict[str, Any]:
        rows, next_cursor = await list_pets(principal, keeper_id=keeper_id, cursor=cursor)
        return {"items": rows, "next_cursor": next_cursor}

    @post("/")
    async def add_pet(self, principal: CurrentPrincipal, data: JSONBody[PetIn]) -> dict[str, Any]:
        if data.sensitive:
            await require_permission(principal, "vet.sensitive")
        pet_id = await create_record(principal, KIND_KEY, _values(data))
        return pet_out(await get_record(principal, KIND_KEY, pet_id))

    @post("/bulk")
    async def add_pets(self, principal: CurrentPrincipal, data: JSONBody[PetsIn]) -> dict[str, list[int]]:
        """All the pets or none: a wrong field is named ``pets[2].species``."""
        if any(pet.sensitive for pet in data.pets):
            await require_permission(principal, "vet.sensitive")
        ids = await create_records(principal, KIND_KEY, [_values(pet) for pet in data.pets], field_name="pets")
        return {"ids": ids}

    @get("/{pet_id:int}")
    async def get_pet(self, principal: CurrentPrincipal, pet_id: FromPath[int]) -> dict[str, Any]:
        return pet_out(await get_record(principal, KIND_KEY, pet_id))

    @patch("/{pet_id:int}")
    async def change_pet(self, principal: CurrentPrincipal, pet_id: FromPath[int], data: JSONBody[PetPatch]) -> dict[str, Any]:
        changes = _values(data)
        if "sensitive" in changes:
            await require_permission(principal, "vet.sensitive")
        await update_record(principal, KIND_KEY, pet_id, changes)
        return pet_out(await get_record(principal, KIND_KEY, pet_id))

    @delete("/{pet_id:int}")
    async def remove_pet(self, principal: CurrentPrincipal, pet_id: FromPath[int]) -> None:
        await delete_record(principal, KIND_KEY, pet_id)

    @get("/{pet_id:int}/timeline")
    async def pet_timeline(self, principal: CurrentPrincipal, pet_id: FromPath[int]) -> list[dict[str, Any]]:
        await get_record(principal, KIND_KEY, pet_id)
        rows, _ = await record_timeline(principal, KIND_KEY, pet_id)
        return [{"id": row["id"], "type": row["type"], "subject": row["subject"]} for row in rows]

    @get("/{pet_id:int}/history")
    async def pet_history(self, principal: CurrentPrincipal, pet_id: FromPath[int]) -> list[dict[str, Any]]:
        await get_record(principal, KIND_KEY, pet_id)
        return [{"action": entry["action"], "changes": entry["changes"]} for entry in await audit_history(KIND_KEY, pet_id)]
