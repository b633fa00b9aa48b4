"""Properties: a record kind the core writes through its one pipeline (checks, audit log, tags,
custom fields, search index, trash and restore, hand-over), and the list query the plugin writes
itself. SQL names only the plugin's own tables."""

from __future__ import annotations

from typing import Any

from crm_hookspecs import Permission, Principal, RecordKind
from crm_platform.toolkit import (
    Invalid,
    Sort,
    check_limit,
    get_records,
    get_users,
    keyset_page,
    visibility_sql,
)

from crm_realestate import values
from crm_realestate.tables import ADDRESS_LENGTH, AREA_LENGTH, Property

SLUG = "realestate"
KIND_KEY = "realestate.property"
TYPES = ("house", "apartment", "land", "commercial")
STATUSES = ("for_sale", "for_rent", "under_offer", "sold", "let")
STATUS_LABELS = {"for_sale": "For sale", "for_rent": "For rent", "under_offer": "Under offer", "sold": "Sold",
                 "let": "Let"}
EXPORT = Permission(f"{SLUG}.export", "Export properties as CSV", roles=("admin", "manager", "member"))
AUDITED = ("address", "area", "type", "bedrooms", "bathrooms", "area_m2", "price", "currency", "status", "agent",
           "owner_contact_id", "photos", "description", "tags", "custom")
LIST_COLUMNS = ("id, address, area, type, bedrooms, bathrooms, area_m2, price, currency, status, agent, "
                "owner_contact_id, created_at")
SORTS = ("price", "created_at", "address")


def _text(values_: dict[str, Any], field: str, length: int, errors: dict[str, str], *, required: bool) -> str:
    text = " ".join(str(values_.get(field) or "").split())
    if required and not text:
        errors[field] = "is required"
    elif len(text) > length:
        errors[field] = f"must be at most {length} characters"
    return text


async def clean(principal: Principal, given: dict[str, Any], existing: dict[str, Any] | None) -> dict[str, Any]:
    """The property's own fields; the core checks the agent (the owner column), tags and custom
    fields and reports their errors together with these."""
    merged = {**(existing or {}), **given}
    errors: dict[str, str] = {}
    cleaned = dict(given)
    cleaned["address"] = _text(merged, "address", ADDRESS_LENGTH, errors, required=True)
    cleaned["area"] = _text(merged, "area", AREA_LENGTH, errors, required=False)
    cleaned["area_key"] = values.fold(cleaned["area"])
    cleaned["type"] = values.choice(merged.get("type", "house"), "type", TYPES, errors)
    cleaned["status"] = values.choice(merged.get("status", "for_sale"), "status", STATUSES, errors)
    cleaned["bedrooms"] = values.count(merged.get("bedrooms"), "bedrooms", errors, most=500)
    cleaned["bathrooms"] = values.count(merged.get("bathrooms"), "bathrooms", errors, most=500)
    cleaned["area_m2"] = values.amount(merged.get("area_m2"), "area_m2", errors)
    cleaned["price"] = values.amount(merged.get("price"), "price", errors)
    cleaned["currency"] = values.currency(merged.get("currency", "EUR"), "currency", errors)
    cleaned["photos"] = values.links(merged.get("photos", []), "photos", errors)
    cleaned["description"] = str(merged.get("description") or "")[:20000]
    contact_id = merged.get("owner_contact_id")
    # Checked only when it changes, so a listing stays editable by someone who cannot see its owner.
    if contact_id is not None and (existing is None or contact_id != existing.get("owner_contact_id")):
        if not await get_records(principal, "contact", [contact_id]):
            errors["owner_contact_id"] = f"contact {contact_id} does not exist or is not visible to you"
    if errors:
        raise Invalid(errors)
    return cleaned


KIND = RecordKind(
    key=KIND_KEY, label="Property", plural="Properties", table=Property, title_column="address",
    url="/realestate/properties/{id}", owner_column="agent", audited=AUDITED, subtitle_column="area",
    search_columns=("area", "type"), clean=clean, tags=True, custom_fields=True,
    # A hand-over moves the listings still on the market; sold and let ones stay with their agent.
    open_condition="status IN ('for_sale', 'for_rent', 'under_offer')",
)


class Filters:
    """What a list of properties is narrowed to; every value is optional."""

    def __init__(self, *, status: str | None = None, type: str | None = None, area: str | None = None,
                 min_price: Any = None, max_price: Any = None, min_bedrooms: Any = None,
                 agent_id: int | None = None, owner_contact_id: int | None = None) -> None:
        errors: dict[str, str] = {}
        self.status = values.choice(status, "status", STATUSES, errors) if status else None
        self.type = values.choice(type, "type", TYPES, errors) if type else None
        self.area_key = values.fold(area) if area else None
        self.min_price = values.amount(min_price, "min_price", errors)
        self.max_price = values.amount(max_price, "max_price", errors)
        self.min_bedrooms = values.count(min_bedrooms, "min_bedrooms", errors)
        self.agent_id = agent_id
        self.owner_contact_id = owner_contact_id
        if errors:
            raise Invalid(errors)

    def sql(self) -> tuple[list[str], list[Any]]:
        conditions: list[str] = []
        args: list[Any] = []
        for column, value, operator in (
            ("status", self.status, "="), ("type", self.type, "="), ("area_key", self.area_key, "="),
            ("price", self.min_price, ">="), ("price", self.max_price, "<="),
            ("bedrooms", self.min_bedrooms, ">="), ("agent", self.agent_id, "="),
            ("owner_contact_id", self.owner_contact_id, "="),
        ):
            if value is not None:
                conditions.append(f"{column} {operator} {{}}")
                args.append(value)
        return conditions, args


async def list_properties(
    principal: Principal, filters: Filters | None = None, *, sort: str = "-created_at", limit: int = 50,
    cursor: str | None = None,
) -> tuple[list[dict[str, Any]], str | None]:
    """One page of the properties ``principal`` may see, in ``sort`` order, and the next page's cursor."""
    order = Sort.parse(sort, SORTS)
    limit = check_limit(limit)
    conditions, args = await visibility_sql(principal, KIND_KEY)
    more, more_args = (filters or Filters()).sql()
    conditions += more
    args += more_args
    select = f"SELECT {LIST_COLUMNS} FROM realestate_property"
    return await keyset_page(select, conditions, args, order, cursor=cursor, limit=limit)


async def names(principal: Principal, rows: list[dict[str, Any]]) -> dict[str, dict[int, str]]:
    """The names a list of properties shows, in two queries whatever the number: the agents
    (colleagues, whom everyone may see) and the owners the user may see."""
    agent_ids = sorted({row["agent"] for row in rows if row.get("agent") is not None})
    contact_ids = sorted({row["owner_contact_id"] for row in rows if row.get("owner_contact_id") is not None})
    users = await get_users(agent_ids) if agent_ids else {}
    contacts = await get_records(principal, "contact", contact_ids) if contact_ids else {}
    return {"agents": {key: user["display_name"] for key, user in users.items()},
            "contacts": {key: contact["display_name"] for key, contact in contacts.items()}}
