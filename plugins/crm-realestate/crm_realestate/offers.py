"""Offers on a property: a record kind of their own, so each is audited, searchable by its
property's page, trashed and restored like any record. Who may see an offer follows its owner,
the agent who recorded it."""

from __future__ import annotations

from typing import Any

from crm_hookspecs import Principal, RecordKind
from crm_platform.toolkit import Invalid, fetch, get_records, visibility_sql

from crm_realestate import values
from crm_realestate.properties import KIND_KEY as PROPERTY_KIND
from crm_realestate.tables import Offer

KIND_KEY = "realestate.offer"
STATUSES = ("made", "countered", "accepted", "rejected", "withdrawn")
AUDITED = ("property_id", "buyer_contact_id", "amount", "currency", "conditions", "status", "owner", "custom")
PER_PROPERTY = 100


async def clean(principal: Principal, given: dict[str, Any], existing: dict[str, Any] | None) -> dict[str, Any]:
    merged = {**(existing or {}), **given}
    errors: dict[str, str] = {}
    cleaned = dict(given)
    cleaned["amount"] = values.amount(merged.get("amount"), "amount", errors, required=True)
    cleaned["currency"] = values.currency(merged.get("currency", "EUR"), "currency", errors)
    cleaned["status"] = values.choice(merged.get("status", "made"), "status", STATUSES, errors)
    conditions = str(merged.get("conditions") or "")
    if len(conditions) > 5000:
        errors["conditions"] = "must be at most 5000 characters"
    cleaned["conditions"] = conditions
    property_id = merged.get("property_id")
    if existing is not None and property_id != existing.get("property_id"):
        errors["property_id"] = "an offer stays on the property it was made on"
    elif existing is None and (property_id is None or not await get_records(principal, PROPERTY_KIND, [property_id])):
        errors["property_id"] = f"property {property_id} does not exist or is not visible to you"
    buyer = merged.get("buyer_contact_id")
    if buyer is not None and (existing is None or buyer != existing.get("buyer_contact_id")):
        if not await get_records(principal, "contact", [buyer]):
            errors["buyer_contact_id"] = f"contact {buyer} does not exist or is not visible to you"
    if errors:
        raise Invalid(errors)
    return cleaned


KIND = RecordKind(
    key=KIND_KEY, label="Offer", plural="Offers", table=Offer, title_column="status",
    url="/realestate/offers/{id}", audited=AUDITED, clean=clean, custom_fields=True, searched=False,
    open_condition="status IN ('made', 'countered')",
)


async def for_property(principal: Principal, property_id: int) -> list[dict[str, Any]]:
    """The offers on one property that the user may see, newest first."""
    conditions, args = await visibility_sql(principal, KIND_KEY)
    conditions.append("property_id = {}")
    args.append(property_id)
    return await fetch(
        "SELECT id, property_id, buyer_contact_id, amount, currency, conditions, status, owner, created_at "
        f"FROM realestate_offer WHERE {' AND '.join(conditions)} ORDER BY id DESC LIMIT {PER_PROPERTY}", *args
    )
