"""Orders: a record kind the core writes through its one pipeline (checks, audit, tags, custom
fields, search, trash and restore, events), and the list query the plugin writes itself.
SQL here names only the plugin's own tables."""

from __future__ import annotations

import datetime as dt
from typing import Any

from crm_hookspecs import Event, Permission, Principal, RecordKind, RecordWrite
from crm_platform.toolkit import (
    Invalid,
    Sort,
    check_limit,
    contact_ids_by_email,
    fetch,
    get_records,
    keyset_page,
    now,
    visibility_sql,
)

from crm_retail import lines, loyalty
from crm_retail.currencies import CURRENCIES
from crm_retail.tables import NUMBER_LENGTH, Order

SLUG = "retail"
KIND_KEY = "retail.order"
STATUSES = ("pending", "paid", "fulfilled", "refunded", "cancelled")
# Orders that count: for points, lifetime value and RFM.
COUNTED = ("paid", "fulfilled")
AUDITED = ("number", "contact", "owner", "ordered_at", "status", "currency", "total", "lines", "customer_email",
           "tags", "custom")
CREATE = Permission(f"{SLUG}.create", "Add and import orders", roles=("admin", "manager", "member"))
EXPORT = Permission(f"{SLUG}.export", "Export orders as CSV", roles=("admin", "manager"))
SORTS = ("ordered_at", "number")
LIST_COLUMNS = "id, number, contact, owner, ordered_at, status, currency, total, customer_email"


async def clean(principal: Principal, values: dict[str, Any], existing: dict[str, Any] | None) -> dict[str, Any]:
    """The order's own fields; the core checks the owner, tags and custom fields and reports
    their errors with these. The total is the sum of the line items."""
    errors: dict[str, str] = {}
    number = str(values.get("number") or "").strip()
    if not number:
        errors["number"] = "is required: the shop's order number"
    elif len(number) > NUMBER_LENGTH:
        errors["number"] = f"must be at most {NUMBER_LENGTH} characters"
    elif existing is None or number != existing["number"]:
        taken = await fetch("SELECT id FROM retail_order WHERE number = {}", number)
        if taken:
            errors["number"] = f"order {number} already exists"
    status = values.get("status") or "paid"
    if status not in STATUSES:
        errors["status"] = f"must be one of {', '.join(STATUSES)}, not {status!r}"
    currency = str(values.get("currency") or "").strip().upper()
    if currency not in CURRENCIES:
        errors["currency"] = f"{values.get('currency')!r} is not a currency; give an ISO 4217 code such as EUR"
    ordered_at = values.get("ordered_at") or now()
    if isinstance(ordered_at, str):
        try:
            ordered_at = dt.datetime.fromisoformat(ordered_at)
        except ValueError:
            errors["ordered_at"] = f"{ordered_at!r} is not a date and time; write it 2024-03-31T14:30:00Z"
    if isinstance(ordered_at, dt.datetime) and ordered_at.tzinfo is None:
        ordered_at = ordered_at.replace(tzinfo=dt.UTC)
    email = str(values.get("customer_email") or "").strip().lower() or None
    contact = await _contact(principal, values.get("contact"), email, existing, errors)
    items = lines.clean(values.get("lines"), currency, errors)
    if errors:
        raise Invalid(errors)
    return {**values, "number": number, "status": status, "currency": currency, "ordered_at": ordered_at,
            "customer_email": email, "contact": contact, "lines": lines.dump(items), "total": lines.total(items)}


async def _contact(
    principal: Principal, contact: Any, email: str | None, existing: dict[str, Any] | None, errors: dict[str, str]
) -> int | None:
    """The customer: a contact id, or else the contact whose email the order names (as an
    export from a shop does). Checked only when it changes, so an order stays editable by
    someone who cannot see its contact."""
    if contact is None and email:
        found = await contact_ids_by_email(principal, [email])
        if email not in found:
            errors["customer_email"] = f"no contact you may see has the email {email}; add or import the customer first"
            return None
        return found[email]
    if contact is None:
        errors["contact_id"] = "is required: the contact who placed the order (or customer_email)"
        return None
    if existing is not None and contact == existing.get("contact"):
        return contact
    if not await get_records(principal, "contact", [contact]):
        errors["contact_id"] = f"contact {contact} does not exist or you may not see it"
    return contact


async def after_write(write: RecordWrite) -> list[Event]:
    """The order's points follow it: earned when it counts, taken back when it no longer does.
    A deleted order's points go to the trash with it (their key cascades) and come back with it."""
    if write.action not in ("create", "update"):
        return []
    before = write.existing or {}
    moved = any(write.values.get(name) != before.get(name) for name in ("total", "status", "contact"))
    if write.action == "create" or moved:
        await loyalty.award_order(write.principal, write.record_id, write.values, first=write.action == "create")
    return []


KIND = RecordKind(
    key=KIND_KEY, label="Order", plural="Orders", table=Order, title_column="number", url="/retail/orders/{id}",
    owner_column="owner", audited=AUDITED, subtitle_column="status", search_columns=("customer_email",),
    clean=clean, after_write=after_write, custom_fields=True, tags=True,
)


async def list_orders(
    principal: Principal,
    *,
    contact_id: int | None = None,
    status: str | None = None,
    currency: str | None = None,
    since: dt.datetime | None = None,
    until: dt.datetime | None = None,
    sort: str = "-ordered_at",
    limit: int = 50,
    cursor: str | None = None,
) -> tuple[list[dict[str, Any]], str | None]:
    """One page of the orders ``principal`` may see, newest first by default, and the next
    page's cursor. Every filter narrows the list; an unknown status or sort is a 422."""
    order = Sort.parse(sort, SORTS)
    limit = check_limit(limit)
    conditions, args = await visibility_sql(principal, KIND_KEY)
    filters: list[tuple[str, Any]] = []
    if contact_id is not None:
        filters.append(("contact = {}", contact_id))
    if status is not None:
        if status not in STATUSES:
            raise Invalid({"status": f"must be one of {', '.join(STATUSES)}"})
        filters.append(("status = {}", status))
    if currency is not None:
        filters.append(("currency = {}", currency.upper()))
    if since is not None:
        filters.append(("ordered_at >= {}", since))
    if until is not None:
        filters.append(("ordered_at < {}", until))
    for condition, value in filters:
        conditions.append(condition)
        args.append(value)
    select = f"SELECT {LIST_COLUMNS} FROM retail_order"
    return await keyset_page(select, conditions, args, order, cursor=cursor, limit=limit)


async def contact_names(principal: Principal, rows: list[dict[str, Any]]) -> dict[int, str]:
    """The names of the orders' contacts that ``principal`` may see, in one query."""
    found = await get_records(principal, "contact", [row["contact"] for row in rows if row["contact"]])
    return {contact_id: contact["display_name"] for contact_id, contact in found.items()}


async def all_orders(principal: Principal, **filters: Any) -> list[dict[str, Any]]:
    """Every order the list would show, page by page (for the CSV export)."""
    found: list[dict[str, Any]] = []
    cursor = None
    while True:
        rows, cursor = await list_orders(principal, **filters, limit=200, cursor=cursor)
        found += rows
        if cursor is None:
            return found
