"""The order form: a new order (from the order list, or from a contact's panel with the
customer chosen) and the edit form of an order. It writes through the record kind as the
API does, so the checks, points, audit and events are the same; a wrong value shows the form
again with every error beside its field and line."""

from __future__ import annotations

import datetime as dt
from typing import Any

from crm_hookspecs import Principal
from crm_platform.toolkit import (
    CurrentPrincipal,
    Invalid,
    create_record,
    get_record,
    get_records,
    parse_amount,
    regional_preferences,
    render_page,
    require_permission,
    update_record,
    user_zone,
)
from litestar import Request, Response, get, post
from litestar.params import FromPath
from litestar.response import Redirect

from crm_retail import lines, orders

# Blank line rows under the filled ones, for adding items without script.
BLANK_LINES = 3
LINE_FIELDS = ("product", "quantity", "unit_price")


def _picked(raw: Any) -> int | None:
    text = str(raw or "").strip().removeprefix("contact:")
    return int(text) if text.isdecimal() else None


def _ordered_at(raw: str, request: Request) -> dt.datetime | str | None:
    """A ``datetime-local`` value in the user's zone; blank is now; anything else goes to the
    record kind as given, which names it."""
    if not raw:
        return None
    try:
        moment = dt.datetime.fromisoformat(raw)
    except ValueError:
        return raw
    return moment.replace(tzinfo=user_zone(request)) if moment.tzinfo is None else moment


def _price(text: str) -> str:
    """A unit price as the user typed it, in their number format ("1.234,50" or "1,234.50");
    anything else goes to the record kind as given, which names it."""
    try:
        return str(parse_amount(text, regional_preferences())) if text else text
    except ValueError:
        return text


def _line_items(form: Any) -> list[dict[str, str]]:
    """The filled line rows in their order (a row with nothing in it is no line)."""
    items = []
    for index in range(lines.MAX_LINES + BLANK_LINES):
        row = {name: str(form.get(f"lines-{index}-{name}") or "").strip() for name in LINE_FIELDS}
        if any(row.values()):
            items.append(row | {"unit_price": _price(row["unit_price"])})
    return items


def _form_values(form: Any, request: Request) -> dict[str, Any]:
    return {
        "number": str(form.get("number") or "").strip(),
        "contact": _picked(form.get("contact_pick")),
        "status": str(form.get("status") or "paid"),
        "currency": str(form.get("currency") or "").strip(),
        "ordered_at": _ordered_at(str(form.get("ordered_at") or "").strip(), request),
        "lines": _line_items(form),
    }


async def _form(
    request: Request, principal: Principal, values: dict[str, Any], order: dict[str, Any] | None,
    errors: dict[str, str] | None = None,
) -> Response:
    contact_id = values.get("contact")
    customer = (await get_records(principal, "contact", [contact_id])).get(contact_id) if contact_id else None
    items = list(values.get("lines") or [])
    return render_page(
        request, "retail/order_form.html", status_code=422 if errors else 200, order=order, values=values,
        customer=customer, items=items + [{}] * BLANK_LINES, statuses=orders.STATUSES, errors=errors or {},
    )


@get("/orders/new", name="retail-order-new", include_in_schema=False)
async def new_order_page(request: Request, principal: CurrentPrincipal) -> Response:
    """A blank order; ``?contact_id=`` chooses the customer (the contact panel's link)."""
    await require_permission(principal, orders.CREATE.key)
    values = {"status": "paid", "currency": "EUR", "contact": _picked(request.query_params.get("contact_id")),
              "lines": []}
    return await _form(request, principal, values, None)


@post("/orders", name="retail-order-create", include_in_schema=False)
async def create_order_page(request: Request, principal: CurrentPrincipal) -> Response:
    await require_permission(principal, orders.CREATE.key)
    values = _form_values(await request.form(), request)
    try:
        order_id = await create_record(principal, orders.KIND_KEY, values)
    except Invalid as error:
        return await _form(request, principal, values, None, error.errors)
    return Redirect(f"/retail/orders/{order_id}", status_code=303)


@get("/orders/{order_id:int}/edit", name="retail-order-edit", include_in_schema=False)
async def edit_order_page(request: Request, principal: CurrentPrincipal, order_id: FromPath[int]) -> Response:
    order = await get_record(principal, orders.KIND_KEY, order_id, "write")
    values = dict(order) | {"lines": lines.load(order["lines"])}
    return await _form(request, principal, values, order)


@post("/orders/{order_id:int}", name="retail-order-update", include_in_schema=False)
async def update_order_page(request: Request, principal: CurrentPrincipal, order_id: FromPath[int]) -> Response:
    """New line items replace the old ones, as in the API; the total and points follow."""
    order = await get_record(principal, orders.KIND_KEY, order_id, "write")
    values = _form_values(await request.form(), request)
    try:
        await update_record(principal, orders.KIND_KEY, order_id, values)
    except Invalid as error:
        return await _form(request, principal, values, order, error.errors)
    return Redirect(f"/retail/orders/{order_id}", status_code=303)


HANDLERS = [new_order_page, create_order_page, edit_order_page, update_order_page]
