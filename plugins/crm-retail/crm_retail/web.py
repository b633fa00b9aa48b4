"""The pages under ``/retail/``: orders, an order, the RFM segments and their contacts, the
redeem form; and the panel on contact pages."""

from __future__ import annotations

from typing import Any

from crm_hookspecs import Panel, Principal
from crm_platform.toolkit import (
    CurrentPrincipal,
    Invalid,
    delete_record,
    get_record,
    get_records,
    has_permission,
    offer_undo,
    render_page,
    require_permission,
)
from litestar import Request, Response, get, post
from litestar.params import FromPath
from litestar.response import Redirect

from crm_retail import lines, loyalty, order_forms, orders, rfm, value

PANEL_LIMIT = 10


def _contact_href(contact_id: int) -> str:
    return f"/contacts/{contact_id}"


@get("/", name="retail-orders", include_in_schema=False)
async def orders_page(request: Request, principal: CurrentPrincipal) -> Response:
    """The orders you may see, newest first, filtered by status."""
    status = request.query_params.get("status") or None
    errors: dict[str, str] = {}
    try:
        rows, next_cursor = await orders.list_orders(principal, status=status, cursor=request.query_params.get("cursor"))
    except Invalid as error:
        rows, next_cursor, errors = [], None, error.errors
    return render_page(
        request, "retail/orders.html", orders=rows, names=await orders.contact_names(principal, rows),
        next_cursor=next_cursor, status=status or "", statuses=orders.STATUSES, errors=errors,
        can_export=await has_permission(principal, orders.EXPORT.key),
        can_create=await has_permission(principal, orders.CREATE.key),
    )


@get("/orders/{order_id:int}", name="retail-order", include_in_schema=False)
async def order_page(request: Request, principal: CurrentPrincipal, order_id: FromPath[int]) -> Response:
    """One order with its line items: 404 when it does not exist, 403 when it is hidden."""
    order = await get_record(principal, orders.KIND_KEY, order_id)
    contact = None
    if order["contact"] is not None:
        contact = (await get_records(principal, "contact", [order["contact"]])).get(order["contact"])
    return render_page(request, "retail/order.html", order=order, items=lines.load(order["lines"]), contact=contact)


@post("/orders/{order_id:int}/delete", name="retail-order-delete", include_in_schema=False)
async def delete_order_page(request: Request, principal: CurrentPrincipal, order_id: FromPath[int]) -> Response:
    order = await get_record(principal, orders.KIND_KEY, order_id, "delete")
    offer_undo(request, await delete_record(principal, orders.KIND_KEY, order_id), f"Deleted order {order['number']}.")
    return Redirect("/retail/", status_code=303)


@post("/contacts/{contact_id:int}/redeem", name="retail-redeem", include_in_schema=False)
async def redeem_page(request: Request, principal: CurrentPrincipal, contact_id: FromPath[int]) -> Response:
    """The redeem form of the contact page; a wrong amount shows the form again, saying why."""
    form = await request.form()
    raw = str(form.get("points") or "").strip()
    try:
        points: Any = int(raw)
    except ValueError:
        points = raw
    try:
        await loyalty.redeem(principal, contact_id, points, str(form.get("reason") or ""))
    except Invalid as error:
        contact = await get_record(principal, "contact", contact_id)
        return render_page(request, "retail/redeem.html", status_code=422, contact=contact, errors=error.errors,
                           points=raw, reason=form.get("reason") or "",
                           standing=await loyalty.standing(contact_id))
    return Redirect(_contact_href(contact_id), status_code=303)


@get("/segments", name="retail-segments", include_in_schema=False)
async def segments_page(request: Request, principal: CurrentPrincipal) -> Response:
    return render_page(request, "retail/segments.html", segments=await rfm.segment_counts(principal),
                       can_run=await has_permission(principal, rfm.RUN.key))


@get("/segments/{segment:str}", name="retail-segment", include_in_schema=False)
async def segment_page(request: Request, principal: CurrentPrincipal, segment: FromPath[str]) -> Response:
    """The contacts you may see in one segment, filterable by their R, F and M scores."""
    query = request.query_params
    scores = {name: int(query[name]) for name in ("r", "f", "m") if query.get(name, "").isdecimal()}
    rows, next_cursor = await rfm.members(principal, segment, **scores, cursor=query.get("cursor") or None)
    label, meaning = rfm.SEGMENTS.get(segment, ("All scored customers", "every customer with an order that counts"))
    return render_page(request, "retail/segment.html", segment=segment, label=label, meaning=meaning,
                       members=rows, next_cursor=next_cursor, scores=scores)


@post("/rfm/run", name="retail-rfm-run", include_in_schema=False)
async def run_rfm_page(request: Request, principal: CurrentPrincipal) -> Response:
    await require_permission(principal, rfm.RUN.key)
    await rfm.compute()
    return Redirect("/retail/segments", status_code=303)


async def contact_panel(contact_id: int, principal: Principal) -> Panel:
    """Orders, points, tier, value and segment of a contact, in four queries and a few
    settings whatever the number of orders."""
    found, _ = await orders.list_orders(principal, contact_id=contact_id, limit=PANEL_LIMIT)
    context = {
        "contact_id": contact_id, "orders": found, "standing": await loyalty.standing(contact_id),
        "history": await loyalty.history(contact_id, PANEL_LIMIT), "value": await value.of_contact(principal, contact_id),
        "can_redeem": await has_permission(principal, f"{loyalty.SLUG}.redeem"),
        "can_create": await has_permission(principal, orders.CREATE.key),
    }
    return Panel(key="retail", title="Orders and loyalty", template="retail/panel.html", context=context)


HANDLERS = [orders_page, order_page, delete_order_page, redeem_page, segments_page, segment_page, run_rfm_page,
            *order_forms.HANDLERS]
