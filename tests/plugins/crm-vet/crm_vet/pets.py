"""Pets: a record kind of the plugin's own, written and read through the core's pipeline."""

from __future__ import annotations

import datetime as dt
from typing import Any

from crm_hookspecs import Event, Principal, RecordKind, RecordWrite

from crm_platform.toolkit import (
    Invalid,
    Sort,
    check_limit,
    encode_cursor,
    fetch,
    get_records,
    keyset_condition,
    order_by,
    visibility_sql,
)
from crm_vet.events import PetRegistered
from crm_vet.tables import Pet

KIND_KEY = "vet.pet"
SPECIES = ("dog", "cat", "rabbit", "bird", "horse", "other")
AUDITED = ("name", "species", "born_on", "keeper", "owner", "sensitive", "vaccinated_on", "tags", "custom")


async def clean_pet(principal: Principal, values: dict[str, Any], existing: dict[str, Any] | None) -> dict[str, Any]:
    """The pet's own fields; the core checks the owner, tags and custom fields."""
    errors: dict[str, str] = {}
    values["name"] = " ".join(str(values.get("name") or "").split())
    if not values["name"]:
        errors["name"] = "is required"
    if values.get("species") not in SPECIES:
        errors["species"] = f"must be one of {', '.join(SPECIES)}"
    born_on = values.get("born_on")
    if born_on is not None and born_on > dt.date.today():
        errors["born_on"] = "must not be in the future"
    keeper = values.get("keeper")
    changed = existing is None or keeper != existing.get("keeper")
    if keeper is not None and changed and not await get_records(principal, "contact", [keeper]):
        errors["keeper_id"] = f"contact {keeper} does not exist"
    if errors:
        raise Invalid(errors)
    return values


def after_write(write: RecordWrite) -> list[Event]:
    if write.action == "create":
        return [PetRegistered(actor_id=write.principal.id, pet_id=write.record_id, keeper_id=write.values["keeper"])]
    return []


KIND = RecordKind(
    key=KIND_KEY, label="Pet", plural="Pets", table=Pet, title_column="name", url="/vet/pets/{id}",
    audited=AUDITED, subtitle_column="species", search_columns=("species",), clean=clean_pet,
    after_write=after_write, custom_fields=True, tags=True,
)


async def list_pets(
    principal: Principal, *, keeper_id: int | None = None, limit: int = 50, cursor: str | None = None
) -> tuple[list[dict[str, Any]], str | None]:
    """One page of the pets ``principal`` may see, by name."""
    order = Sort("name", descending=False)
    limit = check_limit(limit)
    conditions, args = await visibility_sql(principal, KIND_KEY)
    if keeper_id is not None:
        conditions.append("keeper = {}")
        args.append(keeper_id)
    after, after_args = keyset_condition(order, cursor)
    if after:
        conditions.append(after)
        args += after_args
    where = f"WHERE {' AND '.join(conditions)}" if conditions else ""
    rows = await fetch(f"SELECT id, name, species, keeper, owner FROM vet_pet {where} ORDER BY {order_by(order)} "
                       f"LIMIT {limit + 1}", *args)
    if len(rows) <= limit:
        return rows, None
    rows = rows[:limit]
    return rows, encode_cursor(rows[-1]["name"], rows[-1]["id"])
